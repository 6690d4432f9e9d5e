/**
 * CQL clients outside the environment (`scylla.clientCidrs`): private ranges
 * only, admitted on the CQL ports and nothing else — in the ScyllaDB
 * NetworkPolicy, on every AWS region's Scylla node security group and in a
 * GCP firewall rule. Without them nothing of the kind exists.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { AWS_DEPLOYER, environment, gcpRegion, threeAwsRegions, configProblems } from "./helpers/fixtures";
import { named, ofType, synthStack } from "./helpers/harness";

const KEYSPACES = [{ name: "app", replicationFactor: 3 }];
const withClients = (regions: unknown[], clientCidrs: string[]) => environment(regions, { scylla: { keyspaces: KEYSPACES, clientCidrs }, deployer: AWS_DEPLOYER });
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

const problems = configProblems;

describe("scylla.clientCidrs validation", () => {
  it("refuses public, malformed and repeated ranges, each by its index, and accepts private ones", () => {
    expect(problems(withClients(threeAwsRegions(), ["203.0.113.0/24", "10.50.0.0/16", "10.50.0.0/16", "10.1.2.3/16", "100.64.0.0/16"]))).toEqual([
      'scylla.clientCidrs[0]: must be a private range (10/8, 172.16/12, 192.168/16 or 100.64/10): CQL is never opened to public addresses (got "203.0.113.0/24")',
      'scylla.clientCidrs[2]: duplicates scylla.clientCidrs[1] (got "10.50.0.0/16")',
      'scylla.clientCidrs[3]: has host bits set; the network address is 10.1.0.0/16 (got "10.1.2.3/16")',
    ]);
    expect(problems(withClients(threeAwsRegions(), ["10.50.0.0/16", "192.168.10.0/24"]))).toEqual([]);
  });
});

describe("declared CQL clients on AWS", () => {
  let aws: SynthResult;
  let none: SynthResult;
  beforeAll(async () => {
    aws = await synthStack("test", withClients(threeAwsRegions(), ["10.50.0.0/16"]));
    none = await synthStack("test", withClients(threeAwsRegions(), []));
  }, 120_000);

  it("admits them on exactly the four CQL ports of every region's Scylla node security group", () => {
    const rules = ofType(aws.resources, INGRESS).filter((r) => r.inputs.cidrIpv4 === "10.50.0.0/16");
    expect(rules.map((r) => r.name).sort()).toEqual(
      ["use1", "usw2", "euw1"].flatMap((k) => [9042, 9142, 19042, 19142].map((p) => `test-${k}-cql-client-10-50-0-0-16-${p}`)).sort(),
    );
    for (const key of ["use1", "usw2", "euw1"]) {
      const sg = named(aws.resources, "aws:ec2/securityGroup:SecurityGroup", `test-${key}-scylla-nodes`);
      const rule = named(aws.resources, INGRESS, `test-${key}-cql-client-10-50-0-0-16-9042`);
      expect(rule.inputs).toMatchObject({ cidrIpv4: "10.50.0.0/16", ipProtocol: "tcp", fromPort: 9042, toPort: 9042 });
      expect(rule.propertyDependencies.securityGroupId).toEqual([sg.urn]);
    }
    expect(ofType(none.resources, INGRESS).filter((r) => r.name.includes("-cql-client-"))).toEqual([]);
  });

  it("lets them through the CQL NetworkPolicy, and no other policy", () => {
    const blocks = (r: SynthResult, name: string) =>
      JSON.stringify(named(r.resources, NP, name).inputs.spec).match(/10\.50\.0\.0\/16/g)?.length ?? 0;
    expect(blocks(aws, "test-usw2-scylla-cql")).toBe(1);
    expect(blocks(aws, "test-usw2-scylla-inter-node")).toBe(0);
    expect(blocks(aws, "test-usw2-scylla-agent")).toBe(0);
    expect(blocks(none, "test-usw2-scylla-cql")).toBe(0);
  });
});

describe("declared CQL clients on GCP", () => {
  it("get one firewall rule per region on the CQL ports of the Scylla nodes", async () => {
    const gcpDeployer = {
      networks: ["10.0.96.0/24"],
      gcpIam: { deployMember: "serviceAccount:deploy@scylla-ha-test.iam.gserviceaccount.com", previewMember: "serviceAccount:preview@scylla-ha-test.iam.gserviceaccount.com" },
    };
    const config = { ...withClients([gcpRegion("usc1", "us-central1", 40)], ["10.50.0.0/16"]), deployer: gcpDeployer };
    const gcp = await synthStack("test", config);
    const rule = named(gcp.resources, "gcp:compute/firewall:Firewall", "test-usc1-cql-clients");
    expect(rule.inputs).toMatchObject({ direction: "INGRESS", sourceRanges: ["10.50.0.0/16"], allows: [{ protocol: "tcp", ports: ["9042", "9142", "19042", "19142"] }] });
    expect((rule.inputs.targetTags as string[]).length).toBe(1);
  }, 120_000);
});
