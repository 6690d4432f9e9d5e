/** The analysis' pure parts, with tables: replica and quorum arithmetic, keyspace parsing, pod placement on node-pool slots. */
import { describe, expect, it } from "vitest";
import { type Failure, controlPlaneDown, natDown, zoneDown } from "../policies/failure/domain";
import { type Slot, fits, podPlacement, rackPlacement, slotLabels, spreadsOverZones } from "../policies/failure/placement";
import { globalQuorum, localQuorum, parseKeyspaces, raftMajority, replicasLost } from "../policies/failure/quorum";
import type { NodePoolView } from "../policies/model/topology";

const racks = (...spec: string[]) => spec.map((s) => ({ nodes: Number(s.slice(0, -1)), hit: s.endsWith("x") }));

describe("replica arithmetic", () => {
  // [rf, racks ("<nodes><x = hit | . = up>"), replicas lost, LOCAL_QUORUM holds]
  it.each([
    [3, ["2.", "2.", "2."], 0, true],
    [3, ["2x", "2.", "2."], 1, true],
    [3, ["2x", "2x", "2."], 2, false],
    [3, ["2x", "2."], 2, false], // two racks: the hit one may hold two replicas
    [3, ["1x", "1."], 1, false], // two nodes: only two replicas exist, one is lost
    [4, ["2x", "2.", "2."], 2, false], // RF above racks
    [5, ["3x", "3.", "3."], 3, false],
    [2, ["2x", "2.", "2."], 1, false], // RF 2 never survives a replica loss at LOCAL_QUORUM
    [1, ["2x", "2.", "2."], 1, false],
    [3, ["1x", "1.", "1.", "1.", "1."], 1, true], // more racks than RF: one replica per rack
    [3, ["1x", "1x", "1x", "1.", "1."], 3, false],
    [3, [], 0, false], // no running rack holds anything
  ])("RF %i on racks %j loses %i replica(s); LOCAL_QUORUM %s", (rf, spec, lost, holds) => {
    expect(replicasLost(rf, racks(...spec))).toBe(lost);
    expect(localQuorum(rf, racks(...spec)).holds).toBe(holds);
  });

  it("QUORUM counts every DC's replicas; Raft counts every node", () => {
    expect(globalQuorum([{ rf: 3, alive: 0 }, { rf: 3, alive: 3 }, { rf: 3, alive: 3 }])).toEqual({ alive: 6, total: 9, needed: 5, holds: true });
    expect(globalQuorum([{ rf: 3, alive: 0 }, { rf: 3, alive: 3 }])).toEqual({ alive: 3, total: 6, needed: 4, holds: false });
    expect(globalQuorum([])).toEqual({ alive: 0, total: 0, needed: 1, holds: false });
    expect(raftMajority(18, 6)).toEqual({ alive: 12, needed: 10, holds: true });
    expect(raftMajority(12, 6)).toEqual({ alive: 6, needed: 7, holds: false });
  });

  it("parses declared keyspaces, dropping what is not a positive integer RF", () => {
    expect(parseKeyspaces('[{"name":"app","replication":{"dc1":3,"dc2":0,"dc3":"3"}},{"name":"s","tablets":true,"replication":{"dc1":2}},{"x":1}]')).toEqual([
      { name: "app", tablets: false, replication: { dc1: 3 } },
      { name: "s", tablets: true, replication: { dc1: 2 } },
    ]);
    expect([parseKeyspaces("{"), parseKeyspaces('{"name":"app"}'), parseKeyspaces(undefined)]).toEqual([undefined, undefined, undefined]);
  });
});

