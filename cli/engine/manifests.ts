/**
 * Per-region Kubernetes manifests from recorded resources: every object whose
 * provider is a region's Kubernetes provider, as multi-document YAML.
 */
import { stringify } from "yaml";
import type { EnvironmentPlan } from "../../components/plan";
import { type RecordedResource, UNKNOWN } from "./recorded";
import { isSecretEnvelope, redactSecrets } from "./secrets";

const KUBERNETES_TYPE = /^kubernetes:([a-z0-9.-]+\/)?v[a-z0-9]+:[A-Za-z0-9]+$/;

/**
 * A resource that is a whole Kubernetes object: `kubernetes:<group>/<version>:<Kind>` carrying a
 * `kind`. A `…Patch` resource is a partial object applied onto one something else created, and a
 * Helm release carries no `kind`; neither is an object itself.
 */
export function isKubernetesObject(r: { readonly custom: boolean; readonly type: string }, body: Readonly<Record<string, unknown>>): boolean {
  return r.custom && KUBERNETES_TYPE.test(r.type) && !r.type.endsWith("Patch") && typeof body.kind === "string";
}

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
    if (!isKubernetesObject(r, r.inputs)) continue;
    const key = r.provider ? regionOfProvider.get(r.provider) : undefined;
    if (key) out.get(key)!.push(r.inputs as ManifestObject);
  }
  return out;
}

/** How a value the cloud computes at deploy time (unknown at preview) reads in a manifest. */
export const COMPUTED_AT_DEPLOY = "<computed at deploy>";

export function toYamlDocuments(objects: readonly ManifestObject[]): string {
  return objects.map((o) => stringify(readable(o), { lineWidth: 0 })).join("---\n");
}

/** Unknowns as a marker; secrets with their keys and `REDACTED` values (a Secret keeps `username`/`password`). */
function readable(value: unknown): unknown {
  if (value === UNKNOWN) return COMPUTED_AT_DEPLOY;
  if (isSecretEnvelope(value)) return readable(redactSecrets(value));
  if (Array.isArray(value)) return value.map(readable);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v)]));
  return value;
}
