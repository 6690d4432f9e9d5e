/** Arguments every per-region Kubernetes component takes. */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { EnvironmentPlan, RegionPlan } from "../plan";

export interface ScyllaComponentArgs {
  /** The environment plan (environment-wide settings: versions, Manager region, backups, monitoring). */
  readonly plan: EnvironmentPlan;
  /** This region's plan. */
  readonly region: RegionPlan;
  /** The region's cluster: its provider, and the node pools and add-ons to wait for. */
  readonly cluster: ClusterHandle;
  /**
   * Resources this component must wait for, besides `cluster.dependsOn`.
   * @default []
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** Child options: parented to the component, on the region's provider, after what the component waits for. */
export function childOptions(
  parent: pulumi.Resource,
  args: ScyllaComponentArgs,
  extra: readonly pulumi.Resource[] = [],
): pulumi.CustomResourceOptions {
  return { parent, provider: args.cluster.provider, dependsOn: [...args.cluster.dependsOn, ...(args.dependsOn ?? []), ...extra] };
}
