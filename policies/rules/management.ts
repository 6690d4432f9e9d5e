/**
 * Management-plane rules: one Scylla Manager with backup and repair tasks
 * that cover every datacenter, operators and webhooks that survive a zone,
 * redundant Prometheus, and disruption budgets that let nodes drain.
 */
import { type ResourceGraph, arr, num, rec, str, strings } from "../model/graph";
import { LABELS, type DatacenterView, datacenters, k8sObjects, metaOf } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";
import { PLATFORM_NAMESPACES } from "./scylla-cluster";
import { sameCluster } from "./scylla";

const label = (dc: DatacenterView) => `ScyllaCluster ${dc.resource.name} (datacenter ${dc.datacenter ?? "?"}${dc.region ? `, ${dc.region}` : ""})`;

/** Scylla Manager installs: its Deployment, or a Helm release of its chart. */
export function managerInstalls(graph: ResourceGraph): GraphResource[] {
  const deployments = k8sObjects(graph, "apps", "Deployment").filter((d) => metaOf(d).name === "scylla-manager" && metaOf(d).namespace === "scylla-manager");
  const charts = graph.ofType("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart").filter((r) => /(^|\/)scylla-manager$/.test(str(r.props.chart) ?? ""));
  return [...deployments, ...charts];
}

export const scyllaManagerSingle = stackRule({
  name: "scylla-manager-single",
  description: "An environment with ScyllaDB has exactly one Scylla Manager (in one cluster), which schedules backups and repairs for every datacenter.",
  severity: "high",
  remediation: "Install Scylla Manager (namespace scylla-manager) in exactly one region's cluster and share its agent auth token with the other datacenters.",
  *check(graph): Iterable<Finding> {
    const dcs = datacenters(graph);
    if (dcs.length === 0) return;
    const byCluster = new Map<string, GraphResource[]>();
    for (const m of managerInstalls(graph)) {
      const key = graph.clusterOf(m)?.urn ?? m.provider ?? m.urn;
      byCluster.set(key, [...(byCluster.get(key) ?? []), m]);
    }
    if (byCluster.size === 0) {
      yield { urn: dcs[0]!.resource.urn, message: `no Scylla Manager is deployed for ${list(dcs.map(label))}, so no backup or repair ever runs; install Scylla Manager in one region` };
      return;
    }
    for (const [, installs] of [...byCluster].slice(1)) {
      yield { urn: installs[0]!.urn, message: `Scylla Manager is installed in ${byCluster.size} clusters (also ${installs[0]!.name} in ${graph.regionOf(installs[0]!) ?? "another region"}); two Managers register the same cluster twice and run duplicate tasks: keep exactly one` };
    }
  },
});

export interface Task {
  readonly owner: GraphResource;
  readonly name: string;
  readonly dc: readonly string[];
  readonly locations: readonly string[];
}

/** Physical bucket names that some backup task location writes to (`[<dc>:]<provider>:<bucket>`). */
export function backupTargetBuckets(graph: ResourceGraph): Set<string> {
  return new Set(tasks(graph, "backup").flatMap((t) => t.locations.map((l) => l.split(":").pop()!)));
}

