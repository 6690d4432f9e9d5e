import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import MarkdownIt from "markdown-it";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { COMMENT_MARKER, renderMarkdown } from "../cli/report/markdown";
import { topologyDiagram } from "../cli/report/mermaid";
import { type ReportContext, toJson } from "../cli/report/report";
import { renderSarif } from "../cli/report/sarif";
import { renderText } from "../cli/report/text";
import { type LevelSet, resolvePackConfig } from "../policies/config";
import { analyseFailureDomains } from "../policies/failure";
import { ALL_POLICIES } from "../policies/rules/all";
import { either, stackRule } from "../policies/rule";
import { evaluate } from "../policies/runner";
import type { GraphBuilder } from "./helpers/graph-builder";
import { awsEnvironment } from "./helpers/policy-env";

function context(b: GraphBuilder, config: Record<string, unknown> = {}, withDomains = false): ReportContext {
  const graph = b.graph();
  const resolved = resolvePackConfig(config, ALL_POLICIES);
  const levels: LevelSet = { tier: "production", tierFrom: "the stack's tier output", files: ["policies/levels/production.json", "my-levels.json"], config: resolved };
  const violations = evaluate(graph, ALL_POLICIES, resolved);
  const failureDomains = withDomains ? analyseFailureDomains(graph) : [];
  return { report: { stack: b.stack, resources: graph.resources.length, levels, violations, failureDomains }, graph, policies: ALL_POLICIES, artifact: `stacks/Pulumi.${b.stack}.yaml` };
}

/** GitHub's renderer for the comment: CommonMark + GFM tables and strikethrough, raw HTML allowed (as in issue comments). */
const markdown = () => new MarkdownIt({ html: true, linkify: true });

