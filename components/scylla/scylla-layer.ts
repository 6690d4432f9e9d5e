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
  /**
   * Resources the replication Job waits for besides the DCs: the CQL role and its
   * Secret `scylla-ha-cql-replication` (created by the credentials component).
   * @default []
   */
  readonly credentialsReady?: readonly pulumi.Resource[];
}

export interface ScyllaLayer {
  /** Each region's Kubernetes layer, by region key. */
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
  for (const region of built) {
    // Staged bootstrap: plan order puts the DC this one waits for earlier in the loop.
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
      },
      regionOptions(parent, region),
    );
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
        dependsOn: [scylla.manager, scylla.datacenter.scyllaCluster],
      },
      { parent: scylla },
    );
  }
  return { regions, ...replicationJobs(args, regions) };
}

/** The update's one replication Job (and its repair), after every DC it involves is Available. */
function replicationJobs(args: ScyllaLayerArgs, regions: Record<string, ScyllaRegion>): Omit<ScyllaLayer, "regions"> {
  const { plan, clusters } = args;
  const procedure = plan.procedure;
  if (!procedure) return {};
  const region = plan.regions.find((r) => r.key === procedure.region)!;
  const home = regions[region.key];
  if (!home) return {};
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
      ...(args.credentialsReady ? { credentialsReady: args.credentialsReady } : {}),
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
