/**
 * The AWS backup buckets of prod (three regions, replicating along the ring)
 * and dev (one region replicating to a bucket-only region), linked the way the
 * policies link them: settings to their bucket and key through
 * propertyDependencies, buckets to regions through their providers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { regionOf } from "./helpers/aws";
import { environment, threeAwsRegions } from "./helpers/fixtures";
import { type RecordedResource, byUrn, ofType, synthStack } from "./helpers/harness";

const S3 = {
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
} as const;
const KMS_KEY = "aws:kms/key:Key";

let prod: SynthResult;
let dev: SynthResult;
let locked: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  dev = await synthStack("dev");
  locked = await synthStack(
    "test",
    environment(threeAwsRegions().slice(0, 2), {
      backups: { objectLock: { mode: "COMPLIANCE", days: 30 }, transition: { days: 45, storageClass: "GLACIER_IR" }, noncurrentVersionDays: 60 },
    }),
  );
});

/** The resources of `type` whose `bucket` input comes from this bucket. */
function settingsOf(resources: readonly RecordedResource[], type: string, bucket: RecordedResource): RecordedResource[] {
  return ofType(resources, type).filter((r) => r.propertyDependencies.bucket?.length === 1 && r.propertyDependencies.bucket[0] === bucket.urn);
}

/** The one `type` resource configuring this bucket. */
function settingOf(resources: readonly RecordedResource[], type: string, bucket: RecordedResource): RecordedResource {
  const found = settingsOf(resources, type, bucket);
  expect(found.map((r) => r.name), `${type} of ${bucket.name}`).toHaveLength(1);
  return found[0]!;
}

/** The customer-managed key of a bucket: the key its encryption configuration depends on. */
function keyOf(resources: readonly RecordedResource[], bucket: RecordedResource): RecordedResource {
  const deps = settingOf(resources, S3.encryption, bucket).propertyDependencies.rules ?? [];
  const keys = deps.map((u) => byUrn(resources, u)).filter((r) => r.type === KMS_KEY);
  expect(keys, bucket.name).toHaveLength(1);
  return keys[0]!;
}

describe("every backup bucket is hardened", () => {
  it.each([
    ["prod", 3],
    ["dev", 2],
  ] as const)("%s: %i buckets named for their environment and region, each in that region", (stack, count) => {
    const result = stack === "prod" ? prod : dev;
    const buckets = ofType(result.resources, S3.bucket);
    expect(buckets).toHaveLength(count);
    for (const b of buckets) {
      expect(b.inputs.bucket).toBe(`scylla-ha-${stack}-${regionOf(result.resources, b)}-backup`);
      expect(b.inputs).toMatchObject({ forceDestroy: false, objectLockEnabled: false });
    }
  });

  it.each(["prod", "dev"])("%s: versioning, SSE-KMS with the bucket's own rotating key, all four public-access blocks, owner-enforced objects", (stack) => {
    const result = stack === "prod" ? prod : dev;
    for (const b of ofType(result.resources, S3.bucket)) {
      expect(settingOf(result.resources, S3.versioning, b).inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      const sse = settingOf(result.resources, S3.encryption, b);
      expect((sse.inputs.rules as unknown[]).length).toBe(1);
      expect(sse.inputs.rules).toMatchObject([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }]);
      const key = keyOf(result.resources, b);
      expect(key.parent).toBe(b.parent);
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      expect(regionOf(result.resources, key)).toBe(regionOf(result.resources, b));
      expect(settingOf(result.resources, S3.publicAccess, b).inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(settingOf(result.resources, S3.ownership, b).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    }
  });

  it.each(["prod", "dev"])("%s: a bucket policy that denies every request not made over TLS", (stack) => {
    const result = stack === "prod" ? prod : dev;
    for (const b of ofType(result.resources, S3.bucket)) {
      const arn = `arn:aws:s3:::${String(b.inputs.bucket)}`;
      expect(JSON.parse(String(settingOf(result.resources, S3.policy, b).inputs.policy))).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
    }
  });

  it.each(["prod", "dev"])("%s: lifecycle expires noncurrent versions after 30 days and aborts uploads after 7, once versioning is on", (stack) => {
    const result = stack === "prod" ? prod : dev;
    for (const b of ofType(result.resources, S3.bucket)) {
      const lifecycle = settingOf(result.resources, S3.lifecycle, b);
      expect(lifecycle.inputs.rules).toEqual([
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: { prefix: "" },
          noncurrentVersionExpiration: { noncurrentDays: 30 },
          expiration: { expiredObjectDeleteMarker: true },
        },
        { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      ]);
      expect(lifecycle.dependencies).toContain(settingOf(result.resources, S3.versioning, b).urn);
      expect(settingsOf(result.resources, S3.objectLock, b)).toEqual([]);
    }
  });

  it("with Object Lock and a transition configured: locked buckets, a default retention and a colder class", () => {
    const buckets = ofType(locked.resources, S3.bucket);
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      expect(b.inputs.objectLockEnabled).toBe(true);
      expect(settingOf(locked.resources, S3.objectLock, b).inputs.rule).toEqual({ defaultRetention: { mode: "COMPLIANCE", days: 30 } });
      const rules = settingOf(locked.resources, S3.lifecycle, b).inputs.rules as Array<Record<string, unknown>>;
      expect(rules.map((r) => r.id)).toEqual(["expire-noncurrent-versions", "abort-incomplete-uploads", "transition-glacier_ir"]);
      expect(rules[0]!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 60 });
      expect(rules[2]!.transitions).toEqual([{ days: 45, storageClass: "GLACIER_IR" }]);
    }
  });
});