/** A name a pull request could give a resource: HTML, a table pipe, a code fence, a mention, emphasis, a link. */
const HOSTILE = "<img src=x onerror=alert(1)>|```@octocat **bold** [link](https://example.com) #1";

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
  it("json follows the ARCHITECTURE.md contract, extended with the level set and each violation's region and fix", () => {
    const doc = JSON.parse(toJson(broken()));
    expect(Object.keys(doc)).toEqual(["stack", "resources", "levels", "violations", "failureDomains"]);
    const fix = (policy: string) => ALL_POLICIES.find((p) => p.name === policy)!.remediationSteps;
    expect(doc.violations).toEqual([
      { policy: "nat-gateway-per-zone", enforcementLevel: "mandatory", severity: "high", message: expect.stringMatching(/^zone us-east-1b has private subnets/), urn: "urn:pulumi:prod::scylla-ha-stack::aws:ec2/subnet:Subnet::prod-use1-private-us-east-1b", region: "us-east-1", fix: fix("nat-gateway-per-zone") },
      { policy: "prometheus-replicas", enforcementLevel: "advisory", severity: "medium", message: expect.stringMatching(/^Prometheus monitoring\/prometheus runs 1 replica/), urn: "urn:pulumi:prod::scylla-ha-stack::kubernetes:monitoring.coreos.com/v1:Prometheus::prod-euw1-prometheus", region: "eu-west-1", fix: fix("prometheus-replicas") },
    ]);
    expect(fix("nat-gateway-per-zone")).toMatch(/^Create one aws\.ec2\.NatGateway/);
    expect(doc.failureDomains).toEqual([]);
    // The level set, complete, in the engine's --policy-pack-config format.
    expect(doc.levels).toMatchObject({ tier: "production", tierFrom: "the stack's tier output", files: ["policies/levels/production.json", "my-levels.json"] });
    expect(Object.keys(doc.levels.policies)).toEqual(ALL_POLICIES.map((p) => p.name));
    expect(doc.levels.policies["private-routes-via-zonal-nat"]).toEqual({ enforcementLevel: "disabled" });
    expect(doc.levels.policies["prometheus-replicas"]).toEqual({ enforcementLevel: "advisory" });
  });

  it("json: a stack-wide finding has region null", () => {
    const b = awsEnvironment();
    const ctx = context(b);
    const stackWide = { policy: "scylla-raft-majority", enforcementLevel: "mandatory" as const, severity: "high" as const, message: "m", urn: b.stackUrn };
    const doc = JSON.parse(toJson({ ...ctx, report: { ...ctx.report, violations: [stackWide] } }));
    expect(doc.violations[0]).toMatchObject({ urn: b.stackUrn, region: null });
  });

  it("every format names the level set applied", () => {
    const ctx = broken();
    const line = "tier production (policies/levels/production.json + my-levels.json; the stack's tier output)";
    expect(renderText(ctx).split("\n")[1]).toBe(`levels: ${line}`);
    expect(renderMarkdown(ctx).split("\n")[2]).toBe("Levels: tier production (policies/levels/production.json + my-levels.json; the stack\'s tier output)");
    expect(JSON.parse(renderSarif(ctx)).runs[0].properties).toEqual({ levels: line, tier: "production", levelFiles: ["policies/levels/production.json", "my-levels.json"] });
    expect(JSON.parse(toJson(ctx)).levels.tier).toBe("production");
  });

  it("markdown shows a hostile resource name as text: no HTML, no broken table, fence or code span", () => {
    const b = awsEnvironment();
    // No provider: no-default-provider names it in the Resource column, the message and the URN; the diagram draws it as a bucket.
    b.add("aws:s3/bucket:Bucket", HOSTILE, {});
    const md = renderMarkdown(context(b));
    const html = markdown().render(md);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain("<strong>bold</strong>");
    expect(html).not.toContain('href="https://example.com"');
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const tokens = markdown().parse(md, {});
    // The table keeps its five columns: the name's `|` did not open a sixth.
    const hit = tokens.findIndex((t) => t.type === "inline" && t.content.includes("onerror"));
    const row = tokens.slice(0, hit).map((t) => t.type).lastIndexOf("tr_open");
    expect(tokens.slice(row, tokens.findIndex((t, i) => i > row && t.type === "tr_close")).filter((t) => t.type === "td_open")).toHaveLength(5);
    // In the details list the URN is one code span, shown verbatim.
    expect(html).toContain(`<code>urn:pulumi:prod::scylla-ha-stack::aws:s3/bucket:Bucket::&lt;img src=x onerror=alert(1)&gt;|\`\`\`@octocat **bold** [link](https://example.com) #1</code>`);
    // The Mermaid block is still one fence, holding the whole diagram.
    const fences = tokens.filter((t) => t.type === "fence");
    expect(fences.map((f) => f.info)).toEqual(["mermaid"]);
    expect(fences[0]!.content).toContain("bucket #60;img src=x onerror=alert(1)#62;|#96;#96;#96;@octocat **bold** [link](https://example.com) #35;1");
    expect(fences[0]!.content.trimEnd().split("\n").at(-1)).toMatch(/-->/);
  });

  it("markdown collapses domains that survive with nothing degraded; those that fail or degrade keep their rows", () => {
    const real = context(awsEnvironment(), {}, true);
    // The fixture's domains all degrade something; clear the effects of every other one.
    const domains = real.report.failureDomains.map((d, i) => (i % 2 === 0 ? { ...d, effects: [] } : d));
    const ctx = { ...real, report: { ...real.report, failureDomains: domains } };
    const quiet = domains.filter((d) => d.survives && d.effects.length === 0);
    // 24 zone, region, control-plane and NAT domains and one link per pair of the three DC regions.
    expect([quiet.length, domains.length]).toEqual([14, 27]);
    const md = renderMarkdown(ctx);
    expect(md).toContain(`#### Failure domains: ${domains.length} of ${domains.length} survive a single failure`);
    expect(md).toContain(`<details><summary>✅ ${quiet.length} domain(s) survive with nothing degraded (`);
    const rows = md.split("\n").filter((l) => /^\| `.*` \| [a-z]+ \| (✅|❌) \|/.test(l));
    expect(rows).toHaveLength(domains.length - quiet.length);
    for (const d of quiet) expect(md).toContain(`| \`${d.domain}\` | ${d.kind} |\n`);
    const text = renderText(ctx);
    expect(text).toContain(`  ${quiet.length} other domain(s) survive with nothing degraded: ${quiet.map((d) => d.domain).join(", ")}`);
    // All green: one line and the collapsed table, no open table.
    const green = renderMarkdown({ ...real, report: { ...real.report, failureDomains: domains.map((d) => ({ ...d, effects: [] })) } });
    expect(green).toContain(`<details><summary>✅ ${domains.length} domain(s) survive with nothing degraded (`);
    expect(green).not.toContain("| Domain | Kind | Survives |");
  });

  it("a rule that reaches one problem twice reports it once", () => {
    const twice = stackRule({ name: "twice", description: "d", severity: "low", remediation: "r", *check() { yield { urn: "u", message: "m" }; yield { urn: "u", message: "m" }; yield { urn: "v", message: "m" }; } });
    const graph = awsEnvironment().graph();
    expect(twice.check(graph, {})).toEqual([{ urn: "u", message: "m" }, { urn: "v", message: "m" }]);
    const reported: string[] = [];
    twice.validateStack!({ resources: [], getConfig: () => ({}) } as never, (m) => reported.push(m));
    expect(reported).toEqual(["m", "m"]);
  });

  it("alternatives read as either/any one of, not as and", () => {
    expect([either(["zone a"]), either(["zone a", "zone b"]), either(["a", "b", "c"])]).toEqual(["zone a", "either zone a or zone b", "any one of a, b or c"]);
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
    expect(lines.slice(0, 3)).toEqual([`scylla-ha policy check: stack prod, ${broken().report.resources} resources`, expect.stringMatching(/^levels: tier production /), "FAIL: 1 mandatory, 1 advisory violation(s)"]);
    expect(lines.filter((l) => /^\S/.test(l)).slice(3)).toEqual(["eu-west-1", "us-east-1"]);
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
    expect(md).toContain("#### us-east-1\n\n| Severity | Level | Policy | Resource | Problem |\n| --- | --- | --- | --- | --- |\n| high | mandatory | `nat-gateway-per-zone` | `Subnet prod-use1-private-us-east-1b` | zone us-east-1b has private subnets");
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
