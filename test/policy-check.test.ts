import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { resolvePackConfig } from "../policies/config";
import { ALL_POLICIES } from "../policies/rules/all";
import { committedStacks } from "../stacks/config";
import type { GraphBuilder } from "./helpers/graph-builder";
import { addOpsPool, movePool, onOpsPool } from "./helpers/failure-breakers";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
let files = 0;

function write(content: unknown): string {
  const file = path.join(dir, `f${files++}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function checkJson(b: GraphBuilder, ...extra: string[]) {
  const out = await runCheck(["--export", write(b.toExport()), "--format", "json", ...extra]);
  return { ...out, report: out.stdout ? JSON.parse(out.stdout) : undefined };
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
    expect({ ...report, failureDomains: report.failureDomains.length }).toEqual({ stack: "prod", resources: awsEnvironment().resources.length, violations: [], failureDomains: 24 });
    expect(Object.keys(report.failureDomains[0])).toEqual(["domain", "kind", "survives", "causes", "effects", "assumptions", "dependents"]);
    expect(report.failureDomains.filter((d: { survives: boolean }) => !d.survives)).toEqual([]);
  });

  it.each(Object.entries(BREAKERS))("exits 1 when %s is broken, naming the resource", async (policy, [build, name]) => {
    const b = build();
    const { code, report } = await checkJson(b);
    expect(code).toBe(1);
    expect(report.violations).toContainEqual(expect.objectContaining({ policy, enforcementLevel: "mandatory", urn: b.find(name).urn }));
  });

  it("uses the stack's own levels: dev is advisory, an unknown stack gets production levels", async () => {
    const dev = await checkJson(awsEnvironment("dev").remove("prod-use1-s3".replace("prod", "dev")));
    expect(dev.code).toBe(0);
    // Without the endpoint, backups go through NAT: each zone's NAT gateway now stops the DC's backups.
    expect(dev.report.violations.map((v: Record<string, string>) => [v.policy, v.enforcementLevel])).toEqual([
      ["s3-gateway-endpoint", "advisory"],
      ...["a", "b", "c"].map(() => ["single-failure-contained", "advisory"]),
    ]);
    const qa = await checkJson(awsEnvironment("qa").remove("qa-use1-s3"));
    expect([qa.code, qa.report.stack, qa.report.violations[0].enforcementLevel]).toEqual([1, "qa", "mandatory"]);
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
    [["--stack", "nope"], "check: no stack config stacks/Pulumi.nope.yaml for stack nope"],
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

  it("ships a config per committed environment: mandatory in prod and staging, advisory in dev", () => {
    const levels = Object.fromEntries(
      committedStacks().map((stack) => {
        const doc = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", `${stack}.json`), "utf8"));
        resolvePackConfig(doc, ALL_POLICIES, stack);
        return [stack, doc.all];
      }),
    );
    expect(levels).toEqual({ dev: "advisory", prod: "mandatory", staging: "mandatory" });
  });

  it("exits 0 on the synth of every committed stack and renders the prod PR comment with its diagram", async () => {
    const cli = (...args: string[]) => run(TSX, ["cli/check.ts", ...args], { cwd: ROOT });
    const others = committedStacks().filter((s) => s !== "prod");
    // execFile rejects on a non-zero exit, so resolving means exit 0.
    const [prod, ...rest] = await Promise.all([cli("--stack", "prod", "--format", "markdown"), ...others.map((s) => cli("--stack", s, "--format", "json"))]);
    expect(prod!.stdout).toMatch(/^### ✅ \*\*prod\*\*: no policy violations \(\d+ resources checked\)/);
    expect(prod!.stdout).toContain("```mermaid\nflowchart TB\n");
    expect(rest.map((r) => JSON.parse(r.stdout)).map((r) => [r.stack, r.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")])).toEqual(others.map((s) => [s, []]));
  });
});
