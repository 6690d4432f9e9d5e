/**
 * Replicated platform workloads, wherever they come from: Deployments a Helm
 * release renders (judged from its values over the pinned chart's defaults),
 * Prometheus and Alertmanager servers, StatefulSets, and Scylla Manager's
 * own database. Two replicas in one zone are one replica for a zone failure,
 * so each must spread over zones by a hard rule the scheduler enforces.
 */
import { type ResourceGraph, arr, num, rec } from "../model/graph";
import { type HelmWorkload, helmWorkloads } from "../model/helm";
import { LABELS, SCYLLA_CLUSTER, isManagerBackingCluster, k8sObjects, metaOf } from "../model/topology";
import type { GraphResource } from "../model/types";
import { spreadsOverZones } from "../failure/placement";
import { type Finding, stackRule } from "../rule";
import { sameCluster } from "./scylla";
import { PLATFORM_NAMESPACES } from "./scylla-cluster";

/** Does a PDB allow at least one disruption of `replicas` pods? */
function allowsDisruption(pdb: GraphResource, replicas: number): boolean {
  const spec = rec(pdb.props.spec);
  const maxUnavailable = spec.maxUnavailable;
  if (maxUnavailable === 0 || maxUnavailable === "0" || maxUnavailable === "0%") return false;
  if (spec.minAvailable === "100%") return false;
  const min = num(spec.minAvailable);
  return min === undefined || min < replicas;
}

function pdbsSelecting(graph: ResourceGraph, anchor: GraphResource, namespace: string, labels: Readonly<Record<string, unknown>>): GraphResource[] {
  return k8sObjects(graph, "policy", "PodDisruptionBudget").filter((p) => {
    const selector = Object.entries(rec(rec(rec(p.props.spec).selector).matchLabels));
    return metaOf(p).namespace === namespace && sameCluster(graph, p, anchor) && selector.length > 0 && selector.every(([k, v]) => labels[k] === v);
  });
}

const spreadFix = `a topologySpreadConstraint on ${LABELS.zone} with whenUnsatisfiable: DoNotSchedule (or required pod anti-affinity on that key)`;

function* judgeHelm(graph: ResourceGraph, w: HelmWorkload, minReplicas: number): Iterable<Finding> {
  if (w.singleton) {
    if (w.replicas !== 1) yield { urn: w.release.urn, message: `${w.what} runs ${w.replicas} replicas, but this controller has no leader election and must run exactly one; a zone loss is survived by rescheduling it: set replicas to 1` };
    return;
  }
  if (w.replicas < minReplicas) {
    yield { urn: w.release.urn, message: `${w.what} runs ${w.replicas} replica(s) (from the release values over the ${w.source}); run at least ${minReplicas} so one lost node or zone does not stop it: set the chart's replica value` };
  }
  if (w.replicas >= 2 && !spreadsOverZones(w.podSpec)) {
    yield { urn: w.release.urn, message: `${w.what} has no hard zone spread in its values (or a DeploymentPatch), so its ${w.replicas} replicas may share a zone; add ${spreadFix}` };
  }
  if (w.replicas >= 2 && !w.chartPdb) {
    const pdbs = pdbsSelecting(graph, w.release, w.namespace, w.podLabels);
    if (pdbs.length === 0) yield { urn: w.release.urn, message: `${w.what} has no PodDisruptionBudget: the chart renders none with these values and no PDB in ${w.namespace} selects its pods, so a drain may evict every replica at once; enable the chart's PDB or add one with maxUnavailable: 1` };
    for (const p of pdbs.filter((x) => !allowsDisruption(x, w.replicas))) {
      yield { urn: p.urn, message: `PodDisruptionBudget ${metaOf(p).namespace}/${metaOf(p).name ?? p.name} for ${w.what} allows no disruption of its ${w.replicas} replicas, so node drains block; allow at least one` };
    }
  }
}

export const helmWorkloadsHa = stackRule<{ minReplicas: number }>({
  name: "helm-workloads-ha",
  description: "Controllers installed from Helm charts or release bundles (scylla-operator, its webhook, cert-manager, prometheus-operator) run enough replicas, spread over zones, with a PodDisruptionBudget — judged from the release values over the pinned chart's documented defaults.",
  severity: "high",
  remediation: `In the release values set the replica count ≥ 2 and ${spreadFix}, and enable the chart's PodDisruptionBudget (or create one selecting the pods); a controller without leader election stays at one replica.`,
  configSchema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2 } } },
  *check(graph, { minReplicas }): Iterable<Finding> {
    for (const w of helmWorkloads(graph)) yield* judgeHelm(graph, w, minReplicas);
  },
});

