/**
 * The rendered replication scripts, run with bash against the ScyllaDB
 * simulator (test/helpers/sim): what they do to keyspaces, nodes and Manager
 * from each starting state, and that every replay converges.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type DeployedState, type EnvironmentPlan, planEnvironment } from "../components/plan";
import { EXEC_RULES } from "../components/scylla/replication-jobs";
import { renderProcedureScript, renderRepairScript } from "../components/scylla/replication-script";
import { parseEnvironmentConfig } from "../stacks/validate";
import { environment, threeAwsRegions } from "./helpers/fixtures";
import { type DatacenterSpec, SimWorld, freshKeyspaces, ks, lintScript } from "./helpers/sim";

const [use1, usw2, euw1] = threeAwsRegions();
const KEYSPACES = { scylla: { keyspaces: [{ name: "app" }, { name: "sessions", tablets: true }] } };
const plan = (regions: unknown[], previous?: DeployedState) => planEnvironment(parseEnvironmentConfig(environment(regions, KEYSPACES)), previous);
const state = (phases: Record<string, string>, founder: string | null = null): DeployedState => ({
  regions: Object.fromEntries(
    Object.entries(phases).map(([key, phase]) => [key, { phase: phase as never, datacenter: { use1: "us-east-1", usw2: "us-west-2", euw1: "eu-west-1" }[key]! }]),
  ),
  founder,
});
const dc = (name: string, status: DatacenterSpec["status"] = "UN"): DatacenterSpec => ({ name, racks: ["a", "b", "c"].map((z) => `${name}${z}`), nodesPerRack: 1, status });
const rf3 = (...dcs: string[]) => Object.fromEntries(dcs.map((d) => [d, 3]));
/** A serving two-DC cluster: both keyspaces and the system ones at RF 3 in each. */
const twoDcKeyspaces = () => ({
  app: ks(false, rf3("us-east-1", "us-west-2")),
  sessions: ks(true, rf3("us-east-1", "us-west-2")),
  system_distributed: ks(false, rf3("us-east-1", "us-west-2")),
  system_traces: ks(false, rf3("us-east-1", "us-west-2")),
});

const worlds: SimWorld[] = [];
const world = (...args: ConstructorParameters<typeof SimWorld>) => {
  const w = new SimWorld(...args);
  worlds.push(w);
  return w;
};
afterEach(() => {
  while (worlds.length) worlds.pop()!.dispose();
});

function script(p: EnvironmentPlan): string {
  expect(p.procedure).toBeDefined();
  return renderProcedureScript(p, p.procedure!);
}
const clusterOf = (p: EnvironmentPlan) => p.regions.find((r) => r.key === p.procedure!.region)!.datacenter;

