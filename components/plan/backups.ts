/**
 * Where backups live, as plain data: bucket names, the region holding each
 * bucket's second copy, and the Manager locations and restore sources that
 * point at them. Shared by the planner, config validation and both clouds.
 */
import type { Cloud } from "./sizing";

/** Manager's name for each cloud's object store, as used in locations (`s3:<bucket>`). */
export const STORAGE_PROVIDER: Readonly<Record<Cloud, "s3" | "gcs">> = { aws: "s3", gcp: "gcs" };

/**
 * `<prefix>-<env>-<region>-backup`. S3 and GCS names are global across every
 * customer, so the name carries the environment and the cloud region (a DR
 * stack in another region never collides) and an organisation prefix.
 */
export function backupBucketName(prefix: string, environment: string, cloudRegion: string): string {
  return `${prefix}-${environment}-${cloudRegion}-backup`;
}

/** S3 and GCS both cap bucket names at 63 characters. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/**
 * The GCS multi-region a region belongs to; a configurable dual-region pairs
 * two regions of one multi-region only. `undefined` for regions outside the
 * three (no dual-region is possible there).
 */
export function gcsMultiRegion(region: string): "US" | "EU" | "ASIA" | undefined {
  if (region.startsWith("us-")) return "US";
  if (region.startsWith("europe-")) return "EU";
  if (region.startsWith("asia-")) return "ASIA";
  return undefined;
}

/** What the replica resolution needs of a region's config. */
export interface ReplicaCandidate {
  readonly cloud: Cloud;
  readonly region: string;
  readonly phase: string;
  readonly replicaRegion?: string | undefined;
}

/**
 * The region holding the second copy of `regions[index]`'s backups: its
 * explicit `replicaRegion`, else the next region in plan order (a ring) that
 * is not lost and, on GCP, shares its multi-region. `undefined` when there is
 * none (a single-region environment), which validation reports.
 */
export function replicaRegionOf(regions: readonly ReplicaCandidate[], index: number): string | undefined {
  const own = regions[index];
  if (!own) return undefined;
  if (own.replicaRegion !== undefined) return own.replicaRegion;
  for (let step = 1; step < regions.length; step++) {
    const next = regions[(index + step) % regions.length]!;
    if (next.phase === "lost" || next.cloud !== own.cloud) continue;
    if (own.cloud === "gcp" && gcsMultiRegion(next.region) !== gcsMultiRegion(own.region)) continue;
    return next.region;
  }
  return undefined;
}

/** A Manager location, `[<dc>:]<provider>:<bucket>`. */
export interface ParsedLocation {
  readonly datacenter?: string;
  readonly provider: string;
  readonly bucket: string;
}

const LOCATION = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?):)?(s3|gcs|azure):([a-z0-9][-a-z0-9.]{1,61}[a-z0-9])$/;

/** Parses a Manager location; `undefined` when it is not one. */
export function parseLocation(location: string): ParsedLocation | undefined {
  const m = LOCATION.exec(location);
  if (!m) return undefined;
  return { ...(m[1] ? { datacenter: m[1] } : {}), provider: m[3]!, bucket: m[4]! };
}
