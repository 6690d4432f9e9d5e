/**
 * Policy levels. A level document has the format of `pulumi preview
 * --policy-pack-config`: `{"all": <level>, "<policy>": <level> |
 * {"enforcementLevel"?: <level>, ...settings}}`; `all` applies first, then
 * each policy's entry.
 *
 * Which levels apply follows the environment's tier, which the stack itself
 * exports (the `tier` stack output, so a synth and a real `pulumi stack
 * export` carry it alike): `policies/levels/<tier>.json` is the base set, and
 * an environment's `policies/<env>.json` (or `--policy-config`) only
 * overrides it. An override may also name a `minimumTier`: the stricter of it
 * and the stack's own tier applies, so a change to a stack's config cannot
 * lower the levels its environment is judged at. A stack that exports no tier
 * is judged at production levels, the strictest; its name never picks a set.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import type { ResourceGraph } from "./model/graph";
import type { ScyllaPolicy } from "./rule";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export class PolicyConfigError extends Error {}

export interface ResolvedPolicyConfig {
  readonly level: EnforcementLevel;
  readonly settings: Record<string, unknown>;
}

export type PackConfig = ReadonlyMap<string, ResolvedPolicyConfig>;

/** Validates a parsed config document against the pack and resolves every policy's level and settings. */
export function resolvePackConfig(doc: unknown, policies: readonly ScyllaPolicy[], source = "policy config", earlier: readonly string[] = []): PackConfig {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new PolicyConfigError(`${source}: must be a JSON object of policy name → level or settings`);
  const entries = doc as Record<string, unknown>;
  const names = new Set(policies.map((p) => p.name));
  const problems: string[] = [...earlier];
  for (const key of Object.keys(entries)) {
    if (key !== "all" && !names.has(key)) problems.push(`${key}: no such policy (policies: ${[...names].join(", ")})`);
  }
  const all = entryOf(entries.all, "all", problems);
  if (all && Object.keys(all.settings).length > 0) problems.push(`all: only an enforcement level is allowed here`);
  const out = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const own = entryOf(entries[policy.name], policy.name, problems);
    if (own) checkSettings(policy, own.settings, problems);
    out.set(policy.name, { level: own?.level ?? all?.level ?? policy.enforcementLevel, settings: own?.settings ?? {} });
  }
  if (problems.length > 0) throw new PolicyConfigError(`${source}:\n  - ${problems.join("\n  - ")}`);
  return out;
}

/** Every policy at its own level with default settings (no config file: production). */
export function defaultPackConfig(policies: readonly ScyllaPolicy[]): PackConfig {
  return new Map(policies.map((p) => [p.name, { level: p.enforcementLevel, settings: {} }]));
}

function entryOf(value: unknown, name: string, problems: string[]): { level?: EnforcementLevel; settings: Record<string, unknown> } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    if (!LEVELS.includes(value as EnforcementLevel)) {
      problems.push(`${name}: ${JSON.stringify(value)} is not an enforcement level (${LEVELS.join(", ")})`);
      return undefined;
    }
    return { level: value as EnforcementLevel, settings: {} };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${name}: must be an enforcement level or an object`);
    return undefined;
  }
  const { enforcementLevel, ...settings } = value as Record<string, unknown>;
  if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as EnforcementLevel)) {
    problems.push(`${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not one of ${LEVELS.join(", ")}`);
    return { settings };
  }
  return { ...(enforcementLevel ? { level: enforcementLevel as EnforcementLevel } : {}), settings };
}

function checkSettings(policy: ScyllaPolicy, settings: Record<string, unknown>, problems: string[]): void {
  const properties = policy.configSchema?.properties ?? {};
  for (const [key, value] of Object.entries(settings)) {
    const schema = properties[key] as { type?: string; minimum?: number } | undefined;
    if (!schema) {
      problems.push(`${policy.name}.${key}: unknown setting (${Object.keys(properties).join(", ") || "this policy takes none"})`);
      continue;
    }
    const ok =
      schema.type === "integer" ? Number.isInteger(value) :
      schema.type === "number" ? typeof value === "number" :
      schema.type === "array" ? Array.isArray(value) :
      schema.type === undefined || typeof value === schema.type;
    if (!ok) problems.push(`${policy.name}.${key}: ${JSON.stringify(value)} is not ${schema.type === "integer" ? "an integer" : `a ${schema.type}`}`);
    else if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) problems.push(`${policy.name}.${key}: ${value} is below the minimum ${schema.minimum}`);
  }
}

/** Tiers from least to most strict (the values of the stack config's `environment.tier`). */
export const TIERS = ["development", "staging", "production"] as const;
export type Tier = (typeof TIERS)[number];

/** The stack output that carries the tier (stacks/program.ts). */
export const TIER_OUTPUT = "tier";

/** The level set a check applied, as the reports name it. */
export interface LevelSet {
  readonly tier: Tier;
  /** Where the tier came from, in words (the stack output, a minimum in an override, or the default). */
  readonly tierFrom: string;
  /** The level files applied, base first (paths as given, repository-relative for the committed ones). */
  readonly files: readonly string[];
  readonly config: PackConfig;
}

/**
 * The tier a stack exports, read from its root Stack resource; `undefined`
 * when it exports none. A tier output that is not a tier is refused.
 */
export function stackTier(graph: ResourceGraph): Tier | undefined {
  const root = graph.ofType("pulumi:pulumi:Stack")[0];
  const value = root?.props[TIER_OUTPUT];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !TIERS.includes(value as Tier)) {
    throw new PolicyConfigError(`${root!.urn}: stack output \`${TIER_OUTPUT}\` is ${JSON.stringify(value)}; expected one of ${TIERS.join(", ")}`);
  }
  return value as Tier;
}

