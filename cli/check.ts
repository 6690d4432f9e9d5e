/**
 * `scylla-ha check` (`npm run check --`): every policy over the offline synth
 * of a committed environment, or over any Pulumi stack export. Flags and exit
 * codes: the `check` entry of commands.ts. The export path is JSON plus a
 * graph and never loads a Pulumi SDK; the synth path loads them on demand.
 * Levels follow the tier the stack exports (production when it exports
 * none); `policies/<env>.json`, or --policy-config, overrides them
 * (policies/config.ts). Input with nothing to judge is refused (exit 2).
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
import { PROJECT_ROOT } from "../stacks/paths";
import { UsageError, formatTargets, parseFlags } from "./args";
import { type SynthInputs, synthForCommand, synthInputs } from "./synth-inputs";
import { type CommandResult, refused, usageFailure } from "./command";
import { CHECK_FORMATS } from "./commands";
import type { SchemaCoverage } from "./validate/schema-rule";
import { renderMarkdown } from "./report/markdown";
import { type CheckReport, type ReportContext, toJson } from "./report/report";
import { renderSarif } from "./report/sarif";
import { renderText } from "./report/text";

type Format = (typeof CHECK_FORMATS)[number];
export const POLICIES_DIR = path.join(PROJECT_ROOT, "policies");

/** Input the check cannot use; exit 2 with this message. */
class UnusableInput extends Error {}

/** @deprecated the common `CommandResult`; kept for callers that import it by this name. */
export type CheckOutput = CommandResult;

