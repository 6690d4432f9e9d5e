/** The terminal report: by region, then severity; each violation with its resource, what is wrong and how to fix it. */
import { type ReportContext, SEVERITIES, byRegion, counts, remediationOf, resourceLabel } from "./report";

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
  if (report.failureDomains.length > 0) {
    lines.push("", "failure domains");
    for (const d of report.failureDomains) lines.push(`  ${d.survives ? "survives" : "FAILS   "} ${d.kind} ${d.domain}${d.effects.length ? `: ${d.effects.join("; ")}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
