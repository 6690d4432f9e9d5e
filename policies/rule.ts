/**
 * A rule is a plain `StackValidationPolicy` plus a `check` over the resource
 * graph. The engine calls `validateStack`, which loads the graph from its
 * `PolicyResource`s; the offline check loads the graph from a stack export or
 * the synth and calls `runRule` — the same code, so the same answers.
 */
import type { EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy } from "@pulumi/policy";
import { fromPolicyResources } from "./model/from-engine";
import { ResourceGraph } from "./model/graph";
import { isDegraded, lostDatacenters } from "./model/lost";

export type { EnforcementLevel, Severity };

/** One violation: what is wrong with which resource, and what is allowed. */
export interface Finding {
  readonly message: string;
  /** The resource at fault; the stack itself when absent. */
  readonly urn?: string;
}

export interface RuleSpec<C extends object> {
  /** Kebab-case, unique; the key in `policies/<env>.json`. */
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** How to fix a violation, in a sentence or two. */
  readonly remediation: string;
  /** @default "mandatory" — strict unless an environment's config relaxes it. */
  readonly enforcementLevel?: EnforcementLevel;
  /** Settings an environment may tune; each property's `default` is the production value. */
  readonly configSchema?: PolicyConfigSchema;
  readonly check: (graph: ResourceGraph, config: C) => Iterable<Finding>;
}

export interface ScyllaPolicy extends StackValidationPolicy {
  readonly remediationSteps: string;
  readonly severity: Severity;
  readonly enforcementLevel: EnforcementLevel;
  /** The rule body, shared by the engine and the offline check. */
  readonly check: (graph: ResourceGraph, rawConfig: Record<string, unknown>) => Finding[];
}

export function stackRule<C extends object = Record<string, never>>(spec: RuleSpec<C>): ScyllaPolicy {
  const check = (graph: ResourceGraph, rawConfig: Record<string, unknown>): Finding[] => {
    const config = { ...defaultsOf(spec.configSchema), ...rawConfig } as C;
    // A rule that reaches one problem along two paths reports it once, in the engine and offline alike.
    const seen = new Set<string>();
    return [...spec.check(graph, config)].filter((f) => {
      const key = `${f.urn ?? ""}\n${f.message}`;
      return !seen.has(key) && (seen.add(key), true);
    });
  };
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    remediationSteps: spec.remediation,
    enforcementLevel: spec.enforcementLevel ?? "mandatory",
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    validateStack: (args, reportViolation) => {
      const graph = new ResourceGraph(fromPolicyResources(args.resources));
      const lost = lostDatacenters(graph);
      // The engine takes one level per policy, so a finding the declared loss explains is left to
      // the offline check (which reports it as advisory) instead of failing the update that heals.
      for (const f of check(graph, args.getConfig<Record<string, unknown>>())) {
        if (!isDegraded(lost, spec.name, f.message)) reportViolation(f.message, f.urn);
      }
    },
    check,
  };
}

export function defaultsOf(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema?.properties ?? {})) {
    const d = (v as { default?: unknown }).default;
    if (d !== undefined) out[k] = d;
  }
  return out;
}

/** `a, b and c` for messages. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Alternatives, any one of which is meant: `a`, `either a or b`, `any one of a, b or c`. */
export function either(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  const alternatives = `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
  return items.length === 2 ? `either ${alternatives}` : `any one of ${alternatives}`;
}