describe("adding eu-west-1 to a serving two-DC cluster", () => {
  const adding = () => plan([use1, usw2, { ...euw1, phase: "replicated" }], state({ use1: "serving", usw2: "serving", euw1: "datacenter" }, "us-east-1"));
  const newWorld = () => world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: twoDcKeyspaces(), managerDatacenter: "us-east-1" });

  it("runs in eu-west-1: one ALTER per vnode keyspace, tablets 0→1→2→3, then only eu-west-1's nodes rebuild from us-east-1", () => {
    const p = adding();
    expect(p.procedure!.region).toBe("euw1");
    const w = newWorld();
    const res = w.run(script(p), clusterOf(p));
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const s = w.read();
    expect(s.changes.map((c) => [c.keyspace, c.to["eu-west-1"] ?? "0"])).toEqual([
      ["app", "3"],
      ["sessions", "1"],
      ["sessions", "2"],
      ["sessions", "3"],
      ["system_distributed", "3"],
      ["system_traces", "3"],
    ]);
    expect(w.replication()).toEqual(Object.fromEntries(["app", "sessions", "system_distributed", "system_traces"].map((k) => [k, rf3("eu-west-1", "us-east-1", "us-west-2")])));
    expect(s.rebuilds.map((r) => [r.pod, r.source])).toEqual([
      ["scylla-eu-west-1-eu-west-1a-0", "us-east-1"],
      ["scylla-eu-west-1-eu-west-1b-0", "us-east-1"],
      ["scylla-eu-west-1-eu-west-1c-0", "us-east-1"],
    ]);
    expect(s.rebuilds.every((r) => r.keyspaces.join() === "app,system_distributed,system_traces")).toBe(true);
    expect(s.violations).toEqual([]);
    // Every statement ran as the least-privileged role, never as the default superuser.
    expect(new Set(s.log.filter((l) => l.tool === "cqlsh").map((l) => l.user))).toEqual(new Set(["scylla_ha_replication"]));
  });

  it("then repairs the rebuilt vnode keyspaces once through Manager in its region", () => {
    const p = adding();
    const w = newWorld();
    expect(w.run(script(p), clusterOf(p)).code).toBe(0);
    const res = w.run(renderRepairScript(p, p.procedure!.repair!.keyspaces), "us-east-1");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(w.read().repairs.map((r) => r.keyspaces)).toEqual([["app", "system_distributed", "system_traces"]]);
  });

  it("a rerun after success changes nothing and streams again only in eu-west-1", () => {
    const p = adding();
    const w = newWorld();
    expect(w.run(script(p), clusterOf(p)).code).toBe(0);
    const changes = w.read().changes.length;
    expect(w.run(script(p), clusterOf(p)).code).toBe(0);
    expect(w.read().changes.length).toBe(changes);
    expect(new Set(w.read().rebuilds.map((r) => r.datacenter))).toEqual(new Set(["eu-west-1"]));
  });

  it("waits for eu-west-1's nodes, and gives up without a statement when they never come up", () => {
    const p = adding();
    const w = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1", "UJ")], keyspaces: twoDcKeyspaces() });
    const res = w.run(script(p), clusterOf(p), { POLL_LIMIT: "3" });
    expect(res.code).not.toBe(0);
    expect(res.stdout).toContain("waiting for datacenter eu-west-1: 0 of 3 nodes up, 3 not normal");
    expect(w.read().log.filter((l) => l.tool === "cqlsh")).toEqual([]);
  });

  it("stops on the first CQL error: an enforced RF-rack-valid keyspace refuses RF 2 of 3 racks", () => {
    const p = adding();
    const w = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: { ...twoDcKeyspaces(), sessions: ks(true, rf3("us-east-1", "us-west-2"), 1) } });
    const res = w.run(script(p), clusterOf(p));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("The keyspace 'sessions' is required to be RF-rack-valid. That condition is violated for DC 'eu-west-1': RF=2 vs. rack count=3.");
    expect(w.replication().sessions).toEqual({ "eu-west-1": 1, "us-east-1": 3, "us-west-2": 3 });
    expect(w.read().log.filter((l) => l.tool === "cqlsh" && String(l.statement).includes("system_distributed"))).toEqual([]);
    expect(w.read().rebuilds).toEqual([]);
  });

  it("is refused with the old Role (exec only `create`): Kubernetes 1.34 authorizes WebSocket exec as `get`", () => {
    const p = adding();
    const rbac = (rules: { resources: string[]; verbs: string[] }[]) => ({ "eu-west-1": { scylla: rules } });
    const old = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: twoDcKeyspaces(), rbac: rbac([{ resources: ["pods"], verbs: ["get", "list"] }, { resources: ["pods/exec"], verbs: ["create"] }]) });
    const refused = old.run(script(p), clusterOf(p), { POLL_LIMIT: "2" });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('cannot get resource "pods/exec"');
    const current = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: twoDcKeyspaces(), rbac: rbac(EXEC_RULES.map((r) => ({ resources: [...r.resources], verbs: [...r.verbs] }))) });
    expect(current.run(script(p), clusterOf(p)).code).toBe(0);
  });

  it("refuses wrong credentials before any statement", () => {
    const p = adding();
    const w = newWorld();
    const res = w.run(script(p), clusterOf(p), { CQL_PASSWORD: "wrong" });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("Bad credentials");
    expect(w.read().changes).toEqual([]);
  });
});

describe("a failure injected at every step, then a replay", () => {
  const adding = () => plan([use1, usw2, { ...euw1, phase: "replicated" }], state({ use1: "serving", usw2: "serving", euw1: "datacenter" }, "us-east-1"));
  const newWorld = () => world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: twoDcKeyspaces() });
  const p = adding();
  const clean = (() => {
    const w = new SimWorld({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: twoDcKeyspaces() });
    w.run(renderProcedureScript(p, p.procedure!), "eu-west-1");
    const s = w.read();
    const steps = [
      ...s.log.filter((l) => l.tool === "cqlsh" && /^(ALTER|CREATE)/.test(String(l.statement))).map((l) => String(l.statement)),
      ...s.rebuilds.map((r) => `nodetool rebuild -- us-east-1 @${r.pod}`),
    ];
    const final = w.replication();
    w.dispose();
    return { steps, final };
  })();

  it("has steps to break", () => expect(clean.steps.length).toBe(9));

  // A crash right after each step is applied (the Job's pod dies), a refusal of a vnode and a
  // tablet statement, a client timeout on each tablet step (the change goes on server-side).
  // Node rebuilds are alike: breaking the first one stands for all three.
  const firstRebuild = clean.steps.findIndex((s) => s.startsWith("nodetool"));
  const cases = clean.steps.flatMap((on, i) => [
    ...(on.startsWith("nodetool") ? (i === firstRebuild ? [[on, "fail"] as const] : []) : [[on, "crash"] as const]),
    ...(i === 0 || i === 2 ? [[on, "reject"] as const] : []),
    ...(i === 2 ? [[on, "timeout"] as const] : []),
  ]);
  it.each(cases)(
    "%s (%s): the replay converges, never lowers us-east-1 or us-west-2, never runs two RF changes at once",
    (on, kind) => {
      const w = newWorld();
      w.update((s) => s.faults.push({ on, kind, times: 1, remaining: 2 }));
      const first = w.run(script(p), "eu-west-1");
      if (kind !== "timeout") expect(first.code).not.toBe(0);
      const replay = w.run(script(p), "eu-west-1");
      expect(replay.stderr).toBe("");
      expect(replay.code).toBe(0);
      const s = w.read();
      expect(w.replication()).toEqual(clean.final);
      for (const c of s.changes) {
        expect([c.to["us-east-1"], c.to["us-west-2"]]).toEqual(["3", "3"]);
      }
      expect(s.violations).toEqual([]);
      expect(new Set(s.rebuilds.map((r) => r.datacenter))).toEqual(new Set(["eu-west-1"]));
    },
  );
});

