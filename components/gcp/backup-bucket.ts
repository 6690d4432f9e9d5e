/**
 * One GCS bucket for ScyllaDB Manager backups: a dual-region bucket (the
 * region and its replica region), uniform bucket-level access, public access
 * prevention enforced, versioning, a customer-managed key, lifecycle rules and
 * soft delete.
 *
 * Why a dual-region rather than a second bucket filled by Storage Transfer
 * Service: GCS itself keeps the copy in the second region and serves the same
 * bucket from either region after a loss, so the Manager location in the
 * backup task and in a restore never changes; there is no transfer job whose
 * schedule bounds the copy's age or whose failure goes unnoticed, and no
 * transfer service agent to grant. Turbo replication (production) bounds the
 * lag at 15 minutes. The price: both regions must be in one multi-region, and
 * the copy is visible in the bucket's own inputs (`location`,
 * `customPlacementConfig.dataLocations`), which is what the policies read.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { ABORT_INCOMPLETE_UPLOAD_DAYS, SOFT_DELETE_SECONDS, backupKeyLocation, dualRegionPlacement } from "./backup-settings";

export interface GcpBackupBucketArgs {
  /** The environment plan: lifecycle and protection settings. */
  readonly plan: EnvironmentPlan;
  /** This region's plan: project, bucket name and replica region. */
  readonly region: RegionPlan;
}

export class GcpBackupBucket extends pulumi.ComponentResource {
  readonly keyRing: gcp.kms.KeyRing;
  readonly key: gcp.kms.CryptoKey;
  /** The GCS service agent's use of the key; the bucket cannot be created before it. */
  readonly keyAccess: gcp.kms.CryptoKeyIAMMember;
  readonly bucket: gcp.storage.Bucket;
  /** Key of the region the bucket belongs to. */
  readonly regionKey: string;

  constructor(name: string, args: GcpBackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:BackupBucket", name, {}, opts);
    const { plan, region } = args;
    if (region.network.cloud !== "gcp") throw new Error(`GcpBackupBucket ${name} got a ${region.network.cloud} region plan`);
    const project = region.network.project;
    const { backups } = plan;
    this.regionKey = region.key;
    const child = { parent: this };
    // Losing the bucket or its key loses every backup.
    const stateful = { parent: this, protect: plan.protectState, retainOnDelete: plan.protectState };

    // Key rings can never be deleted in GCP; auto-naming gives a re-created environment a new one.
    this.keyRing = new gcp.kms.KeyRing(`${name}-keyring`, { location: backupKeyLocation(region.region), project }, stateful);
    this.key = new gcp.kms.CryptoKey(`${name}-key`, { keyRing: this.keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" }, stateful);
    // Asking for the agent (rather than spelling its address) makes GCS create it in a new project.
    const agent = gcp.storage.getProjectServiceAccountOutput({ project }, child);
    this.keyAccess = new gcp.kms.CryptoKeyIAMMember(
      `${name}-key-gcs`,
      { cryptoKeyId: this.key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: agent.member },
      child,
    );

    const placement = dualRegionPlacement(region.region, region.backup.replicaRegion);
    const transition = backups.transition;
    this.bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        name: region.backup.bucketName,
        project,
        location: placement.location,
        customPlacementConfig: { dataLocations: placement.dataLocations },
        // Production pays for turbo replication: the second region lags by at most 15 minutes.
        rpo: plan.tier === "production" ? "ASYNC_TURBO" : "DEFAULT",
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        encryption: { defaultKmsKeyName: this.key.id },
        softDeletePolicy: { retentionDurationSeconds: SOFT_DELETE_SECONDS },
        lifecycleRules: [
          // Manager's purge deletes old snapshots; their versions stay recoverable this long, then go.
          { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: backups.noncurrentVersionDays, withState: "ARCHIVED" } },
          { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: ABORT_INCOMPLETE_UPLOAD_DAYS } },
          ...(transition
            ? [{ action: { type: "SetStorageClass", storageClass: transition.storageClass }, condition: { age: transition.days, withState: "LIVE" } }]
            : []),
        ],
        forceDestroy: false,
      },
      { ...stateful, dependsOn: [this.keyAccess] },
    );
    this.registerOutputs({ bucket: this.bucket.name });
  }
}
