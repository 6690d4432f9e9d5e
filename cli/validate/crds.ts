/**
 * Loads CustomResourceDefinitions from a directory of YAML (one CRD per file,
 * multi-document files, or `kind: List` as `kubectl get crd -o yaml` writes)
 * and compiles the openAPIV3Schema of every served version with ajv.
 *
 * Kubernetes structural schemas differ from plain JSON Schema in a few ways
 * this file bridges: `x-kubernetes-int-or-string`, `nullable`, and unknown
 * fields — which the API server silently prunes, so they are reported here as
 * violations (a misspelt field would otherwise vanish without a trace) unless
 * the schema keeps them (`x-kubernetes-preserve-unknown-fields`,
 * `additionalProperties`). CEL rules (`x-kubernetes-validations`) and list
 * semantics are not evaluated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

export class CrdLoadError extends Error {
  override name = "CrdLoadError";
}

export interface CrdEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly validate: ValidateFunction;
}

/** Compiled schemas by `group/version:Kind`. */
export class CrdCatalog {
  constructor(readonly entries: ReadonlyMap<string, CrdEntry>) {}

  get(apiVersion: string, kind: string): CrdEntry | undefined {
    return this.entries.get(`${apiVersion}:${kind}`);
  }

  /** Whether any CRD in the catalog defines the API group. */
  hasGroup(group: string): boolean {
    return [...this.entries.values()].some((e) => e.group === group);
  }
}

type Schema = Record<string, unknown>;

const KUBERNETES_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "password", "quantity"];

export function loadCrdCatalog(dir: string): CrdCatalog {
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (err) {
    throw new CrdLoadError(`cannot read CRD directory ${dir}: ${(err as Error).message}`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of KUBERNETES_FORMATS) ajv.addFormat(f, true);

  const entries = new Map<string, CrdEntry>();
  for (const file of files) {
    for (const crd of crdsIn(file)) {
      const spec = (crd.spec ?? {}) as Schema;
      const group = String(spec.group ?? "");
      const kind = String((spec.names as Schema | undefined)?.kind ?? "");
      const namespaced = spec.scope !== "Cluster";
      for (const v of (spec.versions as Schema[] | undefined) ?? []) {
        if (v.served === false) continue;
        const schema = (v.schema as Schema | undefined)?.openAPIV3Schema as Schema | undefined;
        if (!schema) continue;
        const version = String(v.name);
        let validate: ValidateFunction;
        try {
          validate = ajv.compile(toJsonSchema(schema));
        } catch (err) {
          throw new CrdLoadError(`${file}: cannot compile the schema of ${group}/${version} ${kind}: ${(err as Error).message}`);
        }
        entries.set(`${group}/${version}:${kind}`, { group, version, kind, namespaced, validate });
      }
    }
  }
  return new CrdCatalog(entries);
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return listFiles(full);
      return /\.(ya?ml|json)$/.test(e.name) ? [full] : [];
    })
    .sort();
}

function crdsIn(file: string): Schema[] {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  const out: Schema[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new CrdLoadError(`${file}: not valid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Schema | null;
    const items = value?.kind === "List" ? ((value.items as Schema[] | undefined) ?? []) : value ? [value] : [];
    out.push(...items.filter((i) => i.kind === "CustomResourceDefinition"));
  }
  return out;
}

/** A Kubernetes structural schema as standard JSON Schema (draft 7) for ajv. */
export function toJsonSchema(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v as Schema)]));
    } else if ((key === "items" || key === "additionalProperties" || key === "not") && isObject(value)) {
      out[key] = toJsonSchema(value);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((v) => toJsonSchema(v as Schema));
    } else if (!key.startsWith("x-kubernetes-") && key !== "nullable") {
      out[key] = value;
    }
  }
  if (node["x-kubernetes-int-or-string"] === true && !out.anyOf) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  const keepsUnknown = node["x-kubernetes-preserve-unknown-fields"] === true || "additionalProperties" in node;
  if (isObject(node.properties) && !keepsUnknown) out.additionalProperties = false;
  return out;
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
