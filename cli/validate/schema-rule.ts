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
import { byText } from "../../policies/model/text";

export const MANIFEST_SCHEMA_RULE = "kubernetes-manifest-schema";

/** Kubernetes objects of the graph (the same objects the synth writes to manifests). */
export function kubernetesObjects(graph: ResourceGraph): Array<{ urn: string; object: ManifestObject }> {
  return graph.resources
    .filter((r) => isKubernetesObject(r, r.props))
    .map((r) => ({ urn: r.urn, object: r.props as ManifestObject }));
}

/** What a `--crds` run validated: objects per kind checked against a schema, and kinds no schema covers. */
export class SchemaCoverage {
  readonly checked = new Map<string, number>();
  readonly unchecked = new Map<string, number>();

  add(kind: string, report: ReturnType<typeof validateObjects>): void {
    const into = report.checked > 0 ? this.checked : report.unchecked.length > 0 ? this.unchecked : undefined;
    if (into) into.set(kind, (into.get(kind) ?? 0) + 1);
  }

  /** One line: `validated 52 objects (ConfigMap 3, ScyllaCluster 3, …); not checked: none`. */
  summary(source: string): string {
    const list = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => byText(a, b)).map(([k, n]) => `${k} ${n}`).join(", ");
    const total = [...this.checked.values()].reduce((a, b) => a + b, 0);
    const missing = this.unchecked.size ? `${list(this.unchecked)} (no CRD in ${source} defines these kinds)` : "none";
    return `crds: validated ${total} object${total === 1 ? "" : "s"} against ${source} and the Kubernetes schemas (${list(this.checked) || "none"}); not checked: ${missing}`;
  }
}

export function manifestSchemaRule(catalog: CrdCatalog, source: string, coverage?: SchemaCoverage): ScyllaPolicy {
  return stackRule({
    name: MANIFEST_SCHEMA_RULE,
    description: `Every Kubernetes object validates against the CRDs in ${source} and the Kubernetes schemas.`,
    severity: "high",
    remediation:
      "Fix the field the message names so the object matches the schema the cluster enforces; the API server would reject it at deploy time.",
    *check(graph) {
      for (const { urn, object } of kubernetesObjects(graph)) {
        const report = validateObjects([object], catalog);
        coverage?.add(String(object.kind), report);
        for (const v of report.violations) yield { message: formatViolation(v), urn };
      }
    },
  });
}
