/**
 * Schedulability and capacity: a rack that can never be placed is a
 * datacenter that never forms. Every rack's pool must keep (and be allowed to
 * grow to) one node per member, one ScyllaDB pod must fit what a node offers
 * after the kubelet's reservations and the node's DaemonSets, and the
 * platform's own workloads must fit the system pool.
 */
import { type ResourceGraph, num, rec, str } from "../model/graph";
import { type Amount, add, describeAmount, requestsOf } from "../model/instances";
import { type PoolCapacity, daemonSetsOn, podRequests, poolCapacity } from "../model/capacity";
import { helmWorkloads } from "../model/helm";
import { type DatacenterView, LABELS, type NodePoolView, SCYLLA_CLUSTER, datacenters, k8sObjects, metaOf, nodePools } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";

const dcLabel = (dc: DatacenterView) => `ScyllaCluster ${dc.resource.name} (datacenter ${dc.datacenter ?? "?"}${dc.region ? `, ${dc.region}` : ""})`;
const GiB = 2 ** 30;

/** The Scylla pool serving one zone of a datacenter's cluster. */
function rackPool(dc: DatacenterView, pools: readonly NodePoolView[], zone: string): NodePoolView | undefined {
  return pools.find((p) => p.role === "scylla" && p.zones.length === 1 && p.zones[0] === zone && (dc.k8sCluster && p.cluster ? p.cluster.urn === dc.k8sCluster.urn : p.region === dc.region));
}

function* racksWithPools(graph: ResourceGraph): Iterable<{ dc: DatacenterView; rack: DatacenterView["racks"][number]; cap: PoolCapacity; clusterPools: NodePoolView[] }> {
  const pools = nodePools(graph);
  for (const dc of datacenters(graph)) {
    for (const rack of dc.racks.filter((r) => r.members > 0 && r.zones?.length === 1)) {
      const pool = rackPool(dc, pools, rack.zones![0]!);
      if (!pool) continue; // scylla-rack-zone-served reports a zone without a pool
      yield { dc, rack, cap: poolCapacity(graph, pool), clusterPools: pools.filter((p) => p.cluster?.urn === pool.cluster?.urn) };
    }
  }
}

export const scyllaRackPoolSize = stackRule({
  name: "scylla-rack-pool-size",
  description: "Every rack's node pool keeps at least one node per member at its minimum size and may grow to at least that many at its maximum (one ScyllaDB pod per node).",
  severity: "critical",
  remediation: "Size each rack's pool to its members: EKS scalingConfig.minSize and maxSize ≥ members (the pool has one zone); GKE nodeCount, or autoscaling minNodeCount and maxNodeCount, ≥ members per zone.",
  *check(graph): Iterable<Finding> {
    for (const { dc, rack, cap } of racksWithPools(graph)) {
      const pool = cap.view.resource.name;
      if (cap.maxPerZone !== undefined && cap.maxPerZone < rack.members) {
        yield { urn: cap.view.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} has ${rack.members} members but pool ${pool} may grow to only ${cap.maxPerZone} node(s) in ${rack.zones![0]}; ${rack.members - cap.maxPerZone} member(s) can never be scheduled (one ScyllaDB pod per node): raise the pool's maximum to at least ${rack.members}` };
      }
      if (cap.minPerZone !== undefined && cap.minPerZone < rack.members) {
        yield { urn: cap.view.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} has ${rack.members} members but pool ${pool} keeps only ${cap.minPerZone} node(s) in ${rack.zones![0]} at its minimum; the autoscaler may remove a node a member's local data lives on: raise the pool's minimum to at least ${rack.members}` };
      }
    }
  },
});

export const scyllaPodFitsNode = stackRule<{ minHeadroomCpus: number }>({
  name: "scylla-pod-fits-node",
  description: "One ScyllaDB pod (scylla + agent) plus the node's DaemonSets fits the pool's allocatable CPU and memory (machine size minus the EKS/GKE kubelet reservations), leaving the CPUs the operator asks for beside ScyllaDB.",
  severity: "critical",
  remediation: "Lower the rack's resources or agentResources, or pick a larger instance type for the pool; keep at least minHeadroomCpus CPUs of the machine outside the scylla container.",
  configSchema: { properties: { minHeadroomCpus: { type: "number", minimum: 0, default: 2 } } },
  *check(graph, { minHeadroomCpus }): Iterable<Finding> {
    for (const { dc, rack, cap, clusterPools } of racksWithPools(graph)) {
      const pool = cap.view.resource.name;
      if (!cap.machine || !cap.allocatable) {
        yield { urn: cap.view.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name}'s pool ${pool} uses machine type ${cap.type ?? "(none)"}, whose size the policy does not know, so it cannot prove a ScyllaDB pod fits; use a supported storage-optimised type` };
        continue;
      }
      const daemons = daemonSetsOn(graph, cap.view, clusterPools);
      const scylla = requestsOf(rack.resources);
      const need = add(scylla, requestsOf(rack.agentResources), ...daemons.map((d) => d.requests));
      const have = cap.allocatable;
      const short = [need.cpu > have.cpu + 1e-9 ? "CPU" : undefined, need.memory > have.memory ? "memory" : undefined].filter((x): x is string => !!x);
      if (short.length > 0) {
        const ds = daemons.length ? ` and DaemonSet(s) ${list(daemons.map((d) => metaOf(d.resource).name ?? d.resource.name))}` : "";
        yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} needs ${describeAmount(need)} per node (scylla, agent${ds}) but a ${cap.type} node of pool ${pool} offers ${describeAmount(have)} allocatable; not enough ${short.join(" and ")}, so the pod stays Pending: lower the rack's resources or use a larger machine` };
      }
      const headroom = cap.machine.vcpus - scylla.cpu;
      if (headroom < minHeadroomCpus) {
        yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} gives scylla ${scylla.cpu} of a ${cap.type}'s ${cap.machine.vcpus} vCPUs, leaving ${headroom} for the OS, kubelet and DaemonSets; the operator asks for at least ${minHeadroomCpus}: lower resources.cpu or use a larger machine` };
      }
    }
  },
});