/** A replicated thing the zone-spread rule judges. */
export interface Replicated {
  readonly what: string;
  readonly resource: GraphResource;
  readonly replicas: number;
  readonly spread: boolean;
}

/**
 * Prometheus and Alertmanager servers, StatefulSets in the platform
 * namespaces, and Scylla Manager's database (racks in distinct zones). Helm
 * workloads and operator-namespace Deployments are judged by
 * helm-workloads-ha and controllers-ha.
 */
export function replicatedWorkloads(graph: ResourceGraph, namespaces: readonly string[]): Replicated[] {
  const out: Replicated[] = [];
  for (const kind of ["Prometheus", "Alertmanager"]) {
    for (const r of k8sObjects(graph, "monitoring.coreos.com", kind)) {
      const spec = rec(r.props.spec);
      out.push({ what: `${kind} ${metaOf(r).namespace}/${metaOf(r).name ?? r.name}`, resource: r, replicas: num(spec.replicas) ?? 1, spread: spreadsOverZones(spec) });
    }
  }
  for (const s of k8sObjects(graph, "apps", "StatefulSet").filter((x) => namespaces.includes(metaOf(x).namespace))) {
    const spec = rec(s.props.spec);
    out.push({ what: `StatefulSet ${metaOf(s).namespace}/${metaOf(s).name ?? s.name}`, resource: s, replicas: num(spec.replicas) ?? 1, spread: spreadsOverZones(rec(rec(spec.template).spec)) });
  }
  for (const sc of graph.ofType(SCYLLA_CLUSTER).filter(isManagerBackingCluster)) {
    const racks = arr(rec(rec(sc.props.spec).datacenter).racks).map(rec).filter((r) => (num(r.members) ?? 0) > 0);
    const zones = racks.map((r) => {
      const terms = arr(rec(rec(rec(rec(r.placement).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution)).nodeSelectorTerms).map(rec);
      const zone = terms.flatMap((t) => arr(t.matchExpressions).map(rec)).find((e) => e.key === LABELS.zone && e.operator === "In" && arr(e.values).length === 1);
      return zone ? String(arr(zone.values)[0]) : undefined;
    });
    const members = racks.reduce((n, r) => n + (num(r.members) ?? 0), 0);
    // One member per rack, each rack pinned to its own zone: the operator's way to spread a ScyllaCluster.
    const spread = zones.every((z) => z !== undefined) && new Set(zones).size === racks.length && racks.every((r) => num(r.members) === 1);
    out.push({ what: `Scylla Manager's database (ScyllaCluster ${metaOf(sc).namespace}/${metaOf(sc).name ?? sc.name})`, resource: sc, replicas: members, spread });
  }
  return out;
}

export const replicatedZoneSpread = stackRule<{ namespaces: string[]; minReplicas: number }>({
  name: "replicated-zone-spread",
  description: "Prometheus, Alertmanager, platform StatefulSets and Scylla Manager's database run at least two replicas and spread them over zones, so a zone failure leaves one.",
  severity: "high",
  remediation: `Set replicas ≥ 2 and ${spreadFix}; for Scylla Manager's database use one rack per zone with one member each.`,
  configSchema: {
    properties: {
      namespaces: { type: "array", items: { type: "string" }, default: PLATFORM_NAMESPACES },
      minReplicas: { type: "integer", minimum: 1, default: 2 },
    },
  },
  *check(graph, { namespaces, minReplicas }): Iterable<Finding> {
    for (const w of replicatedWorkloads(graph, namespaces)) {
      // Prometheus replica counts are prometheus-replicas' to judge; here only their spread.
      const countJudged = !w.what.startsWith("Prometheus ");
      if (countJudged && w.replicas < minReplicas) {
        yield { urn: w.resource.urn, message: `${w.what} runs ${w.replicas} replica(s); a zone failure takes it down: run at least ${minReplicas}, one per zone` };
      } else if (w.replicas >= 2 && !w.spread) {
        yield { urn: w.resource.urn, message: `${w.what} runs ${w.replicas} replicas with nothing that keeps them in different zones; two replicas in one zone are one replica for a zone failure: add ${spreadFix}` };
      }
    }
  },
});

export const REPLICATED_RULES = [helmWorkloadsHa, replicatedZoneSpread];
