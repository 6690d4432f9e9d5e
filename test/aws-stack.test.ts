import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { T, ancestorOfType, countByType, regionOf } from "./helpers/aws";
import { type RecordedResource, byUrn, named, ofType, providerOf, synthStack } from "./helpers/harness";

let prod: SynthResult;
let dev: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  dev = await synthStack("dev");
});

/** Resources per region that do not depend on the number of regions. */
function perRegion(zones: number, nats: number, principals: number): Record<string, number> {
  return {
    "aws:cloudwatch/logGroup:LogGroup": 2,
    "aws:ec2/eip:Eip": nats,
    "aws:ec2/flowLog:FlowLog": 1,
    "aws:ec2/internetGateway:InternetGateway": 1,
    "aws:ec2/launchTemplate:LaunchTemplate": zones + 1,
    "aws:ec2/natGateway:NatGateway": nats,
    "aws:ec2/routeTable:RouteTable": zones + 1,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": 2 * zones,
    "aws:ec2/securityGroup:SecurityGroup": 1,
    "aws:ec2/subnet:Subnet": 2 * zones,
    "aws:ec2/vpc:Vpc": 1,
    "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
    "aws:eks/addon:Addon": 5,
    // Deploy path: the declared principals' access entries and cluster-admin associations.
    "aws:eks/accessEntry:AccessEntry": principals,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": principals,
    "aws:eks/cluster:Cluster": 1,
    "aws:eks/nodeGroup:NodeGroup": zones + 1,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
    // cluster, node, EBS CSI and VPC flow logs; backup replication; the Manager agent (IRSA).
    "aws:iam/role:Role": 6,
    "aws:iam/rolePolicy:RolePolicy": 4,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 6,
    // EKS secrets and the backup bucket, each with an alias.
    "aws:kms/alias:Alias": 2,
    "aws:kms/key:Key": 2,
    ...backupBucket(1),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": 1,
    "pulumi:providers:aws": 1,
    "pulumi:providers:kubernetes": 1,
    "scylla-ha:aws:AgentIdentity": 1,
    "scylla-ha:aws:BackupReplication": 1,
    "scylla-ha:aws:EksAddons": 2,
    "scylla-ha:aws:EksCluster": 1,
    "scylla-ha:aws:EksClusterAccess": 1,
    "scylla-ha:aws:Network": 1,
    "scylla-ha:aws:NodeGroups": 1,
    "scylla-ha:aws:Region": 1,
  };
}

/** A hardened backup bucket: the bucket, its key, and each setting as its own resource. */
function backupBucket(n: number): Record<string, number> {
  return {
    "aws:s3/bucket:Bucket": n,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": n,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": n,
    "aws:s3/bucketPolicy:BucketPolicy": n,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": n,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": n,
    "aws:s3/bucketVersioning:BucketVersioning": n,
    "scylla-ha:aws:BackupBucket": n,
  };
}

/** Adds counts, type by type. */
function plus(...parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) out[k] = (out[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function times(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v * n]));
}

/** The cloud side: everything but the Kubernetes layer (tested in test/scylla-*.test.ts). */
const cloudSide = (resources: readonly RecordedResource[]) =>
  resources.filter((r) => !r.type.startsWith("kubernetes:") && !r.type.startsWith("scylla-ha:scylla:"));

describe("resource counts", () => {
  it("prod: three regions of three zones with NAT per zone, and a three-pair peering mesh", () => {
    // prod declares deploy, preview and one break-glass principal.
    const regions = times(perRegion(3, 3, 3), 3);
    expect(countByType(cloudSide(prod.resources))).toEqual({
      ...regions,
      // 3 private + 1 public default route per region, plus 2 sides × 3 tables per pair.
      "aws:ec2/route:Route": 3 * 4 + 3 * 6,
      "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": 3,
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": 3,
      // 9 ScyllaDB ports and ICMP frag-needed, per side of each pair; 443 from each of the two deployer networks per region.
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 3 * 2 * 9 + 3 * 2 + 3 * 2,
      "pulumi:pulumi:Stack": 1,
      "pulumi:pulumi:StackReference": 1,
      "scylla-ha:aws:Peering": 3,
      "scylla-ha:index:Environment": 1,
    });
    expect(cloudSide(prod.resources)).toHaveLength(378);
  });

  it("dev: one region of three zones with a single NAT, and a bucket-only region for the backup replica", () => {
    expect(countByType(cloudSide(dev.resources))).toEqual(
      plus(perRegion(3, 1, 2), backupBucket(1), {
        "aws:ec2/route:Route": 4,
        // The replica region's own key (and alias) and explicit provider.
        "aws:kms/alias:Alias": 1,
        "aws:kms/key:Key": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
        "pulumi:pulumi:StackReference": 1,
        "scylla-ha:aws:BackupReplicaRegion": 1,
        "scylla-ha:index:Environment": 1,
      }),
    );
    expect(cloudSide(dev.resources)).toHaveLength(103);
  });

  it("docs/aws.md states the synth's totals", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "aws.md"), "utf8").replace(/\s+/g, " ");
    const stated = /records (\d+) resources for `prod` \((\d+) AWS resources[^)]*\) and (\d+) for `dev` \((\d+) AWS resources\)/.exec(doc);
    const aws = (rs: readonly RecordedResource[]) => rs.filter((r) => r.type.startsWith("aws:")).length;
    expect(stated?.slice(1).map(Number)).toEqual([prod.resources.length, aws(prod.resources), dev.resources.length, aws(dev.resources)]);
  });

  it("gives every resource a logical name no other type uses, so no two ids collide", () => {
    for (const result of [prod, dev]) {
      const custom = cloudSide(result.resources).filter((r) => r.custom);
      const names = custom.map((r) => r.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i), result.stack).toEqual([]);
    }
  });
});

