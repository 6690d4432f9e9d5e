/**
 * Everything Kubernetes-side in one region, in dependency order:
 * operators → local NVMe storage → (Manager, in its region) → datacenter →
 * monitoring. Cloud-agnostic: it only needs the region's `ClusterHandle`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ScyllaComponentArgs } from "./args";
import { ScyllaDatacenter } from "./datacenter";
import { LocalStorage } from "./local-storage";
import { ScyllaManager } from "./manager";
import { ScyllaMonitoring } from "./monitoring";
import { PlatformOperators } from "./platform-operators";

export interface ScyllaRegionArgs extends ScyllaComponentArgs {
  /** Seed addresses of `region.seedDatacenters`, in that order. */
  readonly externalSeeds: readonly pulumi.Input<string>[];
  /**
   * Manager agent auth token shared by every DC.
   * @default - none: each DC's operator generates its own (single-DC environments only).
   */
  readonly agentAuthToken?: pulumi.Input<string>;
  /**
   * The ScyllaCluster that must be Available before this region's is created (`region.bootstrapAfter`'s).
   * @default - none: this DC starts as soon as its own platform is ready.
   */
  readonly bootstrapAfter?: pulumi.Resource;
}

export class ScyllaRegion extends pulumi.ComponentResource {
  readonly operators: PlatformOperators;
  readonly storage: LocalStorage;
  /** Present in the region that hosts Scylla Manager. */
  readonly manager?: ScyllaManager;
  readonly datacenter: ScyllaDatacenter;
  /** Present when monitoring is enabled and the region's DC holds replicas. */
  readonly monitoring?: ScyllaMonitoring;

  constructor(name: string, args: ScyllaRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:Region", name, {}, opts);
    const { plan, region, cluster } = args;
    const common = { plan, region, cluster };
    const child = { parent: this };

    this.operators = new PlatformOperators(name, common, child);
    this.storage = new LocalStorage(name, { ...common, operatorsReady: this.operators.ready }, child);
    const platform = [...this.operators.ready, this.storage];
    if (region.hostsManager) {
      this.manager = new ScyllaManager(name, { ...common, dependsOn: platform }, child);
    }
    this.datacenter = new ScyllaDatacenter(
      name,
      {
        ...common,
        dependsOn: [...platform, ...(this.manager ? [this.manager] : [])],
        externalSeeds: args.externalSeeds,
        ...(args.bootstrapAfter ? { bootstrapAfter: args.bootstrapAfter } : {}),
        ...(args.agentAuthToken !== undefined ? { agentAuthToken: args.agentAuthToken } : {}),
      },
      child,
    );
    // Monitoring of a DC starts with its data (the `replicated` phase); a lost DC keeps its declared, frozen objects.
    if (plan.monitoring.enabled && (region.holdsReplicas || region.lost)) {
      this.monitoring = new ScyllaMonitoring(name, { ...common, dependsOn: [...platform, this.datacenter.namespace] }, child);
    }
    this.registerOutputs({ seedAddress: this.datacenter.seedAddress });
  }
}
