import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as aws from "@pulumi/aws";
import { toStackExport } from "../cli/engine/export";
import { manifestsByRegion, toYamlDocuments } from "../cli/engine/manifests";
import { MockEngine } from "../cli/engine/mock-engine";
import { synthesize } from "../cli/engine/synthesize";
import { committedStacks, readStackConfigFile, stackConfigPath } from "../stacks/config";
import { ConfigError } from "../stacks/validate";
import { environment, threeAwsRegions } from "./helpers/fixtures";
import { runCli } from "./helpers/cli";
import { mockEngine, ofType, providerOf, synthStack } from "./helpers/harness";

const ROOT = path.resolve(__dirname, "..");

describe("offline synth", () => {
  it.each(committedStacks())("synthesises %s with an explicit provider on every custom resource", async (stack) => {
    const result = await synthStack(stack);
    // Reads (the StackReference the rollout guard uses) are served by the engine itself and take no provider.
    const custom = result.resources.filter((r) => r.custom && !r.external && !r.type.startsWith("pulumi:providers:"));
    for (const r of custom) expect(r.provider, r.urn).toMatch(/^urn:pulumi:.+::.+$/);
    expect(result.resources[0]!.type).toBe("pulumi:pulumi:Stack");
    expect(result.resources.filter((r) => r.type === "scylla-ha:index:Environment").map((r) => r.name)).toEqual([stack]);
  });

  it("creates one provider per region, for that region", async () => {
    const result = await synthStack("prod");
    const providers = ofType(result.resources, "pulumi:providers:aws");
    expect(providers.map((p) => [p.name, p.inputs.region])).toEqual([
      ["prod-use1-aws", "us-east-1"],
      ["prod-usw2-aws", "us-west-2"],
      ["prod-euw1-aws", "us-east-1".replace("us-east-1", "eu-west-1")],
    ]);
    for (const p of providers) expect(p.parent).toMatch(/scylla-ha:aws:Region::prod-/);
  });

  it("writes the stack export format with parents, providers and dependencies", async () => {
    const result = await synthStack("staging");
    const exported = toStackExport(result.resources);
    expect(exported.version).toBe(3);
    const provider = exported.deployment.resources.find((r) => r.urn.endsWith("pulumi:providers:gcp::staging-usc1-gcp"))!;
    expect(provider).toMatchObject({ custom: true, id: "staging-usc1-gcp-id", protect: false, retainOnDelete: false });
    expect(provider.inputs).toMatchObject({ project: "scylla-ha-staging", region: "us-central1" });
    for (const r of exported.deployment.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["urn", "custom", "type", "inputs", "outputs", "dependencies", "propertyDependencies", "protect", "retainOnDelete"]));
    }
  });

  it("captures the program's warnings instead of printing them: prod has none of its secrets set", async () => {
    const result = await synthStack("prod");
    const keys = ["agentAuthToken", "cqlSuperuserPassword", "cqlManagerPassword", "cqlReplicationPassword", "alertWebhookUrl"];
    expect(result.warnings.map((w) => w.slice(0, w.indexOf(":")))).toEqual(keys);
    expect(result.warnings[0]).toContain("pulumi config set --secret scylla-ha-stack:agentAuthToken");
    const flat = { ...readStackConfigFile(stackConfigPath("prod")), ...Object.fromEntries(keys.map((k) => [`scylla-ha-stack:${k}`, `${k}-value`])) };
    const withSecrets = await synthesize({ stack: "prod", config: flat, strict: true, captureStacks: false, echoWarnings: false });
    expect(withSecrets.warnings).toEqual([]);
  });

  it("serves a committed stack from the run's shared synth, equal to synthesizing it here", async () => {
    const shared = await synthStack("dev");
    const here = await synthesize({ stack: "dev", strict: true, preview: true, captureStacks: false, echoWarnings: false });
    expect(shared).toEqual(JSON.parse(JSON.stringify(here)));
    // Each call is a copy of its own: a test that edits its result cannot change another's.
    (shared.resources[0]!.inputs as Record<string, unknown>).edited = true;
    expect((await synthStack("dev")).resources[0]!.inputs).not.toHaveProperty("edited");
  });

  it("records a custom resource on a default provider so the policies can flag it", async () => {
    const engine = new MockEngine({ project: "p", stack: "s", preview: true, strict: false });
    engine.install();
    new aws.s3.Bucket("orphan");
    await engine.settle();
    expect(engine.resources.find((r) => r.name === "orphan")!.provider).toBe("");
    expect(toStackExport(engine.resources).deployment.resources[0]).not.toHaveProperty("provider");
  });

  it("rejects bad config before any resource is registered", async () => {
    const bad = environment([threeAwsRegions()[0], { ...threeAwsRegions()[1], cidr: "10.0.0.0/17" }]);
    await expect(synthStack("prod", bad)).rejects.toBeInstanceOf(ConfigError);
  });

  it("the CLI exits 2 naming the field for overlapping CIDRs and writes nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
    const config = path.join(dir, "Pulumi.bad.yaml");
    const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(config, prod.replace("cidr: 10.1.0.0/16", "cidr: 10.0.128.0/17"));
    const out = path.join(dir, "out");
    const failure = await runCli(["synth", "--stack", "prod", "--config", config, "--out", out]);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain("regions[1].cidr: overlaps regions[0].cidr (10.0.0.0/16)");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("the CLI writes the export and one manifest file per region", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
    const { code, stdout } = await runCli(["synth", "--stack", "prod", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^synth prod: \d+ resources/);
    const exported = JSON.parse(fs.readFileSync(path.join(out, "prod.export.json"), "utf8"));
    expect(exported.version).toBe(3);
    expect(fs.readdirSync(path.join(out, "prod", "manifests")).sort()).toEqual(["eu-west-1.yaml", "us-east-1.yaml", "us-west-2.yaml"]);
  });

  it("the CLI exits 2 on a missing flag", async () => {
    const failure = await runCli(["synth", "--stack", "prod"]);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain("--stack and --out are required");
  });
});

