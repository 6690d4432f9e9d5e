/**
 * The offline runner: every policy over one graph at the levels an
 * environment's config sets. The engine path runs the same `check` through
 * each policy's `validateStack`.
 */
import type { PackConfig } from "./config";
import type { ResourceGraph } from "./model/graph";
import { isDegraded, lostDatacenters } from "./model/lost";
import type { Severity } from "./rule";
import type { ScyllaPolicy } from "./rule";

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity: Severity;
  readonly message: string;
  /** The resource at fault (the stack's root resource for stack-wide findings). */
  readonly urn: string;
  /** Explained by a region declared lost: reported at advisory whatever the rule's level. */
  readonly degraded?: true;
}

export function evaluate(graph: ResourceGraph, policies: readonly ScyllaPolicy[], config: PackConfig): Violation[] {
  const out: Violation[] = [];
  const lost = lostDatacenters(graph);
  for (const policy of policies) {
    const resolved = config.get(policy.name) ?? { level: policy.enforcementLevel, settings: {} };
    if (resolved.level === "disabled") continue;
    // Stack policies cannot remediate; the engine treats `remediate` as mandatory.
    const enforcementLevel = resolved.level === "advisory" ? "advisory" : "mandatory";
    for (const f of policy.check(graph, resolved.settings)) {
      const degraded = isDegraded(lost, policy.name, f.message);
      out.push({
        policy: policy.name,
        enforcementLevel: degraded ? "advisory" : enforcementLevel,
        severity: policy.severity,
        message: degraded ? `degraded (datacenter ${lost.join(", ")} declared lost, docs/runbooks/region-loss.md): ${f.message}` : f.message,
        urn: f.urn ?? graph.rootUrn ?? "",
        ...(degraded ? { degraded: true as const } : {}),
      });
    }
  }
  return out;
}
