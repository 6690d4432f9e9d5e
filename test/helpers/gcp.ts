/** Assertion helpers shared by the GCP tests. */
import type { RecordedResource } from "./harness";
import { byUrn } from "./harness";

/** Types the GCP layer registers (cloud resources, providers, its components), with their counts. */
export function gcpLayerCounts(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) {
    if (/^(gcp:|scylla-ha:gcp:|pulumi:providers:(gcp|kubernetes)$)/.test(r.type)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The `scylla-ha:gcp:Region` component a resource sits under, if any. */
export function gcpRegionOf(resources: readonly RecordedResource[], resource: RecordedResource): RecordedResource | undefined {
  let parent = resource.parent;
  while (parent) {
    const p = byUrn(resources, parent);
    if (p.type === "scylla-ha:gcp:Region") return p;
    parent = p.parent;
  }
  return undefined;
}

/** Scylla pools are recognised by their node label, as the policies do. */
export function isScyllaPool(r: RecordedResource): boolean {
  const labels = (r.inputs.nodeConfig as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  return r.type === "gcp:container/nodePool:NodePool" && labels["scylla.scylladb.com/node-type"] === "scylla";
}
