import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { COMMENT_MARKER, renderMarkdown } from "../cli/report/markdown";
import { topologyDiagram } from "../cli/report/mermaid";
import { type ReportContext, toJson } from "../cli/report/report";
import { renderSarif } from "../cli/report/sarif";
import { renderText } from "../cli/report/text";
import { resolvePackConfig } from "../policies/config";
import { ALL_POLICIES } from "../policies/rules/all";
import { evaluate } from "../policies/runner";
import type { GraphBuilder } from "./helpers/graph-builder";
import { awsEnvironment } from "./helpers/policy-env";

function context(b: GraphBuilder, config: Record<string, unknown> = {}): ReportContext {
  const graph = b.graph();
  const violations = evaluate(graph, ALL_POLICIES, resolvePackConfig(config, ALL_POLICIES));
  return { report: { stack: b.stack, resources: graph.resources.length, violations, failureDomains: [] }, graph, policies: ALL_POLICIES, artifact: `stacks/Pulumi.${b.stack}.yaml` };
}

/** Breaks one mandatory rule in us-east-1 and one rule made advisory in eu-west-1. */
function broken(): ReportContext {
  const b = awsEnvironment().remove("prod-use1-nat-us-east-1b", "prod-use1-private-us-east-1b-default").edit("prod-euw1-prometheus", (i) => ({ ...i, spec: { replicas: 1 } }));
  return context(b, { "private-routes-via-zonal-nat": "disabled", "prometheus-replicas": "advisory" });
}

/** The official SARIF 2.1.0 schema as @microsoft/jest-sarif ships it (draft-04 `id` → `$id` for Ajv 8). */
function sarifValidator() {
  const file = path.join(path.dirname(require.resolve("@microsoft/jest-sarif/package.json")), "lib", "schemas", "sarif-2.1.0-rtm.5.json");
  const { $schema: _draft, id, ...schema } = JSON.parse(fs.readFileSync(file, "utf8"));
  // The published schema has a `language` pattern that is invalid under the `u` flag Ajv 8 uses by default.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...schema, $id: id });
}

