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
import { ScyllaNetworkPolicies } from "./network-policies";
import { ScyllaMonitoring } from "./monitoring";
import { PlatformOperators } from "./platform-operators";
import { ReplicationJob } from "./replication-jobs";

export interface ScyllaRegionArgs extends ScyllaComponentArgs {
  /** Seed addresses of `region.seedDatacenters`, in that order. */
  readonly externalSeeds: readonly pulumi.Input<string>[];
  /**
   * Manager agent auth token shared by every DC.
   * @default - none: each DC's operator generates its own (single-DC environments only).
   */
  readonly agentAuthToken?: pulumi.Input<string>;
  /**
   * Password of the CQL superuser the replication Job runs as.
   * @default - none: no replication Job (preview of a stack without the secret set).
   */
  readonly cqlAdminPassword?: pulumi.Input<string>;
}

export class ScyllaRegion extends pulumi.ComponentResource {
  readonly operators: PlatformOperators;
  readonly storage: LocalStorage;
  /** Present in the region that hosts Scylla Manager. */
  readonly manager?: ScyllaManager;
  readonly datacenter: ScyllaDatacenter;
  /** Ingress policies of the ScyllaDB (and, in its region, Manager's) namespace. */
  readonly networkPolicies: ScyllaNetworkPolicies;
  /** Present when monitoring is enabled and the region's DC holds replicas. */
  readonly monitoring?: ScyllaMonitoring;
  /** Present once the DC holds replicas: creates keyspaces, streams data into the DC. */
  readonly replication?: ReplicationJob;

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
        ...(args.agentAuthToken !== undefined ? { agentAuthToken: args.agentAuthToken } : {}),
      },
      child,
    );
    this.networkPolicies = new ScyllaNetworkPolicies(name, { ...common, dependsOn: [this.datacenter.namespace, ...(this.manager ? [this.manager] : [])] }, child);
    if (region.holdsReplicas && args.cqlAdminPassword !== undefined) {
      this.replication = new ReplicationJob(
        name,
        { ...common, dependsOn: [this.datacenter], cqlAdminPassword: args.cqlAdminPassword },
        child,
      );
    }
    // Monitoring of a DC starts with its data (the `replicated` phase); a lost DC keeps its declared, frozen objects.
    if (plan.monitoring.enabled && (region.holdsReplicas || region.lost)) {
      this.monitoring = new ScyllaMonitoring(name, { ...common, dependsOn: [...platform, this.datacenter.namespace] }, child);
    }
    this.registerOutputs({ seedAddress: this.datacenter.seedAddress });
  }
}
