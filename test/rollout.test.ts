import { describe, expect, it } from "vitest";
import { managerClusterName, planEnvironment, regionLossSteps, replicationSteps, stepCommand } from "../components/plan";
import { type RolloutState, parseRolloutState, rolloutIssues } from "../stacks/rollout";
import { ConfigError, formatIssue, parseEnvironmentConfig } from "../stacks/validate";
import { awsRegion, environment, threeAwsRegions } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";

const apse1 = awsRegion("apse1", "ap-southeast-1", 3);
/** A single region rebuilt from the copy of its backups in its replica region. */
const restoring = awsRegion("use1", "us-east-1", 0, {
  phase: "datacenter",
  restore: { location: "us-east-1:s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC" },
});
const config = (regions: unknown[], extra: Record<string, unknown> = {}) => parseEnvironmentConfig(environment(regions, extra));
const state = (regions: Record<string, [string, string]>): RolloutState => ({
  regions: Object.fromEntries(Object.entries(regions).map(([k, [phase, datacenter]]) => [k, { phase: phase as never, datacenter }])),
});
const prodLike = { use1: ["serving", "us-east-1"], usw2: ["serving", "us-west-2"], euw1: ["serving", "eu-west-1"] } as Record<string, [string, string]>;
const issues = (previous: RolloutState | undefined, regions: unknown[]) => rolloutIssues(previous, config(regions)).map(formatIssue);

describe("rollout guards", () => {
  it("accepts anything on the stack's first update", () => {
    expect(issues(undefined, [...threeAwsRegions(), { ...apse1, phase: "serving" }])).toEqual([]);
  });

  it("accepts one phase forward per update", () => {
    const previous = state({ ...prodLike, apse1: ["infrastructure", "ap-southeast-1"] });
    expect(issues(previous, [...threeAwsRegions(), { ...apse1, phase: "datacenter" }])).toEqual([]);
  });

  it.each<[string, Record<string, [string, string]>, unknown[], string[]]>([
    [
      "a new region that does not start at infrastructure",
      prodLike,
      [...threeAwsRegions(), { ...apse1, phase: "datacenter" }],
      [
        'regions[3].phase: a new region starts at "infrastructure"; add apse1 with phase: infrastructure, run pulumi up, then advance one phase per update (docs/runbooks/dr-rollout.md) (got "datacenter")',
      ],
    ],
    [
      "skipping from infrastructure to serving",
      { ...prodLike, apse1: ["infrastructure", "ap-southeast-1"] },
      [...threeAwsRegions(), { ...apse1, phase: "serving" }],
      [
        'regions[3].phase: cannot move apse1 from "infrastructure" to "serving" in one update; advance one phase per pulumi up: set phase: datacenter first (docs/runbooks/dr-rollout.md) (got "serving")',
      ],
    ],
    [
      "rolling back two phases at once",
      { ...prodLike, apse1: ["serving", "ap-southeast-1"] },
      [...threeAwsRegions(), { ...apse1, phase: "datacenter" }],
      [
        'regions[3].phase: cannot move apse1 from "serving" to "datacenter" in one update; roll back one phase per pulumi up: set phase: replicated first (docs/runbooks/dr-rollout.md) (got "datacenter")',
      ],
    ],
    [
      "adding one datacenter while removing another",
      { ...prodLike, apse1: ["infrastructure", "ap-southeast-1"], euw1: ["datacenter", "eu-west-1"] },
      [...threeAwsRegions().slice(0, 2), { ...threeAwsRegions()[2], phase: "infrastructure" }, { ...apse1, phase: "datacenter" }],
      [
        "regions: adds datacenter(s) ap-southeast-1 and removes eu-west-1 in one update; ScyllaDB topology changes must not overlap: do one, run pulumi up, then the other (docs/runbooks/dr-rollout.md)",
      ],
    ],
    [
      "dropping a region that still holds a datacenter",
      prodLike,
      threeAwsRegions().slice(0, 2),
      [
        'regions: region euw1 still holds datacenter "eu-west-1" (phase serving); roll it back to infrastructure one phase at a time before removing it (docs/runbooks/dr-rollout.md) (got "euw1")',
      ],
    ],
    [
      "renaming a live datacenter",
      prodLike,
      [...threeAwsRegions().slice(0, 2), { ...threeAwsRegions()[2], datacenter: "europe" }],
      [
        'regions[2].datacenter: cannot rename live datacenter "eu-west-1": keyspace replication names it; keep the name, or retire the region first (docs/runbooks/dr-rollout.md) (got "europe")',
      ],
    ],
    [
      "rebuilding a lost region straight into serving",
      { ...prodLike, euw1: ["lost", "eu-west-1"] },
      [...threeAwsRegions().slice(0, 2), { ...threeAwsRegions()[2], phase: "datacenter" }],
      [
        'regions[2].phase: a lost region is rebuilt from the start: set phase: infrastructure first, after the clean-up in docs/runbooks/region-loss.md (got "datacenter")',
      ],
    ],
    [
      "restoring into a datacenter the last update already ran",
      { use1: ["datacenter", "us-east-1"] },
      [restoring],
      [
        'regions[0].restore: cannot restore into use1: its last update already ran datacenter "us-east-1" (phase datacenter); a restore only fills a datacenter brought up empty in the same update (from phase infrastructure). Remove restore, or roll the region back to infrastructure first (docs/runbooks/restore.md)',
      ],
    ],
    [
      "restoring into a datacenter that held replicas, while rolling it back",
      { use1: ["replicated", "us-east-1"] },
      [restoring],
      [
        'regions[0].restore: cannot restore into use1: its last update already ran datacenter "us-east-1" (phase replicated); a restore only fills a datacenter brought up empty in the same update (from phase infrastructure). Remove restore, or roll the region back to infrastructure first (docs/runbooks/restore.md)',
      ],
    ],
  ])("refuses %s", (_what, previous, regions, expected) => {
    expect(issues(state(previous), regions)).toEqual(expected);
  });

  it("accepts a restore in the update that brings the datacenter up from infrastructure", () => {
    expect(issues(state({ use1: ["infrastructure", "us-east-1"] }), [restoring])).toEqual([]);
  });

  it("lets any region be declared lost, and removed once it was", () => {
    expect(issues(state(prodLike), [...threeAwsRegions().slice(0, 2), { ...threeAwsRegions()[2], phase: "lost" }])).toEqual([]);
    expect(issues(state({ ...prodLike, euw1: ["lost", "eu-west-1"] }), threeAwsRegions().slice(0, 2))).toEqual([]);
  });

  it("reads a previous rollout output defensively", () => {
    expect(parseRolloutState(undefined)).toBeUndefined();
    expect(parseRolloutState({ regions: { a: { phase: "serving", datacenter: "x" }, b: { phase: 3 } } })).toEqual({
      regions: { a: { phase: "serving", datacenter: "x" } },
    });
  });
});

