/** The terminal report: by region, then severity; each violation with its resource, what is wrong and how to fix it. */
import { terminalText as t } from "./escape";
import { type CheckReport, type ReportContext, SEVERITIES, byRegion, counts, levelsLine, remediationOf, resourceLabel } from "./report";

export function renderText(ctx: ReportContext): string {
  const { report } = ctx;
  const { mandatory, advisory } = counts(report);
  const lines = [
    `scylla-ha policy check: stack ${t(report.stack)}, ${report.resources} resources`,
    `levels: ${t(levelsLine(report.levels))}`,
    mandatory + advisory === 0
      ? "PASS: no violations"
      : `${mandatory > 0 ? "FAIL" : "PASS"}: ${mandatory} mandatory, ${advisory} advisory violation(s)`,
  ];
  for (const [region, violations] of byRegion(ctx)) {
    lines.push("", t(region));
    for (const severity of SEVERITIES) {
      const here = violations.filter((v) => v.severity === severity);
      if (here.length === 0) continue;
      lines.push(`  ${severity}`);
      for (const v of here) {
        lines.push(
          `    [${v.enforcementLevel}] ${v.policy}: ${t(resourceLabel(ctx, v.urn))}`,
          `      problem: ${t(v.message)}`,
          `      fix:     ${remediationOf(ctx, v.policy)}`,
          `      urn:     ${t(v.urn)}`,
        );
      }
    }
  }
  if (report.failureDomains.length > 0) lines.push("", ...failureTable(report.failureDomains));
  return `${lines.join("\n")}\n`;
}

/**
 * One row per domain that fails or degrades (aligned columns), with why it
 * fails (✗) and what degrades (·) beneath; domains that survive untouched
 * collapse into one line.
 */
export function failureTable(domains: CheckReport["failureDomains"]): string[] {
  const failing = domains.filter((d) => !d.survives).length;
  const quiet = domains.filter((d) => d.survives && d.effects.length === 0);
  const loud = domains.filter((d) => !quiet.includes(d));
  const lines = [`failure domains: ${domains.length - failing} of ${domains.length} survive a single failure`];
  if (loud.length > 0) {
    const width = Math.max(6, ...loud.map((d) => t(d.domain).length));
    lines.push(`  ${"DOMAIN".padEnd(width)}  ${"KIND".padEnd(7)}  SURVIVES`);
    for (const d of loud) {
      lines.push(`  ${t(d.domain).padEnd(width)}  ${d.kind.padEnd(7)}  ${d.survives ? "yes" : "NO"}`);
      for (const c of d.causes) lines.push(`      ✗ ${t(c)}`);
      for (const e of d.effects) lines.push(`      · ${t(e)}`);
    }
  }
  if (quiet.length > 0) lines.push(`  ${quiet.length} other domain(s) survive with nothing degraded: ${quiet.map((d) => t(d.domain)).join(", ")}`);
  const assumed = [...new Set(domains.flatMap((d) => d.assumptions))];
  if (assumed.length > 0) lines.push("  assumed:", ...assumed.map((a) => `    - ${t(a)}`));
  return lines;
}