interface PlatformPod {
  readonly what: string;
  readonly resource: GraphResource;
  readonly replicas: number;
  readonly requests: Amount;
  readonly cluster: string | undefined;
}

const onSystemPool = (selector: Record<string, unknown>) => selector[LABELS.pool] === "system";

/** Everything the stack pins to the system pool, with its replica count and per-pod requests. */
function platformPods(graph: ResourceGraph): PlatformPod[] {
  const out: PlatformPod[] = [];
  const clusterOf = (r: GraphResource) => graph.clusterOf(r)?.urn;
  for (const kind of ["Deployment", "StatefulSet"]) {
    for (const w of k8sObjects(graph, "apps", kind)) {
      const spec = rec(w.props.spec);
      const pod = rec(rec(spec.template).spec);
      if (!onSystemPool(rec(pod.nodeSelector))) continue;
      out.push({ what: `${kind} ${metaOf(w).namespace}/${metaOf(w).name ?? w.name}`, resource: w, replicas: num(spec.replicas) ?? 1, requests: podRequests(pod), cluster: clusterOf(w) });
    }
  }
  for (const p of k8sObjects(graph, "monitoring.coreos.com", "Prometheus").concat(k8sObjects(graph, "monitoring.coreos.com", "Alertmanager"))) {
    const spec = rec(p.props.spec);
    if (!onSystemPool(rec(spec.nodeSelector))) continue;
    out.push({ what: `${p.type.split(":").pop()} ${metaOf(p).namespace}/${metaOf(p).name ?? p.name}`, resource: p, replicas: num(spec.replicas) ?? 1, requests: requestsOf(rec(spec.resources)), cluster: clusterOf(p) });
  }
  for (const sc of graph.ofType(SCYLLA_CLUSTER)) {
    const racks = (rec(rec(sc.props.spec).datacenter).racks ?? []) as unknown[];
    for (const r of racks.map(rec)) {
      const terms = JSON.stringify(rec(rec(r.placement).nodeAffinity));
      if (!terms.includes(`"${LABELS.pool}"`) || !terms.includes('"system"')) continue;
      out.push({ what: `ScyllaCluster ${metaOf(sc).namespace}/${metaOf(sc).name ?? sc.name} rack ${str(r.name) ?? "?"}`, resource: sc, replicas: num(r.members) ?? 0, requests: add(requestsOf(rec(r.resources)), requestsOf(rec(r.agentResources))), cluster: clusterOf(sc) });
    }
  }
  for (const h of helmWorkloads(graph)) {
    if (!onSystemPool(h.nodeSelector)) continue;
    out.push({ what: h.what, resource: h.release, replicas: h.replicas, requests: h.requests, cluster: clusterOf(h.release) });
  }
  return out;
}

export const systemPoolCapacity = stackRule({
  name: "system-pool-capacity",
  description: "The platform workloads pinned to a cluster's system pool (operators, webhooks, Manager and its database, Prometheus, Alertmanager) fit that pool at its minimum size, and each of their pods fits one system node.",
  severity: "high",
  remediation: "Raise the system pool's minimum size or machine type, or lower the requests of the platform workloads pinned to it.",
  *check(graph): Iterable<Finding> {
    const pods = platformPods(graph);
    for (const view of nodePools(graph).filter((p) => p.role === "system")) {
      const cap = poolCapacity(graph, view);
      const mine = pods.filter((p) => p.cluster !== undefined && p.cluster === view.cluster?.urn);
      if (mine.length === 0 || !cap.allocatable || cap.minPerZone === undefined) continue;
      const nodes = cap.minPerZone * Math.max(1, view.zones.length);
      const total = add(...mine.map((p) => ({ cpu: p.requests.cpu * p.replicas, memory: p.requests.memory * p.replicas })));
      const offered = { cpu: cap.allocatable.cpu * nodes, memory: cap.allocatable.memory * nodes };
      if (total.cpu > offered.cpu || total.memory > offered.memory) {
        yield { urn: view.resource.urn, message: `system pool ${view.resource.name} offers ${describeAmount(offered)} on its ${nodes} minimum ${cap.type} node(s), but the platform workloads pinned to it request ${describeAmount(total)} (${list(mine.map((p) => `${p.what} ×${p.replicas}`))}); some stay Pending: raise the pool's minimum size or machine type` };
      }
      for (const p of mine.filter((x) => x.requests.cpu > cap.allocatable!.cpu || x.requests.memory > cap.allocatable!.memory)) {
        yield { urn: p.resource.urn, message: `${p.what} requests ${describeAmount(p.requests)} per pod, more than one ${cap.type} node of system pool ${view.resource.name} offers (${describeAmount(cap.allocatable)}, ${Math.round((cap.allocatable.memory / GiB) * 100) / 100} GiB memory); it can never be scheduled: use a larger system machine type` };
      }
    }
  },
});

export const CAPACITY_RULES = [scyllaRackPoolSize, scyllaPodFitsNode, systemPoolCapacity];
