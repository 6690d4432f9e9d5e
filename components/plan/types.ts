/**
 * The environment plan: plain, deterministic, JSON-serialisable data that the
 * components loop over. No Pulumi types appear here.
 */
import type { Phase, Tier } from "./schema";
import type { Architecture, Cloud, ContainerResources } from "./sizing";
import type { DeployerPlan } from "./deployer";
import type { ReplicationProcedure } from "./procedure";

/** What the previous update deployed (its `rollout` output): phases by region key, and the founding DC. */
export interface DeployedState {
  readonly regions: Readonly<Record<string, { readonly phase: Phase; readonly datacenter: string }>>;
  /**
   * The DC that bootstrapped the cluster without seeds, while it still runs;
   * null when none does. Absent in states written before it was recorded.
   */
  readonly founder?: string | null;
}

export type { Phase, Tier };

export interface EnvironmentPlan {
  readonly environment: string;
  readonly tier: Tier;
  /** protect + retainOnDelete on stateful resources (production only). */
  readonly protectState: boolean;
  readonly kubernetesVersion: string;
  readonly scylla: ScyllaClusterPlan;
  readonly keyspaces: readonly KeyspacePlan[];
  /** Regions in seed order; the first region with a datacenter bootstraps the cluster. */
  readonly regions: readonly RegionPlan[];
  /** Key of the region hosting Scylla Manager (moved to a surviving region when its own is lost). */
  readonly managerRegion: string;
  /** Datacenters clients may use (regions in the `serving` phase). */
  readonly clientDatacenters: readonly string[];
  /** Live datacenters (declared and not lost), in seed order. */
  readonly liveDatacenters: readonly string[];
  /** The DC that may run without seeds (a new cluster's first DC, or the one that founded it); absent when all join through seeds. */
  readonly founder?: string;
  /** This update's replication procedure; absent when no DC enters or leaves the replicated phases. */
  readonly procedure?: ReplicationProcedure;
  readonly backups: BackupsPlan;
  /** Where Pulumi runs from and as whom (absent when the config declares no deployer). */
  readonly deployer?: DeployerPlan;
  readonly monitoring: {
    readonly enabled: boolean;
    readonly prometheusReplicas: number;
    readonly retention: string;
    readonly storageSize: string;
  };
}

export interface BackupsPlan {
  /** Cron schedule (UTC) of the Manager backup task. */
  readonly schedule: string;
  /** Snapshots kept per location. */
  readonly retention: number;
  /** Upload rate limit per node, MiB/s. */
  readonly rateLimitMiBps: number;
  /** Nodes uploading at once per DC; absent = all (Manager's default). */
  readonly uploadParallel?: number;
  /** Days a noncurrent object version is kept. */
  readonly noncurrentVersionDays: number;
  /** Transition of backup objects to a colder, instantly readable class. */
  readonly transition?: { readonly days: number; readonly storageClass: string };
  /** S3 Object Lock default retention (AWS only). */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
  /**
   * Regions that hold only a replica bucket (AWS): replica regions named in
   * config where the environment runs no region of its own.
   */
  readonly replicaOnlyRegions: readonly ReplicaOnlyRegionPlan[];
}

/** A bucket-only region: its own provider and one replica bucket, hardened like the others. */
export interface ReplicaOnlyRegionPlan {
  readonly cloud: Cloud;
  /** Cloud region name. */
  readonly region: string;
  /** Logical-name prefix: `${environment}-${region}` (region keys hold no `-`, so it never clashes). */
  readonly name: string;
  readonly bucketName: string;
}

/** One region's backup bucket and where its second copy lives. */
export interface RegionBackupPlan {
  /** Physical bucket name (global), chosen here so it is known at preview. */
  readonly bucketName: string;
  /** Cloud region holding the second copy (replication target on AWS, dual-region partner on GCP). */
  readonly replicaRegion: string;
  /** Bucket in `replicaRegion` that receives the copy (AWS); on GCP the bucket itself spans both regions. */
  readonly replicaBucketName: string;
}

/** A datacenter brought up empty and restored from a Manager backup. */
export interface RestorePlan {
  /** Manager location, `[<dc>:]<provider>:<bucket>`. */
  readonly location: string;
  readonly snapshotTag: string;
  /** The datacenter the snapshot was taken from (= this region's datacenter, validated). */
  readonly sourceDatacenter: string;
}

