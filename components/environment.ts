/**
 * One environment: every region's cloud part, Kubernetes part and the links
 * between regions. A thin loop over the plan; the plan decides the shape.
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsRegion } from "./aws/aws-region";
import { wireAwsBackups } from "./aws/backups";
import { peerAwsRegions } from "./aws/peering";
import { wireGcpBackups } from "./gcp/backups";
import { GcpNetwork } from "./gcp/gcp-network";
import { GcpRegion } from "./gcp/gcp-region";
import type { ClusterHandle } from "./cluster";
import { regionOptions } from "./lost-region";
import type { EnvironmentPlan, RegionPlan } from "./plan";
import { type ScyllaLayer, type ScyllaRegion, buildScyllaLayer } from "./scylla";
import type { CqlPasswords } from "./scylla/cql-auth";

export interface EnvironmentArgs {
  /** The validated environment plan (see components/plan). */
  readonly plan: EnvironmentPlan;
  /**
   * Scylla Manager agent auth token, identical in every DC (secret config `agentAuthToken`).
   * @default - none: fine for one DC; deploying several DCs without it fails.
   */
  readonly agentAuthToken?: pulumi.Input<string>;
  /** CQL passwords: superuser, Manager's role, replication role (secret config, components/scylla/cql-auth.ts). */
  readonly cql: CqlPasswords;
  /**
   * Alertmanager's webhook receiver URL (secret config `alertWebhookUrl`).
   * @default - none: alerts are kept in Alertmanager only.
   */
  readonly alertWebhookUrl?: pulumi.Input<string>;
}

export type CloudRegion = AwsRegion | GcpRegion;

export class Environment extends pulumi.ComponentResource {
  /** The environment's global GCP VPC, when it has GCP regions. */
  readonly gcpNetwork?: GcpNetwork;
  /** Each region's cloud part, by region key. */
  readonly regions: Readonly<Record<string, CloudRegion>>;
  /** Each region's Kubernetes layer, by region key, for regions whose cloud part has a cluster. */
  readonly scylla: Readonly<Record<string, ScyllaRegion>>;
  /** The update's replication and repair Jobs, when it has a procedure. */
  readonly jobs: Omit<ScyllaLayer, "regions">;
  /** Stack outputs per region key. */
  readonly regionOutputs: Record<string, Record<string, pulumi.Input<unknown>>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:index:Environment", name, {}, opts);
    const { plan } = args;
    // GCP VPCs are global: one per environment, before the regions that add subnets to it.
    if (plan.regions.some((r) => r.cloud === "gcp")) {
      this.gcpNetwork = new GcpNetwork(`${plan.environment}-gcp`, { plan }, { parent: this });
    }
    const regions: Record<string, CloudRegion> = {};
    for (const region of plan.regions) {
      regions[region.key] = cloudRegion(plan, region, this, this.gcpNetwork);
    }
    this.regions = regions;
    // Cross-region links need every region's network first; plan order picks each pair's requester.
    peerAwsRegions(
      plan.regions.map((r) => regions[r.key]).filter((r): r is AwsRegion => r instanceof AwsRegion),
      this,
    );
    // Backup replication and agent identities span every bucket of the environment, so they come after all regions.
    const backupIdentities = new Map([
      ...wireAwsBackups(plan, Object.values(regions).filter((r): r is AwsRegion => r instanceof AwsRegion), this),
      ...wireGcpBackups(plan, new Map(Object.entries(regions).filter((e): e is [string, GcpRegion] => e[1] instanceof GcpRegion))),
    ]);
    // Regions appear here as soon as their cloud part provides a cluster.
    const clusters = new Map<string, ClusterHandle>();
    for (const [key, r] of Object.entries(regions)) {
      const backupIdentity = backupIdentities.get(key);
      if (r.cluster) clusters.set(key, backupIdentity ? { ...r.cluster, backupIdentity } : r.cluster);
    }
    const { regions: scylla, ...jobs } = buildScyllaLayer(
      {
        plan,
        clusters,
        ...(args.agentAuthToken !== undefined ? { agentAuthToken: args.agentAuthToken } : {}),
        cql: args.cql,
        ...(args.alertWebhookUrl !== undefined ? { alertWebhookUrl: args.alertWebhookUrl } : {}),
      },
      this,
    );
    this.scylla = scylla;
    this.jobs = jobs;
    this.regionOutputs = Object.fromEntries(Object.entries(regions).map(([key, r]) => [key, r.outputs]));
    this.registerOutputs({ regions: this.regionOutputs });
  }
}

function cloudRegion(plan: EnvironmentPlan, region: RegionPlan, parent: pulumi.Resource, gcpNetwork?: GcpNetwork): CloudRegion {
  const opts = regionOptions(parent, region);
  switch (region.cloud) {
    case "aws":
      return new AwsRegion(region.name, { plan, region }, opts);
    case "gcp":
      if (!gcpNetwork) throw new Error(`region ${region.key} is on GCP but the environment built no GCP network`);
      return new GcpRegion(region.name, { plan, region, vpc: gcpNetwork.network }, opts);
    default: {
      const unreachable: never = region.cloud;
      throw new Error(`unhandled cloud ${String(unreachable)}`);
    }
  }
}
