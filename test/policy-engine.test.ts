/**
 * The engine path end to end: the real policy pack (policies/index.ts) served
 * by @pulumi/policy's gRPC server, called the way the Pulumi CLI calls it
 * after a preview (AnalyzeStack with unknowns and secrets on the wire). Its
 * diagnostics must equal the offline runner's findings.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPackConfig } from "../policies/config";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../policies/model/types";
import { ALL_POLICIES } from "../policies/rules/all";
import { evaluate } from "../policies/runner";
import { type GraphBuilder, PREVIEW_UNKNOWN, Secret } from "./helpers/graph-builder";
import { awsEnvironment } from "./helpers/policy-env";

// The engine's wire types ship inside @pulumi/pulumi; load them from there.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromPulumi("@grpc/grpc-js");
const pb = fromPulumi("./proto/analyzer_pb");
const { AnalyzerClient } = fromPulumi("./proto/analyzer_grpc_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");

const ROOT = path.resolve(__dirname, "..");
let pack: ChildProcess;
let client: { analyzeStack(req: unknown, cb: (err: Error | null, res: any) => void): void; close(): void };

/** Wire form: unknowns as the engine's sentinel, secrets as `{sig, value}`. */
function wire(value: unknown): unknown {
  if (value instanceof Secret) return { [SIG_KEY]: SECRET_SIG, value: wire(value.value) };
  if (value === PREVIEW_UNKNOWN) return UNKNOWN;
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v)]));
  return value;
}

function analyzeStack(b: GraphBuilder): Promise<[string, string, string, number][]> {
  const req = new pb.AnalyzeStackRequest();
  for (const r of b.resources) {
    const res = new pb.AnalyzerResource();
    res.setType(r.type);
    res.setUrn(r.urn);
    res.setName(r.urn.split("::").slice(3).join("::"));
    res.setProperties(Struct.fromJavaScript(wire(r.outputs)));
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(r.protect);
    res.setOptions(opts);
    if (r.parent) res.setParent(r.parent);
    for (const d of r.dependencies) res.addDependencies(d);
    for (const [k, urns] of Object.entries(r.propertyDependencies)) {
      const deps = new pb.AnalyzerPropertyDependencies();
      for (const u of urns) deps.addUrns(u);
      res.getPropertydependenciesMap().set(k, deps);
    }
    if (r.provider) {
      const p = b.resources.find((x) => `${x.urn}::${x.id}` === r.provider)!;
      const provider = new pb.AnalyzerProviderResource();
      provider.setType(p.type);
      provider.setUrn(p.urn);
      provider.setName(p.urn.split("::").pop());
      provider.setProperties(Struct.fromJavaScript(wire(p.inputs)));
      res.setProvider(provider);
    }
    req.addResources(res);
  }
  return new Promise((resolve, reject) =>
    client.analyzeStack(req, (err, res) =>
      err ? reject(err) : resolve(res.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getMessage(), d.getUrn(), d.getEnforcementlevel()])),
    ),
  );
}

