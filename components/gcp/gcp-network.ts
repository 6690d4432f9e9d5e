/**
 * The environment's one GCP VPC. GCP VPCs are global: every region's subnet
 * joins the same network, so pod ranges route between regions with no
 * peering or VPN, and one firewall vocabulary covers them all.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";

export interface GcpNetworkArgs {
  /** The environment plan; its GCP regions (at least one) share this VPC. */
  readonly plan: EnvironmentPlan;
}

/** Labels that describe a region, which a global resource does not belong to. */
const REGIONAL_LABELS = new Set(["region-key", "scylla-datacenter"]);

export class GcpNetwork extends pulumi.ComponentResource {
  /**
   * Provider of the environment's global GCP resources: the GCP regions'
   * project and no region. The VPC cannot use a region's provider: those are
   * created inside each `GcpRegion`, which needs the VPC first. And a VPC
   * outlives any one region; a provider without a region keeps policies that
   * group resources by their provider's region from counting the shared
   * network in the first region's failure domain.
   */
  readonly provider: gcp.Provider;
  readonly network: gcp.compute.Network;
  /** The project every GCP region of the environment uses (config validation enforces one). */
  readonly project: string;

  constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:Network", name, {}, opts);
    const first = args.plan.regions.find((r): r is RegionPlan & { network: { cloud: "gcp" } } => r.network.cloud === "gcp");
    if (!first) throw new Error(`GcpNetwork ${name}: environment ${args.plan.environment} has no GCP region`);
    this.project = first.network.project;
    const labels = Object.fromEntries(Object.entries(commonTags(args.plan, first)).filter(([k]) => !REGIONAL_LABELS.has(k)));

    this.provider = new gcp.Provider(`${name}-global`, { project: this.project, defaultLabels: labels }, { parent: this });
    this.network = new gcp.compute.Network(
      `${name}-vpc`,
      {
        description: `ScyllaDB environment ${args.plan.environment}: one subnet per region`,
        // Custom mode: auto mode would create a subnet in every GCP region
        // from 10.128.0.0/9, overlapping ranges we route between regions.
        autoCreateSubnetworks: false,
        // Cloud Routers advertise and learn routes for every region, which a
        // future HA VPN to another cloud needs; subnet routes are global either way.
        routingMode: "GLOBAL",
        // Private nodes reach Google APIs and (through Cloud NAT) registries via the default route.
        deleteDefaultRoutesOnCreate: false,
      },
      { parent: this, provider: this.provider },
    );
    this.registerOutputs({ network: this.network.selfLink });
  }
}
