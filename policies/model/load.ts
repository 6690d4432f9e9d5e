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
      props: propsOf(r),
      ...(r.parent ? { parent: r.parent } : {}),
      ...providerField(r.provider),
      dependencies: [...r.dependencies],
      propertyDependencies: r.propertyDependencies,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
    })),
  );
}

function propsOf(r: RecordedLike): Record<string, unknown> {
  try {
    return mergeProps(r.inputs, r.outputs);
  } catch (err) {
    if (err instanceof TooDeep) throw new TooDeep(`${r.urn}: ${err.message}`);
    throw err;
  }
}

/**
 * Validates and loads a parsed stack export document. Everything the check
 * cannot judge is refused in one error listing every problem with its place:
 * a field of the wrong type, a URN twice, nesting deeper than MAX_DEPTH.
 */
export function fromStackExport(doc: unknown): GraphResource[] {
  const resources = exportResources(doc);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const out: GraphResource[] = [];
  resources.forEach((r, i) => {
    const at = `deployment.resources[${i}]`;
    const before = problems.length;
    const urn = typeof r.urn === "string" ? r.urn : "";
    if (!urn) problems.push(`${at}.urn: missing (expected a string)`);
    else if (!urn.startsWith("urn:pulumi:")) problems.push(`${at}.urn: not a Pulumi URN (got ${JSON.stringify(urn)})`);
    else if (seen.has(urn)) problems.push(`${at}.urn: ${urn} is also deployment.resources[${seen.get(urn)}]; URNs are unique in a stack`);
    else seen.set(urn, i);
    if (typeof r.type !== "string" || r.type === "") problems.push(`${at}.type: missing (expected a string)`);
    for (const key of ["inputs", "outputs", "propertyDependencies"] as const) expectType(r[key], "object", `${at}.${key}`, problems);
    for (const key of ["parent", "provider", "id"] as const) expectType(r[key], "string", `${at}.${key}`, problems);
    for (const key of ["custom", "protect", "retainOnDelete", "delete", "external"] as const) expectType(r[key], "boolean", `${at}.${key}`, problems);
    expectStrings(r.dependencies, `${at}.dependencies`, problems);
    for (const [k, v] of Object.entries(asRecord(r.propertyDependencies))) expectStrings(v, `${at}.propertyDependencies.${k}`, problems);
    if (problems.length > before) return;
    let props: Record<string, unknown>;
    try {
      props = mergeProps(asRecord(r.inputs), asRecord(r.outputs));
    } catch (err) {
      if (!(err instanceof TooDeep)) throw err;
      problems.push(`${at}: ${err.message}`);
      return;
    }
    out.push({
      urn,
      type: r.type as string,
      name: nameFromUrn(urn),
      custom: r.custom === true,
      props,
      ...(typeof r.parent === "string" && r.parent ? { parent: r.parent } : {}),
      ...providerField(typeof r.provider === "string" ? r.provider : undefined),
      dependencies: stringArray(r.dependencies),
      propertyDependencies: Object.fromEntries(Object.entries(asRecord(r.propertyDependencies)).map(([k, v]) => [k, stringArray(v)])),
      protect: r.protect === true,
      retainOnDelete: r.retainOnDelete === true,
    });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length > MAX_PROBLEMS ? `\n  … and ${problems.length - MAX_PROBLEMS} more` : "";
    throw new StackExportError(`not a stack export the check can judge:\n  - ${shown.join("\n  - ")}${more}`);
  }
  return finish(out);
}

/** Problems listed in one error before the rest are counted. */
const MAX_PROBLEMS = 50;

/**
 * Deepest nesting of a resource's inputs or outputs the loader accepts. Real
 * state is shallow (a Kubernetes object's deepest fields are ~15 levels, Helm
 * values a few more); the bound keeps every recursive reader — the
 * normaliser, the rules, JSON.stringify — far from the stack limit.
 */
export const MAX_DEPTH = 100;

/** Nesting past MAX_DEPTH; the message names the path to the deep value. */
export class TooDeep extends StackExportError {}

function expectType(value: unknown, type: "object" | "string" | "boolean", path: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  const ok = type === "object" ? typeof value === "object" && !Array.isArray(value) : typeof value === type;
  if (!ok) problems.push(`${path}: ${describe(value)}; expected ${type === "object" ? "an object" : `a ${type}`}`);
}

function expectStrings(value: unknown, path: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) problems.push(`${path}: ${describe(value)}; expected an array of URNs`);
  else {
    const bad = value.findIndex((v) => typeof v !== "string");
    if (bad >= 0) problems.push(`${path}[${bad}]: ${describe(value[bad])}; expected a URN string`);
  }
}

function describe(value: unknown): string {
  const kind = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
  const text = JSON.stringify(value) ?? String(value);
  return `got ${kind}${typeof value === "object" ? "" : ` (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`}`;
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

/** The project of a URN (`urn:pulumi:<stack>::<project>::…`). */
export function projectFromUrn(urn: string): string | undefined {
  return urn.split("::")[1] || undefined;
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
 * Throws TooDeep past MAX_DEPTH levels, naming the path.
 */
export function normalizeValue(value: unknown): unknown {
  return normalizeAt(value, []);
}

function normalizeAt(value: unknown, path: (string | number)[]): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (value === null || typeof value !== "object") return value;
  if (path.length >= MAX_DEPTH) throw new TooDeep(`nested deeper than ${MAX_DEPTH} levels at ${pathText(path)}; no real resource nests this deep`);
  if (Array.isArray(value)) return value.map((v, i) => descend(v, path, i));
  const obj = value as Record<string, unknown>;
  const sig = obj[SIG_KEY];
  if (sig === SECRET_SIG) {
    if (typeof obj.plaintext === "string") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(obj.plaintext);
      } catch {
        return UNKNOWN;
      }
      return normalizeAt(parsed, path);
    }
    return "value" in obj ? normalizeAt(obj.value, path) : UNKNOWN;
  }
  if (sig === RESOURCE_SIG) return (typeof obj.id === "string" && obj.id) || obj.urn;
  return normalizeObject(obj, path);
}

function descend(value: unknown, path: (string | number)[], key: string | number): unknown {
  path.push(key);
  try {
    return normalizeAt(value, path);
  } finally {
    path.pop();
  }
}

function pathText(path: readonly (string | number)[]): string {
  const parts = path.map((k) => (typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`));
  const shown = parts.length > 12 ? [...parts.slice(0, 6), ` …${parts.length - 10} levels… `, ...parts.slice(-4)] : parts;
  return `props${shown.join("")}`;
}

function normalizeObject(obj: Record<string, unknown>, path: (string | number)[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const n = descend(v, path, k);
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

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
