import { beforeAll, describe, expect, it } from "vitest";
import { toStackExport } from "../cli/engine/export";
import { encryptSecrets } from "../cli/engine/secrets";
import { defaultPackConfig } from "../policies/config";
import { ResourceGraph } from "../policies/model/graph";
import { StackExportError, fromRecorded, fromStackExport } from "../policies/model/load";
import { UNKNOWN } from "../policies/model/types";
import { ALL_POLICIES } from "../policies/rules/all";
import { evaluate } from "../policies/runner";
import { GraphBuilder, PREVIEW_UNKNOWN, Secret } from "./helpers/graph-builder";
import { synthStack } from "./helpers/harness";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

/** A prod environment with preview unknowns and secrets in it, and one broken invariant (no NAT in us-east-1b). */
function previewEnvironment(): GraphBuilder {
  const b = awsEnvironment();
  b.edit("prod-use1-s3", (i) => ({ ...i, routeTableIds: [PREVIEW_UNKNOWN, PREVIEW_UNKNOWN, PREVIEW_UNKNOWN], policy: PREVIEW_UNKNOWN }));
  b.edit("prod-use1-nat-us-east-1a", (i) => ({ ...i, allocationId: PREVIEW_UNKNOWN, tags: { owner: new Secret("ops") } }));
  b.remove("prod-use1-nat-us-east-1b", "prod-use1-private-us-east-1b-default");
  return b;
}

const withoutRetain = (g: ResourceGraph) => g.resources.map(({ retainOnDelete: _r, ...rest }) => rest);