describe("check reports", () => {
  it("json follows the ARCHITECTURE.md contract", () => {
    const doc = JSON.parse(toJson(broken().report));
    expect(Object.keys(doc)).toEqual(["stack", "resources", "violations", "failureDomains"]);
    expect(doc.violations).toEqual([
      { policy: "nat-gateway-per-zone", enforcementLevel: "mandatory", severity: "high", message: expect.stringMatching(/^zone us-east-1b has private subnets/), urn: "urn:pulumi:prod::scylla-ha-stack::aws:ec2/subnet:Subnet::prod-use1-private-us-east-1b" },
      { policy: "prometheus-replicas", enforcementLevel: "advisory", severity: "medium", message: expect.stringMatching(/^Prometheus monitoring\/prometheus runs 1 replica/), urn: "urn:pulumi:prod::scylla-ha-stack::kubernetes:monitoring.coreos.com/v1:Prometheus::prod-euw1-prometheus" },
    ]);
    expect(doc.failureDomains).toEqual([]);
  });

  it("sarif validates against the SARIF 2.1.0 schema and maps levels and locations", () => {
    const validate = sarifValidator();
    const log = JSON.parse(renderSarif(broken()));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const clean = JSON.parse(renderSarif(context(awsEnvironment())));
    expect(validate(clean), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).toBe(false);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(ALL_POLICIES.map((p) => p.name));
    expect(run.results.map((r: Record<string, any>) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].logicalLocations[0].fullyQualifiedName])).toEqual([
      ["nat-gateway-per-zone", "error", "stacks/Pulumi.prod.yaml", "urn:pulumi:prod::scylla-ha-stack::aws:ec2/subnet:Subnet::prod-use1-private-us-east-1b"],
      ["prometheus-replicas", "warning", "stacks/Pulumi.prod.yaml", "urn:pulumi:prod::scylla-ha-stack::kubernetes:monitoring.coreos.com/v1:Prometheus::prod-euw1-prometheus"],
    ]);
  });

  it("text groups by region, then severity, with the resource, the problem and the fix", () => {
    const text = renderText(broken());
    const lines = text.split("\n");
    expect(lines.slice(0, 2)).toEqual([`scylla-ha policy check: stack prod, ${broken().report.resources} resources`, "FAIL: 1 mandatory, 1 advisory violation(s)"]);
    expect(lines.filter((l) => /^\S/.test(l)).slice(2)).toEqual(["eu-west-1", "us-east-1"]);
    const east = lines.slice(lines.indexOf("us-east-1"));
    expect(east.slice(0, 3)).toEqual(["us-east-1", "  high", "    [mandatory] nat-gateway-per-zone: Subnet prod-use1-private-us-east-1b"]);
    expect(east[3]).toMatch(/^ {6}problem: zone us-east-1b has private subnets/);
    expect(east[4]).toMatch(/^ {6}fix: {5}Create one aws\.ec2\.NatGateway in a public subnet of each zone/);
    expect(east[5]).toBe("      urn:     urn:pulumi:prod::scylla-ha-stack::aws:ec2/subnet:Subnet::prod-use1-private-us-east-1b");
    expect(renderText(context(awsEnvironment()))).toContain("PASS: no violations");
  });

  it("markdown has a headline, a table per region, collapsible details and the topology diagram", () => {
    const md = renderMarkdown(broken());
    expect(md.split("\n")[0]).toBe(`### ❌ **prod**: 1 mandatory and 1 advisory violation(s) (${broken().report.resources} resources checked) — mandatory violations block the merge`);
    expect(md).toContain("#### us-east-1\n\n| Severity | Level | Policy | Resource | Problem |\n| --- | --- | --- | --- | --- |\n| high | mandatory | `nat-gateway-per-zone` | Subnet prod-use1-private-us-east-1b | zone us-east-1b has private subnets");
    expect(md).toContain("#### eu-west-1");
    expect(md).toContain("<details><summary>Details and fixes (2)</summary>");
    expect(md).toContain("_Fix:_ Set spec.replicas ≥ 2 on the Prometheus resource");
    expect(md).toContain("```mermaid\nflowchart TB\n");
    expect(COMMENT_MARKER).toBe("<!-- scylla-ha-policy-report -->");
  });

  it("the topology diagram shows regions → zones → racks and node pools, NAT gateways and buckets", () => {
    const diagram = topologyDiagram(awsEnvironment().graph());
    const lines = diagram.split("\n");
    expect(lines[0]).toBe("flowchart TB");
    expect(lines.filter((l) => /^ {2}subgraph/.test(l))).toEqual(['  subgraph s0["aws eu-west-1"]', '  subgraph s4["aws us-east-1"]', '  subgraph s8["aws us-west-2"]']);
    const east = lines.slice(lines.indexOf('  subgraph s4["aws us-east-1"]'), lines.indexOf('  subgraph s8["aws us-west-2"]'));
    expect(east.slice(0, 6).map((l) => l.replace(/n\d+/g, "n"))).toEqual([
      '  subgraph s4["aws us-east-1"]',
      '    subgraph s5["us-east-1a"]',
      '      n["Scylla pool prod-use1-scylla-us-east-1a"]',
      '      n("rack us-east-1a · us-east-1 · 2 node(s)")',
      '      n["NAT prod-use1-nat-us-east-1a"]',
      "    end",
    ]);
    expect(east.map((l) => l.trim().replace(/^n\d+/, "n"))).toEqual(expect.arrayContaining(['n["system pool prod-use1-system (3 zones)"]', 'n[("bucket prod-use1-backups")]']));
    expect(lines.filter((l) => / --> /.test(l))).toHaveLength(9);
  });

  it("docs/policies.md has a row for every policy with its severity", () => {
    const doc = fs.readFileSync(path.resolve(__dirname, "..", "docs", "policies.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([a-z0-9-]+)` \| .+ \| (low|medium|high|critical) \| .+ \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(ALL_POLICIES.map((p) => [p.name, p.severity]));
  });
});
