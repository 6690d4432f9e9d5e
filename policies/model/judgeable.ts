/**
 * What a graph must hold before a check's answer means anything. A check
 * that finds no violation in an empty export, or in a stack with no ScyllaDB
 * datacenter, has judged nothing: such input is refused (exit 2), never
 * passed.
 */
import type { ResourceGraph } from "./graph";
import { StackExportError } from "./load";
import { SCYLLA_CLUSTER, datacenters } from "./topology";

/** Input that loads but holds nothing the policies can judge. */
export class NothingToJudge extends StackExportError {}

export function assertJudgeable(graph: ResourceGraph): void {
  if (graph.resources.length === 0) {
    throw new NothingToJudge("the stack holds no resources, so there is nothing to judge (a stack that was never deployed exports none; check the stack name)");
  }
  if (datacenters(graph).length === 0) {
    throw new NothingToJudge(
      `the stack holds ${graph.resources.length} resources but no ScyllaDB datacenter (no ${SCYLLA_CLUSTER} outside Scylla Manager's own): it is not a scylla-ha-stack environment, so the policies cannot judge it`,
    );
  }
}
