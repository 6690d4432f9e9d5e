/**
 * `scylla-ha bench` (`npm run bench`): times the tools as users run them —
 * `npm run <command>`, a fresh process each time — side by side with the
 * baseline of the same run, plain node loading the four Pulumi SDKs. Machine
 * load moves every figure, so each timed case alternates with a baseline run
 * and reports the median of its per-pair ratios next to the medians.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, committedStacks } from "../stacks/paths";
import { UsageError, parseFlags } from "./args";
import { type CommandResult, usageFailure } from "./command";
import { scaledEnvironmentYaml, shapeFor } from "./bench/generate";

const RSS_PROBE = path.join(PROJECT_ROOT, "cli", "bench", "report-rss.cjs");
const BASELINE = ["node", path.join(PROJECT_ROOT, "cli", "bench", "load-sdks.cjs")];
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

export interface Sample {
  readonly wallMs: number;
  /** Peak RSS of the largest process in the run (npm itself is a process too). */
  readonly maxRssMb: number;
  /** CPU time (user + system) of every process in the run together. */
  readonly cpuMs: number;
}

/** One fresh process; exit 0 or 1 (a check with findings) count as a run, anything else is an error. */
export function timeOnce(command: readonly string[], env: NodeJS.ProcessEnv = {}): Sample {
  const [exe, ...args] = command;
  const start = process.hrtime.bigint();
  const child = spawnSync(exe!, args, {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${RSS_PROBE}`.trim() },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0 && child.status !== 1) throw new Error(`${command.join(" ")} exited ${child.status}:\n${child.stderr}`);
  const rss = [...child.stderr.matchAll(/BENCH_MAX_RSS_KB (\d+)/g)].map((m) => Number(m[1]));
  const cpu = [...child.stderr.matchAll(/BENCH_CPU_US (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { wallMs, maxRssMb: Math.max(0, ...rss) / 1024, cpuMs: cpu / 1000 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Measured {
  readonly name: string;
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly cpuMs: number;
  /** Median of (case / baseline) wall time over runs paired with a baseline run; absent when not paired. */
  readonly ratio?: number;
  /** The same for CPU time: what the run costs, however loaded the machine is. */
  readonly cpuRatio?: number;
  readonly baselineMs?: number;
}

/**
 * `runs` timings of `command` after one untimed warm-up; with `paired`, each
 * follows a baseline run. `env` gives each run (warm-up included) its environment.
 */
function measure(name: string, command: readonly string[], runs: number, paired: boolean, log: (line: string) => void, env: () => NodeJS.ProcessEnv = () => ({})): Measured {
  timeOnce(command, env());
  const samples: Sample[] = [];
  const baselines: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    if (paired) baselines.push(timeOnce(BASELINE));
    samples.push(timeOnce(command, env()));
  }
  const m: Measured = {
    name,
    wallMs: median(samples.map((s) => s.wallMs)),
    maxRssMb: median(samples.map((s) => s.maxRssMb)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    ...(paired
      ? {
          ratio: median(samples.map((s, i) => s.wallMs / baselines[i]!.wallMs)),
          cpuRatio: median(samples.map((s, i) => s.cpuMs / baselines[i]!.cpuMs)),
          baselineMs: median(baselines.map((b) => b.wallMs)),
        }
      : {}),
  };
  log(`  ${name}: ${secs(m.wallMs)}, CPU ${secs(m.cpuMs)}${m.ratio !== undefined ? ` (${m.ratio.toFixed(2)}× wall, ${m.cpuRatio!.toFixed(2)}× CPU of the SDK load of its pairs, ${secs(m.baselineMs!)})` : ""}`);
  return m;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const npmRun = (command: string, ...args: string[]) => [NPM, "run", "--silent", command, "--", ...args];

function exportResources(file: string): number {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { deployment: { resources: unknown[] } }).deployment.resources.length;
}

export async function runBench(argv: readonly string[]): Promise<CommandResult> {
  try {
    return await bench(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure("bench", err);
    throw err;
  }
}

async function bench(argv: readonly string[]): Promise<CommandResult> {
  const flags = parseFlags(argv, { quick: { type: "boolean" }, runs: { type: "string" } });
  const runs = flags.runs === undefined ? (flags.quick ? 3 : 5) : Number(flags.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new UsageError(`--runs must be an integer from 1 to 50 (got ${flags.runs})`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "scylla-bench-"));
  const load = os.loadavg();
  log(`bench: ${runs} runs per case, median; load average ${load.map((l) => l.toFixed(2)).join(" ")} at start`);

  const baselineOnly = measure("baseline: node loads @pulumi/pulumi, aws, gcp, kubernetes", BASELINE, runs, false, log);
  const prodOut = path.join(work, "prod");
  const paired = [
    measure("npm run check -- --export <prod export> --format json", (timeOnce(npmRun("synth", "--stack", "prod", "--out", prodOut)), npmRun("check", "--export", path.join(prodOut, "prod.export.json"), "--format", "json")), runs, true, log),
    measure("npm run check -- --stack prod --format json", npmRun("check", "--stack", "prod", "--format", "json"), runs, true, log),
    // What the first run after `npm ci` or an upgrade pays: compiling every module and writing the code cache.
    measure("npm run check -- --stack prod --format json, empty compile cache", npmRun("check", "--stack", "prod", "--format", "json"), runs, true, log, () => ({
      SCYLLA_HA_COMPILE_CACHE: fs.mkdtempSync(path.join(work, "compile-cache-")),
    })),
    measure("npm run synth -- --stack prod", npmRun("synth", "--stack", "prod", "--out", prodOut), runs, true, log),
  ];

  const rows: Array<{ name: string; resources: number; synth: Measured; checkExport: Measured }> = [];
  if (!flags.quick) {
    for (const stack of committedStacks()) {
      const out = path.join(work, stack);
      const synth = measure(`synth ${stack}`, npmRun("synth", "--stack", stack, "--out", out), runs, false, log);
      const file = path.join(out, `${stack}.export.json`);
      rows.push({ name: stack, resources: exportResources(file), synth, checkExport: measure(`check --export ${stack}`, npmRun("check", "--export", file, "--format", "json"), runs, false, log) });
    }
    for (const factor of [1, 4, 16]) {
      const stack = `bench${factor}x`;
      const config = path.join(work, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(config, scaledEnvironmentYaml(stack, shapeFor(factor)));
      const out = path.join(work, stack);
      const synth = measure(`synth ${factor}× prod`, npmRun("synth", "--stack", stack, "--config", config, "--out", out), runs, false, log);
      const file = path.join(out, `${stack}.export.json`);
      rows.push({ name: `${factor}× prod`, resources: exportResources(file), synth, checkExport: measure(`check --export ${factor}× prod`, npmRun("check", "--export", file, "--format", "json"), runs, false, log) });
    }
  }
  fs.rmSync(work, { recursive: true, force: true });

  const cpus = os.cpus();
  const fmt = (m: Measured) => `${secs(m.wallMs)} / ${m.maxRssMb.toFixed(0)} MB`;
  const lines = [
    `machine: ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    `load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; median of ${runs} runs per case`,
    `baseline (plain node loads @pulumi/pulumi, aws, gcp, kubernetes): ${fmt(baselineOnly)}, CPU ${secs(baselineOnly.cpuMs)}`,
    "",
    "| as users run it | wall / peak RSS | CPU | × SDK load, wall | × SDK load, CPU |",
    "| --- | --- | --- | ---: | ---: |",
    ...paired.map((m) => `| \`${m.name}\` | ${fmt(m)} | ${secs(m.cpuMs)} | ${m.ratio!.toFixed(2)}× | ${m.cpuRatio!.toFixed(2)}× |`),
  ];
  if (rows.length > 0) {
    lines.push("", "| case | resources | synth (wall / peak RSS) | check --export |", "| --- | ---: | --- | --- |");
    lines.push(...rows.map((r) => `| ${r.name} | ${r.resources.toLocaleString("en-US")} | ${fmt(r.synth)} | ${fmt(r.checkExport)} |`));
    const scaled = rows.slice(-3);
    lines.push("", "growth per size step (resources ×, synth time ×, check --export time ×):");
    for (let i = 1; i < scaled.length; i++) {
      const [a, b] = [scaled[i - 1]!, scaled[i]!];
      lines.push(`  ${a.name} → ${b.name}: ${(b.resources / a.resources).toFixed(2)}×, ${(b.synth.wallMs / a.synth.wallMs).toFixed(2)}×, ${(b.checkExport.wallMs / a.checkExport.wallMs).toFixed(2)}×`);
    }
  }
  const [exportCheck, stackCheck] = paired;
  const big = rows.at(-1);
  const goals: Array<[string, boolean | undefined]> = [
    ["check --export prod ≤ 0.5× the SDK load (wall)", exportCheck!.ratio! <= 0.5],
    ["check --stack prod ≤ 2× the SDK load (wall)", stackCheck!.ratio! <= 2],
    ["check --export prod ≤ 0.5× the SDK load (CPU)", exportCheck!.cpuRatio! <= 0.5],
    ["check --stack prod ≤ 2× the SDK load (CPU)", stackCheck!.cpuRatio! <= 2],
    ["check --export on 16× prod under 10 s", big ? big.checkExport.wallMs < 10_000 : undefined],
  ];
  lines.push("", "goals:", ...goals.map(([g, ok]) => `  ${ok === undefined ? "n/a " : ok ? "PASS" : "MISS"} ${g}`));
  return { code: 0, stdout: `${lines.join("\n")}\n`, stderr: "" };
}
