/**
 * The `scylla-ha` command line: help, version, usage errors (exit 2, one line,
 * no stack trace, nothing written), stack-name safety, several report formats
 * from one run, and that `check --export` never loads a Pulumi SDK.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../cli/commands";
import { main } from "../cli/main";
import { ROOT, runCli } from "./helpers/cli";
import { awsEnvironment } from "./helpers/policy-env";

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));

describe("scylla-ha help and version", () => {
  it("registers check, synth, rehearse and bench, and package.json runs each through the one bin", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(COMMANDS.map((c) => c.name)).toEqual(["check", "synth", "rehearse", "bench"]);
    expect(pkg.bin).toEqual({ "scylla-ha": "bin/scylla-ha.js" });
    for (const name of ["check", "synth", "rehearse", "bench"]) expect(pkg.scripts[name]).toBe(`node bin/scylla-ha.js ${name}`);
  });

  it.each(["check", "synth", "rehearse", "bench"])("%s --help exits 0 printing its usage and nothing else", async (name) => {
    const started = Date.now();
    const out = await main([name, "--help"]);
    expect([out.code, out.stderr]).toEqual([0, ""]);
    expect(out.stdout).toMatch(new RegExp(`^usage: scylla-ha ${name} `));
    expect(out.stdout).toContain(`npm run ${name}`);
    // bench --help used to run the whole bench; usage is immediate.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("--help wins wherever it stands, before any other flag is judged", async () => {
    expect((await main(["check", "--stack", "../x", "--help"])).code).toBe(0);
    expect((await main(["synth", "-h"])).stdout).toMatch(/^usage: scylla-ha synth /);
  });

  it.each([["--version"], ["check", "--version"], ["synth", "--version"]])("%j prints the package version", async (...argv) => {
    expect(await main(argv)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("lists the commands for --help, and exits 2 with the list for no command or an unknown one", async () => {
    const help = await main(["--help"]);
    expect(help.code).toBe(0);
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name.padEnd(width)}  ${c.summary}`);
    expect((await main([])).code).toBe(2);
    expect(await main(["deploy"])).toEqual({ code: 2, stdout: "", stderr: 'scylla-ha: unknown command "deploy"; commands: check, synth, rehearse, bench\n' });
  });
});

describe("scylla-ha usage errors", () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it.each([
    [["synth", "--stack", "prod", "--previous", "README.md", "--out", "OUT"], "synth: --previous README.md is not JSON ("],
    [["synth", "--stack", "prod", "--previous", "package.json", "--out", "OUT"], "synth: --previous package.json is not a stack export: it has no pulumi:pulumi:Stack resource"],
    [["synth", "--stack", "prod", "--previous", "/nonexistent.json", "--out", "OUT"], "synth: --previous /nonexistent.json: cannot be read (ENOENT)"],
    [["synth", "--stack", "prod", "--out", "package.json"], "synth: --out package.json is a file; give a directory"],
    [["synth", "--stack", "prod", "--config", "/nonexistent.yaml", "--out", "OUT"], "synth: --config /nonexistent.yaml: no such file"],
    [["synth", "--stack", "../../x", "--out", "OUT"], 'synth: --stack "../../x" is not a stack name'],
    [["synth", "--stack", "a/b", "--config", "stacks/Pulumi.dev.yaml", "--out", "OUT"], 'synth: --stack "a/b" is not a stack name'],
    [["synth", "--stack", "qa", "--out", "OUT"], "synth: unknown stack qa: the committed environments are dev, prod, staging"],
    [["synth", "--stack", "prod", "--bogus", "--out", "OUT"], "synth: Unknown option '--bogus' (see scylla-ha synth --help)"],
    [["check", "--stack", "..", "--format", "json"], 'check: --stack ".." is not a stack name'],
    [["check", "--stack", "qa"], "check: unknown stack qa: the committed environments are dev, prod, staging"],
    [["check", "--stack", "prod", "--report", "json"], 'check: --report "json": expected <format>=<file> with format one of text, markdown, json, sarif'],
    [["check", "--stack", "prod", "--report", "html=x.html"], 'check: --report "html=x.html": expected <format>=<file>'],
    [["check", "--stack", "prod", "--report", "json=OUT"], "check: --report OUT is a directory; give a file name"],
    [["bench", "--runs", "0"], "bench: --runs must be an integer from 1 to 50 (got 0)"],
  ])("%j exits 2 with one line, before any work, writing nothing", async (argv, message) => {
    const out = tmp();
    const started = Date.now();
    const result = await main(argv.map((a) => a.replace("OUT", out)));
    expect([result.code, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toContain(message.replace("OUT", out));
    oneLine(result.stderr);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("as a process: exit 2 and the same single line, no stack trace", async () => {
    const out = tmp();
    const run = await runCli(["synth", "--stack", "prod", "--previous", "README.md", "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^synth: --previous README\.md is not JSON/);
    oneLine(run.stderr);
  });
});

describe("check --report", () => {
  let exportFile: string;
  beforeAll(() => {
    exportFile = path.join(tmp(), "export.json");
    fs.writeFileSync(exportFile, JSON.stringify(awsEnvironment().toExport()));
  });

  it("writes each requested format from the one run, identical to that format on stdout", async () => {
    const dir = path.join(tmp(), "nested", "out");
    const run = await main([
      "check", "--export", exportFile, "--format", "text",
      "--report", `json=${dir}/r.json`, "--report", `markdown=${dir}/r.md`, "--report", `sarif=${dir}/r.sarif`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe((await main(["check", "--export", exportFile, "--format", "text"])).stdout);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    const alone = async (format: string) => (await main(["check", "--export", exportFile, "--format", format])).stdout;
    expect(JSON.parse(read("r.json"))).toEqual(JSON.parse(await alone("json")));
    expect(read("r.md")).toBe(await alone("markdown"));
    // SARIF carries no timestamps, so the two runs agree byte for byte.
    expect(read("r.sarif")).toBe(await alone("sarif"));
    expect(fs.readdirSync(dir).sort()).toEqual(["r.json", "r.md", "r.sarif"]);
  });

  it("writes the reports when there are mandatory violations too, and still exits 1", async () => {
    const env = awsEnvironment();
    const broken = env.toExport() as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown> }> } };
    broken.deployment.resources = broken.deployment.resources.filter((r) => r.type !== "aws:ec2/natGateway:NatGateway");
    const file = path.join(tmp(), "broken.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    const report = path.join(tmp(), "r.json");
    const run = await main(["check", "--export", file, "--format", "text", "--report", `json=${report}`]);
    expect(run.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(report, "utf8")).violations.some((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")).toBe(true);
  });
});

describe("check --export start-up", () => {
  it("never loads a Pulumi SDK (nor ajv, which only --crds needs): of @pulumi, only the policy proxy module, which requires nothing", async () => {
    const dir = tmp();
    const file = path.join(dir, "export.json");
    fs.writeFileSync(file, JSON.stringify(awsEnvironment().toExport()));
    const probe = path.join(dir, "probe.cjs");
    fs.writeFileSync(
      probe,
      `require(${JSON.stringify(path.join(ROOT, "cli", "main.ts"))}).main(["check", "--export", ${JSON.stringify(file)}, "--format", "json"]).then((r) => {
        const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](@pulumi|ajv|kubernetes-models)[\\\\/]/.test(k));
        process.stdout.write(JSON.stringify({ code: r.code, loaded: loaded.map((k) => k.split(/node_modules[\\\\/]/).pop().replace(/\\\\/g, "/")) }));
      });`,
    );
    const { execFileSync } = await import("node:child_process");
    const out = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", probe], { cwd: ROOT, encoding: "utf8" }));
    expect(out).toEqual({ code: 0, loaded: ["@pulumi/policy/proxy.js"] });
  });
});

describe("what a synthesizing command says", () => {
  it("returns the program's missing-secret warnings in its own stderr, as the Pulumi CLI words them, and prints nothing itself", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cli-warn-"));
    const written: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void written.push(args.map(String).join(" "));
    try {
      const run = await main(["synth", "--stack", "dev", "--out", out]);
      expect(run.code).toBe(0);
      expect(run.stderr.trimEnd().split("\n").map((l) => l.slice(0, l.indexOf(":", "warning: ".length)))).toEqual([
        "warning: cqlSuperuserPassword",
        "warning: cqlManagerPassword",
        "warning: cqlReplicationPassword",
        "warning: alertWebhookUrl",
      ]);
    } finally {
      console.warn = original;
    }
    expect(written).toEqual([]);
  });
});
