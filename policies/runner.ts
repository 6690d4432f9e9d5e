/**
 * The offline runner: every policy over one graph at the levels an
 * environment's config sets. The engine path runs the same `check` through
 * each policy's `validateStack`.
 */
import type { PackConfig } from "./config";
import type { ResourceGraph } from "./model/graph";
import type { Severity } from "./rule";
import type { ScyllaPolicy } from "./rule";

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity: Severity;
  readonly message: string;
  /** The resource at fault (the stack's root resource for stack-wide findings). */
  readonly urn: string;
}

export function evaluate(graph: ResourceGraph, policies: readonly ScyllaPolicy[], config: PackConfig): Violation[] {
  const out: Violation[] = [];
  for (const policy of policies) {
    const resolved = config.get(policy.name) ?? { level: policy.enforcementLevel, settings: {} };
    if (resolved.level === "disabled") continue;
    // Stack policies cannot remediate; the engine treats `remediate` as mandatory.
    const enforcementLevel = resolved.level === "advisory" ? "advisory" : "mandatory";
    for (const f of policy.check(graph, resolved.settings)) {
      out.push({ policy: policy.name, enforcementLevel, severity: policy.severity, message: f.message, urn: f.urn ?? graph.rootUrn ?? "" });
    }
  }
  return out;
}