describe("rolling eu-west-1 back out of replication", () => {
  it("runs in eu-west-1, steps the tablet keyspace 3→2→1→0 naming the DC, drops it from vnode keyspaces in one ALTER, rebuilds nothing", () => {
    const p = plan([use1, usw2, { ...euw1, phase: "datacenter" }], state({ use1: "serving", usw2: "serving", euw1: "replicated" }, "us-east-1"));
    expect(p.procedure!.region).toBe("euw1");
    expect(p.procedure!.leaving).toEqual(["eu-west-1"]);
    const three = rf3("eu-west-1", "us-east-1", "us-west-2");
    const w = world({
      datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")],
      keyspaces: { app: ks(false, three), sessions: ks(true, three), system_distributed: ks(false, three), system_traces: ks(false, three) },
    });
    const res = w.run(script(p), "eu-west-1");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const alters = w.read().log.filter((l) => l.tool === "cqlsh" && String(l.statement).startsWith("ALTER")).map((l) => String(l.statement));
    expect(alters.filter((a) => a.includes('"sessions"'))).toEqual(
      [2, 1, 0].map((rf) => `ALTER KEYSPACE "sessions" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': ${rf}, 'us-east-1': 3, 'us-west-2': 3};`),
    );
    expect(alters.filter((a) => a.includes('"app"'))).toEqual([`ALTER KEYSPACE "app" WITH replication = {'class': 'NetworkTopologyStrategy', 'us-east-1': 3, 'us-west-2': 3};`]);
    expect(w.replication().sessions).toEqual(rf3("us-east-1", "us-west-2"));
    expect(w.read().rebuilds).toEqual([]);
  });
});

describe("a fresh three-DC cluster", () => {
  it("runs once, in the founding region, after every DC is up: creates the keyspaces at their targets, streams nothing", () => {
    const p = plan([use1, usw2, euw1]);
    expect(p.founder).toBe("us-east-1");
    expect(p.procedure!.region).toBe("use1");
    expect(p.procedure!.rebuild).toBeUndefined();
    const w = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")], keyspaces: freshKeyspaces() });
    const res = w.run(script(p), "us-east-1");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const all = rf3("eu-west-1", "us-east-1", "us-west-2");
    expect(w.replication()).toEqual({ app: all, sessions: all, system_distributed: all, system_traces: all });
    expect(w.read().keyspaces.sessions!.tablets).toBe(true);
    expect(w.read().rebuilds).toEqual([]);
  });

  it("the simulator refuses a keyspace naming a DC that has not joined, as ScyllaDB does", () => {
    const p = plan([use1, usw2, euw1]);
    const w = world({ datacenters: [dc("us-east-1"), dc("us-west-2"), { ...dc("eu-west-1"), nodesPerRack: 0 }], keyspaces: freshKeyspaces() });
    const bypass = script(p).replace(/^wait_up '.*$/gm, "");
    const res = w.run(bypass, "us-east-1");
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Unrecognized strategy option {eu-west-1} passed to NetworkTopologyStrategy");
  });
});

describe("losing and re-adding us-east-1", () => {
  it("the re-added DC joins through the surviving DCs' seeds and is the only one to rebuild", () => {
    const p = plan([{ ...use1, phase: "replicated" }, usw2, euw1], state({ use1: "datacenter", usw2: "serving", euw1: "serving" }));
    expect(p.founder).toBeUndefined();
    expect(p.regions[0]!.seedDatacenters).toEqual(["us-west-2", "eu-west-1"]);
    expect(p.procedure!.region).toBe("use1");
    expect(p.procedure!.rebuild).toEqual({ datacenter: "us-east-1", source: "us-west-2" });
    const two = rf3("eu-west-1", "us-west-2");
    const w = world({
      datacenters: [dc("us-east-1"), dc("us-west-2"), dc("eu-west-1")],
      keyspaces: { app: ks(false, two), sessions: ks(true, two), system_distributed: ks(false, two), system_traces: ks(false, two) },
    });
    const res = w.run(script(p), "us-east-1");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(w.replication().sessions).toEqual(rf3("eu-west-1", "us-east-1", "us-west-2"));
    expect(new Set(w.read().rebuilds.map((r) => `${r.datacenter}<-${r.source}`))).toEqual(new Set(["us-east-1<-us-west-2"]));
  });
});

describe("every rendered script", () => {
  it("passes bash -n and shellcheck", () => {
    const p = plan([use1, usw2, { ...euw1, phase: "replicated" }], state({ use1: "serving", usw2: "serving", euw1: "datacenter" }, "us-east-1"));
    expect(lintScript(script(p))).toBe("");
    expect(lintScript(renderRepairScript(p, ["app"]))).toBe("");
  });
});
