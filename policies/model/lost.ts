/**
 * A region declared \`lost\` is degraded on purpose: its DC is gone and the
 * update heals the survivors. The keyspaces ConfigMap every surviving region
 * writes lists the lost DCs; findings the loss itself explains (anything that
 * names a lost DC, and every redundancy finding while one is lost) are then
 * reported as degraded — advisory, not mandatory.
 */
import type { ResourceGraph } from "./graph";
import { rec } from "./graph";
import { k8sObjects, metaOf } from "./topology";

export const LOST_DATACENTERS = { name: "scylla-ha-keyspaces", namespace: "scylla", key: "lost-datacenters.json" } as const;

/** Rules whose findings are about redundancy: with a DC lost, the environment is short of it by declaration. */
const REDUNDANCY_RULES = new Set(["no-single-failure-loses-quorum", "single-failure-contained"]);

export function lostDatacenters(graph: ResourceGraph): string[] {
  const out = new Set<string>();
  for (const cm of k8sObjects(graph, "core", "ConfigMap")) {
    const meta = metaOf(cm);
    if (meta.name !== LOST_DATACENTERS.name || meta.namespace !== LOST_DATACENTERS.namespace) continue;
    const text = rec(cm.props.data)[LOST_DATACENTERS.key];
    if (typeof text !== "string") continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) for (const dc of parsed) if (typeof dc === "string") out.add(dc);
    } catch {
      // Not ours to judge here: the keyspaces rule reports an unusable ConfigMap.
    }
  }
  return [...out].sort();
}

/** Whether a finding of \`policy\` is explained by the declared loss of \`lost\` DCs. */
export function isDegraded(lost: readonly string[], policy: string, message: string): boolean {
  if (lost.length === 0) return false;
  return REDUNDANCY_RULES.has(policy) || lost.some((dc) => message.includes(dc));
}
