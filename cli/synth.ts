/**
 * `scylla-ha synth` (`npm run synth --`): runs the real program offline
 * (preview mode, no CLI, no credentials) and writes `<out>/<env>.export.json`
 * plus `<out>/<env>/manifests/<region>.yaml`. Flags and exit codes: the
 * `synth` entry of commands.ts. Every argument is checked before the synth
 * starts, so a bad one writes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnvironmentPlan } from "../components/plan";
import { UsageError, parseFlags } from "./args";

export { readPreviousOutputs, synthInputs } from "./synth-inputs";
import { type CommandResult, usageFailure } from "./command";
import { toStackExport } from "./engine/export";
import { type ManifestObject, manifestsByRegion, toYamlDocuments } from "./engine/manifests";
import type { SynthResult } from "./engine/synthesize";
import { synthForCommand, synthInputs } from "./synth-inputs";

export async function runSynth(argv: readonly string[]): Promise<CommandResult> {
  try {
    return await synth(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure("synth", err);
    throw err;
  }
}

async function synth(argv: readonly string[]): Promise<CommandResult> {
  const flags = parseFlags(argv, { stack: { type: "string" }, config: { type: "string" }, previous: { type: "string" }, out: { type: "string" } });
  if (!flags.stack || !flags.out) throw new UsageError("--stack and --out are required");
  if (fs.existsSync(flags.out) && !fs.statSync(flags.out).isDirectory()) throw new UsageError(`--out ${flags.out} is a file; give a directory (created if missing)`);
  const { stack, configFile, previousOutputs } = synthInputs({ stack: flags.stack, config: flags.config, previous: flags.previous });

  const synth = await synthForCommand({ stack, ...(configFile ? { configFile } : {}), ...(previousOutputs ? { previousOutputs } : {}) });
  if (!synth.ok) return { code: 2, stdout: "", stderr: `${synth.message}\n` };
  const { result } = synth;
  const files = writeSynth(flags.out, result.stack, result);
  const counts = files.manifests.map((m) => `${m.region}: ${m.objects}`).join(", ");
  return { code: 0, stdout: `synth ${result.stack}: ${result.resources.length} resources → ${flags.out} (manifests ${counts || "none"})\n`, stderr: synth.diagnostics };
}

/** Manifest file stem per region key: the cloud region (`us-east-1`), as the README names the files. */
export function manifestFileNames(plan: EnvironmentPlan): Map<string, string> {
  const byRegion = new Map<string, number>();
  for (const r of plan.regions) byRegion.set(r.region, (byRegion.get(r.region) ?? 0) + 1);
  // Config validation keeps cloud:region unique; the same name on both clouds would need the cloud to tell them apart.
  return new Map(plan.regions.map((r) => [r.key, byRegion.get(r.region)! > 1 ? `${r.cloud}-${r.region}` : r.region]));
}

export interface WrittenSynth {
  readonly exportFile: string;
  readonly manifests: ReadonlyArray<{ readonly region: string; readonly file: string; readonly objects: number }>;
}

export function writeSynth(outDir: string, stack: string, result: SynthResult): WrittenSynth {
  const manifestDir = path.join(outDir, stack, "manifests");
  fs.mkdirSync(manifestDir, { recursive: true });
  const exportFile = path.join(outDir, `${stack}.export.json`);
  fs.writeFileSync(exportFile, `${JSON.stringify(toStackExport(result.resources), null, 2)}\n`);
  const names = manifestFileNames(result.plan);
  const manifests = [...manifestsByRegion(result.resources, result.plan)].map(([key, objects]: [string, ManifestObject[]]) => {
    const region = names.get(key) ?? key;
    const file = path.join(manifestDir, `${region}.yaml`);
    fs.writeFileSync(file, toYamlDocuments(objects));
    return { region, file, objects: objects.length };
  });
  return { exportFile, manifests };
}
