/**
 * Policy-pack config (`policies/<env>.json`, the format of
 * `pulumi preview --policy-pack-config`): `{"all": <level>, "<policy>": <level> |
 * {"enforcementLevel"?: <level>, ...settings}}`. `all` applies first, then
 * each policy's entry. Without a file every policy keeps its own level
 * (mandatory) and production settings.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { ScyllaPolicy } from "./rule";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export class PolicyConfigError extends Error {}

export interface ResolvedPolicyConfig {
  readonly level: EnforcementLevel;
  readonly settings: Record<string, unknown>;
}

export type PackConfig = ReadonlyMap<string, ResolvedPolicyConfig>;

/** Validates a parsed config document against the pack and resolves every policy's level and settings. */
export function resolvePackConfig(doc: unknown, policies: readonly ScyllaPolicy[], source = "policy config"): PackConfig {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new PolicyConfigError(`${source}: must be a JSON object of policy name → level or settings`);
  const entries = doc as Record<string, unknown>;
  const names = new Set(policies.map((p) => p.name));
  const problems: string[] = [];
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
