/**
 * Edits of a deep copy of what the offline synth recorded, for "break one
 * thing in a real stack" tests: change a resource's inputs (outputs follow),
 * re-point a property at other resources, add a resource next to another.
 */
import type { RecordedResource } from "../../cli/engine/recorded";

type Mutable = { -readonly [K in keyof RecordedResource]: RecordedResource[K] } & {
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  propertyDependencies: Record<string, string[]>;
  dependencies: string[];
};

export class RecordedEdit {
  readonly resources: Mutable[];

  constructor(source: readonly RecordedResource[]) {
    this.resources = structuredClone(source) as Mutable[];
  }

  find(name: string, type?: string): Mutable {
    const found = this.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1) throw new Error(`${found.length} recorded resources named ${name}${type ? ` of type ${type}` : ""}`);
    return found[0]!;
  }

  /** Replaces top-level inputs with what `edit` returns; outputs carry the same values. */
  edit(name: string, edit: (inputs: Record<string, any>) => Record<string, any>, type?: string): this {
    const r = this.find(name, type);
    const next = edit(structuredClone(r.inputs));
    for (const [k, v] of Object.entries(next)) if (r.inputs[k] !== v) r.outputs[k] = v;
    r.inputs = next;
    return this;
  }

  /** Sets a property to `value` and records that it was computed from the named resources. */
  link(name: string, prop: string, targets: readonly string[], value: unknown, type?: string): this {
    this.edit(name, (i) => ({ ...i, [prop]: value }), type);
    const r = this.find(name, type);
    r.propertyDependencies = { ...r.propertyDependencies, [prop]: targets.map((t) => this.find(t).urn) };
    r.dependencies = [...new Set(Object.values(r.propertyDependencies).flat())];
    return this;
  }

  /** A copy of `name` called `newName` (same type, parent and provider), edited. */
  copy(name: string, newName: string, edit: (inputs: Record<string, any>) => Record<string, any>, type?: string): this {
    const source = this.find(name, type);
    const copy = structuredClone(source);
    copy.urn = `${source.urn.slice(0, source.urn.lastIndexOf("::"))}::${newName}`;
    copy.name = newName;
    if (copy.id !== undefined) copy.id = `${newName}-id`;
    this.resources.push(copy);
    return this.edit(newName, edit, type);
  }

  /** A new custom resource of `type`, on the provider named `provider`. */
  add(type: string, name: string, provider: string, inputs: Record<string, unknown>, deps: Record<string, readonly string[]> = {}): this {
    const p = this.find(provider);
    const propertyDependencies = Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.map((t) => this.find(t).urn)]));
    this.resources.push({
      urn: `${p.urn.split("::").slice(0, 2).join("::")}::${type}::${name}`,
      type,
      name,
      custom: true,
      id: `${name}-id`,
      provider: `${p.urn}::${p.id}`,
      inputs: structuredClone(inputs) as Record<string, any>,
      outputs: structuredClone(inputs) as Record<string, any>,
      dependencies: [...new Set(Object.values(propertyDependencies).flat())],
      propertyDependencies,
      protect: true,
      retainOnDelete: true,
      replaceOnChanges: [],
      ignoreChanges: [],
      deleteBeforeReplace: false,
    });
    return this;
  }
}
