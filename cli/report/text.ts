/** The terminal report: by region, then severity; each violation with its resource, what is wrong and how to fix it. */
import { type CheckReport, type ReportContext, SEVERITIES, byRegion, counts, remediationOf, resourceLabel } from "./report";

export function renderText(ctx: ReportContext): string {
  const { report } = ctx;
  const { mandatory, advisory } = counts(report);
  const lines = [
    `scylla-ha policy check: stack ${report.stack}, ${report.resources} resources`,
    mandatory + advisory === 0
      ? "PASS: no violations"
      : `${mandatory > 0 ? "FAIL" : "PASS"}: ${mandatory} mandatory, ${advisory} advisory violation(s)`,
  ];
  for (const [region, violations] of byRegion(ctx)) {
    lines.push("", `${region}`);
    for (const severity of SEVERITIES) {
      const here = violations.filter((v) => v.severity === severity);
      if (here.length === 0) continue;
      lines.push(`  ${severity}`);
      for (const v of here) {
        lines.push(
          `    [${v.enforcementLevel}] ${v.policy}: ${resourceLabel(ctx, v.urn)}`,
          `      problem: ${v.message}`,
          `      fix:     ${remediationOf(ctx, v.policy)}`,
          `      urn:     ${v.urn}`,
        );
      }
    }
  }
  if (report.failureDomains.length > 0) lines.push("", ...failureTable(report.failureDomains));
  return `${lines.join("\n")}\n`;
}

/** One row per domain (aligned columns), then why it fails (✗) and what degrades (·) beneath. */
export function failureTable(domains: CheckReport["failureDomains"]): string[] {
  const failing = domains.filter((d) => !d.survives).length;
  const width = Math.max(6, ...domains.map((d) => d.domain.length));
  const lines = [`failure domains: ${domains.length - failing} of ${domains.length} survive a single failure`, `  ${"DOMAIN".padEnd(width)}  ${"KIND".padEnd(7)}  SURVIVES`];
  for (const d of domains) {
    lines.push(`  ${d.domain.padEnd(width)}  ${d.kind.padEnd(7)}  ${d.survives ? "yes" : "NO"}`);
    for (const c of d.causes) lines.push(`      ✗ ${c}`);
    for (const e of d.effects) lines.push(`      · ${e}`);
  }
  const assumed = [...new Set(domains.flatMap((d) => d.assumptions))];
  if (assumed.length > 0) lines.push("  assumed:", ...assumed.map((a) => `    - ${a}`));
  return lines;
}
