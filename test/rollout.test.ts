import { describe, expect, it } from "vitest";
import { planEnvironment, regionLossCommands } from "../components/plan";
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

  it("produces the clean-up commands for the dead nodes: tablets step out one by one", () => {
    const plan = planEnvironment(
      config([{ ...threeAwsRegions()[0], phase: "lost" }, ...threeAwsRegions().slice(1)], {
        scylla: { keyspaces: [{ name: "app" }, { name: "events", tablets: true }] },
      }),
    );
    const map = (extra: string) => `{'class': 'NetworkTopologyStrategy', 'eu-west-1': 3${extra}, 'us-west-2': 3}`;
    expect(regionLossCommands(plan, plan.regions[0]!)).toEqual([
      `cqlsh -e "ALTER KEYSPACE \\"app\\" WITH replication = ${map("")};"`,
      ...[2, 1, 0].map((rf) => `cqlsh -e "ALTER KEYSPACE \\"events\\" WITH replication = ${map(`, 'us-east-1': ${rf}`)};"`),
      `cqlsh -e "ALTER KEYSPACE \\"system_distributed\\" WITH replication = ${map("")};"`,
      `cqlsh -e "ALTER KEYSPACE \\"system_traces\\" WITH replication = ${map("")};"`,
      "nodetool status | awk '/^Datacenter: us-east-1$/{f=1;next} /^Datacenter:/{f=0} f && /^DN/{print $(NF-1)}' | xargs -r -n1 nodetool removenode",
      "sctool repair -c scylla/scylla",
    ]);
    expect(regionLossCommands(plan, plan.regions[1]!)).toEqual([]);
  });
});
