/**
 * npm run bench [-- --quick]
 *
 * Times the offline tools as a user runs them: each measurement is a fresh
 * Node process (start-up, TypeScript loading and the SDKs included), so wall
 * time and peak RSS are what a CI job pays. Cases: every committed
 * environment, and generated environments at 1×, 4× and 16× prod's size.
 * Prints a table plus the growth ratio per size step and checks the goals
 * in docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { committedStacks } from "../stacks/config";
import { scaledEnvironmentYaml, shapeFor } from "./bench/generate";

const ROOT = path.resolve(__dirname, "..");
const RUNS = process.argv.includes("--quick") ? 1 : 3;

interface Measurement {
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly stdout: string;
}

/** Runs a TypeScript entry point in a fresh process `RUNS` times; keeps the fastest run (least noise). */
function measure(script: string, args: string[]): Measurement {
  let best: Measurement | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ["--require", "./cli/bench/report-rss.cjs", "--require", "tsx/cjs", script, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const rss = /BENCH_MAX_RSS_KB (\d+)/.exec(child.stderr)?.[1];
    if (child.status !== 0 && child.status !== 1) {
      throw new Error(`${script} ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
    }
    const m = { wallMs, maxRssMb: Number(rss ?? 0) / 1024, stdout: child.stdout };
    if (!best || m.wallMs < best.wallMs) best = m;
  }
  return best!;
}

interface Row {
  readonly name: string;
  readonly resources: number;
  readonly synth: Measurement;
  readonly check?: Measurement;
  readonly checkExport?: Measurement;
}

function resourcesIn(exportFile: string): number {
  return (JSON.parse(fs.readFileSync(exportFile, "utf8")) as { deployment: { resources: unknown[] } }).deployment.resources.length;
}

function runCase(name: string, stack: string, configFile: string | undefined, work: string): Row {
  const out = path.join(work, name);
  const config = configFile ? ["--config", configFile] : [];
  const synth = measure("cli/synth.ts", ["--stack", stack, ...config, "--out", out]);
  const exportFile = path.join(out, `${stack}.export.json`);
  const hasCheck = fs.existsSync(path.join(ROOT, "cli", "check.ts"));
  return {
    name,
    resources: resourcesIn(exportFile),
    synth,
    ...(hasCheck && !configFile ? { check: measure("cli/check.ts", ["--stack", stack, "--format", "json"]) } : {}),
    ...(hasCheck ? { checkExport: measure("cli/check.ts", ["--export", exportFile, "--format", "json"]) } : {}),
  };
}

const fmt = (m?: Measurement) => (m ? `${(m.wallMs / 1000).toFixed(2)} s / ${m.maxRssMb.toFixed(0)} MB` : "—");

function main(): number {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "scylla-bench-"));
  const baseline = measure("cli/bench/load-sdks.ts", []);
  const rows: Row[] = committedStacks().map((stack) => runCase(stack, stack, undefined, work));
  const scaled: Row[] = [1, 4, 16].map((factor) => {
    const file = path.join(work, `Pulumi.bench${factor}x.yaml`);
    fs.writeFileSync(file, scaledEnvironmentYaml(`bench${factor}x`, shapeFor(factor)));
    return runCase(`${factor}x prod`, `bench${factor}x`, file, work);
  });

  const lines = [
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; best of ${RUNS}`,
    `baseline (load @pulumi/pulumi, aws, gcp, kubernetes): ${fmt(baseline)}`,
    "",
    "| case | resources | synth (wall / peak RSS) | check --stack | check --export |",
    "| --- | ---: | --- | --- | --- |",
    ...[...rows, ...scaled].map((r) => `| ${r.name} | ${r.resources} | ${fmt(r.synth)} | ${fmt(r.check)} | ${fmt(r.checkExport)} |`),
    "",
    "growth per size step (resources ×, synth time ×, check --export time ×):",
  ];
  for (let i = 1; i < scaled.length; i++) {
    const [a, b] = [scaled[i - 1]!, scaled[i]!];
    const ratio = (x?: Measurement, y?: Measurement) => (x && y ? (y.wallMs / x.wallMs).toFixed(2) : "—");
    lines.push(`  ${a.name} → ${b.name}: ${(b.resources / a.resources).toFixed(2)}×, ${ratio(a.synth, b.synth)}×, ${ratio(a.checkExport, b.checkExport)}×`);
  }
  const prod = rows.find((r) => r.name === "prod");
  const big = scaled[2]!;
  const goals: Array<[string, boolean | undefined]> = [
    ["check --export on 16× under 10 s", big.checkExport && big.checkExport.wallMs < 10_000],
    [
      "check --export grows near-linearly (4× resources ≤ 5× time)",
      scaled[1]!.checkExport && big.checkExport ? big.checkExport.wallMs / scaled[1]!.checkExport.wallMs <= (5 * big.resources) / scaled[1]!.resources / 4 : undefined,
    ],
    ["check --stack prod within 2× SDK load time", prod?.check ? prod.check.wallMs <= 2 * baseline.wallMs : undefined],
  ];
  lines.push("", "goals:", ...goals.map(([g, ok]) => `  ${ok === undefined ? "n/a " : ok ? "PASS" : "MISS"} ${g}`));
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

process.exit(main());