describe("every DC's backups exist in two regions", () => {
  /** Source bucket name → destination bucket name, with regions checked through providers. */
  function replicationMap(result: SynthResult): Record<string, string> {
    const map: Record<string, string> = {};
    for (const config of ofType(result.resources, S3.replication)) {
      const source = byUrn(result.resources, config.propertyDependencies.bucket![0]!);
      expect(source.type).toBe(S3.bucket);
      const targets = (config.propertyDependencies.rules ?? []).map((u) => byUrn(result.resources, u));
      const destination = targets.filter((r) => r.type === S3.bucket);
      expect(destination, config.name).toHaveLength(1);
      const replicaKey = targets.filter((r) => r.type === KMS_KEY);
      // The copy is encrypted with the destination bucket's own key.
      expect(replicaKey.map((k) => k.urn)).toEqual([keyOf(result.resources, destination[0]!).urn]);
      // Configured through the source's region, copied into another region.
      expect(regionOf(result.resources, config)).toBe(regionOf(result.resources, source));
      expect(regionOf(result.resources, destination[0]!)).not.toBe(regionOf(result.resources, source));
      const rule = (config.inputs.rules as Array<Record<string, unknown>>)[0]!;
      expect(rule).toMatchObject({
        status: "Enabled",
        priority: 1,
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: `arn:aws:s3:::${String(destination[0]!.inputs.bucket)}`, storageClass: "STANDARD", metrics: { status: "Enabled" } },
      });
      // Replication needs both buckets versioned first.
      expect(config.dependencies).toEqual(
        expect.arrayContaining([settingOf(result.resources, S3.versioning, source).urn, settingOf(result.resources, S3.versioning, destination[0]!).urn]),
      );
      map[String(source.inputs.bucket)] = String(destination[0]!.inputs.bucket);
    }
    return map;
  }

  it("prod: each region's bucket replicates to the next region's, in a ring", () => {
    expect(replicationMap(prod)).toEqual({
      "scylla-ha-prod-us-east-1-backup": "scylla-ha-prod-us-west-2-backup",
      "scylla-ha-prod-us-west-2-backup": "scylla-ha-prod-eu-west-1-backup",
      "scylla-ha-prod-eu-west-1-backup": "scylla-ha-prod-us-east-1-backup",
    });
  });

  it("dev: the only region replicates to a bucket-only region with its own provider", () => {
    expect(replicationMap(dev)).toEqual({ "scylla-ha-dev-us-east-1-backup": "scylla-ha-dev-us-west-2-backup" });
    const replica = ofType(dev.resources, "scylla-ha:aws:BackupReplicaRegion");
    expect(replica.map((r) => r.name)).toEqual(["dev-us-west-2"]);
    const provider = ofType(dev.resources, "pulumi:providers:aws").find((p) => p.parent === replica[0]!.urn)!;
    expect(provider.inputs.region).toBe("us-west-2");
  });

  it("a lost region is skipped: the ring closes over the surviving regions", async () => {
    const [use1, usw2, euw1] = threeAwsRegions();
    const result = await synthStack("test", environment([use1, usw2, { ...euw1, phase: "lost" }]));
    expect(replicationMap(result)).toEqual({
      "scylla-ha-test-us-east-1-backup": "scylla-ha-test-us-west-2-backup",
      "scylla-ha-test-us-west-2-backup": "scylla-ha-test-us-east-1-backup",
      // Declared as before (the lost region's own configuration is frozen with it).
      "scylla-ha-test-eu-west-1-backup": "scylla-ha-test-us-east-1-backup",
    });
  });
});

describe("nothing stateful is lost by accident", () => {
  const stateful = (result: SynthResult) => [
    ...ofType(result.resources, S3.bucket),
    ...ofType(result.resources, S3.replication),
    ...ofType(result.resources, KMS_KEY).filter((k) => byUrn(result.resources, k.parent!).type === "scylla-ha:aws:BackupBucket"),
  ];

  it("prod: every bucket, bucket key and replication configuration is protected and retained", () => {
    const all = stateful(prod);
    expect(all).toHaveLength(9);
    for (const r of all) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, true, true]);
  });

  it("dev: none of them is, so a development environment can be torn down", () => {
    const all = stateful(dev);
    expect(all).toHaveLength(5);
    for (const r of all) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, false, false]);
  });
});
