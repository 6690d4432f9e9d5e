/**
 * Per-region Kubernetes manifests from recorded resources: every object whose
 * provider is a region's Kubernetes provider, as multi-document YAML.
 */
import { stringify } from "yaml";
import type { EnvironmentPlan } from "../../components/plan";
import type { RecordedResource } from "./recorded";

const KUBERNETES_OBJECT = /^kubernetes:([a-z0-9.-]+\/)?[a-zA-Z0-9]+:[A-Za-z0-9]+$/;

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Kubernetes objects by region key. A provider maps to a region through its `clusterIdentifier` (= the region's cluster name). */
export function manifestsByRegion(resources: readonly RecordedResource[], plan: EnvironmentPlan): Map<string, ManifestObject[]> {
  const regionOfCluster = new Map(plan.regions.map((r) => [r.clusterName, r.key]));
  const regionOfProvider = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== "pulumi:providers:kubernetes" || !r.id) continue;
    const key = regionOfCluster.get(String(r.inputs.clusterIdentifier ?? ""));
    if (key) regionOfProvider.set(`${r.urn}::${r.id}`, key);
  }
  const out = new Map<string, ManifestObject[]>(plan.regions.map((r) => [r.key, []]));
  for (const r of resources) {
    if (!r.custom || !KUBERNETES_OBJECT.test(r.type) || typeof r.inputs.kind !== "string") continue;
    // A `…Patch` resource is a partial object applied onto one something else created; it is not an object itself.
    if (r.type.endsWith("Patch")) continue;
    const key = r.provider ? regionOfProvider.get(r.provider) : undefined;
    if (key) out.get(key)!.push(r.inputs as ManifestObject);
  }
  return out;
}

export function toYamlDocuments(objects: readonly ManifestObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}
