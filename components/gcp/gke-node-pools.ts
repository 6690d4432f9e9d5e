/**
 * A region's GKE node pools: one system pool spread over every zone (operators,
 * webhooks, Manager, Prometheus), and one dedicated, tainted local-NVMe pool
 * per ScyllaDB rack, living only in that rack's zone.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RackPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";
import { NODE_IMAGE_TYPE, NODE_OAUTH_SCOPES, SCYLLA_NODE_LABELS, SCYLLA_TAINT, SYSTEM_NODE_LABELS, nodeTag, scyllaTag } from "./gke-settings";
import { statefulOptions } from "../tags";

export interface GkeNodePoolsArgs {
  /** The environment plan (for labels and protection). */
  readonly plan: EnvironmentPlan;
  /** This region's plan: system pool, racks and Scylla sizing. */
  readonly region: RegionPlan;
  /** The regional cluster the pools join. */
  readonly cluster: gcp.container.Cluster;
  /** Email of the node service account. */
  readonly serviceAccount: pulumi.Input<string>;
}

export class GkeNodePools extends pulumi.ComponentResource {
  readonly systemPool: gcp.container.NodePool;
  /** Scylla pools by rack name (= zone). */
  readonly scyllaPools: Readonly<Record<string, gcp.container.NodePool>>;

  constructor(name: string, args: GkeNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:NodePools", name, {}, opts);
    const { region, cluster } = args;
    const { systemPool } = region;

    this.systemPool = new gcp.container.NodePool(
      `${name}-${systemPool.poolName}`,
      {
        cluster: cluster.id,
        name: systemPool.poolName,
        location: region.region,
        nodeLocations: [...systemPool.zones],
        // Per zone: a regional pool repeats the count in each of its zones.
        nodeCount: systemPool.nodesPerZone,
        nodeConfig: {
          ...baseNodeConfig(args),
          machineType: systemPool.instanceType,
          labels: { ...SYSTEM_NODE_LABELS },
          tags: [nodeTag(region.clusterName)],
        },
        // System workloads are replicated and stateless or on network disks,
        // so GKE may repair and upgrade these nodes (surge first, PDBs honoured).
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
      },
      { parent: this },
    );

    this.scyllaPools = Object.fromEntries(region.racks.map((rack) => [rack.name, this.scyllaPool(name, rack, args)]));
    this.registerOutputs({});
  }

  private scyllaPool(name: string, rack: RackPlan, args: GkeNodePoolsArgs): gcp.container.NodePool {
    const { plan, region, cluster } = args;
    const pool = rack.nodePool;
    return new gcp.container.NodePool(
      // One scheme on both clouds: `<region resource>-<pool name>` (`prod-usc1-scylla-a`), keyed by
      // the zone letter, never a list position (components/plan/naming.ts).
      `${name}-${pool.poolName}`,
      {
        cluster: cluster.id,
        name: pool.poolName,
        location: region.region,
        // Exactly the rack's zone: rack = zone = node pool, so losing a zone
        // takes one replica of each partition, never two.
        nodeLocations: [pool.zone],
        nodeCount: pool.desiredSize,
        nodeConfig: {
          ...baseNodeConfig(args),
          machineType: pool.instanceType,
          // Raw block devices the operator's NodeConfig assembles into RAID0 +
          // XFS; the ephemeral-storage variant would hand the disks to kubelet.
          localNvmeSsdBlockConfig: { localSsdCount: region.scylla.localDisks },
          // Static CPU manager pins Guaranteed ScyllaDB pods to whole cores.
          kubeletConfig: { cpuManagerPolicy: "static" },
          labels: { ...SCYLLA_NODE_LABELS },
          taints: [{ ...SCYLLA_TAINT }],
          tags: [nodeTag(region.clusterName), scyllaTag(region.clusterName)],
          // Preemption would drop a node and its local data without warning.
          spot: false,
        },
        // Never let GKE replace these nodes on its own: a node upgrade drains
        // and force-evicts after one hour regardless of PodDisruptionBudgets
        // while ScyllaDB may still be streaming (scylla-operator #2446), and
        // auto-repair recreates the VM, which loses its local NVMe data. Upgrade
        // by migrating the rack to a new pool (docs/gcp.md).
        management: { autoRepair: false, autoUpgrade: false },
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
      },
      // Deleting a pool deletes the rack's data; production must unprotect first. Until the
      // naming was unified these pools were named `<env>-<key>-<zone>`: the alias keeps the
      // deployed URN, so the rename is a no-op for the engine instead of a replacement that
      // would drain the rack and lose its local NVMe. The physical name (`scylla-a`) is unchanged.
      { parent: this, ...statefulOptions(plan), aliases: [{ name: rack.resourceName }] },
    );
  }
}

/** What every node of the region shares: identity, OS image, boot disk, shielded VM, labels. */
function baseNodeConfig(args: GkeNodePoolsArgs): gcp.types.input.container.NodePoolNodeConfig {
  return {
    serviceAccount: args.serviceAccount,
    oauthScopes: [...NODE_OAUTH_SCOPES],
    imageType: NODE_IMAGE_TYPE,
    diskType: "pd-balanced",
    diskSizeGb: 100,
    // Pods see the GKE metadata server, which serves Workload Identity tokens, not the node's.
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    resourceLabels: commonTags(args.plan, args.region),
  };
}
