/**
 * Workload identity of the Manager agent: the IRSA role and its policy on
 * prod (rendered with the values AWS computes, so the policy documents are
 * known), the GKE service account on staging, and the annotation that carries
 * each to the ScyllaCluster (the operator copies it onto `<cluster>-member`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type SynthResult, synthesize } from "../cli/engine/synthesize";
import {
  AGENT_BUCKET_ACTIONS,
  AGENT_KMS_ACTIONS,
  AGENT_OBJECT_ACTIONS,
  agentBackupPolicy,
  irsaTrustPolicy,
  replicationRolePolicy,
  s3ServiceHost,
} from "../components/aws/backup-policies";
import { readStackConfigFile, stackConfigPath } from "../stacks/config";
import { type RecordedResource, byUrn, named, ofType, synthStack } from "./helpers/harness";

const ACCOUNT = "123456789012";

/** What AWS reports after creation, for the attributes the identity documents use. */
function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return {
        endpoint: `https://${String(inputs.name)}.eks.amazonaws.com`,
        certificateAuthority: { data: "Q0E=" },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.amazonaws.com/id/${String(inputs.name)}` }] }],
        vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: "sg-1", vpcId: "vpc-1" },
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(inputs.url).replace("https://", "")}` };
    case "aws:kms/key:Key":
      return { arn: `arn:aws:kms:any:${ACCOUNT}:key/${name}` };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${ACCOUNT}:role/${String(inputs.name ?? name)}` };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { latestVersion: 1 };
    default:
      return {};
  }
}

let applied: SynthResult;
let prod: SynthResult;
let staging: SynthResult;

beforeAll(async () => {
  // An update (not a preview) needs every deployment secret: agent token, CQL passwords, alert receiver.
  const config = {
    ...readStackConfigFile(stackConfigPath("prod")),
    "scylla-ha-stack:agentAuthToken": "test-token",
    "scylla-ha-stack:cqlSuperuserPassword": "test-superuser-password",
    "scylla-ha-stack:cqlManagerPassword": "test-manager-password",
    "scylla-ha-stack:cqlReplicationPassword": "test-replication-password",
    "scylla-ha-stack:alertWebhookUrl": "https://hooks.example.com/test",
  };
  applied = await synthesize({ stack: "prod", config, preview: false, strict: true, computedOutputs: computed });
  prod = await synthStack("prod");
  staging = await synthStack("staging");
});

const doc = (r: RecordedResource, field: string) => JSON.parse(String(r.inputs[field])) as { Statement: Array<Record<string, unknown>> };
const scyllaCluster = (result: SynthResult, region: string) =>
  ofType(result.resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster").find((c) => c.name === `${region}-scylla-cluster`)!;

describe("the Manager agent on EKS (IRSA)", () => {
  const regions = ["use1", "usw2", "euw1"];

  it.each(regions)("prod-%s: may do exactly the agent's actions on exactly the environment's buckets and their keys", (key) => {
    const bucketArns = ofType(applied.resources, "aws:s3/bucket:Bucket").map((b) => `arn:aws:s3:::${String(b.inputs.bucket)}`);
    expect(bucketArns).toEqual([
      "arn:aws:s3:::scylla-ha-prod-us-east-1-backup",
      "arn:aws:s3:::scylla-ha-prod-us-west-2-backup",
      "arn:aws:s3:::scylla-ha-prod-eu-west-1-backup",
    ]);
    const keyArns = ["use1", "usw2", "euw1"].map((k) => `arn:aws:kms:any:${ACCOUNT}:key/prod-${k}-backup-key`);
    const policy = named(applied.resources, "aws:iam/rolePolicy:RolePolicy", `prod-${key}-agent-backups`);
    expect(doc(policy, "policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "BackupBuckets", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: bucketArns },
        {
          Sid: "BackupObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: bucketArns.map((a) => `${a}/*`),
        },
        { Sid: "BackupKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: keyArns },
      ],
    });
    const role = named(applied.resources, "aws:iam/role:Role", `prod-${key}-agent-role`);
    expect(policy.propertyDependencies.role).toEqual([role.urn]);
  });

  it.each(regions)("prod-%s: only the scylla/scylla-member ServiceAccount of this region's cluster can assume the role", (key) => {
    const role = named(applied.resources, "aws:iam/role:Role", `prod-${key}-agent-role`);
    const issuer = `oidc.eks.amazonaws.com/id/prod-${key}`;
    expect(role.inputs.name).toBe(`prod-${key}-scylla-agent`);
    expect(doc(role, "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:scylla:scylla-member", [`${issuer}:aud`]: "sts.amazonaws.com" } },
      },
    ]);
    expect(role.propertyDependencies.assumeRolePolicy).toContain(named(applied.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", `prod-${key}-oidc`).urn);
  });

  it.each(regions)("prod-%s: the ScyllaCluster carries the role ARN (known at preview) and waits for its grants", (key) => {
    const cluster = scyllaCluster(prod, `prod-${key}`);
    expect((cluster.inputs.metadata as Record<string, unknown>).annotations).toEqual({
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/prod-${key}-scylla-agent`,
      "pulumi.com/waitFor": '["condition=Available","condition=Progressing=False","condition=Degraded=False"]',
      // DCs without Manager opt out of registering with one (docs/scylla.md).
      ...(key === "use1" ? {} : { "scylla-operator.scylladb.com/disable-global-scylladb-manager-integration": "true" }),
    });
    expect(cluster.dependencies).toContain(named(prod.resources, "aws:iam/rolePolicy:RolePolicy", `prod-${key}-agent-backups`).urn);
  });

  it("builds the documents from the exact action lists", () => {
    expect([AGENT_BUCKET_ACTIONS, AGENT_OBJECT_ACTIONS, AGENT_KMS_ACTIONS].map((a) => a.length)).toEqual([3, 5, 3]);
    expect(agentBackupPolicy([], []).Statement.map((s) => s.Resource)).toEqual([[], [], []]);
    const trust = irsaTrustPolicy({ oidcProviderArn: "arn:p", issuerUrl: "https://issuer/id/1", namespace: "ns", serviceAccount: "sa" });
    expect(trust.Statement[0]!.Condition).toEqual({ StringEquals: { "issuer/id/1:sub": "system:serviceaccount:ns:sa", "issuer/id/1:aud": "sts.amazonaws.com" } });
  });
});

describe("the S3 replication role", () => {
  const source = { region: "us-east-1", bucketArn: "arn:aws:s3:::src", keyArn: "arn:aws:kms:us-east-1:1:key/a" };
  const destination = { region: "us-west-2", bucketArn: "arn:aws:s3:::dst", keyArn: "arn:aws:kms:us-west-2:1:key/b" };

  it("reads the source, writes the destination, and uses each key only through S3 in its region for its bucket", () => {
    const policy = replicationRolePolicy(source, destination, false);
    expect(policy.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["ReadSourceConfiguration", ["s3:GetReplicationConfiguration", "s3:ListBucket"], "arn:aws:s3:::src"],
      ["ReadSourceVersions", ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "arn:aws:s3:::src/*"],
      ["WriteReplicas", ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "arn:aws:s3:::dst/*"],
      ["DecryptSource", "kms:Decrypt", source.keyArn],
      ["EncryptReplicas", ["kms:Encrypt", "kms:GenerateDataKey"], destination.keyArn],
    ]);
    expect(policy.Statement[4]!.Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::dst", "arn:aws:s3:::dst/*"] },
    });
  });

  it("also reads Object Lock retention when the buckets are locked", () => {
    expect(replicationRolePolicy(source, destination, true).Statement[1]!.Action).toEqual([
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
      "s3:GetObjectRetention",
      "s3:GetObjectLegalHold",
    ]);
  });

  it.each([
    ["us-east-1", "s3.us-east-1.amazonaws.com"],
    ["cn-north-1", "s3.cn-north-1.amazonaws.com.cn"],
  ])("names S3 in %s as %s", (region, host) => {
    expect(s3ServiceHost(region)).toBe(host);
  });
});

describe("the Manager agent on GKE (Workload Identity)", () => {
  it("binds a Google service account to scylla/scylla-member of the project's workload pool", () => {
    const account = named(staging.resources, "gcp:serviceaccount/account:Account", "staging-usc1-agent-sa");
    expect(account.inputs).toMatchObject({ accountId: "agent-staging-usc1", project: "scylla-ha-staging" });
    const binding = named(staging.resources, "gcp:serviceaccount/iAMMember:IAMMember", "staging-usc1-agent-workload-identity");
    expect(binding.inputs).toMatchObject({
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:scylla-ha-staging.svc.id.goog[scylla/scylla-member]",
    });
    expect(binding.propertyDependencies.serviceAccountId).toEqual([account.urn]);
  });

  it("grants object-level access on exactly the environment's buckets", () => {
    const grants = ofType(staging.resources, "gcp:storage/bucketIAMMember:BucketIAMMember");
    const buckets = ofType(staging.resources, "gcp:storage/bucket:Bucket");
    expect(grants.map((g) => [g.inputs.role, g.inputs.member, byUrn(staging.resources, g.propertyDependencies.bucket![0]!).inputs.name])).toEqual([
      ["roles/storage.objectUser", "serviceAccount:agent-staging-usc1@scylla-ha-staging.iam.gserviceaccount.com", "scylla-ha-staging-us-central1-backup"],
    ]);
    expect(buckets.map((b) => b.inputs.name)).toEqual(["scylla-ha-staging-us-central1-backup"]);
  });

  it("annotates the ScyllaCluster with the service account and waits for its grants", () => {
    const cluster = scyllaCluster(staging, "staging-usc1");
    expect((cluster.inputs.metadata as Record<string, unknown>).annotations).toEqual({
      "iam.gke.io/gcp-service-account": "agent-staging-usc1@scylla-ha-staging.iam.gserviceaccount.com",
      "pulumi.com/waitFor": '["condition=Available","condition=Progressing=False","condition=Degraded=False"]',
    });
    expect(cluster.dependencies).toEqual(
      expect.arrayContaining([
        named(staging.resources, "gcp:serviceaccount/iAMMember:IAMMember", "staging-usc1-agent-workload-identity").urn,
        named(staging.resources, "gcp:storage/bucketIAMMember:BucketIAMMember", "staging-usc1-agent-usc1").urn,
      ]),
    );
  });
});
