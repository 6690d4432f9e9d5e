/**
 * Rollout guards. A region advances one phase per `pulumi up`; the previous
 * phases come from the stack's own last outputs (read through a
 * StackReference to itself), so a config edit that skips a step is refused
 * before any resource changes, with the step to take instead.
 */
import type { EnvironmentPlan } from "../components/plan";
import { type EnvironmentConfig, type Phase, ROLLOUT_PHASES } from "../components/plan/schema";
import type { ConfigIssue } from "./validate";

export interface RegionRollout {
  readonly phase: Phase;
  readonly datacenter: string;
}

/** What the stack exports as `rollout` and reads back on the next update (the plan's `DeployedState`). */
export interface RolloutState {
  readonly regions: Readonly<Record<string, RegionRollout>>;
  /** The DC that founded the cluster without seeds, while it still runs; null when none does (absent: an older state). */
  readonly founder?: string | null;
}

export const RUNBOOK = "docs/runbooks/dr-rollout.md";

export function rolloutStateOf(plan: EnvironmentPlan): RolloutState {
  return {
    regions: Object.fromEntries(plan.regions.map((r) => [r.key, { phase: r.phase, datacenter: r.datacenter }])),
    founder: plan.founder ?? null,
  };
}

/** Reads a previous `rollout` output defensively: an older or hand-edited state must not crash the guard. */
export function parseRolloutState(value: unknown): RolloutState | undefined {
  const regions = (value as { regions?: unknown } | undefined)?.regions;
  if (typeof regions !== "object" || regions === null) return undefined;
  const out: Record<string, RegionRollout> = {};
  for (const [key, entry] of Object.entries(regions)) {
    const { phase, datacenter } = (entry ?? {}) as { phase?: unknown; datacenter?: unknown };
    if (typeof phase === "string" && typeof datacenter === "string") out[key] = { phase: phase as Phase, datacenter };
  }
  const founder = (value as { founder?: unknown }).founder;
  return { regions: out, ...(typeof founder === "string" || founder === null ? { founder } : {}) };
}

const step = (phase: Phase) => ROLLOUT_PHASES.indexOf(phase as (typeof ROLLOUT_PHASES)[number]);
const holdsDatacenter = (phase: Phase | undefined) => phase === "datacenter" || phase === "replicated" || phase === "serving";

/** Every guard violated by moving from `previous` to `config`; empty when the update is a legal step. */
export function rolloutIssues(previous: RolloutState | undefined, config: EnvironmentConfig): ConfigIssue[] {
  // The stack's first update: whatever config says is the starting point.
  if (!previous || Object.keys(previous.regions).length === 0) return [];
  const issues: ConfigIssue[] = [];
  const added: string[] = [];
  const removed: string[] = [];

  config.regions.forEach((region, i) => {
    const path = `regions[${i}].phase`;
    const before = previous.regions[region.key];
    const datacenter = region.datacenter ?? region.region;
    if (!before) {
      if (region.phase !== "infrastructure") {
        issues.push({
          path,
          message: `a new region starts at "infrastructure"; add ${region.key} with phase: infrastructure, run pulumi up, then advance one phase per update (${RUNBOOK})`,
          value: region.phase,
        });
      }
      return;
    }
    const { phase: from } = before;
    const to = region.phase;
    // A restore writes the backup's schema and SSTables into the DC; a DC that
    // already held one has data (or dead nodes) a restore would collide with.
    if (region.restore && holdsDatacenter(from)) {
      issues.push({
        path: `regions[${i}].restore`,
        message: `cannot restore into ${region.key}: its last update already ran datacenter "${before.datacenter}" (phase ${from}); a restore only fills a datacenter brought up empty in the same update (from phase infrastructure). Remove restore, or roll the region back to infrastructure first (docs/runbooks/restore.md)`,
      });
    }
    if (holdsDatacenter(to) && !holdsDatacenter(from) && from !== "lost") added.push(datacenter);
    if (holdsDatacenter(from) && !holdsDatacenter(to) && to !== "lost") removed.push(before.datacenter);

    if (holdsDatacenter(from) && before.datacenter !== datacenter) {
      issues.push({
        path: `regions[${i}].datacenter`,
        message: `cannot rename live datacenter "${before.datacenter}": keyspace replication names it; keep the name, or retire the region first (${RUNBOOK})`,
        value: datacenter,
      });
    }
    if (to === from || to === "lost") return;
    if (from === "lost") {
      if (to !== "infrastructure") {
        issues.push({
          path,
          message: `a lost region is rebuilt from the start: set phase: infrastructure first, after the clean-up in docs/runbooks/region-loss.md`,
          value: to,
        });
      }
      return;
    }
    const distance = step(to) - step(from);
    if (Math.abs(distance) > 1) {
      const next = ROLLOUT_PHASES[step(from) + Math.sign(distance)]!;
      const verb = distance > 0 ? "advance" : "roll back";
      issues.push({
        path,
        message: `cannot move ${region.key} from "${from}" to "${to}" in one update; ${verb} one phase per pulumi up: set phase: ${next} first (${RUNBOOK})`,
        value: to,
      });
    }
  });

  const keys = new Set(config.regions.map((r) => r.key));
  for (const [key, before] of Object.entries(previous.regions)) {
    if (keys.has(key)) continue;
    if (holdsDatacenter(before.phase)) {
      removed.push(before.datacenter);
      issues.push({
        path: "regions",
        message: `region ${key} still holds datacenter "${before.datacenter}" (phase ${before.phase}); roll it back to infrastructure one phase at a time before removing it (${RUNBOOK})`,
        value: key,
      });
    }
  }

  // One replication procedure per update, for one DC: two DCs streaming at once would both
  // rebuild from the same source, and tablet RF steps of two DCs cannot overlap.
  const replicated = (p: Phase | undefined) => p === "replicated" || p === "serving";
  const hadData = Object.values(previous.regions).some((r) => replicated(r.phase));
  const moving = config.regions.filter((r) => replicated(previous.regions[r.key]?.phase) !== replicated(r.phase) && r.phase !== "lost" && previous.regions[r.key]?.phase !== "lost");
  if (hadData && moving.length > 1) {
    issues.push({
      path: "regions",
      message: `moves ${moving.map((r) => r.key).join(", ")} into or out of replication in one update; ScyllaDB changes one datacenter's replication at a time: move one, run pulumi up, then the next (${RUNBOOK})`,
    });
  }
  if (added.length > 0 && removed.length > 0) {
    issues.push({
      path: "regions",
      message: `adds datacenter(s) ${added.join(", ")} and removes ${removed.join(", ")} in one update; ScyllaDB topology changes must not overlap: do one, run pulumi up, then the other (${RUNBOOK})`,
    });
  }
  return issues;
}
