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
import { STACKS_DIR, committedStacks } from "./paths";
import { type ConfigIssue, ConfigError, parseEnvironmentConfig } from "./validate";

export { STACKS_DIR, committedStacks };

export function stackConfigPath(stack: string): string {
  return path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
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
/** Password of the CQL superuser ScyllaDB creates at first boot (`auth_superuser_name`, salted in scylla.yaml). */
export const CQL_SUPERUSER_PASSWORD_KEY = "cqlSuperuserPassword";
/** Password of the least-privileged CQL role Scylla Manager logs in as. */
export const CQL_MANAGER_PASSWORD_KEY = "cqlManagerPassword";
/** Password of the CQL role the replication procedure runs as. */
export const CQL_REPLICATION_PASSWORD_KEY = "cqlReplicationPassword";
/** Alertmanager's receiver: a webhook URL (often carrying a token: Slack, PagerDuty, Opsgenie bridges). */
export const ALERT_WEBHOOK_URL_KEY = "alertWebhookUrl";
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  AGENT_AUTH_TOKEN_KEY,
  CQL_SUPERUSER_PASSWORD_KEY,
  CQL_MANAGER_PASSWORD_KEY,
  CQL_REPLICATION_PASSWORD_KEY,
  ALERT_WEBHOOK_URL_KEY,
]);

/**
 * `pulumi config set --secret` writes `key: {secure: v1:…}`: ciphertext only
 * the stack's secrets provider can open. Offline there is none, so such a key
 * is known to be set and secret, and its value is a stand-in: never the
 * ciphertext's JSON, never guessed. Returns the encrypted keys (full
 * `project:key` names) and the flat map with their stand-ins.
 */
export function withEncryptedStandIns(flat: Readonly<Record<string, string>>): { flat: Record<string, string>; encrypted: string[] } {
  const out: Record<string, string> = { ...flat };
  const encrypted: string[] = [];
  for (const [key, value] of Object.entries(flat)) {
    if (!isEncryptedValue(value)) continue;
    encrypted.push(key);
    out[key] = offlineStandIn(key);
  }
  return { flat: out, encrypted };
}

/** The value an encrypted key takes offline: long and random-looking enough for any length check, and obviously not real. */
export function offlineStandIn(key: string): string {
  return `offline-stand-in-${key.replace(/[^A-Za-z0-9]/g, "-")}-not-decryptable-here`;
}

function isEncryptedValue(value: string): boolean {
  const parsed = parseValue(value);
  return (
    parsed !== null &&
    typeof parsed === "object" &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).length === 1 &&
    typeof (parsed as { secure?: unknown }).secure === "string"
  );
}

/** Secret keys that no longer exist, with what replaced them: a stack still setting one fails saying so. */
export const RETIRED_SECRET_KEYS: Readonly<Record<string, string>> = {
  cqlAdminPassword:
    `replaced: nothing logs in as cassandra any more. Set ${CQL_SUPERUSER_PASSWORD_KEY}, ${CQL_MANAGER_PASSWORD_KEY} and ` +
    `${CQL_REPLICATION_PASSWORD_KEY} instead (docs/scylla.md#cql-credentials), then \`pulumi config rm scylla-ha-stack:cqlAdminPassword\``,
};

/**
 * Picks this project's keys out of a flat config map and validates them;
 * `stack`, when given, is the stack the config belongs to (its name must be
 * `environment.name`).
 */
export function environmentFromFlatConfig(flat: Record<string, string>, source?: string, stack?: string): EnvironmentConfig {
  const raw: Record<string, unknown> = {};
  const retired: ConfigIssue[] = [];
  const prefix = `${PROJECT}:`;
  for (const [key, value] of Object.entries(flat)) {
    const name = key.slice(prefix.length);
    if (key.startsWith(prefix) && RETIRED_SECRET_KEYS[name]) retired.push({ path: name, message: RETIRED_SECRET_KEYS[name]! });
    if (!key.startsWith(prefix) || SECRET_KEYS.has(name) || RETIRED_SECRET_KEYS[name]) continue;
    raw[name] = parseValue(value);
  }
  if (retired.length > 0) throw new ConfigError(retired, source);
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
