/**
 * The cross-region half of the AWS backup layer, built once every region's
 * bucket exists: bucket-only replica regions, each region's replication into
 * its replica region's bucket, and each region's agent identity over every
 * bucket of the environment. Like peering, it needs all regions first; the
 * per-region parts are parented to their region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BackupIdentity } from "../cluster";
import type { EnvironmentPlan, ReplicaOnlyRegionPlan } from "../plan";
import { AwsAgentIdentity } from "./agent-identity";
import type { AwsRegion } from "./aws-region";
import { AwsBackupBucket } from "./backup-bucket";
import { AwsBackupReplication } from "./backup-replication";

export interface AwsBackupReplicaRegionArgs {
  /** The environment plan (backup settings, protection). */
  readonly plan: EnvironmentPlan;
  /** The bucket-only region. */
  readonly replica: ReplicaOnlyRegionPlan;
}

/**
 * A region holding nothing but a replica bucket (dev's second copy): its own
 * explicit provider, and a bucket hardened exactly like every other.
 */
export class AwsBackupReplicaRegion extends pulumi.ComponentResource {
  readonly provider: aws.Provider;
  readonly backupBucket: AwsBackupBucket;

  constructor(name: string, args: AwsBackupReplicaRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:BackupReplicaRegion", name, {}, opts);
    const { plan, replica } = args;
    this.provider = new aws.Provider(
      `${name}-aws`,
      {
        region: replica.region as aws.Region,
        defaultTags: { tags: { "managed-by": "pulumi", project: "scylla-ha-stack", environment: plan.environment, "backup-replica": "true" } },
      },
      { parent: this },
    );
    this.backupBucket = new AwsBackupBucket(
      `${name}-backup`,
      { plan, region: replica.region, bucketName: replica.bucketName, provider: this.provider },
      { parent: this },
    );
    this.registerOutputs({ bucket: replica.bucketName });
  }
}

/** Wires replication and agent identities; returns each region's identity by region key. */
export function wireAwsBackups(plan: EnvironmentPlan, regions: readonly AwsRegion[], parent: pulumi.Resource): Map<string, BackupIdentity> {
  const buckets = new Map<string, AwsBackupBucket>(regions.map((r) => [r.regionPlan.region, r.backupBucket]));
  for (const replica of plan.backups.replicaOnlyRegions) {
    if (replica.cloud !== "aws") continue;
    buckets.set(replica.region, new AwsBackupReplicaRegion(replica.name, { plan, replica }, { parent }).backupBucket);
  }
  const all = [...buckets.values()];
  const identities = new Map<string, BackupIdentity>();
  for (const region of regions) {
    const { regionPlan } = region;
    const destination = buckets.get(regionPlan.backup.replicaRegion);
    if (!destination) throw new Error(`region ${regionPlan.key}: no backup bucket in replica region ${regionPlan.backup.replicaRegion}`);
    const child = { parent: region };
    new AwsBackupReplication(
      `${regionPlan.name}-backup-replication`,
      { plan, source: region.backupBucket, destination, provider: region.provider },
      child,
    );
    const identity = new AwsAgentIdentity(
      `${regionPlan.name}-agent`,
      {
        plan,
        region: regionPlan,
        provider: region.provider,
        oidcIssuer: region.eks.oidcIssuer,
        oidcProviderArn: region.eks.oidcProvider.arn,
        buckets: all,
      },
      child,
    );
    identities.set(regionPlan.key, { annotations: identity.annotations, dependsOn: [identity.policy] });
  }
  return identities;
}