export interface ScyllaClusterPlan {
  /** `metadata.name` of every region's ScyllaCluster. */
  readonly clusterName: string;
  readonly version: string;
  readonly agentVersion: string;
  /** Namespace of the ScyllaCluster in every region. */
  readonly namespace: string;
  /** Private ranges of CQL clients outside the environment (config `scylla.clientCidrs`). */
  readonly clientCidrs: readonly string[];
}

export interface KeyspacePlan {
  readonly name: string;
  readonly tablets: boolean;
  /** Replication factor per datacenter name, for DCs that hold replicas now. */
  readonly replication: Readonly<Record<string, number>>;
  /** RF config declares per datacenter name, whatever the region's phase (a lost DC's last RF). */
  readonly declared: Readonly<Record<string, number>>;
}

export interface RegionPlan {
  readonly key: string;
  readonly cloud: Cloud;
  /** Cloud region name (us-east-1, us-central1). */
  readonly region: string;
  /** ScyllaDB datacenter name (unique per environment). */
  readonly datacenter: string;
  readonly phase: Phase;
  /**
   * Whether a ScyllaDB datacenter is declared in this region: from the
   * `datacenter` phase on, and still for a `lost` region (declared, frozen).
   */
  readonly hasDatacenter: boolean;
  /** The region is lost: its resources stay declared but are never updated. */
  readonly lost: boolean;
  /** The DC holds keyspace replicas (`replicated`, `serving`); backups and monitoring of the DC are on. */
  readonly holdsReplicas: boolean;
  /** The DC is listed for clients (`serving`). */
  readonly serving: boolean;
  /** Logical-name prefix of everything in this region: `${environment}-${key}`. */
  readonly name: string;
  /** Physical Kubernetes cluster name. */
  readonly clusterName: string;
  readonly zones: readonly string[];
  readonly network: NetworkPlan;
  readonly systemPool: SystemPoolPlan;
  readonly scylla: ScyllaNodePlan;
  readonly racks: readonly RackPlan[];
  /** Datacenters this one joins through `externalSeeds` (empty for the first). */
  readonly seedDatacenters: readonly string[];
  /**
   * Key of the region whose ScyllaCluster must be Available before this one is
   * created (DCs created in one update start one after another).
   */
  readonly bootstrapAfter?: string;
  readonly hostsManager: boolean;
  readonly backup: RegionBackupPlan;
  /** Restore mode (see `restore` in the region config); absent normally. */
  readonly restore?: RestorePlan;
}

export type NetworkPlan = AwsNetworkPlan | GcpNetworkPlan;

export interface AwsNetworkPlan {
  readonly cloud: "aws";
  readonly vpcCidr: string;
  /** Pods take VPC addresses through the VPC CNI, so the pod range is the VPC range. */
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly natGateways: "perZone" | "single";
  readonly publicAccessCidrs: readonly string[];
  readonly subnets: readonly ZoneSubnetPlan[];
}

export interface ZoneSubnetPlan {
  readonly zone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
}

export interface GcpNetworkPlan {
  readonly cloud: "gcp";
  readonly project: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  /** The /28 of the GKE private control plane (peered into the VPC). */
  readonly masterCidr: string;
  /** CIDRs allowed on the control plane's public endpoint; empty = VPC only. */
  readonly publicAccessCidrs: readonly string[];
}

export interface SystemPoolPlan {
  /** Node group / node pool name (unique within the cluster). */
  readonly poolName: string;
  readonly instanceType: string;
  readonly zones: readonly string[];
  readonly nodesPerZone: number;
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

export interface ScyllaNodePlan {
  readonly instanceType: string;
  readonly arch: Architecture;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly nodesPerRack: number;
  readonly localDisks: number;
  readonly resources: ContainerResources;
  readonly agentResources: ContainerResources;
  readonly storageGiB: number;
}

export interface RackPlan {
  /** Rack name = the zone it is pinned to. */
  readonly name: string;
  readonly zone: string;
  readonly members: number;
  /**
   * `${environment}-${key}-${zone}`: the logical name GKE rack pools had before
   * both clouds named pools `<region resource>-<pool name>`; kept as their alias
   * so the rename never replaces a deployed pool.
   */
  readonly resourceName: string;
  readonly nodePool: RackPoolPlan;
}

export interface RackPoolPlan {
  /** Node group / node pool name, unique within the cluster (GKE caps it at 40 characters). */
  readonly poolName: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly minSize: number;
  readonly desiredSize: number;
  /** One spare so a failed node can be replaced before the old one is gone. */
  readonly maxSize: number;
}