export interface LevelOptions {
  /** The tier the stack exports (`stackTier`). */
  readonly tier: Tier | undefined;
  /** Directory of `levels/<tier>.json`. */
  readonly policiesDir: string;
  /** The override document and its file, when one applies. */
  readonly override?: { readonly doc: unknown; readonly file: string };
  /** How file paths are shown in reports. @default - as they are */
  readonly show?: (file: string) => string;
}

/** Resolves the level set: the tier's base set, then the override on top. */
export function resolveLevels(policies: readonly ScyllaPolicy[], options: LevelOptions): LevelSet {
  const show = options.show ?? ((f: string) => f);
  const { minimum, rest, problems } = splitMinimumTier(options.override);
  let tier: Tier;
  let tierFrom: string;
  if (options.tier === undefined) {
    tier = "production";
    tierFrom = "the stack exports no tier: production, the strictest";
  } else {
    tier = options.tier;
    tierFrom = "the stack's tier output";
  }
  if (minimum !== undefined && TIERS.indexOf(minimum) > TIERS.indexOf(tier)) {
    tierFrom = `minimumTier in ${show(options.override!.file)} (the stack ${options.tier ? `exports ${options.tier}` : "exports no tier"})`;
    tier = minimum;
  }
  const baseFile = path.join(options.policiesDir, "levels", `${tier}.json`);
  const base = resolvePackConfig(readJson(baseFile), policies, show(baseFile));
  const files = [show(baseFile)];
  let config = base;
  if (options.override) {
    config = overlayPackConfig(base, rest, policies, show(options.override.file), problems);
    files.push(show(options.override.file));
  }
  return { tier, tierFrom, files, config };
}

/** An override's `minimumTier`, the rest of it, and what is wrong with the minimum (reported with the rest's problems). */
function splitMinimumTier(override: LevelOptions["override"]): { minimum?: Tier; rest: unknown; problems: string[] } {
  const doc = override?.doc;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || !("minimumTier" in doc)) return { rest: doc ?? {}, problems: [] };
  const { minimumTier, ...rest } = doc as Record<string, unknown>;
  if (typeof minimumTier !== "string" || !TIERS.includes(minimumTier as Tier)) {
    return { rest, problems: [`minimumTier: ${JSON.stringify(minimumTier)} is not a tier (${TIERS.join(", ")})`] };
  }
  return { minimum: minimumTier as Tier, rest, problems: [] };
}

/**
 * An override on top of a resolved set: its `all` sets every policy's level,
 * then each policy's entry sets that policy's level and its settings replace
 * the base's one by one.
 */
export function overlayPackConfig(base: PackConfig, doc: unknown, policies: readonly ScyllaPolicy[], source: string, earlier: readonly string[] = []): PackConfig {
  // Validation (and the error listing every problem) is resolvePackConfig's; it resolves against the policies' own levels.
  resolvePackConfig(doc, policies, source, earlier);
  const entries = doc as Record<string, unknown>;
  const problems: string[] = [];
  const all = entryOf(entries.all, "all", problems);
  const out = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const was = base.get(policy.name) ?? { level: policy.enforcementLevel, settings: {} };
    const own = entryOf(entries[policy.name], policy.name, problems);
    out.set(policy.name, { level: own?.level ?? all?.level ?? was.level, settings: { ...was.settings, ...own?.settings } });
  }
  return out;
}

/** A resolved set as a complete `--policy-pack-config` document, for the engine (`pulumi preview`). */
export function toPackConfigDocument(config: PackConfig): Record<string, { enforcementLevel: EnforcementLevel } & Record<string, unknown>> {
  return Object.fromEntries([...config].map(([name, c]) => [name, { enforcementLevel: c.level, ...c.settings }]));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PolicyConfigError(`cannot use policy config ${file}: ${(err as Error).message}`);
  }
}
