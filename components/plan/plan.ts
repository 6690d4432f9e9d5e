/**
 * config → plan. Pure and deterministic: the same config always yields the
 * same plan, and the plan alone decides the graph's shape (regions, racks,
 * pools), so preview, tests and policies all see one topology.
 */
import type { EnvironmentConfig, RegionConfig } from "./schema";
import { STORAGE_PROVIDER, backupBucketName, parseLocation, replicaRegionOf } from "./backups";
import { formatCidr, mustParseCidr, subnet } from "./cidr";
import { planDeployer } from "./deployer";
import { SCYLLA_NAMESPACE, SYSTEM_POOL_NAME, rackPoolName, rackResourceName, regionName } from "./naming";
import { DEFAULT_SYSTEM_INSTANCE_TYPE, instanceType, scyllaSizing } from "./sizing";
import { planBootstrap, planProcedure } from "./procedure";
import type {
  BackupsPlan,
  DeployedState,
  EnvironmentPlan,
  KeyspacePlan,
  NetworkPlan,
  Phase,
  RackPlan,
  RegionBackupPlan,
  RegionPlan,
  RestorePlan,
  ZoneSubnetPlan,
} from "./types";

/** Phases in which a region's datacenter holds keyspace replicas. */
const REPLICATED_PHASES: readonly Phase[] = ["replicated", "serving"];
const DATACENTER_PHASES: readonly Phase[] = ["datacenter", "replicated", "serving", "lost"];

const datacenterOf = (r: RegionConfig) => r.datacenter ?? r.region;
const isLive = (r: RegionConfig) => DATACENTER_PHASES.includes(r.phase) && r.phase !== "lost";

/**
 * Scylla Manager stays where config puts it unless that region is lost; then
 * it moves to the first surviving region with a datacenter (backups and
 * repairs must keep running while the lost DC is cleaned up).
 */
export function managerRegionOf(config: EnvironmentConfig): string {
  const wanted = config.regions.find((r) => r.key === (config.manager.region ?? config.regions[0]!.key));
  if (wanted && wanted.phase !== "lost") return wanted.key;
  const survivor = config.regions.find(isLive) ?? config.regions.find((r) => r.phase !== "lost");
  if (!survivor) throw new Error("every region is lost; there is nothing left to host Scylla Manager");
  return survivor.key;
}

/**
 * `previous` is what the last update deployed (its `rollout` output); it
 * decides which DC may start seedless and what replication work runs.
 * @default previous - none: the stack's first update.
 */
export function planEnvironment(config: EnvironmentConfig, previous?: DeployedState): EnvironmentPlan {
  const env = config.environment.name;
  const managerRegion = managerRegionOf(config);
  const liveDatacenters = config.regions.filter(isLive).map(datacenterOf);
  const bootstrap = planBootstrap(
    config.regions.map((r) => ({ key: r.key, datacenter: datacenterOf(r), phase: r.phase })),
    previous,
  );

  const regions = config.regions.map((r, index): RegionPlan => {
    const datacenter = datacenterOf(r);
    const name = regionName(env, r.key);
    return {
      key: r.key,
      cloud: r.cloud,
      region: r.region,
      datacenter,
      phase: r.phase,
      hasDatacenter: DATACENTER_PHASES.includes(r.phase),
      lost: r.phase === "lost",
      holdsReplicas: REPLICATED_PHASES.includes(r.phase),
      serving: r.phase === "serving",
      name,
      clusterName: name,
      zones: r.zones,
      network: planNetwork(r),
      systemPool: {
        poolName: SYSTEM_POOL_NAME,
        instanceType: r.system.instanceType ?? DEFAULT_SYSTEM_INSTANCE_TYPE[r.cloud],
        zones: r.zones,
        nodesPerZone: r.system.nodesPerZone,
        minSize: r.system.nodesPerZone * r.zones.length,
        desiredSize: r.system.nodesPerZone * r.zones.length,
        maxSize: 2 * r.system.nodesPerZone * r.zones.length,
      },
      scylla: planScyllaNodes(r),
      racks: r.zones.map((zone) => planRack(env, r, zone)),
      seedDatacenters: bootstrap.seeds[r.key] ?? [],
      ...(bootstrap.after[r.key] !== undefined ? { bootstrapAfter: bootstrap.after[r.key]! } : {}),
      hostsManager: r.key === managerRegion,
      backup: planRegionBackup(config, index),
      ...(r.restore ? { restore: planRestore(r) } : {}),
    };
  });

  const result: EnvironmentPlan = {
    environment: env,
    tier: config.environment.tier,
    protectState: config.environment.tier === "production",
    kubernetesVersion: config.environment.kubernetesVersion,
    scylla: {
      clusterName: config.scylla.clusterName,
      version: config.scylla.version,
      agentVersion: config.scylla.agentVersion,
      namespace: SCYLLA_NAMESPACE,
      clientCidrs: [...config.scylla.clientCidrs],
    },
    keyspaces: config.scylla.keyspaces.map((ks): KeyspacePlan => {
      const replication: Record<string, number> = {};
      const declared: Record<string, number> = {};
      for (const r of config.regions) {
        const rf = ks.replication[r.key] ?? ks.replicationFactor;
        declared[datacenterOf(r)] = rf;
        if (REPLICATED_PHASES.includes(r.phase) && rf > 0) replication[datacenterOf(r)] = rf;
      }
      return { name: ks.name, tablets: ks.tablets, replication, declared };
    }),
    regions,
    managerRegion,
    clientDatacenters: config.regions.filter((r) => r.phase === "serving").map(datacenterOf),
    liveDatacenters,
    backups: planBackups(config),
    ...(config.deployer ? { deployer: planDeployer(config.deployer)! } : {}),
    monitoring: { ...config.monitoring },
    ...(bootstrap.founder !== undefined ? { founder: bootstrap.founder } : {}),
  };
  const procedure = planProcedure(result, previous);
  return procedure ? { ...result, procedure } : result;
}

