/**
 * The AWS deploy path in the real program's output: every EKS cluster grants
 * exactly the declared principals through access entries (creator bootstrap
 * off, kept off by ignoreChanges), admits 443 from the deployer's private
 * network, keeps pod addresses across peering and enforces NetworkPolicy in
 * vpc-cni, keeps IMDS from pods, and pins service trust to our account.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { T } from "./helpers/aws";
import { awsRegion, environment } from "./helpers/fixtures";
import { named, ofType, synthStack } from "./helpers/harness";

const ENTRY = "aws:eks/accessEntry:AccessEntry";
const POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const PROD = { use1: ["us-east-1", "10.0.0.0/16"], usw2: ["us-west-2", "10.1.0.0/16"], euw1: ["eu-west-1", "10.2.0.0/16"] } as const;
type Key = keyof typeof PROD;
const KEYS = Object.keys(PROD) as Key[];
const PRINCIPALS = {
  deploy: "arn:aws:iam::123456789012:role/scylla-ha-prod-deploy",
  preview: "arn:aws:iam::123456789012:role/scylla-ha-prod-preview",
  "break-glass-scylla-ha-break-glass": "arn:aws:iam::123456789012:role/scylla-ha-break-glass",
};

let prod: SynthResult;
let undeclared: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  undeclared = await synthStack("undeclared", environment([awsRegion("use1", "us-east-1", 0)], { environment: { name: "undeclared", tier: "development" } }));
});

describe("EKS access (prod)", () => {
  it.each(KEYS)("%s: creator bootstrap off, and only creation decides it (ignoreChanges: the flag is ForceNew)", (key) => {
    const cluster = named(prod.resources, T.cluster, `prod-${key}-eks`);
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    expect(cluster.ignoreChanges).toEqual(["accessConfig.bootstrapClusterCreatorAdminPermissions"]);
  });

  it.each(KEYS)("%s: one access entry and one cluster-admin association per declared principal, linked to the cluster", (key) => {
    const cluster = named(prod.resources, T.cluster, `prod-${key}-eks`);
    for (const [pkey, arn] of Object.entries(PRINCIPALS)) {
      const entry = named(prod.resources, ENTRY, `prod-${key}-access-${pkey}`);
      expect(entry.inputs).toEqual({ clusterName: `prod-${key}`, principalArn: arn, type: "STANDARD" });
      expect(entry.propertyDependencies.clusterName).toEqual([cluster.urn]);
      const association = named(prod.resources, POLICY, `prod-${key}-access-${pkey}-admin`);
      expect(association.inputs).toEqual({ clusterName: `prod-${key}`, principalArn: arn, policyArn: ADMIN, accessScope: { type: "cluster" } });
      // The association names the entry's principal, so it is created after the entry.
      expect(association.propertyDependencies.principalArn).toEqual([entry.urn]);
    }
    expect(ofType(prod.resources, ENTRY).filter((e) => e.name.startsWith(`prod-${key}-`))).toHaveLength(3);
  });

  it.each(KEYS)("%s: 443 on the EKS cluster security group from both deployer networks (runners in two regions), and no public endpoint", (key) => {
    const cluster = named(prod.resources, T.cluster, `prod-${key}-eks`);
    for (const cidr of ["10.0.96.0/24", "10.1.96.0/24"]) {
      const rule = named(prod.resources, T.ingress, `prod-${key}-access-api-${cidr.replace(/[./]/g, "-")}`);
      expect(rule.inputs).toMatchObject({ cidrIpv4: cidr, ipProtocol: "tcp", fromPort: 443, toPort: 443 });
      expect(rule.propertyDependencies.securityGroupId).toEqual([cluster.urn]);
    }
    expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
  });

  it.each(KEYS)("%s: Kubernetes objects wait for the access associations and the 443 path", (key) => {
    const ns = ofType(prod.resources, "kubernetes:core/v1:Namespace").find((n) => n.name === `prod-${key}-local-csi-driver`)!;
    for (const pkey of Object.keys(PRINCIPALS)) expect(ns.dependencies).toContain(named(prod.resources, POLICY, `prod-${key}-access-${pkey}-admin`).urn);
    expect(ns.dependencies).toContain(named(prod.resources, T.ingress, `prod-${key}-access-api-10-0-96-0-24`).urn);
  });
});

describe("vpc-cni, EBS CSI and IMDS (prod)", () => {
  it.each(KEYS)("%s: vpc-cni leaves every peer VPC un-NATed and enforces NetworkPolicy", (key) => {
    const addon = named(prod.resources, T.addon, `prod-${key}-node-agents-vpc-cni`);
    const peers = KEYS.filter((k) => k !== key).map((k) => PROD[k][1]);
    expect(JSON.parse(String(addon.inputs.configurationValues))).toEqual({
      enableNetworkPolicy: "true",
      env: { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: peers.join(",") },
    });
  });

  it.each(KEYS)("%s: the EBS CSI controller gets its region, not IMDS", (key) => {
    const addon = named(prod.resources, T.addon, `prod-${key}-cluster-services-aws-ebs-csi-driver`);
    expect(JSON.parse(String(addon.inputs.configurationValues))).toEqual({ controller: { region: PROD[key][0] } });
  });

  it("every launch template requires IMDSv2 with hop limit 1", () => {
    const templates = ofType(prod.resources, T.launchTemplate);
    expect(templates).toHaveLength(3 * 4);
    for (const t of templates) expect(t.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });
});

describe("service trust pinned to the account (prod)", () => {
  const trust = (r: { inputs: Record<string, unknown> }) => JSON.parse(String(r.inputs.assumeRolePolicy)).Statement[0];

  it.each(KEYS)("%s: flow logs may assume their role only for this account's flow logs in the region", (key) => {
    expect(trust(named(prod.resources, T.role, `prod-${key}-flow-logs-role`)).Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:${PROD[key][0]}:123456789012:vpc-flow-log/*` },
    });
  });

  it("S3 may assume each replication role only for its source bucket", () => {
    const roles = ofType(prod.resources, T.role).filter((r) => r.name.endsWith("-backup-replication-role"));
    expect(roles).toHaveLength(3);
    for (const role of roles) {
      const region = PROD[role.name.split("-")[1] as Key][0];
      expect(trust(role).Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": `arn:aws:s3:::scylla-ha-prod-${region}-backup` },
      });
    }
  });
});

describe("an environment that declares no deployer", () => {
  it("keeps the creator's bootstrap admin as the only access, with no entries, no 443 rule and no source conditions", () => {
    const cluster = named(undeclared.resources, T.cluster, "undeclared-use1-eks");
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    expect(ofType(undeclared.resources, ENTRY)).toEqual([]);
    expect(ofType(undeclared.resources, POLICY)).toEqual([]);
    expect(ofType(undeclared.resources, T.ingress)).toEqual([]);
    expect(trust(named(undeclared.resources, T.role, "undeclared-use1-flow-logs-role"))).not.toHaveProperty("Condition");
    // A single region has no peer to exclude from SNAT; NetworkPolicy is enforced regardless.
    expect(JSON.parse(String(named(undeclared.resources, T.addon, "undeclared-use1-node-agents-vpc-cni").inputs.configurationValues))).toEqual({ enableNetworkPolicy: "true" });
  });
  const trust = (r: { inputs: Record<string, unknown> }) => JSON.parse(String(r.inputs.assumeRolePolicy)).Statement[0];
});