/** Scylla Manager tasks of a kind: entries on ScyllaClusters and ScyllaDBManagerTask objects. */
export function tasks(graph: ResourceGraph, kind: "backup" | "repair"): Task[] {
  const fromClusters = datacenters(graph).flatMap((dc) =>
    arr(dc.spec[kind === "backup" ? "backups" : "repairs"]).map(rec).map((t) => ({ owner: dc.resource, name: str(t.name) ?? "?", dc: strings(t.dc), locations: strings(t.location) })),
  );
  const fromTasks = k8sObjects(graph, "scylla.scylladb.com", "ScyllaDBManagerTask")
    .filter((t) => String(rec(t.props.spec).type ?? "").toLowerCase() === kind)
    .map((t) => {
      const body = rec(rec(t.props.spec)[kind]);
      return { owner: t, name: metaOf(t).name ?? t.name, dc: strings(body.dc), locations: strings(body.location) };
    });
  return [...fromClusters, ...fromTasks];
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

/** Manager's `--dc` semantics: no positive pattern means every DC; `!pattern` excludes. */
export function includesDc(patterns: readonly string[], dc: string): boolean {
  const positive = patterns.filter((p) => !p.startsWith("!"));
  const included = positive.length === 0 || positive.some((p) => glob(p, dc));
  return included && !patterns.filter((p) => p.startsWith("!")).some((p) => glob(p.slice(1), dc));
}

/** A location is `[<dc>:]<provider>:<bucket>`; one without a DC prefix serves every DC. */
function locationFor(locations: readonly string[], dc: string): boolean {
  return locations.some((l) => {
    const parts = l.split(":");
    return parts.length < 3 || parts[0] === dc;
  });
}

function taskRule(kind: "backup" | "repair") {
  const what = kind === "backup" ? "backup" : "repair";
  return stackRule({
    name: `scylla-${kind}-task`,
    description: kind === "backup" ? "A Scylla Manager backup task, with a location, covers every datacenter." : "A Scylla Manager repair task covers every datacenter.",
    severity: kind === "backup" ? "critical" : "high",
    remediation:
      kind === "backup"
        ? "Add a backups entry (cron, retention, location [<dc>:]s3:<bucket> or gcs:<bucket>) on the ScyllaCluster next to Manager whose dc list matches every datacenter (or is empty)."
        : "Add a repairs entry (cron) on the ScyllaCluster next to Manager whose dc list matches every datacenter (or is empty).",
    *check(graph): Iterable<Finding> {
      const all = tasks(graph, kind);
      for (const dc of datacenters(graph)) {
        const name = dc.datacenter ?? dc.resource.name;
        const covering = all.filter((t) => includesDc(t.dc, name));
        if (covering.length === 0) {
          yield { urn: dc.resource.urn, message: `${label(dc)} is covered by no Scylla Manager ${what} task${all.length ? ` (tasks: ${list(all.map((t) => `${t.name} dc=[${t.dc.join(",")}]`))})` : ""}; add a ${what} task whose dc list includes ${name}` };
        } else if (kind === "backup" && !covering.some((t) => locationFor(t.locations, name))) {
          yield { urn: dc.resource.urn, message: `${label(dc)}: backup task(s) ${list(covering.map((t) => t.name))} have no location for ${name} (locations: ${list(covering.flatMap((t) => [...t.locations])) || "none"}); add a location such as ${name}:s3:<bucket>` };
        }
      }
    },
  });
}

export const scyllaBackupTask = taskRule("backup");
export const scyllaRepairTask = taskRule("repair");

function spreadsOverZones(pod: Record<string, unknown>): boolean {
  const spread = arr(pod.topologySpreadConstraints).some((c) => rec(c).topologyKey === LABELS.zone);
  const anti = rec(rec(pod.affinity).podAntiAffinity);
  const required = arr(anti.requiredDuringSchedulingIgnoredDuringExecution).some((t) => rec(t).topologyKey === LABELS.zone);
  const preferred = arr(anti.preferredDuringSchedulingIgnoredDuringExecution).some((t) => rec(rec(t).podAffinityTerm).topologyKey === LABELS.zone);
  return spread || required || preferred;
}

export const controllersHa = stackRule<{ namespaces: string[]; minReplicas: number }>({
  name: "controllers-ha",
  description: "Operators and webhooks run at least two replicas spread over zones, so a zone loss does not stop reconciliation or admission.",
  severity: "high",
  remediation: `Set replicas ≥ 2 and a topologySpreadConstraint (or pod anti-affinity) on ${LABELS.zone} for every Deployment in the operator namespaces.`,
  configSchema: {
    properties: {
      namespaces: { type: "array", items: { type: "string" }, default: ["scylla-operator", "cert-manager", "prometheus-operator"] },
      minReplicas: { type: "integer", minimum: 1, default: 2 },
    },
  },
  *check(graph, { namespaces, minReplicas }): Iterable<Finding> {
    for (const d of k8sObjects(graph, "apps", "Deployment").filter((x) => namespaces.includes(metaOf(x).namespace))) {
      const spec = rec(d.props.spec);
      const replicas = num(spec.replicas) ?? 1;
      const id = `Deployment ${metaOf(d).namespace}/${metaOf(d).name ?? d.name}`;
      if (replicas < minReplicas) yield { urn: d.urn, message: `${id} runs ${replicas} replica(s); run at least ${minReplicas} so one lost node or zone does not stop it` };
      if (!spreadsOverZones(rec(rec(spec.template).spec))) yield { urn: d.urn, message: `${id} does not spread its pods over zones; add a topologySpreadConstraint on ${LABELS.zone}` };
    }
  },
});

export const prometheusReplicas = stackRule<{ minReplicas: number }>({
  name: "prometheus-replicas",
  description: "Every Prometheus runs at least two replicas.",
  severity: "medium",
  remediation: "Set spec.replicas ≥ 2 on the Prometheus resource (and spread it over zones).",
  configSchema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2 } } },
  *check(graph, { minReplicas }): Iterable<Finding> {
    for (const p of k8sObjects(graph, "monitoring.coreos.com", "Prometheus")) {
      const replicas = num(rec(p.props.spec).replicas) ?? 1;
      if (replicas < minReplicas) yield { urn: p.urn, message: `Prometheus ${metaOf(p).namespace}/${metaOf(p).name ?? p.name} runs ${replicas} replica(s); monitoring must not die with one node: set spec.replicas ≥ ${minReplicas}` };
    }
  },
});

