/**
 * The environment plan: plain, deterministic, JSON-serialisable data that the
 * components loop over. No Pulumi types appear here.
 */
import type { Phase, Tier } from "../../stacks/schema";
import type { Architecture, Cloud, ContainerResources } from "./sizing";

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
  readonly backups: { readonly schedule: string; readonly retention: number };
  readonly monitoring: {
    readonly enabled: boolean;
    readonly prometheusReplicas: number;
    readonly retention: string;
    readonly storageSize: string;
  };
}

export interface ScyllaClusterPlan {
  /** `metadata.name` of every region's ScyllaCluster. */
  readonly clusterName: string;
  readonly version: string;
  readonly agentVersion: string;
  /** Namespace of the ScyllaCluster in every region. */
  readonly namespace: string;
}

export interface KeyspacePlan {
  readonly name: string;
  readonly tablets: boolean;
  /** Replication factor per datacenter name, for DCs that hold replicas now. */
  readonly replication: Readonly<Record<string, number>>;
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
  readonly hostsManager: boolean;
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
  /** Logical-name prefix of the rack's resources: `${environment}-${key}-${zone}`. */
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
