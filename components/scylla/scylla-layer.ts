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
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { type CqlPasswords, rolesRegion } from "./cql-auth";
import { RepairJob, ReplicationJob } from "./replication-jobs";
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

export interface ScyllaLayer {
  /** Each region's Kubernetes layer, by region key, in plan order. */
  readonly regions: Record<string, ScyllaRegion>;
  /** This update's replication Job, when a DC enters or leaves replication. */
  readonly replication?: ReplicationJob;
  /** The Manager repair after a rebuild. */
  readonly repair?: RepairJob;
}

export const AGENT_TOKEN_MISSING =
  "more than one ScyllaDB datacenter needs one Manager agent auth token in every DC: " +
  "set it with `pulumi config set --secret scylla-ha-stack:agentAuthToken \"$(openssl rand -hex 32)\"`";

export function buildScyllaLayer(args: ScyllaLayerArgs, parent: pulumi.Resource): ScyllaLayer {
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
  const rolesKey = rolesRegion(plan)?.key;
  let cqlRolesJob: pulumi.Resource | undefined;
  for (const region of buildOrder(built, rolesKey)) {
    const bootstrapAfter = region.bootstrapAfter ? regions[region.bootstrapAfter]?.datacenter.scyllaCluster : undefined;
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
        ...(bootstrapAfter ? { bootstrapAfter } : {}),
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
  const ordered = Object.fromEntries(built.map((r) => [r.key, regions[r.key]!]));
  return { regions: ordered, ...replicationJobs(args, ordered) };
}

/** The update's one replication Job (and its repair), after every DC it involves is Available. */
function replicationJobs(args: ScyllaLayerArgs, regions: Record<string, ScyllaRegion>): Omit<ScyllaLayer, "regions"> {
  const { plan, clusters } = args;
  const procedure = plan.procedure;
  if (!procedure) return {};
  const region = plan.regions.find((r) => r.key === procedure.region)!;
  const home = regions[region.key];
  if (!home) return {};
  const rolesJob = Object.values(regions).find((r) => r.cqlRolesJob)?.cqlRolesJob;
  const involved = new Set(procedure.waitFor.map((w) => w.datacenter));
  const datacenters = plan.regions
    .filter((r) => involved.has(r.datacenter))
    .flatMap((r) => (regions[r.key]?.datacenter.scyllaCluster ? [regions[r.key]!.datacenter.scyllaCluster!] : []));
  const replication = new ReplicationJob(
    region.name,
    {
      plan,
      region,
      cluster: clusters.get(region.key)!,
      procedure,
      dependsOn: datacenters,
      // The replication role and its Secret (components/scylla/cql-auth.ts) exist before the Job runs as it;
      // the roles Job may live in another region, built before or after this one.
      credentialsReady: [...new Set([...(home.cqlAuth?.ready ?? []), ...(rolesJob ? [rolesJob] : [])])],
    },
    { parent: home },
  );
  const repairIn = procedure.repair ? plan.regions.find((r) => r.key === procedure.repair!.region) : undefined;
  if (!procedure.repair || !repairIn || !regions[repairIn.key]?.manager) return { replication };
  const repair = new RepairJob(
    repairIn.name,
    {
      plan,
      region: repairIn,
      cluster: clusters.get(repairIn.key)!,
      keyspaces: procedure.repair.keyspaces,
      dependsOn: [replication.job, regions[repairIn.key]!.manager!],
    },
    { parent: regions[repairIn.key]! },
  );
  return { replication, repair };
}

/**
 * The order regions are built in. Staged bootstrap makes a DC wait for the one it
 * bootstraps after, so that one is built first; otherwise the roles region goes
 * first (roles are cluster-wide, made once, and later regions' Jobs wait for its
 * Job), then plan order.
 */
export function buildOrder(regions: readonly RegionPlan[], rolesKey: string | undefined): RegionPlan[] {
  const keys = new Set(regions.map((r) => r.key));
  const placed = new Set<string>();
  const order: RegionPlan[] = [];
  const waiting = (r: RegionPlan) => r.bootstrapAfter !== undefined && keys.has(r.bootstrapAfter) && !placed.has(r.bootstrapAfter);
  while (order.length < regions.length) {
    const ready = regions.filter((r) => !placed.has(r.key) && !waiting(r));
    if (ready.length === 0) {
      throw new Error(`regions ${regions.filter((r) => !placed.has(r.key)).map((r) => r.key).join(", ")} wait for each other to bootstrap`);
    }
    const next = ready.find((r) => r.key === rolesKey) ?? ready[0]!;
    order.push(next);
    placed.add(next.key);
  }
  return order;
}
