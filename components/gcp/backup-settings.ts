/**
 * Fixed GCS settings of the backup layer, as plain data: the dual-region
 * placement of each bucket, the KMS location its key must live in, and the
 * roles the Manager agent gets. No Pulumi imports.
 */
import { gcsMultiRegion } from "../plan/backups";

/**
 * Where a backup bucket lives: a configurable dual-region of the region and
 * its replica region. GCS keeps a copy in each (asynchronously; turbo
 * replication bounds the lag at 15 minutes) and serves reads and writes from
 * either, so a region's loss changes neither the bucket name nor the Manager
 * location. Both regions must lie in one multi-region (validated in config).
 */
export function dualRegionPlacement(region: string, replicaRegion: string): { location: string; dataLocations: string[] } {
  const multiRegion = gcsMultiRegion(region);
  if (multiRegion === undefined || gcsMultiRegion(replicaRegion) !== multiRegion) {
    throw new Error(`${region} and ${replicaRegion} do not form a GCS dual-region (config was not validated)`);
  }
  return { location: multiRegion, dataLocations: [region.toUpperCase(), replicaRegion.toUpperCase()] };
}

/**
 * A CMEK key must share the bucket's location; for a dual-region that is the
 * KMS multi-region containing it (`us`, `eu`, `asia`). A key there is itself
 * replicated, so it does not die with either region of the bucket.
 */
export function backupKeyLocation(region: string): string {
  const multiRegion = gcsMultiRegion(region);
  if (multiRegion === undefined) throw new Error(`${region} is in no GCS multi-region (config was not validated)`);
  return multiRegion.toLowerCase();
}

/**
 * Object-level role of the agent on every backup bucket: read, list, write
 * and delete objects and multipart uploads; no bucket administration.
 */
export const AGENT_OBJECT_ROLE = "roles/storage.objectUser";

/** The KSA a Google service account trusts through Workload Identity. */
export function workloadIdentityMember(project: string, namespace: string, serviceAccount: string): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

/** The agent's Google service account id: 6–30 characters (cluster names are ≤ 23). */
export function agentServiceAccountId(clusterName: string): string {
  return `agent-${clusterName}`;
}

/** Days a deleted object stays recoverable in soft delete (GCS default, made explicit). */
export const SOFT_DELETE_SECONDS = 7 * 24 * 3600;

/** Days after which an unfinished multipart upload is aborted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
