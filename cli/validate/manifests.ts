/**
 * Validates rendered Kubernetes objects: custom resources against the CRDs
 * of a directory, core objects against the Kubernetes schemas shipped in the
 * `kubernetes-models` package. Every violation names the object
 * (`Kind namespace/name`) and the JSON path inside it.
 */
import type { ErrorObject } from "ajv";
import { type CrdCatalog, loadCrdCatalog } from "./crds";

export interface ManifestObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
  readonly [field: string]: unknown;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  /** `Kind namespace/name` (`Kind name` when cluster-scoped). */
  readonly display: string;
}

export interface ManifestViolation {
  readonly object: ObjectRef;
  /** Path inside the object, e.g. `spec.datacenter.racks[0].members`; empty for the object itself. */
  readonly path: string;
  readonly message: string;
}

export interface ManifestReport {
  readonly violations: readonly ManifestViolation[];
  /** Objects validated against a schema. */
  readonly checked: number;
  /** Custom resources whose kind no CRD in the directory defines (not checked, not a violation). */
  readonly unchecked: readonly ObjectRef[];
}

export function formatViolation(v: ManifestViolation): string {
  return `${v.object.display}: ${v.path || "(object)"}: ${v.message}`;
}

/** Validates objects against the CRDs found in `crdDir`; returns every violation. */
export function validateManifests(objects: readonly ManifestObject[], crdDir: string): ManifestViolation[] {
  return [...validateObjects(objects, loadCrdCatalog(crdDir)).violations];
}

export function validateObjects(objects: readonly ManifestObject[], catalog: CrdCatalog): ManifestReport {
  const violations: ManifestViolation[] = [];
  const unchecked: ObjectRef[] = [];
  let checked = 0;
  for (const object of objects) {
    const ref = refOf(object);
    const at = (path: string, message: string) => violations.push({ object: ref, path, message });
    if (!ref.apiVersion || !ref.kind) {
      at("", "has no apiVersion or kind");
      continue;
    }
    if (typeof object.metadata?.name !== "string" || object.metadata.name === "") at("metadata.name", "is required");

    const crd = catalog.get(ref.apiVersion, ref.kind);
    if (crd) {
      checked++;
      if (!crd.validate(object)) for (const e of crd.validate.errors ?? []) at(...fromAjv(e));
      continue;
    }
    const model = coreModel(ref.apiVersion, ref.kind);
    if (model) {
      checked++;
      try {
        new model(object).validate();
      } catch (err) {
        const errors = (err as { errors?: ErrorObject[] }).errors;
        if (!errors) throw err;
        for (const e of errors) at(...fromAjv(e));
      }
      continue;
    }
    if (isCoreGroup(groupOf(ref.apiVersion))) at("", `${ref.apiVersion} ${ref.kind} is not a Kubernetes kind`);
    else unchecked.push(ref);
  }
  return { violations, checked, unchecked };
}

function refOf(object: ManifestObject): ObjectRef {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  const kind = typeof object.kind === "string" ? object.kind : "";
  const name = typeof object.metadata?.name === "string" ? object.metadata.name : undefined;
  const namespace = typeof object.metadata?.namespace === "string" ? object.metadata.namespace : undefined;
  const display = `${kind || "(no kind)"} ${namespace ? `${namespace}/` : ""}${name ?? "(no name)"}`;
  return { apiVersion, kind, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), display };
}

/** ajv's `/spec/racks/0/name` → `spec.racks[0].name`, plus the offending key for unknown fields. */
function fromAjv(e: ErrorObject): [string, string] {
  const segments = e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (e.keyword === "additionalProperties") {
    segments.push(String((e.params as { additionalProperty: string }).additionalProperty));
    return [joinPath(segments), "is not a field of this kind (the API server would drop it)"];
  }
  if (e.keyword === "required") {
    segments.push(String((e.params as { missingProperty: string }).missingProperty));
    return [joinPath(segments), "is required"];
  }
  const allowed = e.keyword === "enum" ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}` : "";
  return [joinPath(segments), `${e.message ?? e.keyword}${allowed}`];
}

function joinPath(segments: readonly string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i === 0 ? "" : "."}${s}`)).join("");
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
}

let loaded: Record<string, Record<string, Record<string, unknown>>> | undefined;

/**
 * The Kubernetes schemas, loaded on first use: the package takes ~0.5 s to
 * load, which every `check` without `--crds` would otherwise pay.
 */
function kubernetesModels(): Record<string, Record<string, Record<string, unknown>>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require("kubernetes-models") as Record<string, Record<string, Record<string, unknown>>>;
  return loaded;
}

/** API groups served by Kubernetes itself (`kubernetes-models` knows their schemas). */
function isCoreGroup(group: string): boolean {
  return group === "" || group === "apps" || group === "batch" || group === "policy" || group === "autoscaling" || group.endsWith(".k8s.io");
}

type ModelClass = new (data: unknown) => { validate(): void };

/** `apps/v1` + `Deployment` → the kubernetes-models class, by the package's export naming. */
function coreModel(apiVersion: string, kind: string): ModelClass | undefined {
  const group = groupOf(apiVersion);
  const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
  const all = kubernetesModels();
  const versions = group === "" ? { [version]: all[version] as unknown as Record<string, unknown> } : all[camel(group)];
  const candidate = versions?.[version]?.[kind];
  return typeof candidate === "function" ? (candidate as ModelClass) : undefined;
}

function camel(group: string): string {
  return group.split(/[.-]/).map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join("");
}
