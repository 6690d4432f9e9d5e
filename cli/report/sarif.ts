/** SARIF 2.1.0 for GitHub code scanning: one rule per policy, one result per violation. */
import { createHash } from "node:crypto";
import { type ReportContext, levelsLine, regionOfViolation } from "./report";

const SECURITY_SEVERITY = { critical: "9.0", high: "7.0", medium: "5.0", low: "3.0" } as const;

export function renderSarif(ctx: ReportContext): string {
  const { report, policies } = ctx;
  const levelOf = (policy: string) => report.violations.find((v) => v.policy === policy)?.enforcementLevel;
  const rules = policies.map((p) => ({
    id: p.name,
    shortDescription: { text: p.description },
    fullDescription: { text: p.description },
    help: { text: p.remediationSteps, markdown: `**Fix:** ${p.remediationSteps}` },
    defaultConfiguration: { level: (levelOf(p.name) ?? p.enforcementLevel) === "advisory" ? "warning" : "error" },
    properties: { tags: ["reliability", "infrastructure-as-code"], precision: "high", "security-severity": SECURITY_SEVERITY[p.severity] },
  }));
  const results = report.violations.map((v) => ({
    ruleId: v.policy,
    ruleIndex: policies.findIndex((p) => p.name === v.policy),
    level: v.enforcementLevel === "mandatory" ? "error" : "warning",
    message: { text: v.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: ctx.artifact }, region: { startLine: 1 } },
        logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }],
      },
    ],
    properties: { region: regionOfViolation(ctx, v) ?? null },
    partialFingerprints: { "scyllaHaViolation/v1": createHash("sha256").update(`${v.policy}\n${v.urn}\n${v.message}`).digest("hex") },
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "scylla-ha-policies", version: "0.1.0", rules } },
        automationDetails: { id: `scylla-ha-policies/${report.stack}/` },
        // SARIF 2.1.0 §3.14.20: a run's properties bag; the level set the results were judged at.
        properties: { levels: levelsLine(report.levels), tier: report.levels.tier, levelFiles: report.levels.files },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
