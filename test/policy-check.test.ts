import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { parse } from "yaml";
import { TIERS, resolvePackConfig } from "../policies/config";
import { ALL_POLICIES } from "../policies/rules/all";
import { committedStacks } from "../stacks/config";
import { runCli } from "./helpers/cli";
import type { GraphBuilder } from "./helpers/graph-builder";
import { addOpsPool, movePool, onOpsPool } from "./helpers/failure-breakers";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
let files = 0;

function write(content: unknown): string {
  const file = path.join(dir, `f${files++}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function checkJson(b: GraphBuilder, ...extra: string[]) {
  return checkDoc(b.toExport(), ...extra);
}

async function checkDoc(doc: unknown, ...extra: string[]) {
  const out = await runCheck(["--export", write(doc), "--format", "json", ...extra]);
  return { ...out, report: out.stdout ? JSON.parse(out.stdout) : undefined };
}

/** The stack's `tier` output, as stacks/program.ts exports it on the root Stack resource. */
function withTier<B extends GraphBuilder>(b: B, tier: unknown): B {
  const root = b.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
  root.outputs = { ...root.outputs, tier };
  return b;
}

/** An export document with some resources dropped. */
class GraphBuilderLike {
  constructor(private readonly doc: { version: number; deployment: { resources: Record<string, unknown>[] } }) {}
  drop(test: (r: Record<string, unknown>) => boolean) {
    return { ...this.doc, deployment: { ...this.doc.deployment, resources: this.doc.deployment.resources.filter((r) => !test(r)) } };
  }
}

/** The same export under another project's URNs: a foreign stack. */
function foreign(b: GraphBuilder): unknown {
  return JSON.parse(JSON.stringify(b.toExport()).replaceAll("::scylla-ha-stack::", "::other-project::"));
}

type Spec = Record<string, any>;
const spec = (b: GraphBuilder, name: string, edit: (s: Spec) => Spec) => b.edit(name, (i) => ({ ...i, spec: edit(i.spec) }));
const withEdit = (b: GraphBuilder, edit: (b: GraphBuilder) => void) => (edit(b), b);
const racks = (b: GraphBuilder, name: string, edit: (r: Spec) => Spec) => spec(b, name, (s) => ({ ...s, datacenter: { ...s.datacenter, racks: s.datacenter.racks.map(edit) } }));

/** One broken invariant per rule, and the resource the violation must name. */
const BREAKERS: Record<string, [() => GraphBuilder, string]> = {
  "nat-gateway-per-zone": [() => awsEnvironment().remove("prod-use1-nat-us-east-1c", "prod-use1-private-us-east-1c-default"), "prod-use1-private-us-east-1c"],
  "private-routes-via-zonal-nat": [() => awsEnvironment().remove("prod-use1-private-us-east-1c-default"), "prod-use1-private-us-east-1c-rt"],
  "s3-gateway-endpoint": [() => awsEnvironment().remove("prod-euw1-s3"), "prod-euw1-vpc"],
  "vpc-peering-mesh": [() => awsEnvironment().remove("prod-usw2-euw1-accepter"), "prod-usw2-euw1-peering"],
  "cidrs-disjoint": [() => awsEnvironment().edit("prod-euw1-vpc", (i) => ({ ...i, cidrBlock: "10.1.0.0/16" })), "prod-euw1-vpc"],
  "eks-private-endpoint": [() => awsEnvironment().edit("prod-usw2-eks", (i) => ({ ...i, vpcConfig: { ...i.vpcConfig, endpointPrivateAccess: false } })), "prod-usw2-eks"],
  "eks-secrets-encryption": [() => awsEnvironment().edit("prod-usw2-eks", (i) => ({ ...i, encryptionConfig: undefined })), "prod-usw2-eks"],
  "eks-control-plane-logging": [() => awsEnvironment().edit("prod-usw2-eks", (i) => ({ ...i, enabledClusterLogTypes: [] })), "prod-usw2-eks"],
  "gke-regional-control-plane": [() => gcpEnvironment("prod").edit("prod-usc1-gke", (i) => ({ ...i, location: "us-central1-f" })), "prod-usc1-gke"],
  "system-pool-multi-zone": [() => awsEnvironment().edit("prod-euw1-system", (i) => ({ ...i, scalingConfig: { minSize: 0, maxSize: 3 } })), "prod-euw1-system"],
  "scylla-pool-single-zone": [() => gcpEnvironment("prod").edit("prod-usc1-scylla-b", (i) => ({ ...i, nodeLocations: ["us-central1-b", "us-central1-c"] })), "prod-usc1-scylla-b"],
  "scylla-pool-local-nvme": [() => awsEnvironment().edit("prod-euw1-scylla-eu-west-1b", (i) => ({ ...i, instanceTypes: ["r7i.2xlarge"] })), "prod-euw1-scylla-eu-west-1b"],
  "scylla-pool-static-cpu-manager": [() => gcpEnvironment("prod").edit("prod-usc1-scylla-a", (i) => ({ ...i, nodeConfig: { ...i.nodeConfig, kubeletConfig: undefined } })), "prod-usc1-scylla-a"],
  "scylla-pool-label-taint": [() => awsEnvironment().edit("prod-euw1-scylla-eu-west-1b", (i) => ({ ...i, taints: [] })), "prod-euw1-scylla-eu-west-1b"],
  "scylla-pool-on-demand": [() => awsEnvironment().edit("prod-euw1-scylla-eu-west-1b", (i) => ({ ...i, capacityType: "SPOT" })), "prod-euw1-scylla-eu-west-1b"],
  "scylla-pool-no-auto-repair": [() => gcpEnvironment("prod").edit("prod-usc1-scylla-c", (i) => ({ ...i, management: { autoRepair: false, autoUpgrade: true } })), "prod-usc1-scylla-c"],
  "scylla-racks-distinct-zones": [() => racks(awsEnvironment(), "prod-usw2-scylla", (r) => (r.name === "us-west-2c" ? { ...r, members: 0 } : r)), "prod-usw2-scylla"],
  "scylla-rack-zone-served": [() => awsEnvironment().remove("prod-usw2-scylla-us-west-2b"), "prod-usw2-scylla"],
  "scylla-nodeconfig-placement": [() => awsEnvironment().remove("prod-usw2-scylla-nodes"), "prod-usw2-scylla"],
  "scylla-storageclass-local-csi": [() => awsEnvironment().edit("prod-usw2-scylladb-local-xfs", (i) => ({ ...i, volumeBindingMode: "Immediate" })), "prod-usw2-scylladb-local-xfs"],
  "scylla-guaranteed-qos": [() => racks(awsEnvironment(), "prod-euw1-scylla", (r) => ({ ...r, agentResources: {} })), "prod-euw1-scylla"],
  "scylla-versions-pinned": [() => spec(awsEnvironment(), "prod-euw1-scylla", (s) => ({ ...s, agentVersion: "latest" })), "prod-euw1-scylla"],
  "scylla-cluster-identity": [() => spec(awsEnvironment(), "prod-euw1-scylla", (s) => ({ ...s, datacenter: { ...s.datacenter, name: "us-west-2" } })), "prod-euw1-scylla"],
  "scylla-multi-dc-join": [() => spec(awsEnvironment(), "prod-euw1-scylla", (s) => ({ ...s, externalSeeds: [] })), "prod-euw1-scylla"],
  "scylla-raft-majority": [() => gcpEnvironment("prod"), "prod-usc1-scylla"],
  "scylla-keyspace-rf": [() => awsEnvironment().edit("prod-euw1-scylla-ha-keyspaces", (i) => ({ ...i, data: { "keyspaces.json": '[{"name":"app","replication":{"eu-west-1":5}}]' } })), "prod-euw1-scylla-ha-keyspaces"],
  "scylla-manager-single": [() => awsEnvironment().remove("prod-use1-scylla-manager"), "prod-use1-scylla"],
  "scylla-backup-task": [() => spec(awsEnvironment(), "prod-use1-scylla", (s) => ({ ...s, backups: [] })), "prod-use1-scylla"],
  "scylla-repair-task": [() => spec(awsEnvironment(), "prod-use1-scylla", (s) => ({ ...s, repairs: [{ name: "r", dc: ["eu-*"] }] })), "prod-use1-scylla"],
  "controllers-ha": [() => awsEnvironment().edit("prod-euw1-webhook-server", (i) => ({ ...i, spec: { ...i.spec, replicas: 1 } })), "prod-euw1-webhook-server"],
  "prometheus-replicas": [() => awsEnvironment().edit("prod-euw1-prometheus", (i) => ({ ...i, spec: { replicas: 1 } })), "prod-euw1-prometheus"],
  "platform-pdb": [() => awsEnvironment().remove("prod-euw1-webhook-server-pdb"), "prod-euw1-webhook-server"],
  "backup-bucket-hardening": [() => awsEnvironment().remove("prod-euw1-backups-pab"), "prod-euw1-backups"],
  "backup-bucket-replication": [() => gcpEnvironment("prod").edit("prod-usc1-backups", (i) => ({ ...i, location: "US-EAST1" })), "prod-usc1-backups"],
  "stateful-resources-protected": [() => awsEnvironment().set("prod-euw1-backups", { protect: false }), "prod-euw1-backups"],
  "control-plane-not-public": [() => awsEnvironment().edit("prod-use1-eks", (i) => ({ ...i, vpcConfig: { ...i.vpcConfig, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } })), "prod-use1-eks"],
  "cluster-api-reachable": [() => awsEnvironment().remove("prod-usw2-api-deployer"), "prod-usw2-eks"],
  "cluster-access-declared": [() => awsEnvironment().edit("prod-euw1-eks", (i) => ({ ...i, accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true } })), "prod-euw1-eks"],
  "peer-pod-traffic-intact": [() => awsEnvironment().edit("prod-use1-vpc-cni", (i) => ({ ...i, configurationValues: '{"enableNetworkPolicy":"true"}' })), "prod-use1-vpc-cni"],
  "network-policy-enforced": [() => awsEnvironment().edit("prod-usw2-vpc-cni", (i) => ({ ...i, configurationValues: JSON.stringify({ env: JSON.parse(i.configurationValues).env }) })), "prod-usw2-scylla-cql"],
  "imds-not-reachable-from-pods": [() => awsEnvironment().edit("prod-euw1-system-lt", (i) => ({ ...i, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })), "prod-euw1-system-lt"],
  "no-default-provider": [() => awsEnvironment().set("prod-euw1-prometheus", { provider: undefined }), "prod-euw1-prometheus"],
  "scylla-rack-pool-size": [() => awsEnvironment().edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 1 } })), "prod-use1-scylla-us-east-1a"],
  "scylla-pod-fits-node": [() => racks(awsEnvironment(), "prod-euw1-scylla", (r) => ({ ...r, resources: { requests: { cpu: "6", memory: "63Gi" }, limits: { cpu: "6", memory: "63Gi" } } })), "prod-euw1-scylla"],
  "system-pool-capacity": [() => awsEnvironment().edit("prod-euw1-prometheus", (i) => ({ ...i, spec: { ...i.spec, nodeSelector: { "scylla-ha.io/pool": "system" }, resources: { requests: { cpu: "8", memory: "4Gi" } } } })), "prod-euw1-prometheus"],
  "dc-reachability": [() => awsEnvironment().remove("prod-euw1-usw2-tcp-7001"), "prod-euw1-scylla"],
  "data-ports-not-public": [() => awsEnvironment().edit("prod-usw2-use1-tcp-9042", (i) => ({ ...i, cidrIpv4: "0.0.0.0/0" })), "prod-usw2-use1-tcp-9042"],
  "loadbalancers-not-public": [() => withEdit(awsEnvironment(), (b) => b.add("kubernetes:core/v1:Service", "prod-use1-cql-lb", { metadata: { name: "cql", namespace: "scylla" }, spec: { type: "LoadBalancer", ports: [{ port: 9042 }] } }, { provider: b.ref("prod-use1-k8s") })), "prod-use1-cql-lb"],
  "helm-workloads-ha": [() => withEdit(awsEnvironment(), (b) => b.add("kubernetes:helm.sh/v3:Release", "prod-use1-cert-manager", { chart: "cert-manager", version: "v1.20.2", name: "cert-manager", namespace: "cert-manager", values: {} }, { provider: b.ref("prod-use1-k8s") })), "prod-use1-cert-manager"],
  "replicated-zone-spread": [() => awsEnvironment().edit("prod-euw1-prometheus", (i) => ({ ...i, spec: { replicas: 2 } })), "prod-euw1-prometheus"],
  "scylla-production-checklist": [() => spec(awsEnvironment(), "prod-euw1-scylla", (s) => ({ ...s, developerMode: true })), "prod-euw1-scylla"],
  "no-single-failure-loses-quorum": [() => withEdit(awsEnvironment(), (b) => movePool(b, "prod-usw2", "us-west-2a", "us-west-2b")), "prod-usw2-scylla"],
  "single-failure-contained": [() => withEdit(awsEnvironment(), (b) => (addOpsPool(b, "prod-use1", "us-east-1b"), onOpsPool(b, "prod-use1-scylla-manager"))), "prod-use1-scylla-manager"],
};

describe("npm run check", () => {
  it("has a breaker for every policy", () => {
    expect(Object.keys(BREAKERS).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
  });

  it("exits 0 on a clean export and prints the JSON contract", async () => {
    const { code, report, stderr } = await checkJson(awsEnvironment());
    expect([code, stderr]).toEqual([0, ""]);
    expect({ ...report, levels: report.levels.tier, failureDomains: report.failureDomains.length }).toEqual({ stack: "prod", resources: awsEnvironment().resources.length, levels: "production", violations: [], failureDomains: 27 });
    expect(Object.keys(report.failureDomains[0])).toEqual(["domain", "kind", "survives", "causes", "effects", "assumptions", "dependents"]);
    expect(report.failureDomains.filter((d: { survives: boolean }) => !d.survives)).toEqual([]);
  });

  it.each(Object.entries(BREAKERS))("exits 1 when %s is broken, naming the resource", async (policy, [build, name]) => {
    const b = build();
    const { code, report } = await checkJson(b);
    expect(code).toBe(1);
    expect(report.violations).toContainEqual(expect.objectContaining({ policy, enforcementLevel: "mandatory", urn: b.find(name).urn }));
  });

  it("levels follow the tier the stack exports; policies/<env>.json only overrides", async () => {
    const dev = await checkJson(withTier(awsEnvironment("dev").remove("dev-use1-s3"), "development"));
    expect([dev.code, dev.stderr]).toEqual([0, ""]);
    expect(dev.report.levels).toMatchObject({ tier: "development", tierFrom: "the stack's tier output", files: ["policies/levels/development.json", "policies/dev.json"] });
    // Without the endpoint, backups go through NAT: each zone's NAT gateway now stops the DC's backups.
    expect(dev.report.violations.map((v: Record<string, string>) => [v.policy, v.enforcementLevel])).toEqual([
      ["s3-gateway-endpoint", "advisory"],
      ...["a", "b", "c"].map(() => ["single-failure-contained", "advisory"]),
    ]);
    // A new environment with no policies/<env>.json gets its tier's levels, not production's.
    const qa = await checkJson(withTier(awsEnvironment("qa").remove("qa-use1-s3"), "development"));
    expect([qa.code, qa.report.stack, qa.report.levels.tier, qa.report.levels.files, qa.report.violations[0].enforcementLevel]).toEqual([0, "qa", "development", ["policies/levels/development.json"], "advisory"]);
    const staging = await checkJson(withTier(awsEnvironment("qa").remove("qa-use1-s3"), "staging"));
    expect([staging.code, staging.report.levels.tier, staging.report.violations[0].enforcementLevel]).toEqual([1, "staging", "mandatory"]);
  });

  it("a stack that exports no tier is judged at production levels, and the report says so", async () => {
    const qa = await checkJson(awsEnvironment("qa").remove("qa-use1-s3"));
    expect([qa.code, qa.report.levels.tier, qa.report.levels.tierFrom, qa.report.violations[0].enforcementLevel]).toEqual([1, "production", "the stack exports no tier: production, the strictest", "mandatory"]);
  });

  it("an environment's minimumTier wins over a lower tier output: a config change cannot lower prod's levels", async () => {
    const prod = await checkJson(withTier(awsEnvironment("prod").remove("prod-use1-s3"), "development"));
    expect([prod.code, prod.report.levels.tier, prod.report.levels.files]).toEqual([1, "production", ["policies/levels/production.json", "policies/prod.json"]]);
    expect(prod.report.levels.tierFrom).toBe("minimumTier in policies/prod.json (the stack exports development)");
  });

  it("a foreign stack's levels are never taken from its name", async () => {
    // Another project's stack called prod is not our prod: policies/prod.json does not apply, its own tier does.
    const other = await checkDoc(foreign(withTier(awsEnvironment("prod").remove("prod-use1-s3"), "development")));
    expect([other.code, other.report.levels.tier, other.report.levels.files]).toEqual([0, "development", ["policies/levels/development.json"]]);
    const untiered = await checkDoc(foreign(awsEnvironment("dev").remove("dev-use1-s3")));
    expect([untiered.code, untiered.report.levels.tier, untiered.report.levels.files]).toEqual([1, "production", ["policies/levels/production.json"]]);
  });

  it("reports a bad minimumTier with every other problem of the override", async () => {
    const { code, stderr } = await checkJson(awsEnvironment(), "--policy-config", write({ minimumTier: "gold", nope: "advisory" }));
    expect(code).toBe(2);
    expect(stderr).toContain(':\n  - minimumTier: "gold" is not a tier (development, staging, production)\n  - nope: no such policy');
  });

  it("refuses a tier output that is not a tier, naming the stack resource", async () => {
    const { code, stderr } = await checkJson(withTier(awsEnvironment(), "gold"));
    expect(code).toBe(2);
    expect(stderr).toContain('urn:pulumi:prod::scylla-ha-stack::pulumi:pulumi:Stack::scylla-ha-stack-prod: stack output `tier` is "gold"; expected one of development, staging, production');
  });

  it("exits 2 on input it cannot judge, naming the place", async () => {
    const b = awsEnvironment();
    const exp = () => b.toExport() as { version: number; deployment: { resources: Record<string, unknown>[] } };
    const at = (name: string) => exp().deployment.resources.findIndex((r) => typeof r.urn === "string" && r.urn.endsWith(`::${name}`));
    const cases: [unknown, string][] = [];
    cases.push([{ version: 3, deployment: { manifest: {}, resources: [] } }, "the stack holds no resources, so there is nothing to judge"]);
    cases.push([{ version: 3, deployment: {} }, "the stack holds no resources"]);
    const noDc = new GraphBuilderLike(exp()).drop((r) => r.type === "kubernetes:scylla.scylladb.com/v1:ScyllaCluster");
    cases.push([noDc, "but no ScyllaDB datacenter (no kubernetes:scylla.scylladb.com/v1:ScyllaCluster"]);
    const dup = exp();
    dup.deployment.resources.push({ ...dup.deployment.resources[at("prod-euw1-vpc")]! });
    cases.push([dup, `deployment.resources[${dup.deployment.resources.length - 1}].urn: urn:pulumi:prod::scylla-ha-stack::aws:ec2/vpc:Vpc::prod-euw1-vpc is also deployment.resources[${at("prod-euw1-vpc")}]; URNs are unique in a stack`]);
    const typed = exp();
    const i = at("prod-euw1-vpc");
    typed.deployment.resources[i] = { ...typed.deployment.resources[i]!, inputs: "10.0.0.0/16", outputs: [1], dependencies: "x", parent: 7 };
    cases.push([typed, `deployment.resources[${i}].inputs: got a string ("10.0.0.0/16"); expected an object`]);
    cases.push([typed, `deployment.resources[${i}].outputs: got an array; expected an object`]);
    cases.push([typed, `deployment.resources[${i}].dependencies: got a string ("x"); expected an array of URNs`]);
    cases.push([typed, `deployment.resources[${i}].parent: got a number (7); expected a string`]);
    // 20,000 levels: JSON.parse copes, a recursive walk would not.
    const deep = exp();
    let value: Record<string, unknown> = { leaf: 1 };
    for (let d = 0; d < 20_000; d++) value = { a: value };
    const j = at("prod-euw1-prometheus");
    deep.deployment.resources[j] = { ...deep.deployment.resources[j]!, inputs: { spec: value } };
    const deepText = `{"version":3,"deployment":{"resources":[${deep.deployment.resources.map((r, k) => (k === j ? `{"urn":${JSON.stringify(r.urn)},"type":${JSON.stringify(r.type)},"custom":true,"inputs":{"spec":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}}` : JSON.stringify(r))).join(",")}]}}`;
    cases.push([deepText, `deployment.resources[${j}]: nested deeper than 100 levels at props.spec.a.a.a.a.a …`]);
    for (const [doc, message] of cases) {
      const out = await runCheck(["--export", write(doc), "--format", "json"]);
      expect([out.code, out.stdout], message).toEqual([2, ""]);
      expect(out.stderr).toContain(message);
    }
  });

  it("a copy of dev under a new name exits 0 with the levels of its tier (synth → export → check)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "qa-"));
    const config = path.join(out, "Pulumi.qa.yaml");
    // A copy renames its environment (config validation refuses a name that is not the stack's); the tier stays development.
    fs.writeFileSync(config, fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8").replace(/^(\s+name:) dev$/m, "$1 qa"));
    const synth = await runCli(["synth", "--stack", "qa", "--config", config, "--out", out]);
    expect([synth.code, synth.stderr]).toEqual([0, expect.any(String)]);
    const { code, report, stderr } = await checkDoc(JSON.parse(fs.readFileSync(path.join(out, "qa.export.json"), "utf8")));
    expect([code, stderr]).toEqual([0, ""]);
    expect([report.stack, report.levels.tier, report.levels.tierFrom, report.levels.files]).toEqual(["qa", "development", "the stack's tier output", ["policies/levels/development.json"]]);
  }, 120_000);

  it("SARIF from an export of a committed environment points at its stack config; anything else at the export", async () => {
    const uri = async (doc: unknown) => {
      const file = write(doc);
      const out = await runCheck(["--export", file, "--format", "sarif"]);
      return [JSON.parse(out.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, file] as const;
    };
    expect((await uri(awsEnvironment("prod").remove("prod-use1-s3").toExport()))[0]).toBe("stacks/Pulumi.prod.yaml");
    const [qa, qaFile] = await uri(awsEnvironment("qa").remove("qa-use1-s3").toExport());
    expect(qa).toBe(path.relative(process.cwd(), qaFile));
    const [other, otherFile] = await uri(foreign(awsEnvironment("prod").remove("prod-use1-s3")));
    expect(other).toBe(path.relative(process.cwd(), otherFile));
  });

  it("applies --policy-config instead of the stack's file", async () => {
    const config = write({ all: "advisory" });
    const { code, report } = await checkJson(awsEnvironment().remove("prod-use1-s3"), "--policy-config", config);
    expect([code, report.violations[0].enforcementLevel]).toEqual([0, "advisory"]);
  });

  it.each([
    [["--export", "/nonexistent/export.json"], "check: cannot read stack export /nonexistent/export.json: ENOENT"],
    [["--export", "MALFORMED"], "is not JSON ("],
    [["--export", "NOT_EXPORT"], ": not a Pulumi stack export: `deployment` must be an object"],
    [["--export", "CLEAN", "--policy-config", "BAD_CONFIG"], "  - nope: no such policy (policies: nat-gateway-per-zone, "],
    [["--export", "CLEAN", "--policy-config", "BAD_CONFIG"], '  - scylla-raft-majority.minDatacenters: "three" is not an integer'],
    [["--export", "CLEAN", "--policy-config", "/nonexistent/p.json"], "check: cannot use policy config /nonexistent/p.json: ENOENT"],
    [["--stack", "prod", "--export", "x.json"], "check: give exactly one of --stack or --export"],
    [["--export", "CLEAN", "--format", "html"], "check: --format must be one of text, markdown, json, sarif (got html)"],
    [["--stack", "nope"], "check: unknown stack nope: the committed environments are dev, prod, staging"],
  ])("exits 2 on unusable input %j", async (argv, message) => {
    const files: Record<string, string> = {
      MALFORMED: write('{"version": 3, "deployment": {'),
      NOT_EXPORT: write({ version: 3, deployment: [] }),
      CLEAN: write(awsEnvironment().toExport()),
      BAD_CONFIG: write({ all: "mandatory", "scylla-raft-majority": { minDatacenters: "three" }, nope: "advisory" }),
    };
    const { code, stdout, stderr } = await runCheck(argv.map((a) => files[a] ?? a));
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toContain(message);
  });

  it("ships a level set per tier, and each committed environment's file pins its own tier as the minimum", () => {
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "policies", file), "utf8"));
    const levels = Object.fromEntries(TIERS.map((tier) => [tier, (resolvePackConfig(read(`levels/${tier}.json`), ALL_POLICIES, tier), read(`levels/${tier}.json`).all)]));
    expect(levels).toEqual({ development: "advisory", staging: "mandatory", production: "mandatory" });
    const pins = committedStacks().map((stack) => [stack, read(`${stack}.json`), (parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as Spec).config["scylla-ha-stack:environment"].tier]);
    expect(pins).toEqual([
      ["dev", { minimumTier: "development" }, "development"],
      ["prod", { minimumTier: "production" }, "production"],
      ["staging", { minimumTier: "staging" }, "staging"],
    ]);
  });

  it("exits 0 on the synth of every committed stack and renders the prod PR comment with its diagram", async () => {
    const cli = (...args: string[]) => runCli(["check", ...args]);
    const others = committedStacks().filter((s) => s !== "prod");
    const [prod, ...rest] = await Promise.all([cli("--stack", "prod", "--format", "markdown"), ...others.map((s) => cli("--stack", s, "--format", "json"))]);
    expect([prod, ...rest].map((r) => r!.code)).toEqual([0, ...others.map(() => 0)]);
    expect(prod!.stdout).toMatch(/^### ✅ \*\*prod\*\*: no policy violations \(\d+ resources checked\)/);
    expect(prod!.stdout).toContain("```mermaid\nflowchart TB\n");
    expect(prod!.stdout).toContain("Levels: tier production (policies/levels/production.json + policies/prod.json; the stack's tier output)");
    expect(rest.map((r) => JSON.parse(r.stdout)).map((r) => [r.stack, r.levels.tier, r.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")])).toEqual(others.map((s) => [s, s === "dev" ? "development" : "staging", []]));
  });
});