/**
 * AWS: the VPC range is cut into eight equal blocks; zone i gets private block
 * i (large: pods take VPC addresses), and the last block is cut into eight
 * small public subnets. Six zones fit, which covers every AWS region.
 */
export function carveAwsSubnets(vpcCidr: string, zones: readonly string[]): ZoneSubnetPlan[] {
  const vpc = mustParseCidr(vpcCidr);
  const publicBlock = subnet(vpc, vpc.prefix + 3, 7);
  return zones.map((zone, i) => ({
    zone,
    privateCidr: formatCidr(subnet(vpc, vpc.prefix + 3, i)),
    publicCidr: formatCidr(subnet(publicBlock, publicBlock.prefix + 3, i)),
  }));
}

function planNetwork(r: RegionConfig): NetworkPlan {
  switch (r.cloud) {
    case "aws":
      return {
        cloud: "aws",
        vpcCidr: r.cidr,
        podCidr: r.cidr,
        serviceCidr: r.serviceCidr,
        natGateways: r.natGateways,
        publicAccessCidrs: r.publicAccessCidrs,
        subnets: carveAwsSubnets(r.cidr, r.zones),
      };
    case "gcp":
      return {
        cloud: "gcp",
        project: r.project,
        nodeCidr: r.cidr,
        podCidr: r.podCidr,
        serviceCidr: r.serviceCidr,
        masterCidr: r.masterCidr,
        publicAccessCidrs: r.publicAccessCidrs,
      };
    default: {
      const unreachable: never = r;
      throw new Error(`unhandled cloud in ${JSON.stringify(unreachable)}`);
    }
  }
}

function planScyllaNodes(r: RegionConfig): RegionPlan["scylla"] {
  const type = instanceType(r.cloud, r.scylla.instanceType);
  if (!type) throw new Error(`instance type ${r.scylla.instanceType} is not in the sizing table (config was not validated)`);
  const disks = r.cloud === "gcp" ? (r.scylla.localSsdCount ?? type.diskCounts[0]!) : type.diskCounts[0]!;
  const sizing = scyllaSizing(type, disks);
  return {
    instanceType: type.name,
    arch: type.arch,
    vcpus: type.vcpus,
    memoryGiB: type.memoryGiB,
    nodesPerRack: r.scylla.nodesPerRack,
    localDisks: disks,
    resources: sizing.scylla,
    agentResources: sizing.agent,
    storageGiB: sizing.storageGiB,
  };
}

function planRack(env: string, r: RegionConfig, zone: string): RackPlan {
  const members = r.scylla.nodesPerRack;
  return {
    name: zone,
    zone,
    members,
    resourceName: rackResourceName(env, r.key, zone),
    nodePool: {
      poolName: rackPoolName(r.region, zone),
      zone,
      instanceType: r.scylla.instanceType,
      minSize: members,
      desiredSize: members,
      maxSize: members + 1,
    },
  };
}

function planRegionBackup(config: EnvironmentConfig, index: number): RegionBackupPlan {
  const r = config.regions[index]!;
  const replicaRegion = replicaRegionOf(config.regions, index);
  if (replicaRegion === undefined) throw new Error(`region ${r.key} has no replica region (config was not validated)`);
  const name = (region: string) => backupBucketName(config.backups.bucketPrefix, config.environment.name, region);
  return { bucketName: name(r.region), replicaRegion, replicaBucketName: name(replicaRegion) };
}

function planBackups(config: EnvironmentConfig): BackupsPlan {
  const { bucketPrefix: _prefix, ...settings } = config.backups;
  const env = config.environment.name;
  const own = new Set(config.regions.map((r) => r.region));
  // GCP copies live in the dual-region bucket itself; only S3 needs a bucket in the replica region.
  const replicaOnly = new Map<string, RegionConfig["cloud"]>();
  config.regions.forEach((r, i) => {
    const replica = replicaRegionOf(config.regions, i);
    if (r.cloud === "aws" && replica !== undefined && !own.has(replica)) replicaOnly.set(replica, r.cloud);
  });
  return {
    ...settings,
    replicaOnlyRegions: [...replicaOnly].map(([region, cloud]) => ({
      cloud,
      region,
      name: `${env}-${region}`,
      bucketName: backupBucketName(config.backups.bucketPrefix, env, region),
    })),
  };
}

function planRestore(r: RegionConfig): RestorePlan {
  const restore = r.restore!;
  const source = restore.sourceDatacenter ?? parseLocation(restore.location)?.datacenter;
  if (source === undefined) throw new Error(`region ${r.key}: restore names no source datacenter (config was not validated)`);
  return { location: restore.location, snapshotTag: restore.snapshotTag, sourceDatacenter: source };
}

/** `<dc>:<provider>:<bucket>`: the Manager location of a region's own bucket for its DC. */
export function backupLocation(region: RegionPlan): string {
  return `${region.datacenter}:${STORAGE_PROVIDER[region.cloud]}:${region.backup.bucketName}`;
}