describe("region loss in the plan", () => {
  const lost = () => {
    const [a, b, c] = threeAwsRegions();
    return planEnvironment(config([{ ...a, phase: "lost" }, b, c]));
  };

  it("moves Scylla Manager to the first surviving region and drops the lost DC from seeds and replication", () => {
    const plan = lost();
    expect(plan.managerRegion).toBe("usw2");
    expect(plan.liveDatacenters).toEqual(["us-west-2", "eu-west-1"]);
    expect(plan.regions.map((r) => [r.key, r.lost, r.hasDatacenter, r.seedDatacenters])).toEqual([
      ["use1", true, true, []],
      ["usw2", false, true, []],
      ["euw1", false, true, ["us-west-2"]],
    ]);
    expect(plan.keyspaces[0]!.replication).toEqual({ "us-west-2": 3, "eu-west-1": 3 });
  });

  it("produces the clean-up steps for the dead nodes", () => {
    const plan = lost();
    const commands = regionLossSteps(plan, plan.regions[0]!).map((s) => stepCommand(s, managerClusterName(plan)));
    expect(commands).toEqual([
      `cqlsh -e "ALTER KEYSPACE \\"app\\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-west-2': 3};"`,
      `cqlsh -e "ALTER KEYSPACE \\"system_distributed\\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-west-2': 3};"`,
      `cqlsh -e "ALTER KEYSPACE \\"system_traces\\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-west-2': 3};"`,
      "nodetool status | awk '/^Datacenter: us-east-1$/{f=1;next} /^Datacenter:/{f=0} f && /^DN/{print $(NF-1)}' | xargs -r -n1 nodetool removenode",
      "sctool repair -c scylla/scylla --keyspace app",
    ]);
    expect(regionLossSteps(plan, plan.regions[1]!)).toEqual([]);
  });
});

