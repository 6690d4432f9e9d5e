/**
 * Everything one GCP region contributes: its explicit provider, its share of
 * the environment VPC (subnet, NAT, firewall rules), a regional private GKE
 * cluster, the system and per-rack Scylla node pools, and the Kubernetes
 * provider the in-cluster layer deploys through.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { EnvironmentPlan, GcpNetworkPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";
import { GcpBackupBucket } from "./backup-bucket";
import { GcpRegionNetwork } from "./gcp-region-network";
import { GkeCluster } from "./gke-cluster";
import { gkeKubeconfig } from "./gke-kubeconfig";
import { GkeNodePools } from "./gke-node-pools";
import { GkePreviewAccess } from "./preview-access";

export interface GcpRegionArgs {
  /** The environment plan (for environment-wide settings). */
  readonly plan: EnvironmentPlan;
  /** This region's plan; its `cloud` must be `gcp`. */
  readonly region: RegionPlan;
  /** The environment's global VPC (see gcp-network.ts); the region adds its subnet to it. */
  readonly vpc: gcp.compute.Network;
}

export class GcpRegion extends pulumi.ComponentResource {
  readonly cloud = "gcp" as const;
  /** The region's explicit GCP provider; every GCP resource of the region uses it. */
  readonly provider: gcp.Provider;
  readonly network: GcpRegionNetwork;
  readonly gke: GkeCluster;
  readonly nodePools: GkeNodePools;
  /** The region's dual-region ScyllaDB backup bucket. */
  readonly backupBucket: GcpBackupBucket;
  /** The preview principal's access to the cluster (nothing when none is declared). */
  readonly previewAccess: GkePreviewAccess;
  /** The region's Kubernetes cluster. */
  readonly cluster: ClusterHandle;
  /** Stack outputs of this region (plain values and Outputs). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: GcpRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:Region", name, {}, opts);
    const { plan, region, vpc } = args;
    if (region.network.cloud !== "gcp") throw new Error(`GcpRegion ${name} got a ${region.network.cloud} region plan`);
    const network = region.network;
    this.provider = new gcp.Provider(
      `${name}-gcp`,
      { project: network.project, region: region.region, defaultLabels: commonTags(plan, region) },
      { parent: this },
    );
    const child = { parent: this, provider: this.provider };

    this.backupBucket = new GcpBackupBucket(`${name}-backup`, { plan, region }, child);
    this.network = new GcpRegionNetwork(name, { region, network, vpc, scyllaSourceRanges: scyllaSourceRanges(plan), clientCidrs: plan.scylla.clientCidrs }, child);
    this.gke = new GkeCluster(name, { plan, region, network, vpc, subnet: this.network.subnet }, child);
    this.nodePools = new GkeNodePools(
      name,
      { plan, region, cluster: this.gke.cluster, serviceAccount: this.gke.nodeServiceAccount.email },
      child,
    );

    const { cluster } = this.gke;
    // The DNS endpoint, not `cluster.endpoint`: the public IP admits only authorized networks.
    // GKE reports the DNS endpoint on every cluster ("always present", ControlPlaneEndpointsConfig.DNSEndpointConfig).
    const kubeconfig = cluster.controlPlaneEndpointsConfig.apply((c) => {
      const dnsEndpoint = c.dnsEndpointConfig?.endpoint;
      if (!dnsEndpoint) throw new Error(`GKE reported no DNS endpoint for ${region.clusterName}; the kubeconfig has nowhere to point`);
      return gkeKubeconfig({ clusterName: region.clusterName, dnsEndpoint });
    });
    const k8sProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig, clusterIdentifier: region.clusterName }, { parent: this });
    // In-cluster workloads need nodes, egress for image pulls (private
    // nodes have no external IP) and the control plane's path to webhooks.
    const ready = [this.nodePools.systemPool, ...Object.values(this.nodePools.scyllaPools), this.network.nat, this.network.webhookFirewall];
    this.previewAccess = new GkePreviewAccess(
      `${name}-preview`,
      { region, deployer: plan.deployer, cluster, provider: this.provider, k8sProvider, dependsOn: ready },
      { parent: this },
    );
    this.cluster = { provider: k8sProvider, dependsOn: ready };

    this.outputs = {
      cloud: "gcp",
      region: region.region,
      datacenter: region.datacenter,
      clusterName: cluster.name,
      clusterEndpoint: cluster.endpoint,
      nodePoolZones: nodePoolZones(region),
      podCidr: network.podCidr,
      serviceCidr: network.serviceCidr,
      networkSelfLink: vpc.selfLink,
      subnetSelfLink: this.network.subnet.selfLink,
      backupBucket: region.backup.bucketName,
    };
    this.registerOutputs({ outputs: this.outputs });
  }
}

/**
 * Sources of the ScyllaDB firewall rule: the pod and node ranges of every GCP
 * region of the environment, in seed order. Adding a region updates every
 * region's rule in place.
 */
export function scyllaSourceRanges(plan: EnvironmentPlan): string[] {
  return plan.regions
    .map((r) => r.network)
    .filter((n): n is GcpNetworkPlan => n.cloud === "gcp")
    .flatMap((n) => [n.podCidr, n.nodeCidr]);
}

/** Node pool name → the zones its nodes live in. */
export function nodePoolZones(region: RegionPlan): Record<string, string[]> {
  return {
    [region.systemPool.poolName]: [...region.systemPool.zones],
    ...Object.fromEntries(region.racks.map((rack) => [rack.nodePool.poolName, [rack.nodePool.zone]])),
  };
}
