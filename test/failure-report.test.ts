/** The failure-domain table of the text and markdown reports, and the domains in the JSON report. */
import { describe, expect, it } from "vitest";
import { mdText } from "../cli/report/escape";
import { renderMarkdown } from "../cli/report/markdown";
import { type ReportContext, toJson } from "../cli/report/report";
import { renderText } from "../cli/report/text";
import { defaultPackConfig } from "../policies/config";
import { analyseFailureDomains } from "../policies/failure";
import { ALL_POLICIES } from "../policies/rules/all";
import { evaluate } from "../policies/runner";
import type { GraphBuilder } from "./helpers/graph-builder";
import { gcpEnvironment } from "./helpers/policy-env";

function context(b: GraphBuilder): ReportContext {
  const graph = b.graph();
  const config = defaultPackConfig(ALL_POLICIES);
  const levels = { tier: "production" as const, tierFrom: "the policies' own levels", files: [], config };
  const report = { stack: b.stack, resources: graph.resources.length, levels, violations: evaluate(graph, ALL_POLICIES, config), failureDomains: analyseFailureDomains(graph) };
  return { report, graph, policies: ALL_POLICIES, artifact: "stacks/Pulumi.staging.yaml" };
}

/** The single-region GCP fixture with its us-central1-a rack's pool moved to us-central1-b. */
function broken(): ReportContext {
  const b = gcpEnvironment();
  b.edit("staging-usc1-scylla-a", (i) => ({ ...i, nodeLocations: ["us-central1-b"] }));
  b.edit("staging-usc1-scylla-ha-keyspaces", (i) => ({ ...i, data: { "keyspaces.json": '[{"name":"app","replication":{"us-central1":3}}]' } }));
  return context(b);
}

const RACK_A = "rack us-central1-a fits no node pool in us-central1-a, so it never runs; RF 3 on 2 running rack(s) puts more than one replica on a rack";
const lq = (zone: string) => `datacenter us-central1 loses LOCAL_QUORUM for keyspace app: 1 of 3 replicas left, 2 needed (rack ${zone} runs in ${zone}; ${RACK_A})`;
const raft = "Raft loses its majority: 2 of 4 nodes left, 3 needed, so schema and topology changes (adding a datacenter included) stop";
const paused = (zone: string) => [
  `backups and repairs pause until Deployment scylla-manager/scylla-manager is rescheduled out of ${zone}`,
  // The fixture's Prometheus spreads its replicas over zones: monitoring keeps running, and the analysis counts it per zone.
  "replicated platform workloads in us-central1, counted per zone: 3 of 3 keep at least one replica (each loses at most ⌈replicas / 3⌉)",
];

describe("failure-domain reports", () => {
  it("text: a table of domains with why each fails (✗) and what degrades (·)", () => {
    const text = renderText(broken());
    const table = text.slice(text.indexOf("failure domains:")).trimEnd().split("\n");
    expect(table.filter((l) => !l.startsWith("      "))).toEqual([
      "failure domains: 3 of 6 survive a single failure",
      "  DOMAIN                         KIND     SURVIVES",
      "  gcp:us-central1                region   NO",
      "  gcp:us-central1:us-central1-a  zone     yes",
      "  gcp:us-central1:us-central1-b  zone     NO",
      "  gcp:us-central1:us-central1-c  zone     NO",
      "  staging-usc1-gke               cluster  yes",
      "  staging-usc1-nat               nat      yes",
    ]);
    const zoneC = table.slice(table.indexOf("  gcp:us-central1:us-central1-c  zone     NO") + 1, table.indexOf("  staging-usc1-gke               cluster  yes"));
    expect(zoneC).toEqual([
      `      ✗ ${lq("us-central1-c")}`,
      `      ✗ ${raft}`,
      "      · no datacenter can serve QUORUM for keyspace app: 1 of 3 replicas left, 2 needed",
      "      · EACH_QUORUM writes to keyspace app fail while us-central1 has no local quorum",
      ...paused("us-central1-c").map((e) => `      · ${e}`),
    ]);
    // The fixture's bucket is in the graph (dual-region NAM4), so nothing is assumed and no "assumed:" block follows.
    expect(table.at(-1)).toBe("      · backups of datacenter us-central1 fail: Manager agents in staging-usc1-subnet cannot reach staging-usc1-backups (Cloud NAT staging-usc1-nat down, no Private Google Access)");
  });

  it("markdown: a failure-domain table, causes in bold before the effects", () => {
    const md = renderMarkdown(broken()).split("\n");
    const start = md.indexOf("#### Failure domains: 3 of 6 survive a single failure");
    expect(md.slice(start + 1, start + 4)).toEqual(["", "| Domain | Kind | Survives | Why not / what degrades |", "| --- | --- | --- | --- |"]);
    expect(md.slice(start + 5, start + 7)).toEqual([
      `| \`gcp:us-central1:us-central1-a\` | zone | ✅ | ${paused("us-central1-a").map(mdText).join("<br>")} |`,
      `| \`gcp:us-central1:us-central1-b\` | zone | ❌ | **${mdText(lq("us-central1-b"))}**<br>**${raft}**<br>no datacenter can serve QUORUM for keyspace app: 1 of 3 replicas left, 2 needed<br>EACH\\_QUORUM writes to keyspace app fail while us-central1 has no local quorum<br>${paused("us-central1-b").map(mdText).join("<br>")} |`,
    ]);
  });

  it("json: the check's failureDomains are the analysis, field by field", () => {
    const ctx = broken();
    const doc = JSON.parse(toJson(ctx));
    expect(doc.failureDomains).toEqual(JSON.parse(JSON.stringify(ctx.report.failureDomains)));
    expect(doc.failureDomains.map((d: { kind: string; survives: boolean }) => [d.kind, d.survives])).toEqual([
      ["region", false],
      ["zone", true],
      ["zone", false],
      ["zone", false],
      ["cluster", true],
      ["nat", true],
    ]);
  });
});
