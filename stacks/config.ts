/**
 * Where raw config comes from: the Pulumi engine (`pulumi up`) or a
 * `stacks/Pulumi.<env>.yaml` file (offline synth and tests). Both go through
 * the same `parseEnvironmentConfig`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { EnvironmentConfig } from "../components/plan/schema";
import { PROJECT } from "../components/plan/schema";
import { ConfigError, parseEnvironmentConfig } from "./validate";

export const STACKS_DIR = path.resolve(__dirname);

export function stackConfigPath(stack: string): string {
  return path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
}

/** The committed environments (one `Pulumi.<env>.yaml` each). */
export function committedStacks(): string[] {
  return fs
    .readdirSync(STACKS_DIR)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Reads a stack config file into the flat `project:key → JSON string` map
 * that `pulumi.runtime.setAllConfig` takes, exactly as the CLI would hand it
 * to the program.
 */
export function readStackConfigFile(file: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError([{ path: file, message: `cannot be read as YAML: ${(err as Error).message}` }], file);
  }
  const config = (doc as { config?: unknown } | null)?.config;
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError([{ path: "config", message: "must be a mapping of project:key to value" }], file);
  }
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return flat;
}

/**
 * Secret config keys the program reads itself (`pulumi.Config().getSecret`);
 * they never enter the validated config or the plan, which are plain data.
 */
export const AGENT_AUTH_TOKEN_KEY = "agentAuthToken";
export const CQL_ADMIN_PASSWORD_KEY = "cqlAdminPassword";
const SECRET_KEYS: ReadonlySet<string> = new Set([AGENT_AUTH_TOKEN_KEY, CQL_ADMIN_PASSWORD_KEY]);

/**
 * Picks this project's keys out of a flat config map and validates them;
 * `stack`, when given, is the stack the config belongs to (its name must be
 * `environment.name`).
 */
export function environmentFromFlatConfig(flat: Record<string, string>, source?: string, stack?: string): EnvironmentConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [key, value] of Object.entries(flat)) {
    if (!key.startsWith(prefix) || SECRET_KEYS.has(key.slice(prefix.length))) continue;
    raw[key.slice(prefix.length)] = parseValue(value);
  }
  return parseEnvironmentConfig(raw, source, stack);
}

export function loadStackConfigFile(file: string): EnvironmentConfig {
  return environmentFromFlatConfig(readStackConfigFile(file), file);
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
