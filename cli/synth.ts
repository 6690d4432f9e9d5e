/**
 * npm run synth -- --stack <env> [--config <file>] --out <dir>
 *
 * Runs the real program offline (preview mode, no CLI, no credentials) and
 * writes `<dir>/<env>.export.json` plus `<dir>/<env>/manifests/<region>.yaml`.
 * Exit 0 on success, 2 on bad config or usage (nothing written).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../stacks/validate";
import { UsageError, parseFlags } from "./args";
import { toStackExport } from "./engine/export";
import { manifestsByRegion, toYamlDocuments } from "./engine/manifests";
import { synthesize } from "./engine/synthesize";
import { exitWhenIdle } from "./exit";

const USAGE = "usage: npm run synth -- --stack <env> [--config <file>] [--previous <export.json>] --out <dir>";

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const flags = parseFlags(
      argv,
      { stack: { type: "string" }, config: { type: "string" }, previous: { type: "string" }, out: { type: "string" } },
      USAGE,
    );
    if (!flags.stack || !flags.out) throw new UsageError(`--stack and --out are required\n${USAGE}`);
    const result = await synthesize({
      stack: flags.stack,
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(flags.previous ? { previousOutputs: readPreviousOutputs(flags.previous) } : {}),
      captureStacks: false,
    });
    writeSynth(flags.out, result.stack, result);
    const counts = [...manifestsByRegion(result.resources, result.plan)].map(([k, v]) => `${k}: ${v.length}`).join(", ");
    process.stdout.write(`synth ${result.stack}: ${result.resources.length} resources → ${flags.out} (manifests ${counts || "none"})\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * A previous deployment's outputs, from a stack export (the root Stack
 * resource's outputs — `pulumi stack export` or an earlier synth) so a
 * rollout step can be checked offline against the state it starts from.
 */
export function readPreviousOutputs(file: string): Record<string, unknown> {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { deployment?: { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const root = doc.deployment?.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  if (!root) throw new UsageError(`${file} is not a stack export: it has no pulumi:pulumi:Stack resource`);
  return root.outputs ?? {};
}

export function writeSynth(outDir: string, stack: string, result: Awaited<ReturnType<typeof synthesize>>): void {
  const manifestDir = path.join(outDir, stack, "manifests");
  fs.mkdirSync(manifestDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${stack}.export.json`), `${JSON.stringify(toStackExport(result.resources), null, 2)}\n`);
  for (const [region, objects] of manifestsByRegion(result.resources, result.plan)) {
    fs.writeFileSync(path.join(manifestDir, `${region}.yaml`), toYamlDocuments(objects));
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => exitWhenIdle(code),
    (err) => {
      process.stderr.write(`synth failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
