/** `npm run check -- --crds <dir>`: rendered objects against CRD schemas (inline CRDs, never ../shared). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { toStackExport } from "../cli/engine/export";
import { synthStack } from "./helpers/harness";

/** A ScyllaCluster CRD reduced to the fields this test breaks: racks need integer members ≥ 0. */
const scyllaClusterCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "scyllaclusters.scylla.scylladb.com" },
  spec: {
    group: "scylla.scylladb.com",
    scope: "Namespaced",
    names: { kind: "ScyllaCluster", plural: "scyllaclusters" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              apiVersion: { type: "string" },
              kind: { type: "string" },
              metadata: { type: "object" },
              spec: {
                type: "object",
                "x-kubernetes-preserve-unknown-fields": true,
                properties: {
                  datacenter: {
                    type: "object",
                    "x-kubernetes-preserve-unknown-fields": true,
                    properties: {
                      racks: {
                        type: "array",
                        items: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { members: { type: "integer", minimum: 0 } } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

describe("check --crds", () => {
  let dir: string;
  let exported: ReturnType<typeof toStackExport>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
    fs.writeFileSync(path.join(dir, "scyllaclusters.yaml"), stringify(scyllaClusterCrd));
    exported = toStackExport((await synthStack("dev")).resources);
  }, 60_000);

  const check = (doc: unknown, ...extra: string[]) => {
    const file = path.join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    return runCheck(["--export", file, "--format", "json", "--policy-config", "policies/dev.json", ...extra]);
  };

  it("passes the rendered dev stack", async () => {
    const out = await check(exported, "--crds", dir);
    expect(out.code).toBe(0);
    // What it validated, per kind, and the custom resources no CRD of the directory covers.
    const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(out.stderr).toMatch(new RegExp(`^crds: validated \\d+ objects against ${escaped} and the Kubernetes schemas \\(.*\\bConfigMap \\d+, .*\\bScyllaCluster \\d+\\b.*\\); not checked: .*\\bNodeConfig 1\\b.* \\(no CRD in ${escaped} defines these kinds\\)\\n$`));
    expect(JSON.parse(out.stdout).violations.filter((v: { policy: string }) => v.policy === "kubernetes-manifest-schema")).toEqual([]);
  });

  it("names the object and JSON path of a custom resource that does not validate, and exits 1", async () => {
    const broken = structuredClone(exported);
    const cluster = broken.deployment.resources.find(
      (r) => r.type === "kubernetes:scylla.scylladb.com/v1:ScyllaCluster" && (r.inputs.metadata as { namespace: string }).namespace === "scylla",
    )!;
    const racks = (cluster.inputs.spec as { datacenter: { racks: Array<{ members: unknown }> } }).datacenter.racks;
    racks[1]!.members = "two";
    (cluster.outputs.spec as { datacenter: { racks: Array<{ members: unknown }> } }).datacenter.racks[1]!.members = "two";
    const out = await check(broken, "--crds", dir);
    expect(out.code).toBe(1);
    const violations = JSON.parse(out.stdout).violations.filter((v: { policy: string }) => v.policy === "kubernetes-manifest-schema");
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ enforcementLevel: "mandatory", urn: cluster.urn });
    expect(violations[0].message).toMatch(/^ScyllaCluster scylla\/scylla: spec\.datacenter\.racks\[1\]\.members: /);
  });

  it("validates core objects against the Kubernetes schemas", async () => {
    const broken = structuredClone(exported);
    const service = broken.deployment.resources.find((r) => r.type === "kubernetes:core/v1:Service")!;
    for (const side of [service.inputs, service.outputs]) (side.spec as { ports: Array<{ port: unknown }> }).ports[0]!.port = "http";
    const out = await check(broken, "--crds", dir);
    expect(out.code).toBe(1);
    const messages = JSON.parse(out.stdout).violations.map((v: { message: string }) => v.message);
    expect(messages.some((m: string) => /^Service .+: spec\.ports\[0\]\.port: /.test(m))).toBe(true);
  });

  it("exits 2 when the directory holds no CRDs", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-crds-"));
    const out = await check(exported, "--crds", empty);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`--crds ${empty}`);
  });
});
