/**
 * Loaders for the offline inputs: a Pulumi stack export (`pulumi stack
 * export`, version 3, from the real engine or from `npm run synth`) and the
 * offline synth's recorded resources. Both end in the same normalised
 * `GraphResource` the engine loader (from-engine.ts) produces.
 */
import { type GraphResource, RESOURCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN, isUnknown } from "./types";

/** Input that is not a usable stack export; the message says why. */
export class StackExportError extends Error {}

/** What the offline synth records (structurally; policies import nothing from cli/). */
export interface RecordedLike {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

export function fromRecorded(resources: readonly RecordedLike[]): GraphResource[] {
  return finish(
    resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      props: mergeProps(r.inputs, r.outputs),
      ...(r.parent ? { parent: r.parent } : {}),
      ...providerField(r.provider),
      dependencies: [...r.dependencies],
      propertyDependencies: r.propertyDependencies,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
    })),
  );
}

/** Validates and loads a parsed stack export document. */
export function fromStackExport(doc: unknown): GraphResource[] {
  const resources = exportResources(doc);
  return finish(
    resources.map((r, i) => {
      const at = `deployment.resources[${i}]`;
      const urn = requireString(r.urn, `${at}.urn`);
      if (!urn.startsWith("urn:pulumi:")) throw new StackExportError(`${at}.urn: not a Pulumi URN (got ${JSON.stringify(urn)})`);
      return {
        urn,
        type: requireString(r.type, `${at}.type`),
        name: nameFromUrn(urn),
        custom: r.custom === true,
        props: mergeProps(asRecord(r.inputs), asRecord(r.outputs)),
        ...(typeof r.parent === "string" && r.parent ? { parent: r.parent } : {}),
        ...providerField(typeof r.provider === "string" ? r.provider : undefined),
        dependencies: stringArray(r.dependencies),
        propertyDependencies: Object.fromEntries(Object.entries(asRecord(r.propertyDependencies)).map(([k, v]) => [k, stringArray(v)])),
        protect: r.protect === true,
        retainOnDelete: r.retainOnDelete === true,
      };
    }),
  );
}

function exportResources(doc: unknown): Record<string, unknown>[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new StackExportError("not a Pulumi stack export: expected a JSON object with `version` and `deployment`");
  }
  const { version, deployment } = doc as { version?: unknown; deployment?: unknown };
  if (version !== 3) {
    throw new StackExportError(`not a Pulumi stack export: \`version\` is ${JSON.stringify(version)}; expected 3 (pulumi stack export)`);
  }
  if (typeof deployment !== "object" || deployment === null || Array.isArray(deployment)) {
    throw new StackExportError("not a Pulumi stack export: `deployment` must be an object");
  }
  const resources = (deployment as { resources?: unknown }).resources;
  if (resources === undefined || resources === null) return [];
  if (!Array.isArray(resources)) throw new StackExportError("not a Pulumi stack export: `deployment.resources` must be an array");
  return resources.map((r, i) => {
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new StackExportError(`deployment.resources[${i}]: must be an object`);
    return r as Record<string, unknown>;
  });
}

/** `urn:pulumi:<stack>::<project>::<type path>::<name>` → name. */
export function nameFromUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

/** The stack name of a URN (`urn:pulumi:<stack>::…`). */
export function stackFromUrn(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m?.[1];
}

/** Outputs overlaid on inputs: what the engine hands stack policies, with inputs filling what outputs lack. */
export function mergeProps(inputs: Record<string, unknown>, outputs: Record<string, unknown>): Record<string, unknown> {
  return normalizeObject({ ...inputs, ...outputs });
}

/**
 * State/wire values → plain data: secrets revealed (a `ciphertext` secret
 * counts as unknown), resource references collapsed to their id (or URN),
 * unknowns dropped from objects and kept as `UNKNOWN` inside arrays.
 */
export function normalizeValue(value: unknown): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const sig = obj[SIG_KEY];
  if (sig === SECRET_SIG) {
    if (typeof obj.plaintext === "string") {
      try {
        return normalizeValue(JSON.parse(obj.plaintext));
      } catch {
        return UNKNOWN;
      }
    }
    return "value" in obj ? normalizeValue(obj.value) : UNKNOWN;
  }
  if (sig === RESOURCE_SIG) return (typeof obj.id === "string" && obj.id) || obj.urn;
  return normalizeObject(obj);
}

function normalizeObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const n = normalizeValue(v);
    if (n === UNKNOWN || n === undefined) continue;
    out[k] = n;
  }
  return out;
}

/**
 * The last step of every loader: dependency lists keep only URNs of
 * resources in the graph (as the engine does), empty property-dependency
 * entries go (the engine never sends them), duplicates collapse.
 */
export function finish(resources: readonly GraphResource[]): GraphResource[] {
  const urns = new Set(resources.map((r) => r.urn));
  const keep = (list: readonly string[]) => [...new Set(list.filter((u) => urns.has(u)))];
  return resources.map((r) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(r.propertyDependencies)) {
      const deps = keep(v);
      if (deps.length > 0) propertyDependencies[k] = deps;
    }
    return { ...r, dependencies: keep(r.dependencies), propertyDependencies };
  });
}

/** `urn::id` → `{provider: urn}`; nothing for an empty reference. */
export function providerField(ref: string | undefined): { provider?: string } {
  if (!ref) return {};
  const at = ref.lastIndexOf("::");
  const urn = at > 0 && ref.slice(0, at).split("::").length >= 4 ? ref.slice(0, at) : ref;
  return { provider: urn };
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") throw new StackExportError(`${path}: missing (expected a string)`);
  return value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
