/**
 * Everything Kubernetes-side in one region, in dependency order:
 * operators → local NVMe storage → (Manager, in its region) → datacenter →
 * monitoring. Cloud-agnostic: it only needs the region's `ClusterHandle`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ScyllaComponentArgs } from "./args";
import { type CqlAuthHandle, type CqlPasswords, CqlAuth, REPLICATION_ROLE, superuserSaltedPassword } from "./cql-auth";
import { ManagerCredentials } from "./manager-credentials";
import { ScyllaDatacenter } from "./datacenter";
import { LocalStorage } from "./local-storage";
import { ScyllaManager } from "./manager";
import { ScyllaNetworkPolicies } from "./network-policies";
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
  /** The CQL passwords (secret config): superuser, Manager's role, the replication role. */
  readonly cql: CqlPasswords;
  /**
   * The roles Job, built by the region `rolesRegion(plan)` picks; every other region's Jobs wait for it.
   * @default - none: this region is the roles region (or no region runs the Job yet).
   */
  readonly cqlRolesJob?: pulumi.Resource;
  /**
   * Alertmanager's webhook receiver URL (secret config `alertWebhookUrl`).
   * @default - none: alerts stay in Alertmanager's UI (preview without the secret).
   */
  readonly alertWebhookUrl?: pulumi.Input<string>;
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
  /** Ingress policies of the ScyllaDB (and, in its region, Manager's) namespace. */
  readonly networkPolicies: ScyllaNetworkPolicies;
  /** Present when monitoring is enabled and the region's DC holds replicas. */
  readonly monitoring?: ScyllaMonitoring;
  /** Present with the DC: the replication role's Secret and what must exist before it is used. */
  readonly cqlAuth?: CqlAuthHandle;
  /** The roles Job, in the one region that runs it. */
  readonly cqlRolesJob?: pulumi.Resource;
  /** Present next to Manager once its DC exists: hands Manager its CQL role. */
  readonly managerCredentials?: ManagerCredentials;

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
        superuserSaltedPassword: pulumi.secret(pulumi.output(args.cql.superuser).apply((p) => superuserSaltedPassword(p, plan.scylla.clusterName))),
      },
      child,
    );
    this.networkPolicies = new ScyllaNetworkPolicies(name, { ...common, dependsOn: [this.datacenter.namespace, ...(this.manager ? [this.manager] : [])] }, child);
    if (region.hasDatacenter) {
      const auth = new CqlAuth(
        name,
        { ...common, dependsOn: [this.datacenter], passwords: args.cql, ...(args.cqlRolesJob ? { rolesJob: args.cqlRolesJob } : {}) },
        child,
      );
      this.cqlAuth = auth.handle;
      this.cqlRolesJob = auth.rolesJob;
    }
    if (this.manager && this.datacenter.scyllaCluster && this.cqlAuth) {
      this.managerCredentials = new ManagerCredentials(
        name,
        { ...common, dependsOn: [this.manager, this.datacenter, ...this.cqlAuth.ready], password: args.cql.manager, hashKey: args.cql.superuser },
        child,
      );
    }
    // Monitoring of a DC starts with its data (the `replicated` phase); a lost DC keeps its declared, frozen objects.
    if (plan.monitoring.enabled && (region.holdsReplicas || region.lost)) {
      this.monitoring = new ScyllaMonitoring(
        name,
        { ...common, dependsOn: [...platform, this.datacenter.namespace], ...(args.alertWebhookUrl !== undefined ? { alertWebhookUrl: args.alertWebhookUrl } : {}) },
        child,
      );
    }
    this.registerOutputs({ seedAddress: this.datacenter.seedAddress });
  }
}
