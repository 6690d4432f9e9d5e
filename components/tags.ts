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