export async function runCheck(argv: readonly string[]): Promise<CommandResult> {
  try {
    return await check(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure("check", err);
    if (err instanceof UnusableInput || err instanceof PolicyConfigError || err instanceof StackExportError) return refused("check", err.message);
    throw err;
  }
}

async function check(argv: readonly string[]): Promise<CommandResult> {
  const flags = parseFlags(argv, {
    stack: { type: "string" },
    export: { type: "string" },
    format: { type: "string" },
    report: { type: "string", multiple: true },
    "policy-config": { type: "string" },
    crds: { type: "string" },
    config: { type: "string" },
    previous: { type: "string" },
  });
  if (!flags.stack === !flags.export) throw new UsageError("give exactly one of --stack or --export");
  if (flags.export && (flags.config || flags.previous)) throw new UsageError("--config and --previous go with --stack (an export is already synthesized)");
  const format = (flags.format ?? "text") as Format;
  if (!CHECK_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${CHECK_FORMATS.join(", ")} (got ${flags.format})`);
  const reports = formatTargets("--report", flags.report, CHECK_FORMATS);
  for (const { file } of reports) refuseDirectory("--report", file);
  // The same guards as synth: a committed stack unless --config names a file, --previous a stack export.
  const inputs = flags.stack ? synthInputs({ stack: flags.stack, config: flags.config, previous: flags.previous }) : undefined;

  // Everything a flag names is read before the synth, so a bad file fails fast.
  const schema = flags.crds ? await schemaRule(flags.crds) : undefined;
  const given = flags["policy-config"] ? readOverride(flags["policy-config"]) : undefined;
  const { graph, artifact, diagnostics } = inputs ? await fromSynth(inputs) : { ...fromExportFile(flags.export!), diagnostics: "" };
  try {
    assertJudgeable(graph);
  } catch (err) {
    if (err instanceof StackExportError) throw new StackExportError(`${flags.export ?? artifact}: ${err.message}`);
    throw err;
  }
  const stack = flags.stack ?? graph.stack ?? "unknown";
  const levels = levelsOf(graph, given);
  const coverage = schema?.coverage;
  const policies = schema ? [...ALL_POLICIES, schema.rule] : ALL_POLICIES;
  const report: CheckReport = {
    stack,
    resources: graph.resources.length,
    levels,
    violations: evaluate(graph, policies, levels.config),
    failureDomains: analyseFailureDomains(graph),
  };
  const ctx: ReportContext = { report, graph, policies, artifact: sarifArtifact(graph, artifact) };
  for (const { format: f, file } of reports) writeReport(file, render(f, ctx));
  return {
    code: report.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0,
    stdout: render(format, ctx),
    stderr: diagnostics + (coverage ? `${coverage.summary(flags.crds!)}\n` : ""),
  };
}

function render(format: Format, ctx: ReportContext): string {
  switch (format) {
    case "json":
      return toJson(ctx);
    case "sarif":
      return renderSarif(ctx);
    case "markdown":
      return renderMarkdown(ctx);
    case "text":
      return renderText(ctx);
    default: {
      const never: never = format;
      throw new Error(`unhandled format ${String(never)}`);
    }
  }
}

function refuseDirectory(flag: string, file: string): void {
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`${flag} ${file} is a directory; give a file name`);
}

function writeReport(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new UnusableInput(`cannot write report ${file}: ${(err as Error).message}`);
  }
}

async function fromSynth(inputs: SynthInputs): Promise<{ graph: ResourceGraph; artifact: string; diagnostics: string }> {
  const synth = await synthForCommand(inputs);
  if (!synth.ok) throw new UnusableInput(synth.message);
  return {
    graph: new ResourceGraph(fromRecorded(synth.result.resources)),
    artifact: inputs.configFile ?? path.join("stacks", `Pulumi.${inputs.stack}.yaml`),
    diagnostics: synth.diagnostics,
  };
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

async function schemaRule(dir: string): Promise<{ rule: ScyllaPolicy; coverage: SchemaCoverage }> {
  // Loaded only with --crds: ajv and the schema compiler are a third of an --export check's start-up.
  const { CrdLoadError, loadCrdCatalog } = await import("./validate/crds.js");
  const { SchemaCoverage, manifestSchemaRule } = await import("./validate/schema-rule.js");
  const coverage = new SchemaCoverage();
  try {
    const catalog = loadCrdCatalog(dir);
    if (catalog.entries.size === 0) throw new UnusableInput(`--crds ${dir}: no CustomResourceDefinition found there; point it at a directory of CRD YAML`);
    return { rule: manifestSchemaRule(catalog, dir, coverage), coverage };
  } catch (err) {
    if (err instanceof CrdLoadError) throw new UnusableInput(`--crds ${dir}: ${err.message}`);
    throw err;
  }
}

/** This project's name (Pulumi.yaml), which its URNs carry; read here so --export loads no config schema. */
function projectName(): string | undefined {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
  return /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
}

function readOverride(file: string): { doc: unknown; file: string } {
  try {
    return { doc: JSON.parse(fs.readFileSync(file, "utf8")), file };
  } catch (err) {
    throw new PolicyConfigError(`cannot use policy config ${file}: ${(err as Error).message}`);
  }
}

/** Whether the graph is a stack of this project (its URNs carry Pulumi.yaml's name). */
function isOurs(graph: ResourceGraph): boolean {
  return graph.rootUrn !== undefined && projectFromUrn(graph.rootUrn) === projectName();
}

/**
 * Where SARIF results point: the environment's stack config when the export
 * is one of this project's committed environments (code scanning can only
 * place a result on a file of the repository; an export usually lives outside
 * it), else the file checked.
 */
function sarifArtifact(graph: ResourceGraph, checked: string): string {
  const config = graph.stack ? path.join("stacks", `Pulumi.${graph.stack}.yaml`) : undefined;
  return config && isOurs(graph) && fs.existsSync(path.join(PROJECT_ROOT, config)) ? config : checked;
}

/**
 * The tier's level set with the override on top: --policy-config when given,
 * else `policies/<stack>.json` — only for a stack of this project, since
 * another project's stack named `prod` is not our prod.
 */
function levelsOf(graph: ResourceGraph, given: { doc: unknown; file: string } | undefined): LevelSet {
  const own = isOurs(graph) && graph.stack ? path.join(POLICIES_DIR, `${graph.stack}.json`) : undefined;
  const override = given ?? (own && fs.existsSync(own) ? readOverride(own) : undefined);
  const show = (f: string) => (path.resolve(f).startsWith(`${PROJECT_ROOT}${path.sep}`) ? path.relative(PROJECT_ROOT, path.resolve(f)) : f);
  return resolveLevels(ALL_POLICIES, { tier: stackTier(graph), policiesDir: POLICIES_DIR, ...(override ? { override } : {}), show });
}