describe("replication steps", () => {
  const withNewRegion = (phase: string) =>
    planEnvironment(
      config([...threeAwsRegions(), { ...apse1, phase }], {
        scylla: { keyspaces: [{ name: "app" }, { name: "events", tablets: true }] },
      }),
    );

  it("has no data work before the replicated phase", () => {
    const plan = withNewRegion("datacenter");
    expect(replicationSteps(plan, plan.regions[3]!)).toEqual([]);
    expect(plan.keyspaces.map((k) => Object.keys(k.replication))).toEqual([
      ["us-east-1", "us-west-2", "eu-west-1"],
      ["us-east-1", "us-west-2", "eu-west-1"],
    ]);
  });

  it("alters vnode keyspaces once, raises tablet RF one step per ALTER, rebuilds from the first DC, then repairs", () => {
    const plan = withNewRegion("replicated");
    const all = "'ap-southeast-1': 3, 'eu-west-1': 3, 'us-east-1': 3, 'us-west-2': 3";
    const tabletMap = (rf: number) => `'ap-southeast-1': ${rf}, 'eu-west-1': 3, 'us-east-1': 3, 'us-west-2': 3`;
    expect(replicationSteps(plan, plan.regions[3]!)).toEqual([
      { kind: "cql", keyspace: "app", statement: `CREATE KEYSPACE IF NOT EXISTS "app" WITH replication = {'class': 'NetworkTopologyStrategy', ${all}} AND tablets = {'enabled': false};` },
      { kind: "cql", keyspace: "app", statement: `ALTER KEYSPACE "app" WITH replication = {'class': 'NetworkTopologyStrategy', ${all}};` },
      { kind: "cql", keyspace: "events", statement: `CREATE KEYSPACE IF NOT EXISTS "events" WITH replication = {'class': 'NetworkTopologyStrategy', ${all}} AND tablets = {'enabled': true};` },
      ...[1, 2, 3].map((rf) => ({
        kind: "cql",
        keyspace: "events",
        statement: `ALTER KEYSPACE "events" WITH replication = {'class': 'NetworkTopologyStrategy', ${tabletMap(rf)}};`,
      })),
      { kind: "cql", keyspace: "system_distributed", statement: `ALTER KEYSPACE "system_distributed" WITH replication = {'class': 'NetworkTopologyStrategy', ${all}};` },
      { kind: "cql", keyspace: "system_traces", statement: `ALTER KEYSPACE "system_traces" WITH replication = {'class': 'NetworkTopologyStrategy', ${all}};` },
      { kind: "rebuild", datacenter: "ap-southeast-1", sourceDatacenter: "us-east-1" },
      { kind: "repair", keyspace: "app" },
      { kind: "repair", keyspace: "system_distributed" },
      { kind: "repair", keyspace: "system_traces" },
    ]);
  });

  it("the first datacenter of a new cluster creates keyspaces and streams nothing", () => {
    const plan = planEnvironment(config([awsRegion("use1", "us-east-1", 0)]));
    expect(replicationSteps(plan, plan.regions[0]!).map((s) => s.kind)).toEqual(["cql", "cql", "cql", "cql"]);
  });
});

describe("rollout through the program", () => {
  const prodRegions = threeAwsRegions();
  const step = async (phase: string, previous?: Record<string, unknown>) =>
    synthStack("test", environment([...prodRegions, { ...apse1, phase }]), previous);

  it("four config edits take a new region from nothing to serving, each from the state the last one left", async () => {
    const base = await synthStack("test", environment(prodRegions));
    let outputs = base.outputs;
    for (const phase of ["infrastructure", "datacenter", "replicated", "serving"]) {
      const result = await step(phase, outputs);
      expect(result.plan.regions[3]!.phase).toBe(phase);
      outputs = result.outputs;
    }
    expect(outputs.clientDatacenters).toEqual(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]);
  });

  it("refuses a skipped phase before any resource is registered", async () => {
    const base = await synthStack("test", environment([...prodRegions, { ...apse1, phase: "infrastructure" }]));
    const error = await step("serving", base.outputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('regions[3].phase: cannot move apse1 from "infrastructure" to "serving" in one update');
  });
});
