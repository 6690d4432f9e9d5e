import { describe, expect, it } from "vitest";
import { formatCidr, mustParseCidr, overlaps, parseCidr, subnet } from "../components/plan/cidr";
import { carveAwsSubnets, planEnvironment } from "../components/plan";
import { instanceType, scyllaSizing, supportedInstanceTypes } from "../components/plan/sizing";
import { committedStacks, loadStackConfigFile, stackConfigPath } from "../stacks/config";
import { parseEnvironmentConfig } from "../stacks/validate";
import { awsRegion, environment, gcpRegion, threeAwsRegions } from "./helpers/fixtures";

const plan = (raw: unknown) => planEnvironment(parseEnvironmentConfig(raw));

describe("cidr", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/16"],
    ["192.168.4.0/22", "192.168.4.0/22"],
    ["0.0.0.0/0", "0.0.0.0/0"],
  ])("round-trips %s", (text, expected) => {
    expect(formatCidr(mustParseCidr(text))).toBe(expected);
  });

  it.each([
    ["10.0.0/16", "is not an IPv4 CIDR like 10.0.0.0/16"],
    ["10.0.0.256/24", "has an octet above 255"],
    ["10.0.0.0/33", "has a prefix length above 32"],
    ["10.0.1.0/16", "has host bits set; the network address is 10.0.0.0/16"],
  ])("rejects %s", (text, reason) => {
    expect(parseCidr(text)).toBe(reason);
  });

  it.each([
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["10.0.0.0/8", "10.200.0.0/16", true],
    ["172.20.0.0/16", "172.21.0.0/16", false],
  ])("overlaps(%s, %s) = %s", (a, b, expected) => {
    expect(overlaps(mustParseCidr(a), mustParseCidr(b))).toBe(expected);
  });

  it("carves the n-th block and refuses out-of-range indexes", () => {
    expect(formatCidr(subnet(mustParseCidr("10.0.0.0/16"), 19, 7))).toBe("10.0.224.0/19");
    expect(() => subnet(mustParseCidr("10.0.0.0/16"), 19, 8)).toThrow("10.0.0.0/16 holds 8 /19 blocks; index 8 is out of range");
  });
});

describe("AWS subnet carving", () => {
  it.each([
    [
      "10.0.0.0/16",
      ["us-east-1a", "us-east-1b", "us-east-1c"],
      [
        { zone: "us-east-1a", privateCidr: "10.0.0.0/19", publicCidr: "10.0.224.0/22" },
        { zone: "us-east-1b", privateCidr: "10.0.32.0/19", publicCidr: "10.0.228.0/22" },
        { zone: "us-east-1c", privateCidr: "10.0.64.0/19", publicCidr: "10.0.232.0/22" },
      ],
    ],
    [
      "10.8.0.0/20",
      ["eu-west-1a", "eu-west-1b"],
      [
        { zone: "eu-west-1a", privateCidr: "10.8.0.0/23", publicCidr: "10.8.14.0/26" },
        { zone: "eu-west-1b", privateCidr: "10.8.2.0/23", publicCidr: "10.8.14.64/26" },
      ],
    ],
  ])("carves %s over %j", (vpc, zones, expected) => {
    expect(carveAwsSubnets(vpc, zones)).toEqual(expected);
  });

  it("never overlaps for six zones (the most any AWS region has)", () => {
    const zones = ["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`);
    const blocks = carveAwsSubnets("10.0.0.0/16", zones).flatMap((s) => [s.privateCidr, s.publicCidr]).map(mustParseCidr);
    for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) expect(overlaps(blocks[i]!, blocks[j]!)).toBe(false);
  });
});

describe("sizing", () => {
  it.each([
    // type, disks, scylla cpu, scylla memory, storage GiB
    ["aws", "i4i.large", 1, "1", "12Gi", 391],
    ["aws", "i4i.2xlarge", 1, "6", "53Gi", 1571],
    ["aws", "i3en.2xlarge", 2, "6", "53Gi", 4190],
    ["aws", "i4i.16xlarge", 4, "60", "434Gi", 12571],
    ["gcp", "n2-highmem-8", 2, "6", "53Gi", 675],
    ["gcp", "n2-highmem-16", 4, "14", "107Gi", 1350],
    ["gcp", "z3-highmem-88", 12, "84", "597Gi", 33177],
  ] as const)("%s %s with %i disks → cpu %s, memory %s, %i GiB", (cloud, name, disks, cpu, memory, storage) => {
    const sizing = scyllaSizing(instanceType(cloud, name)!, disks);
    expect(sizing.scylla).toEqual({ cpu, memory });
    expect(sizing.storageGiB).toBe(storage);
    expect(sizing.agent).toEqual({ cpu: "500m", memory: "512Mi" });
  });

  it("gives every supported type integer CPUs and positive storage", () => {
    for (const cloud of ["aws", "gcp"] as const) {
      for (const type of supportedInstanceTypes(cloud)) {
        const sizing = scyllaSizing(type, type.diskCounts[0]!);
        expect(sizing.scylla.cpu, type.name).toMatch(/^[1-9]\d*$/);
        expect(Number(sizing.scylla.cpu), type.name).toBeLessThan(type.vcpus);
        expect(sizing.storageGiB, type.name).toBeGreaterThan(0);
      }
    }
  });

  it("knows i8g is arm64 and i4i is x86_64", () => {
    expect(instanceType("aws", "i8g.2xlarge")?.arch).toBe("arm64");
    expect(instanceType("aws", "i4i.2xlarge")?.arch).toBe("x86_64");
    expect(instanceType("aws", "n2-highmem-8")).toBeUndefined();
  });
});

