/**
 * Hand-built resource graphs for policy tests: resources in the stack export
 * shape (URN, type, inputs, provider `urn::id`, property dependencies…), with
 * helpers to break one thing at a time and to load the result through any of
 * the three loaders.
 */
import { unknownCheckingProxy, type PolicyResource } from "@pulumi/policy";
import { fromPolicyResources } from "../../policies/model/from-engine";
import { ResourceGraph } from "../../policies/model/graph";
import { type RecordedLike, fromRecorded, fromStackExport, nameFromUrn } from "../../policies/model/load";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policies/model/types";
import type { StackExportResource } from "../../cli/engine/export";

export interface Ref {
  readonly urn: string;
  readonly id: string;
  readonly name: string;
}

/** A resource as a stack export holds it: the same type the offline synth writes. */
export type ExportResource = StackExportResource;

export interface AddOptions {
  readonly provider?: Ref;
  /** Property → the resources its value came from. */
  readonly deps?: Record<string, readonly Ref[]>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly custom?: boolean;
}

/** Marks a value that is a secret in state (`{sig, plaintext}` in an export, plain to the engine). */
export class Secret {
  constructor(readonly value: unknown) {}
}

/** A value the engine does not know yet (preview). */
export const PREVIEW_UNKNOWN = Symbol("unknown");

export class GraphBuilder {
  readonly resources: ExportResource[] = [];
  readonly stackUrn: string;

  constructor(readonly stack = "prod", readonly project = "scylla-ha-stack") {
    this.stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    this.resources.push({ urn: this.stackUrn, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {}, dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false });
  }

  add(type: string, name: string, inputs: Record<string, unknown> = {}, opts: AddOptions = {}): Ref {
    const urn = `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
    if (this.resources.some((r) => r.urn === urn)) throw new Error(`duplicate ${urn}`);
    const custom = opts.custom ?? true;
    const deps = Object.fromEntries(Object.entries(opts.deps ?? {}).map(([k, v]) => [k, v.map((r) => r.urn)]));
    this.resources.push({
      urn,
      custom,
      ...(custom ? { id: `${name}-id` } : {}),
      type,
      inputs,
      outputs: inputs,
      parent: this.stackUrn,
      ...(opts.provider ? { provider: `${opts.provider.urn}::${opts.provider.id}` } : {}),
      dependencies: [...new Set(Object.values(deps).flat())],
      propertyDependencies: deps,
      protect: opts.protect ?? false,
      retainOnDelete: opts.retainOnDelete ?? false,
    });
    return { urn, id: `${name}-id`, name };
  }

  /** The resource named `name` (any type). */
  find(name: string): ExportResource {
    const found = this.resources.filter((r) => nameFromUrn(r.urn) === name);
    if (found.length !== 1) throw new Error(`${found.length} resources named ${name}`);
    return found[0]!;
  }

  ref(name: string): Ref {
    return { urn: this.find(name).urn, id: `${name}-id`, name };
  }

  /** Replaces a resource's inputs (and outputs) with what `edit` returns. */
  edit(name: string, edit: (inputs: Record<string, any>) => Record<string, unknown>): this {
    const r = this.find(name);
    r.inputs = edit(clone(r.inputs) as Record<string, any>);
    r.outputs = r.inputs;
    return this;
  }

  set(name: string, fields: Partial<Pick<ExportResource, "protect" | "retainOnDelete" | "provider">>): this {
    Object.assign(this.find(name), fields);
    return this;
  }

  remove(...names: string[]): this {
    for (const name of names) this.resources.splice(this.resources.indexOf(this.find(name)), 1);
    return this;
  }

  /** The stack export document, with secrets as `{sig, plaintext}` and unknowns dropped (as `pulumi stack export` and the synth write them). */
  toExport() {
    const resources = this.resources.map((r) => ({ ...r, inputs: toState(r.inputs), outputs: toState(r.outputs) }));
    return { version: 3, deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "test", version: "v3.248.0" }, resources } };
  }

  graph(): ResourceGraph {
    return new ResourceGraph(fromStackExport(JSON.parse(JSON.stringify(this.toExport()))));
  }

  /** The same resources as the offline synth records them. */
  toRecorded(): RecordedLike[] {
    return this.toExport().deployment.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: nameFromUrn(r.urn),
      custom: r.custom,
      ...(r.parent ? { parent: r.parent } : {}),
      provider: r.provider ?? "",
      inputs: r.inputs,
      outputs: r.outputs,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
    }));
  }

  graphFromRecorded(): ResourceGraph {
    return new ResourceGraph(fromRecorded(this.toRecorded()));
  }

  /**
   * The same resources as the engine hands a stack policy: outputs wrapped in
   * the unknown-checking proxy (unknowns as the engine's sentinels, secrets
   * revealed), parent, provider and dependencies as resource objects.
   */
  toPolicyResources(): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const out = this.resources.map((r) => {
      const props = unknownCheckingProxy(toEngine(r.outputs) as Record<string, unknown>) as Record<string, any>;
      const pr: PolicyResource = {
        type: r.type,
        props,
        urn: r.urn,
        name: nameFromUrn(r.urn),
        opts: { protect: r.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      };
      byUrn.set(r.urn, pr);
      return pr;
    });
    this.resources.forEach((r, i) => {
      const pr = out[i]! as { -readonly [K in keyof PolicyResource]: PolicyResource[K] };
      if (r.parent) pr.parent = byUrn.get(r.parent);
      if (r.provider) {
        const p = this.resources.find((x) => `${x.urn}::${x.id}` === r.provider)!;
        pr.provider = { type: p.type, urn: p.urn, name: nameFromUrn(p.urn), props: unknownCheckingProxy(toEngine(p.inputs) as Record<string, unknown>) as Record<string, any> };
      }
      pr.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => !!d);
      pr.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => !!d)]));
    });
    return out;
  }

  graphFromEngine(): ResourceGraph {
    return new ResourceGraph(fromPolicyResources(this.toPolicyResources()));
  }
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === "object" && !(value instanceof Secret)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

function toState(value: unknown): any {
  if (value instanceof Secret) return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(toState(value.value)) };
  if (value === PREVIEW_UNKNOWN) return UNKNOWN;
  if (Array.isArray(value)) return value.map(toState);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== PREVIEW_UNKNOWN).map(([k, v]) => [k, toState(v)]));
  }
  return value;
}

function toEngine(value: unknown): unknown {
  if (value instanceof Secret) return toEngine(value.value);
  if (value === PREVIEW_UNKNOWN) return UNKNOWN;
  if (Array.isArray(value)) return value.map(toEngine);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toEngine(v)]));
  return value;
}
