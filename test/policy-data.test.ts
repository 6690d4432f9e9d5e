import { describe, expect, it } from "vitest";
import { DATA_RULES, backupBucketHardening, backupBucketReplication, deniesInsecureTransport, statefulResourcesProtected } from "../policies/rules/data-protection";
import { noDefaultProvider } from "../policies/rules/hygiene";
import { PREVIEW_UNKNOWN } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

describe("data-protection and hygiene rules", () => {
  it.each([...DATA_RULES, noDefaultProvider].map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule)).toEqual([]);
  });

  it("backup-bucket-hardening flags an S3 bucket missing each protection", () => {
    const b = awsEnvironment().remove("prod-use1-backups-versioning", "prod-use1-backups-pab").edit("prod-use1-backups-sse", (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }));
    b.edit("prod-use1-backups-tls", (i) => ({ ...i, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject" }] }) }));
    expect(findings(b, backupBucketHardening)).toEqual([
      ["prod-use1-backups", "S3 bucket prod-use1-backups: versioning is not enabled (aws.s3.BucketVersioning status Enabled); default encryption is not SSE-KMS (aws.s3.BucketServerSideEncryptionConfiguration sseAlgorithm aws:kms); public access is not fully blocked (aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true); no bucket policy denies requests without TLS (Deny when aws:SecureTransport is false)"],
    ]);
  });

  it("backup-bucket-hardening cannot judge a bucket policy unknown at preview, and flags none at all", () => {
    expect(findings(awsEnvironment().edit("prod-use1-backups-tls", (i) => ({ ...i, policy: PREVIEW_UNKNOWN })), backupBucketHardening)).toEqual([]);
    expect(findings(awsEnvironment().remove("prod-use1-backups-tls"), backupBucketHardening)).toEqual([
      ["prod-use1-backups", "S3 bucket prod-use1-backups: no bucket policy denies requests without TLS (Deny when aws:SecureTransport is false)"],
    ]);
    expect(deniesInsecureTransport({ Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } }] })).toBe(true);
  });

  it("backup-bucket-hardening flags a GCS bucket without versioning, KMS and public-access prevention", () => {
    const b = gcpEnvironment().edit("staging-usc1-backups", (i) => ({ location: i.location }));
    b.find("staging-usc1-backups").propertyDependencies = {};
    expect(findings(b, backupBucketHardening)).toEqual([
      ["staging-usc1-backups", "GCS bucket staging-usc1-backups: versioning.enabled is not true; no customer-managed KMS key (encryption.defaultKmsKeyName); publicAccessPrevention is not enforced; uniformBucketLevelAccess is not true"],
    ]);
  });

  it("backup-bucket-replication flags buckets without an off-region copy", () => {
    const b = awsEnvironment().remove("prod-usw2-backups-replication");
    b.find("prod-euw1-backups-replication").propertyDependencies.rules = [b.find("prod-euw1-backups").urn];
    // prod-usw2-backups still receives use1's replica, but a backup task writes to it: it needs its own copy.
    expect(findings(b, backupBucketReplication)).toEqual([
      ["prod-usw2-backups", "S3 bucket prod-usw2-backups (us-west-2): it has no enabled replication, so losing us-west-2 loses its backups; replicate to a bucket in another region"],
      ["prod-euw1-backups", "S3 bucket prod-euw1-backups (eu-west-1): it has no enabled replication, so losing eu-west-1 loses its backups; replicate to a bucket in another region"],
    ]);
    expect(findings(gcpEnvironment().edit("staging-usc1-backups", (i) => ({ ...i, location: "US-CENTRAL1" })), backupBucketReplication)).toEqual([
      ["staging-usc1-backups", "GCS bucket staging-usc1-backups is in the single region us-central1, so losing it loses its backups; use a dual-region or multi-region location"],
    ]);
  });

  it("backup-bucket-replication exempts a replica-only bucket that no backup task writes to", () => {
    const b = awsEnvironment();
    b.add("aws:s3/bucket:Bucket", "prod-dr-replica", { bucket: "prod-dr-replica" }, { provider: b.ref("prod-usw2-aws"), protect: true, retainOnDelete: true });
    b.find("prod-use1-backups-replication").propertyDependencies.rules = [b.find("prod-dr-replica").urn];
    expect(findings(b, backupBucketReplication)).toEqual([]);
  });

  it("backup-bucket-replication flags replication that stays in the region", () => {
    const b = awsEnvironment();
    const twin = b.add("aws:s3/bucket:Bucket", "prod-use1-backups-twin", {}, { provider: b.ref("prod-use1-aws"), protect: true, retainOnDelete: true });
    b.find("prod-use1-backups-replication").propertyDependencies.rules = [twin.urn];
    b.find("prod-euw1-backups-replication").propertyDependencies.rules = [twin.urn];
    const f = findings(b, backupBucketReplication);
    expect(f).toContainEqual(["prod-use1-backups", "S3 bucket prod-use1-backups (us-east-1): it replicates only within us-east-1 (to prod-use1-backups-twin), so losing us-east-1 loses its backups; replicate to a bucket in another region"]);
  });

  it("stateful-resources-protected flags buckets, ScyllaClusters and Scylla pools without protect or retainOnDelete", () => {
    const b = awsEnvironment().set("prod-use1-backups", { protect: false }).set("prod-use1-scylla", { retainOnDelete: false }).set("prod-use1-scylla-us-east-1a", { protect: false, retainOnDelete: false });
    expect(findings(b, statefulResourcesProtected)).toEqual([
      ["prod-use1-backups", "Bucket prod-use1-backups holds state but lacks protect; a destroy or replacement would delete its data: set protect: true"],
      ["prod-use1-scylla", "ScyllaCluster prod-use1-scylla holds state but lacks retainOnDelete; a destroy or replacement would delete its data: set retainOnDelete: true"],
      ["prod-use1-scylla-us-east-1a", "NodeGroup prod-use1-scylla-us-east-1a holds state but lacks protect and retainOnDelete; a destroy or replacement would delete its data: set protect: true and retainOnDelete: true"],
    ]);
  });

  it("no-default-provider flags a custom resource without an explicit provider", () => {
    const b = awsEnvironment();
    b.add("aws:s3/bucket:Bucket", "orphan", {});
    b.add("pulumi:pulumi:StackReference", "org/scylla-ha-stack/prod", { name: "org/scylla-ha-stack/prod" });
    expect(findings(b, noDefaultProvider)).toEqual([
      ["orphan", "aws:s3/bucket:Bucket orphan uses the default aws provider, whose region and credentials come from whoever runs Pulumi; pass an explicit provider"],
    ]);
  });
});
