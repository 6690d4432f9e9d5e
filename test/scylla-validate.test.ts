/** Schema checks of rendered manifests, against small inline CRDs (never ../shared). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CrdLoadError, formatViolation, loadCrdCatalog, toJsonSchema, validateManifests, validateObjects } from "../cli/validate";

const widgetCrd = (versions: object[]) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: { group: "example.com", scope: "Namespaced", names: { kind: "Widget", plural: "widgets" }, versions },
});

const widgetSchema = {
  type: "object",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      required: ["size"],
      properties: {
        size: { type: "integer", format: "int32", minimum: 1 },
        port: { "x-kubernetes-int-or-string": true },
        mode: { type: "string", enum: ["Fast", "Safe"] },
        note: { type: "string", nullable: true },
        labels: { type: "object", additionalProperties: { type: "string" } },
        extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        parts: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
      },
    },
  },
};

const gadgetList = {
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "gadgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Cluster",
        names: { kind: "Gadget", plural: "gadgets" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { on: { type: "boolean" } } } } } } }],
      },
    },
  ],
};

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
  const served = { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: widgetSchema } };
  const retired = { name: "v0", served: false, storage: false, schema: { openAPIV3Schema: widgetSchema } };
  // A multi-document file (with an unrelated object), a List as `kubectl get crd -o yaml` writes, a nested folder.
  fs.writeFileSync(path.join(dir, "widgets.yaml"), `${stringify(widgetCrd([served, retired]))}---\n${stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } })}`);
  fs.mkdirSync(path.join(dir, "more"));
  fs.writeFileSync(path.join(dir, "more", "export.yaml"), stringify(gadgetList));
  fs.writeFileSync(path.join(dir, "README.md"), "not a CRD");
});

const widget = (spec: object, metadata: object = { name: "w", namespace: "ns" }) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata, spec });

describe("CRD catalog", () => {
  it("loads served versions from multi-document files, Lists and subfolders", () => {
    const catalog = loadCrdCatalog(dir);
    expect([...catalog.entries.keys()].sort()).toEqual(["example.com/v1:Gadget", "example.com/v1:Widget"]);
    expect(catalog.get("example.com/v1", "Gadget")!.namespaced).toBe(false);
    expect(catalog.hasGroup("example.com")).toBe(true);
  });

  it("reports an unreadable directory", () => {
    expect(() => loadCrdCatalog(path.join(dir, "missing"))).toThrow(CrdLoadError);
  });

  it("turns Kubernetes schema extensions into JSON Schema", () => {
    expect(toJsonSchema({ "x-kubernetes-int-or-string": true })).toEqual({ anyOf: [{ type: "integer" }, { type: "string" }] });
    expect(toJsonSchema({ type: "string", nullable: true })).toEqual({ type: ["string", "null"] });
    expect(toJsonSchema({ type: "object", properties: { a: { type: "string" } } })).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: false,
    });
    expect(toJsonSchema({ type: "object", properties: {}, "x-kubernetes-preserve-unknown-fields": true })).toEqual({ type: "object", properties: {} });
  });
});

describe("validateManifests", () => {
  it("accepts a valid custom resource, including int-or-string, nullable and preserved fields", () => {
    const ok = widget({ size: 3, port: "http", mode: "Safe", note: null, labels: { a: "b" }, extra: { anything: [1] }, parts: [{ name: "p" }] });
    expect(validateManifests([ok, widget({ size: 1, port: 80 })], dir)).toEqual([]);
  });

  it("names the object and the JSON path of every violation", () => {
    const bad = widget({ size: 0, port: true, mode: "Turbo", labels: { a: 1 }, parts: [{ name: "p", colour: "red" }], typo: 1 });
    expect(validateManifests([bad], dir).map(formatViolation)).toEqual([
      "Widget ns/w: spec.typo: is not a field of this kind (the API server would drop it)",
      "Widget ns/w: spec.size: must be >= 1",
      "Widget ns/w: spec.port: must be integer",
      "Widget ns/w: spec.port: must be string",
      "Widget ns/w: spec.port: must match a schema in anyOf",
      'Widget ns/w: spec.mode: must be equal to one of the allowed values: "Fast", "Safe"',
      "Widget ns/w: spec.labels.a: must be string",
      "Widget ns/w: spec.parts[0].colour: is not a field of this kind (the API server would drop it)",
    ]);
  });

  it("reports missing required fields and names", () => {
    const [v1, v2] = validateManifests([widget({}, {})], dir);
    expect([v1!.object.display, v1!.path, v1!.message]).toEqual(["Widget (no name)", "metadata.name", "is required"]);
    expect([v2!.path, v2!.message]).toEqual(["spec.size", "is required"]);
  });

  it("ignores versions that are no longer served", () => {
    const report = validateObjects([{ apiVersion: "example.com/v0", kind: "Widget", metadata: { name: "old" }, spec: {} }], loadCrdCatalog(dir));
    expect(report.violations).toEqual([]);
    expect(report.unchecked.map((o) => o.display)).toEqual(["Widget old"]);
  });

  it("validates core objects against the Kubernetes schemas", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { replicas: "2", template: {} } };
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "ns" }, data: { k: "v" } };
    const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "p", namespace: "ns" }, spec: { maxUnavailable: "50%" } };
    const report = validateObjects([deployment, configMap, pdb, { apiVersion: "v1", kind: "Gizmo", metadata: { name: "g" } }], loadCrdCatalog(dir));
    expect(report.violations.map(formatViolation)).toEqual([
      "Deployment ns/d: spec.selector: is required",
      "Deployment ns/d: spec.replicas: must be integer",
      "Gizmo g: (object): v1 Gizmo is not a Kubernetes kind",
    ]);
    expect(report.checked).toBe(3);
  });

  it("lists custom resources no CRD describes as unchecked, not as violations", () => {
    const report = validateObjects([{ apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: { name: "p", namespace: "m" } }], loadCrdCatalog(dir));
    expect(report.violations).toEqual([]);
    expect(report.unchecked).toEqual([{ apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", name: "p", namespace: "m", display: "Prometheus m/p" }]);
  });
});