describe("the policy pack under the engine's gRPC server", () => {
  beforeAll(async () => {
    // Started from the pack's directory, as the Pulumi CLI does (it reads the version from policies/package.json).
    pack = spawn(process.execPath, ["--import", "tsx", "index.ts"], { cwd: path.join(ROOT, "policies"), stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let errors = "";
      pack.stderr!.on("data", (d) => (errors += String(d)));
      pack.stdout!.once("data", (d) => resolve(String(d).trim()));
      pack.once("exit", (code) => reject(new Error(`policy pack exited ${code}: ${errors}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    if (pack?.exitCode === null) {
      const exited = new Promise((resolve) => pack.once("exit", resolve));
      pack.kill();
      await exited;
    }
  });

  it("reports exactly the offline findings, as mandatory, on a preview graph with unknowns and secrets", async () => {
    const b = awsEnvironment();
    b.edit("prod-use1-s3", (i) => ({ ...i, routeTableIds: [PREVIEW_UNKNOWN, PREVIEW_UNKNOWN, PREVIEW_UNKNOWN] }));
    b.edit("prod-use1-backups-tls", (i) => ({ ...i, policy: PREVIEW_UNKNOWN }));
    b.edit("prod-euw1-eks", (i) => ({ ...i, encryptionConfig: { provider: { keyArn: PREVIEW_UNKNOWN } }, certificateAuthority: PREVIEW_UNKNOWN }));
    b.remove("prod-usw2-scylla-us-west-2b");
    const offline = evaluate(b.graph(), ALL_POLICIES, defaultPackConfig(ALL_POLICIES)).map((v) => [v.policy, v.message, v.urn]);
    const engine = await analyzeStack(b);
    // Without its pool, rack us-west-2b never runs, so losing either other zone of us-west-2 breaks LOCAL_QUORUM.
    expect(offline.map((o) => o[0])).toEqual(["eks-secrets-encryption", "scylla-rack-zone-served", "no-single-failure-loses-quorum", "no-single-failure-loses-quorum"]);
    // The server prefixes each message with the policy's description.
    const description = (name: string) => ALL_POLICIES.find((p) => p.name === name)!.description;
    expect(engine.map(([policy, message, urn]) => [policy, message.replace(`${description(policy)}\n`, ""), urn])).toEqual(offline);
    expect(engine.every((d) => d[3] === pb.EnforcementLevel.MANDATORY)).toBe(true);
  });

  it("v2 rules give the engine's answers too: capacity, reachability, exposure, Helm values, zone spread, production checklist", async () => {
    const b = awsEnvironment();
    // Ids the engine does not know at preview: rules link these by property dependencies only.
    b.edit("prod-use1-scylla-lt", (i) => ({ ...i, vpcSecurityGroupIds: [PREVIEW_UNKNOWN] }));
    b.edit("prod-usw2-use1-tcp-7000", (i) => ({ ...i, securityGroupId: PREVIEW_UNKNOWN }));
    b.edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 1 } }));
    b.remove("prod-euw1-usw2-tcp-19042");
    b.edit("prod-usw2-use1-tcp-9142", (i) => ({ ...i, cidrIpv4: "0.0.0.0/0" }));
    b.add("kubernetes:helm.sh/v3:Release", "prod-use1-cert-manager", { chart: "cert-manager", version: "v1.20.2", name: "cert-manager", namespace: "cert-manager", values: { replicaCount: PREVIEW_UNKNOWN } }, { provider: b.ref("prod-use1-k8s") });
    b.edit("prod-euw1-prometheus", (i) => ({ ...i, spec: { replicas: 2 } }));
    b.edit("prod-usw2-scylla", (i) => ({ ...i, spec: { ...i.spec, developerMode: true } }));
    const offline = evaluate(b.graph(), ALL_POLICIES, defaultPackConfig(ALL_POLICIES)).map((v) => [v.policy, v.message, v.urn]);
    expect(offline.map((o) => o[0])).toEqual(["dc-reachability", "data-ports-not-public", "scylla-rack-pool-size", "scylla-production-checklist", "helm-workloads-ha", "helm-workloads-ha", "helm-workloads-ha", "replicated-zone-spread"]);
    const engine = await analyzeStack(b);
    const description = (name: string) => ALL_POLICIES.find((p) => p.name === name)!.description;
    expect(engine.map(([policy, message, urn]) => [policy, message.replace(`${description(policy)}\n`, ""), urn])).toEqual(offline);
  });

  it("reports the deploy-path findings exactly as offline, with the cluster security group id unknown at preview", async () => {
    const b = awsEnvironment()
      .edit("prod-use1-eks", (i) => ({ ...i, vpcConfig: { ...i.vpcConfig, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, accessConfig: { authenticationMode: "API" } }))
      .remove("prod-usw2-api-deployer")
      .edit("prod-usw2-vpc-cni", (i) => ({ ...i, configurationValues: "{}" }))
      .edit("prod-euw1-system-lt", (i) => ({ ...i, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }));
    for (const rule of ["prod-euw1-api-deployer", "prod-euw1-icmp-use1", "prod-euw1-icmp-usw2"]) b.edit(rule, (i) => ({ ...i, securityGroupId: PREVIEW_UNKNOWN }));
    const offline = evaluate(b.graph(), ALL_POLICIES, defaultPackConfig(ALL_POLICIES)).map((v) => [v.policy, v.message, v.urn]);
    expect(offline.map((o) => o[0])).toEqual([
      "control-plane-not-public",
      "cluster-api-reachable",
      "cluster-access-declared",
      "peer-pod-traffic-intact",
      "network-policy-enforced",
      "imds-not-reachable-from-pods",
    ]);
    const description = (name: string) => ALL_POLICIES.find((p) => p.name === name)!.description;
    const engine = await analyzeStack(b);
    expect(engine.map(([policy, message, urn]) => [policy, message.replace(`${description(policy)}\n`, ""), urn])).toEqual(offline);
  });

  it("reports nothing on a clean graph: no policy is skipped for touching an unknown", async () => {
    const b = awsEnvironment();
    for (const name of ["prod-use1-vpc", "prod-use1-eks", "prod-use1-k8s", "prod-use1-scylla"]) b.edit(name, (i) => ({ ...i, arn: PREVIEW_UNKNOWN, id: PREVIEW_UNKNOWN, status: PREVIEW_UNKNOWN }));
    expect(await analyzeStack(b)).toEqual([]);
  });
});
