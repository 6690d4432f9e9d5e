/**
 * The PR comment for one environment: a headline naming the level set, a
 * table per region, collapsible details with the fix for each violation,
 * failure domains (all-green rows collapsed), and the topology diagram.
 * Everything taken from the stack goes through escape.ts: a pull request
 * chooses its resource names.
 */
import { mdCode, mdText } from "./escape";
import { topologyDiagram } from "./mermaid";
import { type CheckReport, type ReportContext, byRegion, counts, levelsLine, remediationOf, resourceLabel } from "./report";

/** Hidden marker the PR workflow uses to find and update its one comment. */
export const COMMENT_MARKER = "<!-- scylla-ha-policy-report -->";
/** GitHub rejects comments over 65,536 characters; several environments share one comment. */
const MAX_LENGTH = 20_000;

export function renderMarkdown(ctx: ReportContext): string {
  const { report } = ctx;
  const { mandatory, advisory } = counts(report);
  const status = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️" : "✅";
  const stack = `**${mdText(report.stack)}**`;
  const headline =
    mandatory + advisory === 0
      ? `${status} ${stack}: no policy violations (${report.resources} resources checked)`
      : `${status} ${stack}: ${mandatory} mandatory and ${advisory} advisory violation(s) (${report.resources} resources checked)${mandatory > 0 ? " — mandatory violations block the merge" : ""}`;
  const out = [`### ${headline}`, "", `Levels: ${mdText(levelsLine(report.levels))}`, ""];
  const details: string[] = [];
  for (const [region, violations] of byRegion(ctx)) {
    out.push(`#### ${mdText(region)}`, "", "| Severity | Level | Policy | Resource | Problem |", "| --- | --- | --- | --- | --- |");
    for (const v of violations) {
      out.push(`| ${v.severity} | ${v.enforcementLevel} | ${mdCode(v.policy)} | ${mdCode(resourceLabel(ctx, v.urn))} | ${mdText(v.message)} |`);
      details.push(`- **${mdCode(v.policy, false)}** (${v.enforcementLevel}, ${v.severity}) on ${mdCode(v.urn, false)}  \n  ${mdText(v.message)}  \n  _Fix:_ ${mdText(remediationOf(ctx, v.policy))}`);
    }
    out.push("");
  }
  if (details.length > 0) {
    const body = truncated(details, report.stack);
    out.push(`<details><summary>Details and fixes (${details.length})</summary>`, "", body, "", "</details>", "");
  }
  if (report.failureDomains.length > 0) out.push(...failureDomains(report.failureDomains), "");
  out.push("<details open><summary>Topology</summary>", "", "```mermaid", topologyDiagram(ctx.graph), "```", "", "</details>", "");
  return out.join("\n");
}

/** Whole items up to MAX_LENGTH: a cut never splits an entity, an escape or a code span. */
function truncated(items: readonly string[], stack: string): string {
  const kept: string[] = [];
  let length = 0;
  for (const item of items) {
    if (length + item.length + 1 > MAX_LENGTH) {
      kept.push("", `…${items.length - kept.length} more; run ${mdCode(`npm run check -- --stack ${stack}`, false)} for the full list.`);
      break;
    }
    kept.push(item);
    length += item.length + 1;
  }
  return kept.join("\n");
}

/**
 * Domains that fail, or survive with something degraded, get a row each;
 * domains that survive untouched collapse into one line (their table behind
 * a <details>), so an all-green environment is one line, not dozens of rows.
 */
function failureDomains(domains: CheckReport["failureDomains"]): string[] {
  const failing = domains.filter((d) => !d.survives).length;
  const quiet = domains.filter((d) => d.survives && d.effects.length === 0);
  const loud = domains.filter((d) => !quiet.includes(d));
  const head = "| Domain | Kind | Survives | Why not / what degrades |";
  const row = (d: CheckReport["failureDomains"][number]) => {
    const notes = [...d.causes.map((c) => `**${mdText(c)}**`), ...d.effects.map(mdText)].join("<br>");
    return `| ${mdCode(d.domain)} | ${d.kind} | ${d.survives ? "✅" : "❌"} | ${notes} |`;
  };
  const out = [`#### Failure domains: ${domains.length - failing} of ${domains.length} survive a single failure`, ""];
  if (loud.length > 0) out.push(head, "| --- | --- | --- | --- |", ...loud.map(row), "");
  if (quiet.length > 0) {
    const kinds = [...new Set(quiet.map((d) => d.kind))].map((k) => `${quiet.filter((d) => d.kind === k).length} ${k}`).join(", ");
    out.push(
      `<details><summary>✅ ${quiet.length} domain(s) survive with nothing degraded (${kinds})</summary>`,
      "",
      "| Domain | Kind |",
      "| --- | --- |",
      ...quiet.map((d) => `| ${mdCode(d.domain)} | ${d.kind} |`),
      "",
      "</details>",
      "",
    );
  }
  const assumed = [...new Set(domains.flatMap((d) => d.assumptions))];
  if (assumed.length > 0) out.push(`_Assumed:_ ${assumed.map(mdText).join("; ")}`);
  return out;
}
