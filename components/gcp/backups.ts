/**
 * The cross-region half of the GCP backup layer: each region's agent identity
 * over every backup bucket of the environment, built once all buckets exist.
 * (The second copy of each bucket is its own dual-region placement; nothing
 * else crosses regions.)
 */
import type { BackupIdentity } from "../cluster";
import type { EnvironmentPlan } from "../plan";
import { GcpAgentIdentity } from "./agent-identity";
import type { GcpRegion } from "./gcp-region";

/** Builds the agent identities; returns each region's identity by region key. */
export function wireGcpBackups(plan: EnvironmentPlan, regions: ReadonlyMap<string, GcpRegion>): Map<string, BackupIdentity> {
  const buckets = plan.regions.flatMap((r) => {
    const region = regions.get(r.key);
    return region ? [region.backupBucket] : [];
  });
  const identities = new Map<string, BackupIdentity>();
  for (const regionPlan of plan.regions) {
    const region = regions.get(regionPlan.key);
    if (!region) continue;
    const identity = new GcpAgentIdentity(
      `${regionPlan.name}-agent`,
      { plan, region: regionPlan, buckets, cluster: region.gke.cluster },
      { parent: region, provider: region.provider },
    );
    identities.set(regionPlan.key, {
      annotations: identity.annotations,
      dependsOn: [identity.workloadIdentity, ...Object.values(identity.bucketAccess)],
    });
  }
  return identities;
}
