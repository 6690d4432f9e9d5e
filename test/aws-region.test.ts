import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsRegion } from "../components/aws/aws-region";
import { planEnvironment } from "../components/plan";
import { parseEnvironmentConfig } from "../stacks/validate";
import { T } from "./helpers/aws";
import { awsRegion, environment, gcpRegion } from "./helpers/fixtures";
import { type RecordedResource, mockEngine, named, unwrap } from "./helpers/harness";

const ENDPOINT = "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com";
const ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";
const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";

/** What AWS would report after creation, for the attributes this layer reads. */
function computed(type: string, _name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case T.cluster:
      return {
        endpoint: ENDPOINT,
        certificateAuthority: { data: "Q0EtREFUQQ==" },
        identities: [{ oidcs: [{ issuer: ISSUER }] }],
        vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: "sg-0cluster", vpcId: "vpc-1" },
      };
    case T.oidc:
      return { arn: OIDC_ARN };
    case T.launchTemplate:
      return { latestVersion: 1 };
    default:
      return {};
  }
}

const plan = planEnvironment(parseEnvironmentConfig(environment([awsRegion("use1", "us-east-1", 0)])));
let region: AwsRegion;
let resources: readonly RecordedResource[];

beforeAll(async () => {
  const rec = mockEngine({ computedOutputs: computed });
  region = new AwsRegion(plan.regions[0]!.name, { plan, region: plan.regions[0]! });
  resources = await rec.settle();
});

describe("AwsRegion with the values AWS computes", () => {
  it("hands the Kubernetes layer a provider whose kubeconfig calls aws eks get-token for this cluster", async () => {
    const provider = named(resources, T.k8sProvider, "test-use1-k8s");
    expect(provider.inputs.clusterIdentifier).toBe("test-use1");
    const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
    expect(kubeconfig.clusters[0].cluster).toEqual({ server: ENDPOINT, "certificate-authority-data": "Q0EtREFUQQ==" });
    expect(kubeconfig.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "test-use1", "--region", "us-east-1", "--output", "json"]);
    expect(await unwrap(region.cluster.provider.urn)).toBe(provider.urn);
  });

  it("makes workloads wait for every node group and add-on", async () => {
    const urns = await Promise.all(region.cluster.dependsOn.map((r) => unwrap(r.urn)));
    const types = urns.map((urn) => resources.find((r) => r.urn === urn)!.type);
    expect(types.filter((t) => t === T.nodeGroup)).toHaveLength(4);
    expect(urns.filter((u) => u.includes("addon:Addon::")).map((u) => u.split("::").pop())).toEqual([
      "test-use1-node-agents-vpc-cni",
      "test-use1-node-agents-kube-proxy",
      "test-use1-node-agents-eks-pod-identity-agent",
      "test-use1-cluster-services-coredns",
      "test-use1-cluster-services-aws-ebs-csi-driver",
    ]);
    expect(urns).toHaveLength(9);
  });

  it("exports cluster name and endpoint, OIDC issuer and provider ARN, and the network", async () => {
    const outputs = await unwrap(pulumi.output(region.outputs));
    expect(outputs).toMatchObject({
      clusterName: "test-use1",
      clusterEndpoint: ENDPOINT,
      oidcIssuer: ISSUER,
      oidcProviderArn: OIDC_ARN,
      vpcId: "test-use1-vpc-id",
      vpcCidr: "10.0.0.0/16",
    });
    expect(named(resources, T.oidc, "test-use1-oidc").inputs.url).toBe(ISSUER);
  });

  it("attaches the cluster security group next to the Scylla one, and pins the template version", () => {
    const template = named(resources, T.launchTemplate, "test-use1-scylla-a-lt");
    expect(template.inputs.vpcSecurityGroupIds).toEqual(["sg-0cluster", "test-use1-scylla-nodes-id"]);
    expect(named(resources, T.nodeGroup, "test-use1-scylla-a").inputs.launchTemplate).toEqual({ id: "test-use1-scylla-a-lt-id", version: "1" });
  });

  it("refuses a GCP region plan", () => {
    const gcp = planEnvironment(parseEnvironmentConfig(environment([gcpRegion("usc1", "us-central1", 40)])));
    expect(() => new AwsRegion("wrong", { plan: gcp, region: gcp.regions[0]! })).toThrow("AwsRegion wrong got a gcp region plan");
  });
});
