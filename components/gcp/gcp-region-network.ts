/**
 * One region's share of the environment VPC: its subnet (nodes, with
 * secondary ranges for pods and services), Cloud Router + Cloud NAT for the
 * private nodes' egress, and the firewall rules that let other regions reach
 * this region's ScyllaDB nodes and the GKE control plane reach webhooks.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpNetworkPlan, RegionPlan } from "../plan";
import { CQL_PORTS } from "../plan/ports";
import { POD_RANGE_NAME, SCYLLA_PORTS, SERVICE_RANGE_NAME, WEBHOOK_PORTS, nodeTag, scyllaTag } from "./gke-settings";

export interface GcpRegionNetworkArgs {
  /** This region's plan. */
  readonly region: RegionPlan;
  /** This region's network plan. */
  readonly network: GcpNetworkPlan;
  /** The environment's global VPC. */
  readonly vpc: gcp.compute.Network;
  /**
   * Ranges allowed to reach this region's ScyllaDB nodes on the ScyllaDB
   * ports: the pod and node ranges of every GCP region of the environment.
   */
  readonly scyllaSourceRanges: readonly string[];
  /**
   * Private ranges of CQL clients outside the environment (`scylla.clientCidrs`): one rule admits
   * them on the CQL ports of this region's Scylla nodes.
   * @default []
   */
  readonly clientCidrs?: readonly string[];
}

export class GcpRegionNetwork extends pulumi.ComponentResource {
  readonly subnet: gcp.compute.Subnetwork;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
  readonly scyllaFirewall: gcp.compute.Firewall;
  /** Present when the config declares CQL client ranges. */
  readonly cqlClientFirewall?: gcp.compute.Firewall;
  readonly webhookFirewall: gcp.compute.Firewall;

  constructor(name: string, args: GcpRegionNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:RegionNetwork", name, {}, opts);
    const { region, network, vpc } = args;
    const child = { parent: this };

    this.subnet = new gcp.compute.Subnetwork(
      `${name}-subnet`,
      {
        network: vpc.id,
        region: region.region,
        ipCidrRange: network.nodeCidr,
        secondaryIpRanges: [
          { rangeName: POD_RANGE_NAME, ipCidrRange: network.podCidr },
          { rangeName: SERVICE_RANGE_NAME, ipCidrRange: network.serviceCidr },
        ],
        // Private nodes have no external IP; this lets them reach Google APIs
        // (Artifact Registry, Cloud Storage backups, KMS) without the NAT.
        privateIpGoogleAccess: true,
        stackType: "IPV4_ONLY",
        logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      },
      child,
    );

    this.router = new gcp.compute.Router(`${name}-router`, { network: vpc.id, region: region.region }, child);
    // Cloud NAT is a regional, Google-managed service with no per-zone
    // instance, so losing a zone does not cut the region's egress.
    this.nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        router: this.router.name,
        region: region.region,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: this.subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      child,
    );

    // Pod IPs are broadcast between datacenters (Headless services, PodIP),
    // so the sources are pod ranges; node ranges cover host-network agents.
    this.scyllaFirewall = new gcp.compute.Firewall(
      `${name}-scylla`,
      {
        network: vpc.id,
        description: `ScyllaDB traffic into ${region.clusterName}'s Scylla nodes from every region`,
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: [...args.scyllaSourceRanges],
        targetTags: [scyllaTag(region.clusterName)],
        allows: [{ protocol: "tcp", ports: [...SCYLLA_PORTS] }],
      },
      child,
    );

    if ((args.clientCidrs ?? []).length > 0) {
      this.cqlClientFirewall = new gcp.compute.Firewall(
        `${name}-cql-clients`,
        {
          network: vpc.id,
          description: `CQL into ${region.clusterName}'s Scylla nodes from the declared client ranges`,
          direction: "INGRESS",
          priority: 1000,
          sourceRanges: [...args.clientCidrs!],
          targetTags: [scyllaTag(region.clusterName)],
          allows: [{ protocol: "tcp", ports: CQL_PORTS.map(String) }],
        },
        child,
      );
    }

    // GKE's own rule for private clusters opens only 443 and 10250 from the
    // control plane; admission webhooks on other pod ports time out without this.
    this.webhookFirewall = new gcp.compute.Firewall(
      `${name}-webhooks`,
      {
        network: vpc.id,
        description: `GKE control plane of ${region.clusterName} to admission webhooks on its nodes`,
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: [network.masterCidr],
        targetTags: [nodeTag(region.clusterName)],
        allows: [{ protocol: "tcp", ports: [...WEBHOOK_PORTS] }],
      },
      child,
    );

    this.registerOutputs({ subnet: this.subnet.selfLink });
  }
}