function pdbBlocks(pdb: GraphResource, replicas: number): string | undefined {
  const spec = rec(pdb.props.spec);
  const maxUnavailable = spec.maxUnavailable;
  if (maxUnavailable === 0 || maxUnavailable === "0" || maxUnavailable === "0%") return `maxUnavailable ${String(maxUnavailable)}`;
  const minAvailable = spec.minAvailable;
  if (minAvailable === "100%") return "minAvailable 100%";
  const min = num(minAvailable);
  if (min !== undefined && min >= replicas) return `minAvailable ${min} with ${replicas} replica(s)`;
  return undefined;
}

export const platformPdb = stackRule<{ namespaces: string[] }>({
  name: "platform-pdb",
  description: "Every Deployment and StatefulSet in the platform namespaces has a PodDisruptionBudget that selects it and still allows one disruption.",
  severity: "medium",
  remediation: "Add a policy/v1 PodDisruptionBudget in the workload's namespace whose selector matches its pod labels, with maxUnavailable: 1 (or minAvailable below the replica count).",
  configSchema: { properties: { namespaces: { type: "array", items: { type: "string" }, default: PLATFORM_NAMESPACES } } },
  *check(graph, { namespaces }): Iterable<Finding> {
    const pdbs = k8sObjects(graph, "policy", "PodDisruptionBudget");
    const workloads = [...k8sObjects(graph, "apps", "Deployment"), ...k8sObjects(graph, "apps", "StatefulSet")].filter((w) => namespaces.includes(metaOf(w).namespace));
    for (const w of workloads) {
      const spec = rec(w.props.spec);
      const labels = rec(rec(rec(spec.template).metadata).labels);
      const id = `${w.type.split(":").pop()} ${metaOf(w).namespace}/${metaOf(w).name ?? w.name}`;
      const matching = pdbs.filter((p) => {
        const selector = Object.entries(rec(rec(rec(p.props.spec).selector).matchLabels));
        return metaOf(p).namespace === metaOf(w).namespace && sameCluster(graph, p, w) && selector.length > 0 && selector.every(([k, v]) => labels[k] === v);
      });
      if (matching.length === 0) {
        yield { urn: w.urn, message: `${id} has no PodDisruptionBudget selecting its pods, so a node drain may evict all of them at once; add one with maxUnavailable: 1` };
        continue;
      }
      for (const pdb of matching) {
        const why = pdbBlocks(pdb, num(spec.replicas) ?? 1);
        if (why) yield { urn: pdb.urn, message: `PodDisruptionBudget ${metaOf(pdb).namespace}/${metaOf(pdb).name ?? pdb.name} for ${id} allows no disruption (${why}), so node drains and upgrades block; allow at least one` };
      }
    }
  },
});

export const MANAGEMENT_RULES = [scyllaManagerSingle, scyllaBackupTask, scyllaRepairTask, controllersHa, prometheusReplicas, platformPdb];
