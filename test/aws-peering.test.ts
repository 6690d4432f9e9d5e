import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { T, byId, privateRouteTables, regionOf, routesOf } from "./helpers/aws";
import { named, ofType, synthStack } from "./helpers/harness";

const PORTS = [7000, 7001, 9042, 9142, 19042, 19142, 10001, 9180, 5090];

/** key → [region, VPC CIDR] of prod. */
const PROD = {
  use1: ["us-east-1", "10.0.0.0/16"],
  usw2: ["us-west-2", "10.1.0.0/16"],
  euw1: ["eu-west-1", "10.2.0.0/16"],
} as const;
type Key = keyof typeof PROD;
const PAIRS: ReadonlyArray<readonly [Key, Key]> = [
  ["use1", "usw2"],
  ["use1", "euw1"],
  ["usw2", "euw1"],
];

let prod: SynthResult;
let dev: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  dev = await synthStack("dev");
});

describe("cross-region VPC peering (prod: full mesh of three regions)", () => {
  it("requests one connection per region pair, from the earlier region, with the peer's region", () => {
    const connections = ofType(prod.resources, T.peering);
    expect(connections.map((c) => [c.name, regionOf(prod.resources, c), c.inputs.peerRegion, c.inputs.vpcId, c.inputs.peerVpcId])).toEqual(
      PAIRS.map(([a, b]) => [`prod-${a}-${b}-requester`, PROD[a][0], PROD[b][0], `prod-${a}-vpc-id`, `prod-${b}-vpc-id`]),
    );
    for (const c of connections) expect(c.inputs).not.toHaveProperty("autoAccept");
  });

  it("accepts each connection in the peer region with the peer's provider", () => {
    const accepters = ofType(prod.resources, T.accepter);
    expect(accepters.map((a) => [a.name, regionOf(prod.resources, a), a.inputs.vpcPeeringConnectionId, a.inputs.autoAccept])).toEqual(
      PAIRS.map(([a, b]) => [`prod-${a}-${b}-accepter`, PROD[b][0], `prod-${a}-${b}-requester-id`, true]),
    );
  });

  it.each(PAIRS)("%s ↔ %s: a route to the peer range on every private route table of both sides, once accepted", (a, b) => {
    const pair = `prod-${a}-${b}`;
    const accepter = named(prod.resources, T.accepter, `${pair}-accepter`);
    for (const [side, peer] of [[a, b], [b, a]] as const) {
      const tables = privateRouteTables(prod.resources, PROD[side][0]);
      expect(tables).toHaveLength(3);
      for (const table of tables) {
        const routes = routesOf(prod.resources, table).filter((r) => r.inputs.vpcPeeringConnectionId === `${pair}-requester-id`);
        expect(routes.map((r) => r.inputs), `${table.name} → ${peer}`).toEqual([
          { routeTableId: table.id, destinationCidrBlock: PROD[peer][1], vpcPeeringConnectionId: `${pair}-requester-id` },
        ]);
        expect(regionOf(prod.resources, routes[0]!)).toBe(PROD[side][0]);
        expect(routes[0]!.dependencies).toContain(accepter.urn);
      }
    }
  });

  it.each(PAIRS)("%s ↔ %s: exactly the ScyllaDB ports from the peer range on each side's Scylla node group", (a, b) => {
    const pair = `prod-${a}-${b}`;
    for (const [side, peer] of [[a, b], [b, a]] as const) {
      const rules = ofType(prod.resources, T.ingress).filter((r) => r.name.startsWith(`${pair}-${side}-tcp-`));
      expect(rules.map((r) => r.name)).toEqual(PORTS.map((p) => `${pair}-${side}-tcp-${p}`));
      for (const rule of rules) {
        expect(rule.inputs).toMatchObject({ securityGroupId: `prod-${side}-scylla-nodes-id`, cidrIpv4: PROD[peer][1], ipProtocol: "tcp" });
        expect(rule.inputs.fromPort).toBe(rule.inputs.toPort);
        expect(regionOf(prod.resources, rule)).toBe(PROD[side][0]);
        expect(byId(prod.resources, rule.inputs.securityGroupId).type).toBe(T.securityGroup);
      }
      expect(rules.map((r) => r.inputs.fromPort)).toEqual(PORTS);
    }
  });

  it("leaves every private route table with its NAT default plus one route per peer region, nothing else", () => {
    for (const key of Object.keys(PROD) as Key[]) {
      const peers = (Object.keys(PROD) as Key[]).filter((k) => k !== key).map((k) => PROD[k][1]);
      for (const table of privateRouteTables(prod.resources, PROD[key][0])) {
        expect(routesOf(prod.resources, table).map((r) => r.inputs.destinationCidrBlock).sort()).toEqual(["0.0.0.0/0", ...peers].sort());
      }
    }
  });

  it.each(PAIRS)("%s ↔ %s: ICMP fragmentation-needed from the peer range on each side's cluster security group (path-MTU discovery)", (a, b) => {
    const pair = `prod-${a}-${b}`;
    for (const [side, peer] of [[a, b], [b, a]] as const) {
      const rule = named(prod.resources, T.ingress, `${pair}-${side}-icmp-frag-needed`);
      expect(rule.inputs).toMatchObject({ cidrIpv4: PROD[peer][1], ipProtocol: "icmp", fromPort: 3, toPort: 4 });
      expect(rule.propertyDependencies.securityGroupId).toEqual([named(prod.resources, T.cluster, `prod-${side}-eks`).urn]);
      expect(regionOf(prod.resources, rule)).toBe(PROD[side][0]);
    }
  });

  it("admits nothing else from anywhere: ScyllaDB ports and ICMP type 3 from peer VPCs, 443 from the deployer networks", () => {
    const rules = ofType(prod.resources, T.ingress);
    expect(rules).toHaveLength(3 * 2 * PORTS.length + 3 * 2 + 3 * 2);
    for (const rule of rules) {
      if (rule.inputs.ipProtocol === "icmp") {
        expect(Object.values(PROD).map(([, cidr]) => cidr)).toContain(rule.inputs.cidrIpv4);
      } else if (rule.inputs.fromPort === 443) {
        expect(["10.0.96.0/24", "10.1.96.0/24"]).toContain(rule.inputs.cidrIpv4);
      } else {
        expect(PORTS).toContain(rule.inputs.fromPort);
        expect(Object.values(PROD).map(([, cidr]) => cidr)).toContain(rule.inputs.cidrIpv4);
      }
    }
  });
});

describe("a single-region environment", () => {
  it("has no peering, peer routes or cross-region rules", () => {
    expect(ofType(dev.resources, T.peering)).toEqual([]);
    expect(ofType(dev.resources, T.accepter)).toEqual([]);
    expect(ofType(dev.resources, T.ingress)).toEqual([]);
    expect(ofType(dev.resources, T.route).filter((r) => "vpcPeeringConnectionId" in r.inputs)).toEqual([]);
  });
});
