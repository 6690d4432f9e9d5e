/**
 * Everything one GCP region contributes: its explicit provider, and (as the
 * GCP issue lands) subnet, regional GKE cluster, node pools and Kubernetes provider.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";

export interface GcpRegionArgs {
  /** The environment plan (for environment-wide settings). */
  readonly plan: EnvironmentPlan;
  /** This region's plan; its `cloud` must be `gcp`. */
  readonly region: RegionPlan;
}

export class GcpRegion extends pulumi.ComponentResource {
  readonly cloud = "gcp" as const;
  /** The region's explicit GCP provider; every GCP resource of the region uses it. */
  readonly provider: gcp.Provider;
  /** The region's Kubernetes cluster, once the cloud layer builds one. */
  readonly cluster?: ClusterHandle;
  /** Stack outputs of this region (plain values and Outputs). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: GcpRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:Region", name, {}, opts);
    const { plan, region } = args;
    if (region.network.cloud !== "gcp") throw new Error(`GcpRegion ${name} got a ${region.network.cloud} region plan`);
    this.provider = new gcp.Provider(
      `${name}-gcp`,
      { project: region.network.project, region: region.region, defaultLabels: commonTags(plan, region) },
      { parent: this },
    );
    this.outputs = { cloud: "gcp", region: region.region, datacenter: region.datacenter };
    this.registerOutputs({ outputs: this.outputs });
  }
}
