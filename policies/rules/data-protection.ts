/**
 * Data protection: backup buckets that keep versions, encrypt with KMS, stay
 * private, refuse plain HTTP and have a copy in another region; stateful
 * resources that a destroy or replacement cannot take away.
 */
import { type ResourceGraph, arr, rec, str, strings } from "../model/graph";
import { AWS, GCP, datacenters, nodePools } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";
import { backupTargetBuckets } from "./management";

const S3 = {
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  encryption: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
};

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Does a (known) bucket policy deny requests made without TLS? `undefined` when the policy is not known yet. */
export function deniesInsecureTransport(policy: unknown): boolean | undefined {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  if (doc === undefined) return undefined;
  return arr(rec(doc).Statement).some((s) => {
    const st = rec(s);
    const secure = rec(rec(st.Condition).Bool)["aws:SecureTransport"];
    return st.Effect === "Deny" && (secure === "false" || secure === false);
  });
}

function s3Problems(graph: ResourceGraph, bucket: GraphResource): string[] {
  const sub = (types: string[]) => graph.linking(bucket, "bucket", ...types);
  const problems: string[] = [];
  const versioned = sub(S3.versioning).some((v) => rec(v.props.versioningConfiguration).status === "Enabled") || rec(bucket.props.versioning).enabled === true;
  if (!versioned) problems.push("versioning is not enabled (aws.s3.BucketVersioning status Enabled)");
  const kms = sub(S3.encryption).some((e) => arr(e.props.rules).some((r) => /^aws:kms/.test(String(rec(rec(r).applyServerSideEncryptionByDefault).sseAlgorithm ?? ""))));
  if (!kms) problems.push("default encryption is not SSE-KMS (aws.s3.BucketServerSideEncryptionConfiguration sseAlgorithm aws:kms)");
  const blocked = sub(S3.publicAccessBlock).some((b) => PUBLIC_ACCESS_FLAGS.every((f) => b.props[f] === true));
  if (!blocked) problems.push(`public access is not fully blocked (aws.s3.BucketPublicAccessBlock with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true)`);
  const policies = sub(S3.policy);
  const tls = policies.map((p) => deniesInsecureTransport(p.props.policy));
  // An unknown policy document cannot be judged at preview; a known one must deny plain HTTP.
  if (policies.length === 0 || (tls.every((t) => t !== undefined) && !tls.includes(true))) problems.push("no bucket policy denies requests without TLS (Deny when aws:SecureTransport is false)");
  return problems;
}

const GCS_MULTI = new Set(["us", "eu", "asia", "nam4", "eur4", "eur5", "eur7", "eur8", "asia1"]);

function gcsProblems(graph: ResourceGraph, bucket: GraphResource): string[] {
  const p = bucket.props;
  const problems: string[] = [];
  if (rec(p.versioning).enabled !== true) problems.push("versioning.enabled is not true");
  const kmsLinked = graph.linked(bucket, "encryption", "gcp:kms/cryptoKey:CryptoKey").length > 0;
  if (!str(rec(p.encryption).defaultKmsKeyName) && !kmsLinked) problems.push("no customer-managed KMS key (encryption.defaultKmsKeyName)");
  if (p.publicAccessPrevention !== "enforced") problems.push("publicAccessPrevention is not enforced");
  if (p.uniformBucketLevelAccess !== true) problems.push("uniformBucketLevelAccess is not true");
  return problems;
}

export const backupBucketHardening = stackRule({
  name: "backup-bucket-hardening",
  description: "Backup buckets are versioned, KMS-encrypted, not public and (S3) reachable only over TLS.",
  severity: "high",
  remediation: "S3: add BucketVersioning (Enabled), BucketServerSideEncryptionConfiguration (aws:kms), BucketPublicAccessBlock (all four flags) and a BucketPolicy denying aws:SecureTransport=false. GCS: versioning, encryption.defaultKmsKeyName, publicAccessPrevention enforced, uniformBucketLevelAccess.",
  *check(graph): Iterable<Finding> {
    for (const b of graph.ofType(AWS.bucket)) {
      const problems = s3Problems(graph, b);
      if (problems.length > 0) yield { urn: b.urn, message: `S3 bucket ${b.name}: ${problems.join("; ")}` };
    }
    for (const b of graph.ofType(GCP.bucket)) {
      const problems = gcsProblems(graph, b);
      if (problems.length > 0) yield { urn: b.urn, message: `GCS bucket ${b.name}: ${problems.join("; ")}` };
    }
  },
});

