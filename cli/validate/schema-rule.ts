/**
 * `check --crds <dir>`: every Kubernetes object of the stack validated against
 * the CRDs of a directory (custom resources) and the Kubernetes schemas (core
 * objects). Built at run time from the directory, so it is a rule of the
 * offline check only — under the real engine the API server validates.
 */
import type { ResourceGraph } from "../../policies/model/graph";
import { isKubernetesObject } from "../engine/manifests";
import { type ScyllaPolicy, stackRule } from "../../policies/rule";
import type { CrdCatalog } from "./crds";
import { type ManifestObject, formatViolation, validateObjects } from "./manifests";

export const MANIFEST_SCHEMA_RULE = "kubernetes-manifest-schema";

/** Kubernetes objects of the graph (the same objects the synth writes to manifests). */
export function kubernetesObjects(graph: ResourceGraph): Array<{ urn: string; object: ManifestObject }> {
  return graph.resources
    .filter((r) => isKubernetesObject(r, r.props))
    .map((r) => ({ urn: r.urn, object: r.props as ManifestObject }));
}

export function manifestSchemaRule(catalog: CrdCatalog, source: string): ScyllaPolicy {
  return stackRule({
    name: MANIFEST_SCHEMA_RULE,
    description: `Every Kubernetes object validates against the CRDs in ${source} and the Kubernetes schemas.`,
    severity: "high",
    remediation:
      "Fix the field the message names so the object matches the schema the cluster enforces; the API server would reject it at deploy time.",
    *check(graph) {
      for (const { urn, object } of kubernetesObjects(graph)) {
        for (const v of validateObjects([object], catalog).violations) yield { message: formatViolation(v), urn };
      }
    },
  });
}
