/**
 * The check report: the `--format json` contract of ARCHITECTURE.md, plus
 * the context the human formats need (regions, remediation text, topology).
 */
import { type LevelSet, toPackConfigDocument } from "../../policies/config";
import type { FailureDomain } from "../../policies/failure";
import type { ResourceGraph } from "../../policies/model/graph";
import type { ScyllaPolicy, Severity } from "../../policies/rule";
import type { Violation } from "../../policies/runner";
import { byText } from "../../policies/model/text";

export interface CheckReport {
  readonly stack: string;
  readonly resources: number;
  /** The level set the violations were judged at. */
  readonly levels: LevelSet;
  readonly violations: readonly Violation[];
  readonly failureDomains: readonly FailureDomain[];
}

export interface ReportContext {
  readonly report: CheckReport;
  readonly graph: ResourceGraph;
  readonly policies: readonly ScyllaPolicy[];
  /** The file a finding points at in SARIF (the stack config or the export). */
  readonly artifact: string;
}

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/**
 * The `--format json` document: ARCHITECTURE.md's contract, extended (never
 * renamed): `levels` names the level set applied (and holds it in the
 * engine's `--policy-pack-config` format), each violation carries its
 * `region` (null for a stack-wide finding) and its `fix`.
 */
export function toJson(ctx: ReportContext): string {
  const { stack, resources, levels, violations, failureDomains } = ctx.report;
  return `${JSON.stringify(
    {
      stack,
      resources,
      levels: { tier: levels.tier, tierFrom: levels.tierFrom, files: levels.files, policies: toPackConfigDocument(levels.config) },
      violations: violations.map((v) => ({
        policy: v.policy,
        enforcementLevel: v.enforcementLevel,
        severity: v.severity,
        message: v.message,
        urn: v.urn,
        region: regionOfViolation(ctx, v) ?? null,
        fix: remediationOf(ctx, v.policy),
      })),
      failureDomains,
    },
    null,
    2,
  )}\n`;
}

/** `tier production (policies/levels/production.json + policies/prod.json; the stack's tier output)`. */
export function levelsLine(levels: LevelSet): string {
  return `tier ${levels.tier} (${levels.files.join(" + ")}; ${levels.tierFrom})`;
}

/** The region of a violation's resource; undefined for the stack or a resource with no region. */
export function regionOfViolation(ctx: ReportContext, v: Violation): string | undefined {
  const r = ctx.graph.get(v.urn);
  return (r && ctx.graph.regionOf(r)) || undefined;
}

/** Violations grouped by the region of their resource (`global` when it has none), regions sorted, `global` last. */
export function byRegion(ctx: ReportContext): [string, Violation[]][] {
  const groups = new Map<string, Violation[]>();
  for (const v of ctx.report.violations) {
    const region = regionOfViolation(ctx, v) ?? "global";
    groups.set(region, [...(groups.get(region) ?? []), v]);
  }
  const order = (v: Violation) => (v.enforcementLevel === "mandatory" ? 0 : 1) * 10 + SEVERITIES.indexOf(v.severity);
  return [...groups]
    .sort(([a], [b]) => (a === "global" ? 1 : b === "global" ? -1 : byText(a, b)))
    .map(([region, list]) => [region, [...list].sort((a, b) => order(a) - order(b))]);
}

export function counts(report: CheckReport): { mandatory: number; advisory: number } {
  const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return { mandatory, advisory: report.violations.length - mandatory };
}

export function remediationOf(ctx: ReportContext, policy: string): string {
  return ctx.policies.find((p) => p.name === policy)?.remediationSteps ?? "";
}

/** The short name of the resource a URN names. */
export function resourceLabel(ctx: ReportContext, urn: string): string {
  const r = ctx.graph.get(urn);
  return r ? `${r.type.split(":").pop()} ${r.name}` : urn;
}