function replicationTargets(graph: ResourceGraph, bucket: GraphResource): GraphResource[] {
  return graph
    .linking(bucket, "bucket", ...S3.replication)
    .filter((c) => arr(c.props.rules).some((r) => rec(r).status === "Enabled"))
    .flatMap((c) => graph.linked(c, "rules", AWS.bucket))
    .filter((t) => t.urn !== bucket.urn);
}

export const backupBucketReplication = stackRule({
  name: "backup-bucket-replication",
  description: "Every backup bucket has a copy in another region: S3 replication to a bucket in a different region (or it is that copy); GCS dual- or multi-region.",
  severity: "critical",
  remediation: "S3: add an aws.s3.BucketReplicationConfig (rule status Enabled) whose destination is a bucket created with another region's provider. GCS: use a dual-region or multi-region location (or customPlacementConfig with two regions).",
  *check(graph): Iterable<Finding> {
    const buckets = graph.ofType(AWS.bucket);
    const written = backupTargetBuckets(graph);
    const dataRegions = new Set(datacenters(graph).map((dc) => graph.regionOf(dc.resource)));
    // A bucket a backup task writes to holds a DC's only first copy, even when it also
    // receives another region's replica (a replication ring): it must replicate itself.
    const isBackupTarget = (b: GraphResource) => {
      const name = str(b.props.bucket);
      return name !== undefined ? written.has(name) : dataRegions.has(graph.regionOf(b));
    };
    for (const b of buckets) {
      const region = graph.regionOf(b);
      const targets = replicationTargets(graph, b);
      const offsite = targets.filter((t) => graph.regionOf(t) !== region);
      const isOffsiteCopy =
        !isBackupTarget(b) && buckets.some((src) => src !== b && graph.regionOf(src) !== region && replicationTargets(graph, src).includes(b));
      if (offsite.length > 0 || isOffsiteCopy) continue;
      const detail = targets.length > 0 ? `it replicates only within ${region ?? "its region"} (to ${list(targets.map((t) => t.name))})` : "it has no enabled replication";
      yield { urn: b.urn, message: `S3 bucket ${b.name} (${region ?? "region unknown"}): ${detail}, so losing ${region ?? "the region"} loses its backups; replicate to a bucket in another region` };
    }
    for (const b of graph.ofType(GCP.bucket)) {
      const location = (str(b.props.location) ?? "").toLowerCase();
      const placements = strings(rec(b.props.customPlacementConfig).dataLocations);
      if (GCS_MULTI.has(location) || placements.length >= 2) continue;
      yield { urn: b.urn, message: `GCS bucket ${b.name} is in the single region ${location || "(unset)"}, so losing it loses its backups; use a dual-region or multi-region location` };
    }
  },
});

const STATEFUL_TYPES = [AWS.bucket, GCP.bucket, "aws:kms/key:Key", "gcp:kms/cryptoKey:CryptoKey", "gcp:kms/keyRing:KeyRing"];

export const statefulResourcesProtected = stackRule({
  name: "stateful-resources-protected",
  description: "In production, stateful resources (buckets, KMS keys, ScyllaClusters, Scylla node pools) have protect and retainOnDelete set.",
  severity: "high",
  remediation: "Pass {protect: true, retainOnDelete: true} in the resource options of every bucket, KMS key, ScyllaCluster and Scylla node pool in production.",
  *check(graph): Iterable<Finding> {
    const subjects = [...graph.ofType(...STATEFUL_TYPES), ...datacenters(graph).map((d) => d.resource), ...nodePools(graph).filter((p) => p.role === "scylla").map((p) => p.resource)];
    for (const r of subjects) {
      // retainOnDelete is `undefined` where the source cannot say (the engine's policy API).
      const missing = [r.protect ? undefined : "protect", r.retainOnDelete === false ? "retainOnDelete" : undefined].filter((x): x is string => !!x);
      if (missing.length > 0) yield { urn: r.urn, message: `${r.type.split(":").pop()} ${r.name} holds state but lacks ${missing.join(" and ")}; a destroy or replacement would delete its data: set ${missing.map((m) => `${m}: true`).join(" and ")}` };
    }
  },
});

export const DATA_RULES = [backupBucketHardening, backupBucketReplication, statefulResourcesProtected];
