/**
 * The engine's `PolicyResource`s (a stack policy's `validateStack` args) →
 * the normalised graph. Props arrive wrapped in the engine's unknown-checking
 * proxy; this copy is the only place that reads them, and it reads every
 * value defensively: an unknown is dropped (or kept as `UNKNOWN` in an array)
 * instead of escaping as an `UnknownValueError`, which would make the engine
 * skip the whole policy at preview and downgrade it to advisory.
 */
import type { PolicyResource } from "@pulumi/policy";
// The same class `@pulumi/policy` exports (its index.js re-exports it from ./proxy, v1.21.0), taken
// from the module that defines it: proxy.js requires nothing, while the package index loads
// @pulumi/pulumi, which the offline `check --export` must never pay for.
// Its .d.ts is stripped (the class is @internal there), so the type comes from the package index.
const { UnknownValueError } = require("@pulumi/policy/proxy") as Pick<typeof import("@pulumi/policy"), "UnknownValueError">;
import { finish, normalizeValue } from "./load";
import { type GraphResource, UNKNOWN } from "./types";

export function fromPolicyResources(resources: readonly PolicyResource[]): GraphResource[] {
  return finish(
    resources.map((r) => {
      const provider = r.provider?.urn;
      return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        // The engine sends a provider reference for every custom resource and none for components.
        custom: provider !== undefined || r.type.startsWith("pulumi:providers:"),
        props: copyObject(r.props),
        ...(r.parent ? { parent: r.parent.urn } : {}),
        ...(provider ? { provider } : {}),
        dependencies: r.dependencies.map((d) => d.urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)])),
        protect: r.opts.protect === true,
      };
    }),
  );
}

const UNREADABLE = Symbol("unknown");

function read(container: object, key: string | number): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch (err) {
    if (err instanceof UnknownValueError) return UNREADABLE;
    throw err;
  }
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = read(value, i);
      out.push(v === UNREADABLE ? UNKNOWN : copy(v));
    }
    return out;
  }
  if (value === null || typeof value !== "object") return normalizeValue(value);
  return copyObject(value as Record<string, unknown>);
}

function copyObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const v = read(obj, key);
    if (v === UNREADABLE) continue;
    const c = copy(v);
    if (c === UNKNOWN || c === undefined) continue;
    out[key] = c;
  }
  return out;
}