describe("what a failure takes", () => {
  const zone: Failure = { kind: "zone", id: "z", cloud: "aws", region: "r1", zone: "r1a" };
  const region: Failure = { kind: "region", id: "r", cloud: "aws", region: "r1" };
  const nat: Failure = { kind: "nat", id: "n", cloud: "aws", region: "r1", urn: "urn:nat" };
  const res = (urn: string) => ({ urn, name: urn });
  const zonal = (zone: string | undefined, urn = "urn:x") => ({ resource: res(urn), region: "r1", zone });
  it.each([
    ["a zone takes its own zone", zoneDown(zone, "r1", "r1a"), true],
    ["a zone leaves the region's other zones", zoneDown(zone, "r1", "r1b"), false],
    ["a zone leaves a same-named zone of another region", zoneDown(zone, "r2", "r1a"), false],
    ["a zone leaves what has no known zone", zoneDown(zone, "r1", undefined), false],
    ["a region takes what has no known zone", zoneDown(region, "r1", undefined), true],
    ["a zone takes its zonal NAT gateway", natDown(zone, zonal("r1a")), true],
    ["a zone leaves a regional NAT gateway", natDown(zone, zonal(undefined)), false],
    ["a region takes a regional NAT gateway", natDown(region, zonal(undefined)), true],
    ["a NAT failure takes that NAT gateway only", [natDown(nat, zonal("r1b", "urn:nat")), natDown(nat, zonal("r1b"))], [true, false]],
    ["a zone takes a zonal control plane there", controlPlaneDown(zone, zonal("r1a", "urn:c")), true],
    ["a zone leaves a regional control plane", controlPlaneDown(zone, zonal(undefined, "urn:c")), false],
    ["a region takes a regional control plane", controlPlaneDown(region, zonal(undefined, "urn:c")), true],
  ])("%s", (_what, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe("placement on node-pool slots", () => {
  const pool = (labels: Record<string, string>, taints: NodePoolView["taints"] = []): NodePoolView => ({
    resource: { urn: "urn:p", type: "aws:eks/nodeGroup:NodeGroup", name: "p", custom: true, props: { nodeGroupName: "scylla-a" }, dependencies: [], propertyDependencies: {}, protect: false },
    cloud: "aws",
    cluster: undefined,
    region: "us-east-1",
    zones: ["us-east-1a"],
    labels,
    taints,
    role: "other",
    minNodesPerZone: 1,
  });
  const slot = (p: NodePoolView): Slot => ({ pool: p, zone: "us-east-1a", labels: slotLabels(p, "us-east-1a"), subnets: [] });
  const taint = { key: "dedicated", value: "db", effect: "NoSchedule" };
  const scylla = slot(pool({ "scylla-ha.io/pool": "scylla" }, [taint]));
  const system = slot(pool({ "scylla-ha.io/pool": "system" }));
  const modeled = new Set([...Object.keys(scylla.labels), ...Object.keys(system.labels)]);
  const req = (key: string, operator: string, ...values: string[]) => ({ key, operator, values });

  it("labels a slot as its nodes are labelled", () => {
    expect(system.labels).toEqual({
      "scylla-ha.io/pool": "system",
      "topology.kubernetes.io/zone": "us-east-1a",
      "failure-domain.beta.kubernetes.io/zone": "us-east-1a",
      "topology.kubernetes.io/region": "us-east-1",
      "eks.amazonaws.com/nodegroup": "scylla-a",
    });
  });

  it.each([
    ["no constraints, untainted pool", {}, [false, true]],
    ["nodeSelector on the pool label", { nodeSelector: { "scylla-ha.io/pool": "system" } }, [false, true]],
    ["a key no pool sets cannot be judged and is taken as satisfied", { nodeSelector: { "kubernetes.io/arch": "arm64" } }, [false, true]],
    ["toleration for the dedicated taint", { nodeSelector: { "scylla-ha.io/pool": "scylla" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }] }, [true, false]],
    ["Exists toleration without a key tolerates everything", { tolerations: [{ operator: "Exists" }] }, [true, true]],
    ["zone affinity In", { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [req("topology.kubernetes.io/zone", "In", "us-east-1b")] }] } } } }, [false, false]],
    ["NotIn and DoesNotExist", { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [req("scylla-ha.io/pool", "NotIn", "scylla"), req("other", "DoesNotExist")] }] } } } }, [false, true]],
    ["terms are OR-ed; an empty term matches nothing", { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [] }, { matchExpressions: [req("scylla-ha.io/pool", "In", "system")] }] } } } }, [false, true]],
  ])("%s", (_what, spec, expected) => {
    expect([fits(podPlacement(spec), scylla, modeled), fits(podPlacement(spec), system, modeled)]).toEqual(expected);
  });

  it("reads a rack's placement and a pod spec's zone spread", () => {
    const rack = { placement: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [req("topology.kubernetes.io/zone", "In", "us-east-1a")] }] } }, tolerations: [{ key: "dedicated", operator: "Exists" }] } };
    expect([fits(rackPlacement(rack), scylla, modeled), fits(rackPlacement(rack), system, modeled)]).toEqual([true, true]);
    expect(spreadsOverZones({ topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }] })).toBe(true);
    expect(spreadsOverZones({ topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }] })).toBe(false);
    expect(spreadsOverZones({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "topology.kubernetes.io/zone" }] } } })).toBe(true);
  });
});
