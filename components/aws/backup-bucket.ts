/**
 * One S3 bucket for ScyllaDB Manager backups, hardened: versioned, SSE-KMS
 * with its own rotating key and S3 Bucket Keys, every public-access block on,
 * ACLs disabled (bucket owner enforced), a policy refusing plain HTTP,
 * lifecycle rules, and optional Object Lock. Each setting is its own resource
 * (the aws v7 way) pointing at the bucket through the bucket's own output, so
 * the link is a dependency the policies can follow at preview.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan } from "../plan";
import { s3BucketArn, tlsOnlyBucketPolicy } from "./backup-policies";

/** Days after which an unfinished multipart upload (an interrupted backup) is aborted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

export interface AwsBackupBucketArgs {
  /** The environment plan: backup lifecycle, Object Lock and protection settings. */
  readonly plan: EnvironmentPlan;
  /** Cloud region of the bucket; the provider's region. */
  readonly region: string;
  /** Physical bucket name, from the plan (global, so it carries environment and region). */
  readonly bucketName: string;
  /** The region's explicit AWS provider. */
  readonly provider: aws.Provider;
}

export class AwsBackupBucket extends pulumi.ComponentResource {
  /** Customer-managed key of the bucket; replicas into this bucket are encrypted with it too. */
  readonly key: aws.kms.Key;
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
  readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  readonly ownership: aws.s3.BucketOwnershipControls;
  readonly policy: aws.s3.BucketPolicy;
  readonly lifecycle: aws.s3.BucketLifecycleConfiguration;
  /** Present when the environment turns Object Lock on. */
  readonly objectLock?: aws.s3.BucketObjectLockConfiguration;
  /** Cloud region of the bucket. */
  readonly region: string;
  /** The bucket's ARN, built from its name so it is known at preview (bucket ARNs hold no account or region). */
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AwsBackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:BackupBucket", name, {}, opts);
    const { plan, provider, bucketName } = args;
    const { backups } = plan;
    this.region = args.region;
    const child = { parent: this, provider };
    // Losing the bucket or its key loses every backup: production refuses to delete either, and
    // even a removal from the program leaves them in the account.
    const stateful = { ...child, protect: plan.protectState, retainOnDelete: plan.protectState };

    this.key = new aws.kms.Key(
      `${name}-key`,
      { description: `ScyllaDB backups in s3://${bucketName}`, enableKeyRotation: true, deletionWindowInDays: 30 },
      stateful,
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${bucketName}`, targetKeyId: this.key.keyId }, child);

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: bucketName,
        // Object Lock can only be switched on when the bucket is created.
        objectLockEnabled: backups.objectLock !== undefined,
        forceDestroy: false,
        tags: { Name: bucketName },
      },
      stateful,
    );
    const bucket = this.bucket.bucket;
    this.arn = bucket.apply((b) => s3BucketArn(args.region, b));

    this.ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, child);
    this.encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        // Bucket Keys cut KMS requests (and cost) by orders of magnitude for the many small SSTable components.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      },
      child,
    );
    this.policy = new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket, policy: this.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
      // S3 rejects policy writes while the public-access block is being put in place.
      { ...child, dependsOn: [this.publicAccessBlock] },
    );

    const everything = { prefix: "" };
    const transition = backups.transition;
    this.lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            // Manager's purge deletes old snapshots; their versions stay recoverable this long, then go.
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: everything,
            noncurrentVersionExpiration: { noncurrentDays: backups.noncurrentVersionDays },
            expiration: { expiredObjectDeleteMarker: true },
          },
          { id: "abort-incomplete-uploads", status: "Enabled", filter: everything, abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS } },
          ...(transition
            ? [{ id: `transition-${transition.storageClass.toLowerCase()}`, status: "Enabled", filter: everything, transitions: [{ days: transition.days, storageClass: transition.storageClass }] }]
            : []),
        ],
      },
      // Noncurrent-version rules only mean something on a versioned bucket.
      { ...child, dependsOn: [this.versioning] },
    );

    if (backups.objectLock) {
      this.objectLock = new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        { bucket, rule: { defaultRetention: { mode: backups.objectLock.mode, days: backups.objectLock.days } } },
        { ...child, dependsOn: [this.versioning] },
      );
    }
    this.registerOutputs({ bucket, arn: this.arn });
  }
}
