/**
 * Rules about an environment as a whole: its name against the stack it is
 * deployed as, a tier stated where the default would be dangerous, and at
 * least one region that survives. Called by `validate.ts`, which owns the
 * issue format.
 */
import type { EnvironmentConfig } from "../components/plan/schema";
import type { ConfigIssue } from "./validate";

/**
 * Words of an environment name that mark it production-like: production
 * itself and the pre-production stages that mirror it. Such an environment
 * must state its tier, since the default (`development`) drops the deletion
 * protection of its stateful resources.
 */
export const PRODUCTION_LIKE_WORDS = ["prod", "production", "prd", "live", "staging", "stage", "stg", "preprod"] as const;

export function isProductionLike(environmentName: string): boolean {
  return environmentName.split("-").some((w) => (PRODUCTION_LIKE_WORDS as readonly string[]).includes(w));
}

/** Rules about the environment as a whole: its name against the stack, its tier, and whether any region survives. */
export function environmentIssues(raw: unknown, config: EnvironmentConfig, stack: string | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { name } = config.environment;
  // The name is part of every physical name: a stack deploying another environment's name would
  // try to create (and on AWS collide with) that environment's clusters, buckets and roles.
  if (stack !== undefined && name !== stack) {
    issues.push({ path: "environment.name", message: `must equal the stack name ${JSON.stringify(stack)}: it is part of every physical name, so another stack's name would collide with that stack's resources`, value: name });
  }
  const declaredTier = (raw as { environment?: { tier?: unknown } }).environment?.tier;
  if (declaredTier === undefined && isProductionLike(name)) {
    issues.push({
      path: "environment.tier",
      message: `is required for the production-like environment ${JSON.stringify(name)} (its name has one of the words ${PRODUCTION_LIKE_WORDS.join(", ")}): the default "development" turns off protect and retainOnDelete on its stateful resources; set "production" or "staging" (or "development" on purpose)`,
    });
  }
  if (config.regions.length > 0 && config.regions.every((r) => r.phase === "lost")) {
    issues.push({
      path: "regions",
      message: "are all lost: no datacenter is left to host Scylla Manager or to restore from; keep at least one region that is not lost; to rebuild from backups, add a region with a restore (docs/runbooks/restore.md)",
      value: config.regions.map((r) => `${r.key}:${r.phase}`),
    });
  }
  return issues;
}