describe("explicit providers", () => {
  /**
   * The region a resource must be in: its AwsRegion's, its bucket-only replica region's, or for
   * peering children the side its name names.
   */
  function expectedRegion(result: SynthResult, r: RecordedResource): string {
    const owner = ancestorOfType(result.resources, r, "scylla-ha:aws:Region");
    const byName = (name: string) => result.plan.regions.find((p) => p.name === name)!.region;
    if (owner) return byName(owner.name);
    const replica = ancestorOfType(result.resources, r, "scylla-ha:aws:BackupReplicaRegion");
    if (replica) return result.plan.backups.replicaOnlyRegions.find((p) => p.name === replica.name)!.region;
    const peering = ancestorOfType(result.resources, r, "scylla-ha:aws:Peering")!;
    const [env, requester, accepter] = peering.name.split("-");
    if (r.type === T.peering) return byName(`${env}-${requester}`);
    if (r.type === T.accepter) return byName(`${env}-${accepter}`);
    const side = r.name.slice(peering.name.length + 1).split("-")[0];
    return byName(`${env}-${side}`);
  }

  it.each([
    ["prod", 336],
    ["dev", 85],
  ] as const)("%s: every AWS resource (%i) uses its own region's explicit AWS provider", (stack, count) => {
    const result = stack === "prod" ? prod : dev;
    const aws = result.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(aws).toHaveLength(count);
    for (const r of aws) {
      const provider = providerOf(result.resources, r);
      expect(provider.type, r.urn).toBe(T.awsProvider);
      expect(regionOf(result.resources, r), r.urn).toBe(expectedRegion(result, r));
      expect(r.inputs, r.urn).not.toHaveProperty("region");
    }
  });

  it("prod: one AWS and one Kubernetes provider per region, both parented to the region", () => {
    for (const region of prod.plan.regions) {
      const owner = named(prod.resources, "scylla-ha:aws:Region", region.name);
      const aws = named(prod.resources, T.awsProvider, `${region.name}-aws`);
      expect(aws.parent).toBe(owner.urn);
      expect(aws.inputs.region).toBe(region.region);
      const k8s = named(prod.resources, T.k8sProvider, `${region.name}-k8s`);
      expect(k8s.parent).toBe(owner.urn);
      expect(k8s.inputs.clusterIdentifier).toBe(region.clusterName);
      expect(k8s.propertyDependencies.kubeconfig).toEqual([named(prod.resources, T.cluster, `${region.name}-eks`).urn]);
      expect(byUrn(prod.resources, owner.parent!).type).toBe("scylla-ha:index:Environment");
    }
    expect(ofType(prod.resources, T.k8sProvider)).toHaveLength(3);
  });
});

describe("region outputs", () => {
  // The endpoint, OIDC issuer and provider ARN are computed by AWS, so a first preview omits them
  // (aws-region.test.ts checks them with computed values).
  it("dev: exports the cluster, network and node-group placement known at preview", () => {
    const stack = dev.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
    const outputs = (stack.outputs.regions as Record<string, Record<string, unknown>>).use1!;
    expect(outputs).toEqual({
      cloud: "aws",
      region: "us-east-1",
      datacenter: "us-east-1",
      clusterName: "dev-use1",
      vpcId: "dev-use1-vpc-id",
      vpcCidr: "10.10.0.0/16",
      backupBucket: "scylla-ha-dev-us-east-1-backup",
      privateSubnetIds: {
        "us-east-1a": "dev-use1-private-us-east-1a-id",
        "us-east-1b": "dev-use1-private-us-east-1b-id",
        "us-east-1c": "dev-use1-private-us-east-1c-id",
      },
      nodeGroupZones: {
        system: ["us-east-1a", "us-east-1b", "us-east-1c"],
        "scylla-a": ["us-east-1a"],
        "scylla-b": ["us-east-1b"],
        "scylla-c": ["us-east-1c"],
      },
    });
  });
});
