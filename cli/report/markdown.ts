/**
 * The PR comment for one environment: a headline, a table per region,
 * collapsible details with the fix for each violation, failure domains when
 * analysed, and the topology diagram.
 */
import { topologyDiagram } from "./mermaid";
import { type ReportContext, byRegion, counts, remediationOf, resourceLabel } from "./report";

/** Hidden marker the PR workflow uses to find and update its one comment. */
export const COMMENT_MARKER = "<!-- scylla-ha-policy-report -->";
/** GitHub rejects comments over 65,536 characters; several environments share one comment. */
const MAX_LENGTH = 20_000;

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function renderMarkdown(ctx: ReportContext): string {
  const { report } = ctx;
  const { mandatory, advisory } = counts(report);
  const status = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️" : "✅";
  const headline =
    mandatory + advisory === 0
      ? `${status} **${report.stack}**: no policy violations (${report.resources} resources checked)`
      : `${status} **${report.stack}**: ${mandatory} mandatory and ${advisory} advisory violation(s) (${report.resources} resources checked)${mandatory > 0 ? " — mandatory violations block the merge" : ""}`;
  const out = [`### ${headline}`, ""];
  const details: string[] = [];
  for (const [region, violations] of byRegion(ctx)) {
    out.push(`#### ${region}`, "", "| Severity | Level | Policy | Resource | Problem |", "| --- | --- | --- | --- | --- |");
    for (const v of violations) {
      out.push(`| ${v.severity} | ${v.enforcementLevel} | \`${v.policy}\` | ${cell(resourceLabel(ctx, v.urn))} | ${cell(v.message)} |`);
      details.push(`- **\`${v.policy}\`** (${v.enforcementLevel}, ${v.severity}) on \`${v.urn}\`  \n  ${cell(v.message)}  \n  _Fix:_ ${cell(remediationOf(ctx, v.policy))}`);
    }
    out.push("");
  }
  if (details.length > 0) {
    const body = details.join("\n");
    out.push(`<details><summary>Details and fixes (${details.length})</summary>`, "", body.length > MAX_LENGTH ? `${body.slice(0, MAX_LENGTH)}\n\n…truncated; run \`npm run check -- --stack ${report.stack}\` for the full list.` : body, "", "</details>", "");
  }
  if (report.failureDomains.length > 0) {
    const domains = report.failureDomains;
    const failing = domains.filter((d) => !d.survives).length;
    out.push(`#### Failure domains: ${domains.length - failing} of ${domains.length} survive a single failure`, "", "| Domain | Kind | Survives | Why not / what degrades |", "| --- | --- | --- | --- |");
    for (const d of domains) {
      const notes = [...d.causes.map((c) => `**${cell(c)}**`), ...d.effects.map(cell)].join("<br>");
      out.push(`| ${cell(d.domain)} | ${d.kind} | ${d.survives ? "✅" : "❌"} | ${notes} |`);
    }
    const assumed = [...new Set(domains.flatMap((d) => d.assumptions))];
    if (assumed.length > 0) out.push("", `_Assumed:_ ${assumed.map(cell).join("; ")}`);
    out.push("");
  }
  out.push("<details open><summary>Topology</summary>", "", "```mermaid", topologyDiagram(ctx.graph), "```", "", "</details>", "");
  return out.join("\n");
}
