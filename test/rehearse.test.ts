/**
 * `rehearse` prints what an update would run against ScyllaDB, by running the
 * rendered scripts against the simulator from the state --previous records.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { runCheck } from "../cli/check";
import { runRehearse } from "../cli/rehearse";
import { runSynth } from "../cli/synth";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** prod's committed config with eu-west-1 at `phase` (absent when undefined). */
function prodWith(phase: string | undefined): string {
  const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  const regions = doc.config["scylla-ha-stack:regions"] as Array<Record<string, unknown>>;
  doc.config["scylla-ha-stack:regions"] = phase === undefined ? regions.filter((r) => r.key !== "euw1") : regions.map((r) => (r.key === "euw1" ? { ...r, phase } : r));
  const file = path.join(dir, `prod-${phase ?? "without-euw1"}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

describe("rehearse", () => {
  it("prints eu-west-1's entry into replication, statement by statement, and passes", async () => {
    let previous: string | undefined;
    for (const phase of [undefined, "infrastructure", "datacenter"]) {
      const out = path.join(dir, `out-${phase ?? "0"}`);
      const res = await runSynth(["--stack", "prod", "--config", prodWith(phase), "--out", out, ...(previous ? ["--previous", previous] : [])]);
      expect(res.code, res.stderr).toBe(0);
      previous = path.join(out, "prod.export.json");
    }
    const res = await runRehearse(["--stack", "prod", "--config", prodWith("replicated"), "--previous", previous!]);
    expect(res.code, res.stdout).toBe(0);
    const lines = res.stdout.split("\n");
    expect(lines).toContain("  eu-west-1: joins through seeds of us-east-1, us-west-2");
    expect(lines).toContain("replication Job in euw1:");
    const cql = lines.filter((l) => l.includes("] cql: ")).map((l) => l.replace(/^.*\] cql: /, ""));
    expect(cql.filter((l) => l.includes('"sessions"'))).toEqual(
      [1, 2, 3].map((rf) => `ALTER KEYSPACE "sessions" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': ${rf}, 'us-east-1': 3, 'us-west-2': 3};`),
    );
    expect(lines.filter((l) => /\] rebuild /.test(l))).toHaveLength(6);
    expect(res.stdout).toContain("repair task repair/");
    expect(lines.at(-2)).toBe("rehearsal passed");
  }, 240_000);

  it("refuses an unknown flag and a missing --previous file before synthesizing", async () => {
    expect((await runRehearse(["--stack", "prod", "--nope"])).code).toBe(2);
    const missing = await runRehearse(["--stack", "prod", "--previous", path.join(dir, "none.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--previous");
  });
});

describe("check --config --previous", () => {
  it("exits 0 on prod with us-east-1 lost, reporting the degradation as advisory", async () => {
    const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const regions = doc.config["scylla-ha-stack:regions"] as Array<Record<string, unknown>>;
    const out = path.join(dir, "before-loss");
    expect((await runSynth(["--stack", "prod", "--out", out])).code).toBe(0);
    doc.config["scylla-ha-stack:regions"] = regions.map((r) => (r.key === "use1" ? { ...r, phase: "lost" } : r));
    const lost = path.join(dir, "prod-lost.yaml");
    fs.writeFileSync(lost, YAML.stringify(doc));
    const res = await runCheck(["--stack", "prod", "--config", lost, "--previous", path.join(out, "prod.export.json")]);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toContain("[advisory] scylla-backup-task");
    // A skipped phase is refused by the same guards as synth.
    doc.config["scylla-ha-stack:regions"] = regions.map((r) => (r.key === "use1" ? { ...r, phase: "datacenter" } : r));
    const skipped = path.join(dir, "prod-skip.yaml");
    fs.writeFileSync(skipped, YAML.stringify(doc));
    const refused = await runCheck(["--stack", "prod", "--config", skipped, "--previous", path.join(out, "prod.export.json")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("regions[0].phase");
  }, 240_000);
});