describe("resource-graph loaders", () => {
  it("give identical models for the same resources (the engine does not expose retainOnDelete)", () => {
    const b = previewEnvironment();
    const fromExport = b.graph();
    const fromSynth = b.graphFromRecorded();
    const fromEngine = b.graphFromEngine();
    expect(fromSynth.resources).toEqual(fromExport.resources);
    expect(withoutRetain(fromEngine)).toEqual(withoutRetain(fromExport));
    expect(fromEngine.resources.every((r) => r.retainOnDelete === undefined)).toBe(true);
    expect(fromExport.get(b.find("prod-use1-s3").urn)!.props.routeTableIds).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
    expect(fromExport.get(b.find("prod-use1-s3").urn)!.props).not.toHaveProperty("policy");
    expect(fromEngine.get(b.find("prod-use1-nat-us-east-1a").urn)!.props).toEqual({ subnetId: "prod-use1-public-us-east-1a-id", tags: { owner: "ops" } });
  });

  it("give the same answers: the engine's validateStack reports exactly what the offline runner does, touching no unknown", () => {
    const b = previewEnvironment();
    const offline = evaluate(b.graph(), ALL_POLICIES, defaultPackConfig(ALL_POLICIES)).map((v) => [v.policy, v.message, v.urn]);
    const engine: string[][] = [];
    const resources = b.toPolicyResources();
    for (const policy of ALL_POLICIES) {
      policy.validateStack({ resources, stackTags: new Map(), getConfig: <T>() => ({}) as T, notApplicable: () => { throw new Error("n/a"); } }, (message, urn) => engine.push([policy.name, message, urn ?? ""]));
    }
    expect(offline.length).toBeGreaterThan(0);
    expect(engine).toEqual(offline);
    expect(offline.map((v) => v[0])).toContain("nat-gateway-per-zone");
  });

  it("resolve regions through providers, per-resource region overrides and kubeconfig links", () => {
    const b = awsEnvironment();
    b.add("aws:s3/bucket:Bucket", "elsewhere", { region: "ap-southeast-1" }, { provider: b.ref("prod-use1-aws") });
    const g = b.graph();
    const at = (name: string) => g.regionOf(g.get(b.find(name).urn)!);
    expect(at("prod-usw2-private-us-west-2a")).toBe("us-west-2");
    expect(at("prod-usw2-k8s")).toBe("us-west-2");
    expect(at("prod-euw1-scylla")).toBe("eu-west-1");
    expect(at("elsewhere")).toBe("ap-southeast-1");
    expect(g.clusterOf(g.get(b.find("prod-euw1-scylla").urn)!)!.urn).toBe(b.find("prod-euw1-eks").urn);
    expect(g.cloudOf(g.get(b.find("prod-euw1-scylla").urn)!)).toBe("aws");
    const gcp = gcpEnvironment().graph();
    expect(gcp.regionOf(gcp.resources.find((r) => r.type === "kubernetes:scylla.scylladb.com/v1:ScyllaCluster")!)).toBe("us-central1");
    expect(gcp.regionOf(gcp.resources.find((r) => r.type === "gcp:storage/bucket:Bucket")!)).toBe("nam4");
    expect(g.stack).toBe("prod");
  });

  it("reveals plaintext secrets, treats ciphertext as unknown, and recognises default providers", () => {
    const doc = new GraphBuilder("qa").toExport();
    const provider = "urn:pulumi:qa::scylla-ha-stack::pulumi:providers:aws::default_7_48_0";
    doc.deployment.resources.push(
      { urn: provider, custom: true, type: "pulumi:providers:aws", inputs: {}, outputs: {}, dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false } as never,
      {
        urn: "urn:pulumi:qa::scylla-ha-stack::aws:s3/bucket:Bucket::b",
        custom: true,
        type: "aws:s3/bucket:Bucket",
        inputs: { a: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '{"x":1}' }, c: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "AAAA" } },
        outputs: {},
        provider: `${provider}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
        dependencies: [],
        propertyDependencies: { bucket: [] },
        protect: false,
        retainOnDelete: false,
      } as never,
    );
    const g = new ResourceGraph(fromStackExport(doc));
    const bucket = g.get("urn:pulumi:qa::scylla-ha-stack::aws:s3/bucket:Bucket::b")!;
    expect(bucket.props).toEqual({ a: { x: 1 } });
    expect(bucket.provider).toBe(provider);
    expect(bucket.propertyDependencies).toEqual({});
    expect(g.usesDefaultProvider(bucket)).toBe(true);
  });

  it.each([
    [[], "not a Pulumi stack export: expected a JSON object with `version` and `deployment`"],
    [{ version: 1, deployment: {} }, "not a Pulumi stack export: `version` is 1; expected 3 (pulumi stack export)"],
    [{ version: 3 }, "not a Pulumi stack export: `deployment` must be an object"],
    [{ version: 3, deployment: { resources: {} } }, "not a Pulumi stack export: `deployment.resources` must be an array"],
    [{ version: 3, deployment: { resources: [{ type: "x" }] } }, "deployment.resources[0].urn: missing (expected a string)"],
    [{ version: 3, deployment: { resources: [{ urn: "bucket", type: "x" }] } }, 'deployment.resources[0].urn: not a Pulumi URN (got "bucket")'],
  ])("rejects %j as a stack export", (doc, message) => {
    expect(() => fromStackExport(doc)).toThrow(StackExportError);
    // Problems with resources are listed together, one line each.
    expect(() => fromStackExport(doc)).toThrow(message.startsWith("deployment.resources[") ? `not a stack export the check can judge:\n  - ${message}` : message);
  });

  it("lists every problem of every resource in one error", () => {
    const doc = { version: 3, deployment: { resources: [{ urn: "urn:pulumi:s::p::t::a", type: "t", inputs: [] }, { urn: "urn:pulumi:s::p::t::a", type: "t", protect: "yes" }] } };
    expect(() => fromStackExport(doc)).toThrow(
      new StackExportError(
        "not a stack export the check can judge:\n  - deployment.resources[0].inputs: got an array; expected an object\n  - deployment.resources[1].urn: urn:pulumi:s::p::t::a is also deployment.resources[0]; URNs are unique in a stack\n  - deployment.resources[1].protect: got a string (\"yes\"); expected a boolean",
      ),
    );
  });
});

describe("the offline synth through the model", () => {
  let recorded: Awaited<ReturnType<typeof synthStack>>["resources"];
  beforeAll(async () => {
    recorded = (await synthStack("prod")).resources;
  });

  it("loads identically from the recorded resources and from their stack export, but for the secrets the export withholds", () => {
    // The export, like `pulumi stack export`, carries ciphertext for secrets: the model reads them as unknown.
    const withheld = recorded.map((r) => ({ ...r, inputs: encryptSecrets(r.inputs) as Record<string, unknown>, outputs: encryptSecrets(r.outputs) as Record<string, unknown> }));
    const a = new ResourceGraph(fromRecorded(withheld));
    const b = new ResourceGraph(fromStackExport(JSON.parse(JSON.stringify(toStackExport(recorded)))));
    expect(a.resources).toEqual(b.resources);
    expect(a.stack).toBe("prod");
    const providers = a.ofType("pulumi:providers:aws").map((p) => a.regionOf(p));
    expect(providers).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    // In memory the model still reads the secret's real shape (the --crds check validates it).
    const agent = new ResourceGraph(fromRecorded(recorded)).resources.find((r) => r.type === "kubernetes:core/v1:Secret" && (r.props.metadata as { name?: string }).name === "scylla-agent-config")!;
    expect(Object.keys(agent.props.stringData as object)).toEqual(["scylla-manager-agent.yaml"]);
    expect(b.resources.find((r) => r.urn === agent.urn)!.props.stringData).toBeUndefined();
  });
});
