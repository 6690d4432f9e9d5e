/**
 * Cross-field rules for backups and restore: where each bucket's second copy
 * lives, what the bucket names come to, storage classes and Object Lock per
 * cloud, and what a restore may name. Called by `validate.ts`, which owns the
 * issue format.
 */
import {
  MAX_BUCKET_NAME_LENGTH,
  STORAGE_PROVIDER,
  backupBucketName,
  gcsMultiRegion,
  parseLocation,
  replicaRegionOf,
} from "../components/plan/backups";
import type { EnvironmentConfig, RegionConfig } from "../components/plan/schema";
import type { ConfigIssue } from "./validate";

const REGION_NAME: Record<RegionConfig["cloud"], RegExp> = {
  aws: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
  gcp: /^[a-z]+-[a-z]+\d+$/,
};
const REGION_EXAMPLE: Record<RegionConfig["cloud"], string> = { aws: "us-west-2", gcp: "us-east1" };

/** Whether `name` is shaped like a region name of `cloud`. */
export function isRegionName(cloud: RegionConfig["cloud"], name: string): boolean {
  return REGION_NAME[cloud].test(name);
}

/** Colder classes a bucket may move objects to: Manager reads objects directly, so each must read back instantly. */
export const TRANSITION_CLASSES: Readonly<Record<RegionConfig["cloud"], readonly string[]>> = {
  aws: ["STANDARD_IA", "GLACIER_IR"],
  gcp: ["NEARLINE", "COLDLINE", "ARCHIVE"],
};

/** S3 refuses lifecycle transitions to STANDARD_IA for objects younger than this. */
const STANDARD_IA_MIN_DAYS = 30;

const LIVE_PHASES: ReadonlySet<string> = new Set(["datacenter", "replicated", "serving"]);
const datacenterOf = (r: RegionConfig) => r.datacenter ?? r.region;

export function backupIssues(config: EnvironmentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { backups, regions } = config;
  const env = config.environment.name;
  const cloud = regions[0]?.cloud;
  const bucketOf = (region: string) => backupBucketName(backups.bucketPrefix, env, region);
  const buckets = new Set<string>();

  regions.forEach((r, i) => {
    const path = `regions[${i}].replicaRegion`;
    buckets.add(bucketOf(r.region));
    const explicit = r.replicaRegion;
    if (explicit !== undefined) {
      const target = regions.find((o) => o.region === explicit);
      if (explicit === r.region) {
        issues.push({ path, message: "must differ from the region itself: a copy in the same region is lost with it", value: explicit });
        return;
      }
      if (!isRegionName(r.cloud, explicit)) {
        issues.push({
          path,
          message: `is not a ${r.cloud} region name like ${REGION_EXAMPLE[r.cloud]}; the copy stays in the region's own cloud (cross-cloud copies are not built)`,
          value: explicit,
        });
        return;
      }
      if (target?.phase === "lost") {
        issues.push({ path, message: `names ${explicit}, whose region ${target.key} is lost; pick a region that is up`, value: explicit });
        return;
      }
    }
    if (r.cloud === "gcp" && gcsMultiRegion(r.region) === undefined) {
      issues.push({ path: `regions[${i}].region`, message: "has no GCS dual-region partner: configurable dual-regions exist only within the US, EU and ASIA multi-regions", value: r.region });
      return;
    }
    const replica = replicaRegionOf(regions, i);
    // With every region lost, validate.ts reports that once; a missing copy target is its consequence.
    if (replica === undefined && regions.every((o) => o.phase === "lost")) return;
    if (replica === undefined) {
      issues.push({
        path,
        message: `is required: no other region of the environment can hold the second copy of ${r.key}'s backups; name another ${r.cloud} region, e.g. ${REGION_EXAMPLE[r.cloud]}`,
      });
    } else if (r.cloud === "gcp" && gcsMultiRegion(replica) !== gcsMultiRegion(r.region)) {
      issues.push({
        path,
        message: `must lie in the GCS multi-region of ${r.region} (${gcsMultiRegion(r.region)}): a dual-region bucket pairs two regions of one multi-region`,
        value: replica,
      });
    } else if (r.cloud === "aws") {
      buckets.add(bucketOf(replica));
    }
  });

  const long = [...buckets].filter((b) => b.length > MAX_BUCKET_NAME_LENGTH);
  for (const name of long) {
    issues.push({
      path: "backups.bucketPrefix",
      message: `makes bucket name ${name} ${name.length} characters long; S3 and GCS allow ${MAX_BUCKET_NAME_LENGTH}: shorten the prefix or the environment name`,
      value: backups.bucketPrefix,
    });
  }

  if (backups.objectLock && cloud === "gcp") {
    issues.push({
      path: "backups.objectLock",
      message: "is an S3 feature; GCS backup buckets are versioned and keep deleted objects in soft delete instead (docs/backups.md)",
      value: backups.objectLock,
    });
  }
  const transition = backups.transition;
  if (transition && cloud) {
    const allowed = TRANSITION_CLASSES[cloud];
    if (!allowed.includes(transition.storageClass)) {
      issues.push({
        path: "backups.transition.storageClass",
        message: `must be one of ${allowed.join(", ")} on ${cloud}: Manager reads backup objects directly, so only classes that read back instantly work`,
        value: transition.storageClass,
      });
    } else if (transition.storageClass === "STANDARD_IA" && transition.days < STANDARD_IA_MIN_DAYS) {
      issues.push({ path: "backups.transition.days", message: `must be at least ${STANDARD_IA_MIN_DAYS} for STANDARD_IA (an S3 rule)`, value: transition.days });
    }
  }

  regions.forEach((r, i) => {
    if (r.restore) issues.push(...restoreIssues(config, r, i, buckets));
  });
  return issues;
}

