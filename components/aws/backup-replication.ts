/**
 * Cross-region replication of one backup bucket into the backup bucket of
 * another region, so a DC's backups survive the loss of its region. Every new
 * object version (SSE-KMS encrypted) is copied and re-encrypted with the
 * replica bucket's own key; delete markers follow, so the replica lists the
 * same snapshots as the source, while deleted versions stay in both buckets
 * until the noncurrent-version rule expires them (S3 never replicates a
 * version deletion, which is what protects the copy from a deleting source).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan } from "../plan";
import type { AwsBackupBucket } from "./backup-bucket";
import { replicationRolePolicy } from "./backup-policies";
import { partitionOf, serviceTrustPolicy } from "./iam-policies";

export interface AwsBackupReplicationArgs {
  /** The environment plan (protection, Object Lock). */
  readonly plan: EnvironmentPlan;
  /** The bucket whose objects are copied. */
  readonly source: AwsBackupBucket;
  /** The bucket receiving the copies, in another region. */
  readonly destination: AwsBackupBucket;
  /** The source region's provider: replication is configured on the source bucket. */
  readonly provider: aws.Provider;
}

export class AwsBackupReplication extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly configuration: aws.s3.BucketReplicationConfig;

  constructor(name: string, args: AwsBackupReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:BackupReplication", name, {}, opts);
    const { plan, source, destination, provider } = args;
    if (source.region === destination.region) throw new Error(`${name}: a bucket cannot replicate within its own region ${source.region}`);
    const child = { parent: this, provider };

    // S3 assumes the role for the source bucket only, in our account.
    const accountId = plan.deployer?.aws?.accountId;
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: accountId
          ? // From the bucket's name (an input, known at preview), not its computed ARN.
            source.bucket.bucket.apply((bucket) =>
              JSON.stringify(serviceTrustPolicy("s3.amazonaws.com", { account: accountId, arn: `arn:${partitionOf(source.region)}:s3:::${bucket}` })),
            )
          : JSON.stringify(serviceTrustPolicy("s3.amazonaws.com")),
      },
      child,
    );
    this.rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi
          .all([source.arn, source.key.arn, destination.arn, destination.key.arn])
          .apply(([sourceArn, sourceKey, destinationArn, destinationKey]) =>
            JSON.stringify(
              replicationRolePolicy(
                { region: source.region, bucketArn: sourceArn, keyArn: sourceKey },
                { region: destination.region, bucketArn: destinationArn, keyArn: destinationKey },
                plan.backups.objectLock !== undefined,
              ),
            ),
          ),
      },
      child,
    );

    this.configuration = new aws.s3.BucketReplicationConfig(
      `${name}-config`,
      {
        bucket: source.bucket.bucket,
        role: this.role.arn,
        rules: [
          {
            id: `to-${destination.region}`,
            // A rule with a filter (the V2 schema, which delete-marker replication needs) must carry a priority.
            priority: 1,
            status: "Enabled",
            filter: { prefix: "" },
            deleteMarkerReplication: { status: "Enabled" },
            // Without this S3 skips SSE-KMS objects — which is every backup object.
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: destination.arn,
              storageClass: "STANDARD",
              encryptionConfiguration: { replicaKmsKeyId: destination.key.arn },
              // CloudWatch replication latency and failure metrics, for alerting on a stalled copy.
              metrics: { status: "Enabled" },
            },
          },
        ],
      },
      {
        ...child,
        protect: plan.protectState,
        retainOnDelete: plan.protectState,
        // S3 refuses replication unless both buckets are versioned.
        dependsOn: [source.versioning, destination.versioning, this.rolePolicy],
      },
    );
    this.registerOutputs({});
  }
}
