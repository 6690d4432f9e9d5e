/**
 * The check report: the `--format json` contract of ARCHITECTURE.md, plus
 * the context the human formats need (regions, remediation text, topology).
 */
import type { FailureDomain } from "../../policies/failure";
import type { ResourceGraph } from "../../policies/model/graph";
import type { ScyllaPolicy, Severity } from "../../policies/rule";
import type { Violation } from "../../policies/runner";

export interface CheckReport {
  readonly stack: string;
  readonly resources: number;
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

export function toJson(report: CheckReport): string {
  const { stack, resources, violations, failureDomains } = report;
  return `${JSON.stringify(
    {
      stack,
      resources,
      violations: violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, severity: v.severity, message: v.message, urn: v.urn })),
      failureDomains,
    },
    null,
    2,
  )}\n`;
}

/** Violations grouped by the region of their resource (`global` when it has none), regions sorted, `global` last. */
export function byRegion(ctx: ReportContext): [string, Violation[]][] {
  const groups = new Map<string, Violation[]>();
  for (const v of ctx.report.violations) {
    const r = ctx.graph.get(v.urn);
    const region = (r && ctx.graph.regionOf(r)) ?? "global";
    groups.set(region, [...(groups.get(region) ?? []), v]);
  }
  const order = (v: Violation) => (v.enforcementLevel === "mandatory" ? 0 : 1) * 10 + SEVERITIES.indexOf(v.severity);
  return [...groups]
    .sort(([a], [b]) => (a === "global" ? 1 : b === "global" ? -1 : a.localeCompare(b)))
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