function restoreIssues(config: EnvironmentConfig, region: RegionConfig, i: number, buckets: ReadonlySet<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const restore = region.restore!;
  const at = (field: string) => `regions[${i}].${field}`;
  const datacenter = datacenterOf(region);

  if (region.phase !== "datacenter") {
    issues.push({
      path: at("phase"),
      message: "must be datacenter while restore is set: the restore runs in the update that brings the datacenter up empty; remove restore before advancing (docs/runbooks/restore.md)",
      value: region.phase,
    });
  }
  const location = parseLocation(restore.location);
  if (!location) {
    issues.push({ path: at("restore.location"), message: "is not a Manager location like s3:<bucket> or <dc>:s3:<bucket>", value: restore.location });
  } else {
    const provider = STORAGE_PROVIDER[region.cloud];
    if (location.provider !== provider) {
      issues.push({ path: at("restore.location"), message: `must use ${provider} on ${region.cloud}: the agents reach this cloud's buckets only`, value: restore.location });
    } else if (!buckets.has(location.bucket)) {
      issues.push({
        path: at("restore.location"),
        message: `names a bucket outside this environment; the agents' identity can read only ${[...buckets].join(", ")}`,
        value: restore.location,
      });
    }
  }

  const named = restore.sourceDatacenter;
  const fromLocation = location?.datacenter;
  if (named !== undefined && fromLocation !== undefined && named !== fromLocation) {
    issues.push({ path: at("restore.sourceDatacenter"), message: `disagrees with the datacenter in restore.location (${fromLocation})`, value: named });
  }
  const source = named ?? fromLocation;
  if (source === undefined) {
    issues.push({ path: at("restore.sourceDatacenter"), message: "is required: name the datacenter the snapshot was taken from (or prefix restore.location with it)" });
  } else if (source !== datacenter) {
    issues.push({
      path: at("datacenter"),
      message: `must be ${source}, the datacenter the snapshot comes from: keyspace replication in the restored schema names it (set datacenter: ${source})`,
      value: datacenter,
    });
  }

  // With no other live DC, Scylla Manager (which needs a region with a datacenter) is in this
  // region, which is where the restore Jobs run.
  const live = config.regions.filter((o) => o !== region && LIVE_PHASES.has(o.phase)).map(datacenterOf);
  if (live.length > 0) {
    issues.push({
      path: at("restore"),
      message: `rebuilds the cluster from a backup, but datacenter(s) ${live.join(", ")} are live: restoring the schema needs a cluster without the keyspaces; add this datacenter by streaming from them instead (docs/runbooks/dr-rollout.md)`,
    });
  }
  return issues;
}
