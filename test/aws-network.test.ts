import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { T, byId, inRegion, privateRouteTables, regionOf, routesOf, subnetsOfRouteTable, tagsOf, zoneOfSubnet } from "./helpers/aws";
import { named, ofType, synthStack } from "./helpers/harness";

const REGIONS = [
  ["prod-use1", "us-east-1", "10.0"],
  ["prod-usw2", "us-west-2", "10.1"],
  ["prod-euw1", "eu-west-1", "10.2"],
] as const;

let prod: SynthResult;
let dev: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  dev = await synthStack("dev");
});

describe("AWS network (prod: NAT per zone)", () => {
  it.each(REGIONS)("%s: one VPC from the region range with DNS on", (name, region, net) => {
    const [vpc, ...rest] = inRegion(prod.resources, T.vpc, region);
    expect(rest).toEqual([]);
    expect(vpc!.name).toBe(`${name}-vpc`);
    expect(vpc!.inputs).toMatchObject({ cidrBlock: `${net}.0.0/16`, enableDnsSupport: true, enableDnsHostnames: true });
  });

  it.each(REGIONS)("%s: a public and a private subnet per zone, carved from the plan, tagged for EKS and load balancers", (name, region, net) => {
    const subnets = inRegion(prod.resources, T.subnet, region);
    const letters = ["a", "b", "c"];
    expect(subnets.map((s) => s.name).sort()).toEqual(
      letters.flatMap((l) => [`${name}-private-${region}${l}`, `${name}-public-${region}${l}`]).sort(),
    );
    letters.forEach((l, i) => {
      const zone = `${region}${l}`;
      const priv = named(prod.resources, T.subnet, `${name}-private-${zone}`);
      const pub = named(prod.resources, T.subnet, `${name}-public-${zone}`);
      expect(priv.inputs).toMatchObject({ availabilityZone: zone, cidrBlock: `${net}.${i * 32}.0/19`, vpcId: `${name}-vpc-id` });
      expect(pub.inputs).toMatchObject({ availabilityZone: zone, cidrBlock: `${net}.${224 + i * 4}.0/22`, mapPublicIpOnLaunch: false });
      expect(tagsOf(priv)).toEqual({ Name: `${name}-private-${zone}`, [`kubernetes.io/cluster/${name}`]: "shared", "kubernetes.io/role/internal-elb": "1" });
      expect(tagsOf(pub)).toEqual({ Name: `${name}-public-${zone}`, [`kubernetes.io/cluster/${name}`]: "shared", "kubernetes.io/role/elb": "1" });
    });
  });

  it.each(REGIONS)("%s: as many NAT gateways as zones, each in its own zone's public subnet with its own EIP", (name, region) => {
    const nats = inRegion(prod.resources, T.nat, region);
    expect(nats).toHaveLength(3);
    expect(nats.map((n) => zoneOfSubnet(prod.resources, n.inputs.subnetId)).sort()).toEqual([`${region}a`, `${region}b`, `${region}c`]);
    for (const nat of nats) {
      expect(byId(prod.resources, nat.inputs.subnetId).name).toBe(`${name}-public-${zoneOfSubnet(prod.resources, nat.inputs.subnetId)}`);
      expect(byId(prod.resources, nat.inputs.allocationId)).toMatchObject({ type: T.eip, inputs: { domain: "vpc" } });
      expect(nat.dependencies).toContain(named(prod.resources, T.igw, `${name}-igw`).urn);
    }
    expect(new Set(nats.map((n) => n.inputs.allocationId)).size).toBe(3);
  });

  it.each(REGIONS)("%s: each private route table sends 0.0.0.0/0 to the NAT in its own zone", (_name, region) => {
    const tables = privateRouteTables(prod.resources, region);
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.inputs).not.toHaveProperty("routes");
      const [subnet, ...others] = subnetsOfRouteTable(prod.resources, table);
      expect(others).toEqual([]);
      const defaults = routesOf(prod.resources, table).filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0");
      expect(defaults).toHaveLength(1);
      const nat = byId(prod.resources, defaults[0]!.inputs.natGatewayId);
      expect(nat.type).toBe(T.nat);
      expect(zoneOfSubnet(prod.resources, nat.inputs.subnetId)).toBe(subnet!.inputs.availabilityZone);
    }
  });

  it.each(REGIONS)("%s: the public route table sends 0.0.0.0/0 to the internet gateway for every public subnet", (name) => {
    const table = named(prod.resources, T.routeTable, `${name}-public-rt`);
    expect(routesOf(prod.resources, table).map((r) => r.inputs)).toEqual([
      { routeTableId: `${name}-public-rt-id`, destinationCidrBlock: "0.0.0.0/0", gatewayId: `${name}-igw-id` },
    ]);
    expect(subnetsOfRouteTable(prod.resources, table).map((s) => tagsOf(s)["kubernetes.io/role/elb"])).toEqual(["1", "1", "1"]);
  });

  it.each(REGIONS)("%s: an S3 gateway endpoint on every private route table", (name, region) => {
    const [endpoint, ...rest] = inRegion(prod.resources, T.endpoint, region);
    expect(rest).toEqual([]);
    expect(endpoint!.inputs).toMatchObject({ vpcEndpointType: "Gateway", serviceName: `com.amazonaws.${region}.s3`, vpcId: `${name}-vpc-id` });
    const tableIds = privateRouteTables(prod.resources, region).map((t) => t.id).sort();
    expect([...(endpoint!.inputs.routeTableIds as string[])].sort()).toEqual(tableIds);
  });

  it.each(REGIONS)("%s: VPC flow logs of all traffic into a retained CloudWatch log group through a scoped role", (name) => {
    const flowLog = named(prod.resources, T.flowLog, `${name}-flow-logs`);
    expect(flowLog.inputs).toMatchObject({ vpcId: `${name}-vpc-id`, trafficType: "ALL", logDestinationType: "cloud-watch-logs", maxAggregationInterval: 60 });
    const logGroup = named(prod.resources, T.logGroup, `${name}-flow-logs-group`);
    expect(logGroup.inputs).toEqual({ name: `/aws/vpc/${name}/flow-logs`, retentionInDays: 90 });
    expect(flowLog.propertyDependencies.logDestination).toEqual([logGroup.urn]);
    const role = named(prod.resources, T.role, `${name}-flow-logs-role`);
    expect(flowLog.propertyDependencies.iamRoleArn).toEqual([role.urn]);
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    expect(flowLog.dependencies).toContain(named(prod.resources, T.rolePolicy, `${name}-flow-logs-policy`).urn);
  });

  it.each(REGIONS)("%s: an empty Scylla node security group in the VPC, not tagged for the cluster", (name, region) => {
    const [sg, ...rest] = inRegion(prod.resources, T.securityGroup, region);
    expect(rest).toEqual([]);
    expect(sg!.name).toBe(`${name}-scylla-nodes`);
    expect(sg!.inputs).toMatchObject({ vpcId: `${name}-vpc-id`, revokeRulesOnDelete: true });
    expect(sg!.inputs).not.toHaveProperty("ingress");
    expect(Object.keys(tagsOf(sg!)).filter((k) => k.startsWith("kubernetes.io/cluster/"))).toEqual([]);
  });
});

