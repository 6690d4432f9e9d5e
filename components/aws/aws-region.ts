/**
 * Everything one AWS region contributes: its explicit provider, and (as the
 * AWS issue lands) network, EKS cluster, node groups and Kubernetes provider.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";

export interface AwsRegionArgs {
  /** The environment plan (for environment-wide settings). */
  readonly plan: EnvironmentPlan;
  /** This region's plan; its `cloud` must be `aws`. */
  readonly region: RegionPlan;
}

export class AwsRegion extends pulumi.ComponentResource {
  readonly cloud = "aws" as const;
  /** The region's explicit AWS provider; every AWS resource of the region uses it. */
  readonly provider: aws.Provider;
  /** The region's Kubernetes cluster, once the cloud layer builds one. */
  readonly cluster?: ClusterHandle;
  /** Stack outputs of this region (plain values and Outputs). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: AwsRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:Region", name, {}, opts);
    const { plan, region } = args;
    if (region.network.cloud !== "aws") throw new Error(`AwsRegion ${name} got a ${region.network.cloud} region plan`);
    this.provider = new aws.Provider(
      `${name}-aws`,
      { region: region.region as aws.Region, defaultTags: { tags: commonTags(plan, region) } },
      { parent: this },
    );
    this.outputs = { cloud: "aws", region: region.region, datacenter: region.datacenter };
    this.registerOutputs({ outputs: this.outputs });
  }
}