describe("planEnvironment", () => {
  it("maps one rack per zone, each with its own single-zone pool", () => {
    const p = plan(environment([awsRegion("use1", "us-east-1", 0, { scylla: { instanceType: "i4i.2xlarge", nodesPerRack: 2 } })]));
    const region = p.regions[0]!;
    expect(region.racks).toEqual(
      ["a", "b", "c"].map((l) => ({
        name: `us-east-1${l}`,
        zone: `us-east-1${l}`,
        members: 2,
        resourceName: `test-use1-us-east-1${l}`,
        nodePool: { poolName: `scylla-${l}`, zone: `us-east-1${l}`, instanceType: "i4i.2xlarge", minSize: 2, desiredSize: 2, maxSize: 3 },
      })),
    );
    expect(region.systemPool).toEqual({
      poolName: "system",
      instanceType: "m7i.xlarge",
      zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      nodesPerZone: 1,
      minSize: 3,
      desiredSize: 3,
      maxSize: 6,
    });
    expect(region.scylla).toEqual({
      instanceType: "i4i.2xlarge",
      arch: "x86_64",
      vcpus: 8,
      memoryGiB: 64,
      nodesPerRack: 2,
      localDisks: 1,
      resources: { cpu: "6", memory: "53Gi" },
      agentResources: { cpu: "500m", memory: "512Mi" },
      storageGiB: 1571,
    });
  });

  it("orders seeds by config: the first DC has none, every other DC seeds from the rest", () => {
    const p = plan(environment(threeAwsRegions()));
    expect(p.regions.map((r) => [r.datacenter, r.seedDatacenters])).toEqual([
      ["us-east-1", []],
      ["us-west-2", ["us-east-1", "eu-west-1"]],
      ["eu-west-1", ["us-east-1", "us-west-2"]],
    ]);
    expect(p.regions.map((r) => r.hostsManager)).toEqual([true, false, false]);
  });

  it("keeps infrastructure-phase regions out of seeds and replication", () => {
    const regions = threeAwsRegions();
    const p = plan(environment([regions[0], regions[1], { ...regions[2], phase: "infrastructure" }]));
    expect(p.regions[2]!.hasDatacenter).toBe(false);
    expect(p.regions[2]!.seedDatacenters).toEqual([]);
    expect(p.regions[1]!.seedDatacenters).toEqual(["us-east-1"]);
    expect(p.keyspaces).toEqual([
      { name: "app", tablets: false, replication: { "us-east-1": 3, "us-west-2": 3 }, declared: { "us-east-1": 3, "us-west-2": 3, "eu-west-1": 3 } },
    ]);
  });

  it("uses the datacenter override and per-region replication overrides", () => {
    const regions = threeAwsRegions();
    const p = plan(
      environment([regions[0], { ...regions[1], datacenter: "dr-west" }], {
        scylla: { keyspaces: [{ name: "app", replicationFactor: 3, replication: { usw2: 2 } }] },
        manager: { region: "usw2" },
      }),
    );
    expect(p.regions.map((r) => r.datacenter)).toEqual(["us-east-1", "dr-west"]);
    expect(p.keyspaces[0]!.replication).toEqual({ "us-east-1": 3, "dr-west": 2 });
    expect(p.managerRegion).toBe("usw2");
  });

  it("plans GCP networks from the configured ranges and the chosen SSD count", () => {
    const p = plan(environment([gcpRegion("usc1", "us-central1", 40)]));
    expect(p.regions[0]!.network).toEqual({
      cloud: "gcp",
      project: "scylla-ha-test",
      nodeCidr: "10.40.0.0/20",
      podCidr: "10.140.0.0/16",
      serviceCidr: "10.40.16.0/20",
      masterCidr: "192.168.40.0/28",
      publicAccessCidrs: [],
    });
    expect(p.regions[0]!.racks.map((r) => r.nodePool.poolName)).toEqual(["scylla-a", "scylla-b", "scylla-c"]);
    expect(p.regions[0]!.scylla.localDisks).toBe(2);
    expect(p.regions[0]!.systemPool.instanceType).toBe("n2-standard-4");
  });

  it("protects state only in production", () => {
    expect(plan(environment()).protectState).toBe(true);
    expect(plan(environment(undefined, { environment: { name: "dev", tier: "development" } })).protectState).toBe(false);
  });

  it.each(committedStacks())("plans %s deterministically as plain JSON", (stack) => {
    const config = loadStackConfigFile(stackConfigPath(stack));
    const first = planEnvironment(config);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    expect(planEnvironment(config)).toEqual(first);
  });

  it("names children by key and zone, so reordering regions renames nothing", () => {
    const [a, b, c] = threeAwsRegions();
    const names = (regions: unknown[]) =>
      plan(environment(regions))
        .regions.flatMap((r) => [r.name, ...r.racks.map((k) => k.resourceName)])
        .sort();
    expect(names([c, a, b])).toEqual(names([a, b, c]));
  });

  it("prod keeps a Raft majority when a region is lost: three DCs with equal nodes", () => {
    const p = planEnvironment(loadStackConfigFile(stackConfigPath("prod")));
    const nodes = p.regions.map((r) => r.racks.reduce((n, k) => n + k.members, 0));
    const total = nodes.reduce((a, b) => a + b, 0);
    for (const lost of nodes) expect(total - lost).toBeGreaterThan(total / 2);
    expect(p.regions).toHaveLength(3);
  });
});
