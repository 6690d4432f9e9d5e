/** Labels and tags every cloud resource carries, so cost and ownership reports can group by them. */
import type { EnvironmentPlan, RegionPlan } from "./plan";

export function commonTags(plan: EnvironmentPlan, region: RegionPlan): Record<string, string> {
  return {
    "managed-by": "pulumi",
    project: "scylla-ha-stack",
    environment: plan.environment,
    "region-key": region.key,
    "scylla-datacenter": region.datacenter,
  };
}

/**
 * Options for resources whose loss loses data (buckets, KMS keys, ScyllaClusters,
 * Scylla node pools with their local NVMe): in production Pulumi refuses to
 * delete or replace them (`protect`) and, if they leave the program, forgets
 * them instead of destroying them (`retainOnDelete`).
 */
export function statefulOptions(plan: { readonly protectState: boolean }): { protect?: boolean; retainOnDelete?: boolean } {
  return plan.protectState ? { protect: true, retainOnDelete: true } : {};
}
