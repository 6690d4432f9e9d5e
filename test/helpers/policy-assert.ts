/** Runs one policy over a hand-built graph: each finding as `[resource name, message]`. */
import { nameFromUrn } from "../../policies/model/load";
import type { ScyllaPolicy } from "../../policies/rule";
import type { GraphBuilder } from "./graph-builder";

export function findings(b: GraphBuilder, policy: ScyllaPolicy, config: Record<string, unknown> = {}): [string, string][] {
  return policy.check(b.graph(), config).map((f) => [f.urn ? nameFromUrn(f.urn) : "(stack)", f.message]);
}