describe("AWS network (dev: one shared NAT)", () => {
  it("has a single NAT gateway, in the first zone", () => {
    const nats = ofType(dev.resources, T.nat);
    expect(nats.map((n) => n.name)).toEqual(["dev-use1-nat-us-east-1a"]);
    expect(zoneOfSubnet(dev.resources, nats[0]!.inputs.subnetId)).toBe("us-east-1a");
    expect(ofType(dev.resources, T.eip).map((e) => e.name)).toEqual(["dev-use1-nat-eip-us-east-1a"]);
  });

  it("still has one private route table per zone, every one routed through the shared NAT (visible to the policies)", () => {
    const tables = privateRouteTables(dev.resources);
    expect(tables.map((t) => t.name).sort()).toEqual(["dev-use1-private-rt-us-east-1a", "dev-use1-private-rt-us-east-1b", "dev-use1-private-rt-us-east-1c"]);
    for (const table of tables) {
      expect(routesOf(dev.resources, table).map((r) => r.inputs)).toEqual([
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: "dev-use1-nat-us-east-1a-id" },
      ]);
    }
  });

  it("keeps flow logs for 14 days outside production", () => {
    expect(named(dev.resources, T.logGroup, "dev-use1-flow-logs-group").inputs.retentionInDays).toBe(14);
    expect(regionOf(dev.resources, named(dev.resources, T.flowLog, "dev-use1-flow-logs"))).toBe("us-east-1");
  });
});