describe("strict harness", () => {
  it("fails on a duplicate type::name", async () => {
    const rec = mockEngine();
    const provider = new aws.Provider("p", { region: "us-east-1" });
    new aws.s3.Bucket("same", {}, { provider });
    new aws.s3.Bucket("same", {}, { provider });
    await expect(rec.settle()).rejects.toThrow("duplicate resource aws:s3/bucket:Bucket::same");
  });

  it("fails on a default provider", async () => {
    const rec = mockEngine();
    new aws.s3.Bucket("implicit");
    await expect(rec.settle()).rejects.toThrow("aws:s3/bucket:Bucket::implicit uses a default provider");
  });

  it("waits for resources whose inputs depend on other outputs", async () => {
    const rec = mockEngine();
    const provider = new aws.Provider("p2", { region: "us-west-2" });
    const bucket = new aws.s3.Bucket("b", {}, { provider });
    new aws.s3.BucketVersioning("v", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { provider });
    const resources = await rec.settle();
    const versioning = resources.find((r) => r.name === "v")!;
    expect(versioning.inputs.bucket).toBe("b-id");
    expect(versioning.propertyDependencies.bucket).toEqual([resources.find((r) => r.name === "b")!.urn]);
    expect(providerOf(resources, versioning).name).toBe("p2");
  });

  it("answers zone look-ups per provider region and rejects unknown invokes", async () => {
    const rec = mockEngine();
    const west = new aws.Provider("west", { region: "us-west-2" });
    const zones = await aws.getAvailabilityZones({}, { provider: west });
    expect(zones.names).toEqual(["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]);
    await expect(aws.ec2.getVpc({}, { provider: west })).rejects.toBeDefined();
    await expect(rec.settle()).rejects.toThrow("no fixture for invoke aws:ec2/getVpc:getVpc");
  });
});

describe("manifests", () => {
  it("show values computed at deploy time as a readable marker, not the engine's sentinel", async () => {
    const result = await synthStack("prod");
    const yaml = toYamlDocuments(manifestsByRegion(result.resources, result.plan).get("usw2")!);
    expect(yaml).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect(yaml).toMatch(/externalSeeds:\n\s+- <computed at deploy>\n\s+- <computed at deploy>/);
  });
});
