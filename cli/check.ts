/**
 * npm run check -- (--stack <env> | --export <file>) [--format text|markdown|json|sarif] [--policy-config <file>] [--crds <dir>]
 *
 * Runs every policy over the offline synth of a committed environment, or
 * over any Pulumi stack export. Levels follow the tier the stack exports
 * (production when it exports none); the environment's `policies/<env>.json`,
 * or --policy-config, overrides them (policies/config.ts). With --crds, every Kubernetes object must also validate
 * against the CRDs in that directory (a mandatory violation per object and
 * JSON path that does not). Exit 0: no mandatory violation; 1: at least one;
 * 2: unusable input (unreadable file, not a stack export, nothing to judge, bad config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type LevelSet, PolicyConfigError, resolveLevels, stackTier } from "../policies/config";
import { analyseFailureDomains } from "../policies/failure";
import { ResourceGraph } from "../policies/model/graph";
import { assertJudgeable } from "../policies/model/judgeable";
import { StackExportError, fromRecorded, fromStackExport, projectFromUrn } from "../policies/model/load";
import { ALL_POLICIES } from "../policies/rules/all";
import type { ScyllaPolicy } from "../policies/rule";
import { evaluate } from "../policies/runner";
import { PROJECT } from "../stacks/schema";
import { ConfigError } from "../stacks/validate";
import { UsageError, parseFlags } from "./args";
import { synthesize } from "./engine/synthesize";
import { exitWhenIdle } from "./exit";
import { CrdLoadError, loadCrdCatalog } from "./validate/crds";
import { manifestSchemaRule } from "./validate/schema-rule";
import { renderMarkdown } from "./report/markdown";
import { type CheckReport, type ReportContext, toJson } from "./report/report";
import { renderSarif } from "./report/sarif";
import { renderText } from "./report/text";

const USAGE =
  "usage: npm run check -- (--stack <env> | --export <file>) [--format text|markdown|json|sarif] [--policy-config <file>] [--crds <dir>]";
const FORMATS = ["text", "markdown", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];
export const POLICIES_DIR = path.resolve(__dirname, "..", "policies");

/** Input the check cannot use; exit 2 with this message. */
class UnusableInput extends Error {}

export interface CheckOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCheck(argv: readonly string[]): Promise<CheckOutput> {
  try {
    const flags = parseFlags(
      argv,
      { stack: { type: "string" }, export: { type: "string" }, format: { type: "string" }, "policy-config": { type: "string" }, crds: { type: "string" } },
      USAGE,
    );
    if (!flags.stack === !flags.export) throw new UsageError(`give exactly one of --stack or --export\n${USAGE}`);
    const format = (flags.format ?? "text") as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got ${flags.format})\n${USAGE}`);

    const { graph, artifact } = flags.stack ? await fromSynth(flags.stack) : fromExportFile(flags.export!);
    try {
      assertJudgeable(graph);
    } catch (err) {
      if (err instanceof StackExportError) throw new StackExportError(`${artifact}: ${err.message}`);
      throw err;
    }
    const stack = flags.stack ?? graph.stack ?? "unknown";
    const levels = levelsOf(graph, flags["policy-config"]);
    const policies = flags.crds ? [...ALL_POLICIES, schemaRule(flags.crds)] : ALL_POLICIES;
    const report: CheckReport = {
      stack,
      resources: graph.resources.length,
      levels,
      violations: evaluate(graph, policies, levels.config),
      failureDomains: analyseFailureDomains(graph),
    };
    const ctx: ReportContext = { report, graph, policies, artifact };
    const stdout = format === "json" ? toJson(ctx) : format === "sarif" ? renderSarif(ctx) : format === "markdown" ? renderMarkdown(ctx) : renderText(ctx);
    return { code: report.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0, stdout, stderr: "" };
  } catch (err) {
    if (err instanceof UsageError || err instanceof UnusableInput || err instanceof ConfigError || err instanceof PolicyConfigError || err instanceof StackExportError) {
      return { code: 2, stdout: "", stderr: `check: ${err.message}\n` };
    }
    throw err;
  }
}

async function fromSynth(stack: string): Promise<{ graph: ResourceGraph; artifact: string }> {
  const artifact = path.join("stacks", `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(path.resolve(__dirname, "..", artifact))) throw new UnusableInput(`no stack config ${artifact} for stack ${stack}`);
  const result = await synthesize({ stack, captureStacks: false });
  return { graph: new ResourceGraph(fromRecorded(result.resources)), artifact };
}

function fromExportFile(file: string): { graph: ResourceGraph; artifact: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UnusableInput(`cannot read stack export ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UnusableInput(`${file} is not JSON (${(err as Error).message}); expected the output of pulumi stack export`);
  }
  try {
    return { graph: new ResourceGraph(fromStackExport(doc)), artifact: path.relative(process.cwd(), path.resolve(file)) };
  } catch (err) {
    if (err instanceof StackExportError) throw new StackExportError(`${file}: ${err.message}`);
    throw err;
  }
}

function schemaRule(dir: string): ScyllaPolicy {
  try {
    const catalog = loadCrdCatalog(dir);
    if (catalog.entries.size === 0) throw new UnusableInput(`--crds ${dir}: no CustomResourceDefinition found there; point it at a directory of CRD YAML`);
    return manifestSchemaRule(catalog, dir);
  } catch (err) {
    if (err instanceof CrdLoadError) throw new UnusableInput(`--crds ${dir}: ${err.message}`);
    throw err;
  }
}

/**
 * The tier's level set with the override on top: --policy-config when given,
 * else `policies/<stack>.json` — only for a stack of this project, since
 * another project's stack named `prod` is not our prod.
 */
function levelsOf(graph: ResourceGraph, file: string | undefined): LevelSet {
  const ours = graph.rootUrn !== undefined && projectFromUrn(graph.rootUrn) === PROJECT;
  const own = ours && graph.stack ? path.join(POLICIES_DIR, `${graph.stack}.json`) : undefined;
  const chosen = file ?? (own && fs.existsSync(own) ? own : undefined);
  let override: { doc: unknown; file: string } | undefined;
  if (chosen) {
    try {
      override = { doc: JSON.parse(fs.readFileSync(chosen, "utf8")), file: chosen };
    } catch (err) {
      throw new PolicyConfigError(`cannot use policy config ${chosen}: ${(err as Error).message}`);
    }
  }
  const root = path.resolve(POLICIES_DIR, "..");
  const show = (f: string) => (path.resolve(f).startsWith(`${root}${path.sep}`) ? path.relative(root, path.resolve(f)) : f);
  return resolveLevels(ALL_POLICIES, { tier: stackTier(graph), policiesDir: POLICIES_DIR, ...(override ? { override } : {}), show });
}

if (require.main === module) {
  runCheck(process.argv.slice(2)).then(
    ({ code, stdout, stderr }) => {
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      exitWhenIdle(code);
    },
    (err) => {
      process.stderr.write(`check failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(2);
    },
  );
}
