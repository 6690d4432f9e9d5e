/**
 * The Kubernetes layer of a whole environment: one ScyllaRegion per region
 * that has a cluster, joined through seeds. Each DC lists the other DCs' seed
 * load balancers; those addresses are only known once the load balancers
 * exist, and a DC may list one that is built after it, so each address is a
 * deferred Output resolved when its region is built (graph shape still comes
 * from the plan alone).
 */
import * as pulumi from "@pulumi/pulumi";
import { regionOptions } from "../lost-region";
import type { ClusterHandle } from "../cluster";
import type { EnvironmentPlan } from "../plan";
import { type CqlPasswords, rolesRegion } from "./cql-auth";
import { RestoreJobs } from "./restore-jobs";
import { ScyllaRegion } from "./scylla-region";

export interface ScyllaLayerArgs {
  readonly plan: EnvironmentPlan;
  /** Clusters by region key; regions without one get no Kubernetes layer (yet). */
  readonly clusters: ReadonlyMap<string, ClusterHandle>;
  /**
   * Manager agent auth token shared by every DC (secret config `agentAuthToken`).
   * @default - none; required to deploy an environment with more than one DC.
   */
  readonly agentAuthToken?: pulumi.Input<string>;
  /** CQL passwords (secret config `cqlSuperuserPassword`, `cqlManagerPassword`, `cqlReplicationPassword`). */
  readonly cql: CqlPasswords;
  /**
   * Alertmanager's webhook receiver (secret config `alertWebhookUrl`).
   * @default - none: alerts are kept in Alertmanager only.
   */
  readonly alertWebhookUrl?: pulumi.Input<string>;
}

export const AGENT_TOKEN_MISSING =
  "more than one ScyllaDB datacenter needs one Manager agent auth token in every DC: " +
  "set it with `pulumi config set --secret scylla-ha-stack:agentAuthToken \"$(openssl rand -hex 32)\"`";

export function buildScyllaLayer(args: ScyllaLayerArgs, parent: pulumi.Resource): Record<string, ScyllaRegion> {
  const { plan, clusters } = args;
  const built = plan.regions.filter((r) => clusters.has(r.key));
  const withDatacenter = built.filter((r) => r.hasDatacenter);
  if (withDatacenter.length > 1 && args.agentAuthToken === undefined) {
    // The program reports this (with every other missing secret) before any resource; this
    // guard keeps the layer safe when built on its own. A preview may go on: same shapes.
    if (!pulumi.runtime.isDryRun()) throw new Error(AGENT_TOKEN_MISSING);
  }

  const seeds = new Map(withDatacenter.map((r) => [r.datacenter, pulumi.deferredOutput<string>()]));
  const regions: Record<string, ScyllaRegion> = {};
  // Roles are cluster-wide and made once: the region that makes them is built first so every other region can wait for its Job.
  const rolesKey = rolesRegion(plan)?.key;
  let cqlRolesJob: pulumi.Resource | undefined;
  for (const region of [...built].sort((a, b) => Number(b.key === rolesKey) - Number(a.key === rolesKey))) {
    const externalSeeds = region.seedDatacenters.flatMap((dc) => {
      const seed = seeds.get(dc);
      return seed ? [seed[0]] : [];
    });
    const scylla = new ScyllaRegion(
      region.name,
      {
        plan,
        region,
        cluster: clusters.get(region.key)!,
        externalSeeds,
        ...(args.agentAuthToken !== undefined ? { agentAuthToken: args.agentAuthToken } : {}),
        cql: args.cql,
        ...(cqlRolesJob ? { cqlRolesJob } : {}),
        ...(args.alertWebhookUrl !== undefined ? { alertWebhookUrl: args.alertWebhookUrl } : {}),
      },
      regionOptions(parent, region),
    );
    cqlRolesJob ??= scylla.cqlRolesJob;
    const own = seeds.get(region.datacenter);
    const address = scylla.datacenter.seedAddress;
    if (own && address) own[1](address);
    regions[region.key] = scylla;
  }
  // A restore runs through Scylla Manager, which validation puts in the restored region itself.
  for (const region of built) {
    if (!region.restore) continue;
    const scylla = regions[region.key]!;
    if (!region.hostsManager || !scylla.manager || !scylla.datacenter.scyllaCluster) {
      throw new Error(`region ${region.key} restores from backup but does not run both Scylla Manager and its datacenter (config was not validated)`);
    }
    new RestoreJobs(
      `${region.name}-restore`,
      {
        plan,
        region,
        cluster: clusters.get(region.key)!,
        restore: region.restore,
        // Manager must hold its CQL role (with the restore grants) before the schema restore logs in.
        dependsOn: [scylla.manager, scylla.datacenter.scyllaCluster, ...(scylla.managerCredentials ? [scylla.managerCredentials.job] : [])],
      },
      { parent: scylla },
    );
  }
  // Callers see regions in plan order, whatever order they were built in.
  return Object.fromEntries(built.map((r) => [r.key, regions[r.key]!]));
}
