/**
 * ScyllaDB rules, read from the ScyllaCluster objects themselves: racks
 * pinned one per zone and served by a pool there, node tuning and storage in
 * place, Guaranteed pods, pinned versions, and a multi-DC shape that keeps
 * LOCAL_QUORUM through a zone loss and a Raft majority through a region loss.
 */
import { type ResourceGraph, arr, rec, str } from "../model/graph";
import { parseQuantity } from "../model/quantity";
import { LABELS, type DatacenterView, type NodePoolView, type Taint, datacenters, k8sObjects, metaOf, nodePools } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";

const active = (dc: DatacenterView) => dc.racks.filter((r) => r.members > 0);
const dcLabel = (dc: DatacenterView) => `ScyllaCluster ${dc.resource.name} (datacenter ${dc.datacenter ?? "?"}${dc.region ? `, ${dc.region}` : ""})`;

/** Both in one Kubernetes cluster: the same EKS/GKE cluster, or the same Kubernetes provider. */
export function sameCluster(graph: ResourceGraph, a: GraphResource, b: GraphResource): boolean {
  const ca = graph.clusterOf(a);
  const cb = graph.clusterOf(b);
  return ca && cb ? ca.urn === cb.urn : a.provider !== undefined && a.provider === b.provider;
}

/** Scylla pools in the datacenter's cluster (its region when the cluster is not linked). */
function poolsFor(dc: DatacenterView, pools: readonly NodePoolView[]): NodePoolView[] {
  return pools.filter((p) => p.role === "scylla" && (dc.k8sCluster && p.cluster ? p.cluster.urn === dc.k8sCluster.urn : p.region !== undefined && p.region === dc.region));
}

export const scyllaRacksDistinctZones = stackRule<{ minRacks: number }>({
  name: "scylla-racks-distinct-zones",
  description: "Every datacenter has at least three racks with members, each pinned by required node affinity to exactly one zone, no two in the same zone.",
  severity: "critical",
  remediation: `Declare one rack per zone (racks = replication factor, 3 by default), each with members ≥ 1 and a required node affinity ${LABELS.zone} In [<zone>].`,
  configSchema: { properties: { minRacks: { type: "integer", minimum: 1, default: 3 } } },
  *check(graph, { minRacks }): Iterable<Finding> {
    for (const dc of datacenters(graph)) {
      const racks = active(dc);
      for (const rack of racks) {
        if (rack.zones?.length !== 1) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} is pinned to ${rack.zones ? `${rack.zones.length} zones (${list([...rack.zones])})` : "no zone"}; require ${LABELS.zone} In [<one zone>] in every node-selector term` };
        }
      }
      const zoneOf = new Map<string, string>();
      for (const rack of racks.filter((r) => r.zones?.length === 1)) {
        const zone = rack.zones![0]!;
        const other = zoneOf.get(zone);
        if (other) yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: racks ${other} and ${rack.name} are both in ${zone}; losing ${zone} takes two replicas: put each rack in its own zone` };
        else zoneOf.set(zone, rack.name);
      }
      if (zoneOf.size < minRacks) {
        yield { urn: dc.resource.urn, message: `${dcLabel(dc)} has ${zoneOf.size} rack(s) with members in distinct zones; at least ${minRacks} are needed so a zone loss keeps LOCAL_QUORUM` };
      }
    }
  },
});

function tolerates(tolerations: readonly Record<string, unknown>[], taint: Taint): boolean {
  return tolerations.some((t) => {
    const exists = t.operator === "Exists";
    const keyOk = t.key === taint.key || (exists && t.key === undefined);
    const valueOk = exists || (t.value ?? "") === (taint.value ?? "");
    return keyOk && valueOk && (t.effect === undefined || t.effect === "" || t.effect === taint.effect);
  });
}

const DEDICATED: Taint = { key: LABELS.dedicatedTaint, value: "scyllaclusters", effect: "NoSchedule" };

export const scyllaRackZoneServed = stackRule({
  name: "scylla-rack-zone-served",
  description: "Every rack's zone is served by a Scylla node pool of the same cluster in that zone, and the rack selects the Scylla label and tolerates the dedicated taint.",
  severity: "critical",
  remediation: `For each rack create a Scylla pool in the rack's zone; give the rack a required node affinity on ${LABELS.scyllaNode} In [scylla] and a toleration for ${LABELS.dedicatedTaint}=scyllaclusters:NoSchedule.`,
  *check(graph): Iterable<Finding> {
    const pools = nodePools(graph);
    for (const dc of datacenters(graph)) {
      const candidates = poolsFor(dc, pools);
      for (const rack of active(dc)) {
        const zone = rack.zones?.length === 1 ? rack.zones[0] : undefined;
        if (zone && !candidates.some((p) => p.zones.length === 1 && p.zones[0] === zone)) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} needs nodes in ${zone}, but no Scylla node pool of its cluster is in ${zone}${candidates.length ? ` (pools: ${list(candidates.map((p) => `${p.resource.name} in ${p.zones.join("+") || "?"}`))})` : ""}; add a Scylla pool in ${zone}` };
        }
        if (!rack.requirements.some((e) => e.key === LABELS.scyllaNode && e.operator === "In" && e.values.includes("scylla"))) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} does not require the node label ${LABELS.scyllaNode}=scylla, so its pods may land off the Scylla pools; add it to the rack's required node affinity` };
        }
        if (!tolerates(rack.tolerations, DEDICATED)) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} does not tolerate ${LABELS.dedicatedTaint}=scyllaclusters:NoSchedule, so it cannot schedule on the Scylla pools; add the toleration` };
        }
      }
    }
  },
});

const NODE_CONFIG = "NodeConfig";
const VOLUMES_DIR = "/var/lib/persistent-volumes";

export const scyllaNodeConfigPlacement = stackRule({
  name: "scylla-nodeconfig-placement",
  description: `A NodeConfig in each cluster selects every Scylla pool that serves a rack (node selector and tolerations), and mounts XFS with prjquota at ${VOLUMES_DIR}.`,
  severity: "high",
  remediation: `Create a NodeConfig whose placement.nodeSelector is {${LABELS.scyllaNode}: scylla}, which tolerates the dedicated taint, and whose localDiskSetup builds a RAID0 → XFS mounted at ${VOLUMES_DIR} with unsupportedOptions [prjquota].`,
  *check(graph): Iterable<Finding> {
    const pools = nodePools(graph);
    const configs = k8sObjects(graph, "scylla.scylladb.com", NODE_CONFIG);
    for (const nc of configs) {
      const mounts = arr(rec(rec(nc.props.spec).localDiskSetup).mounts).map(rec);
      const ok = mounts.some((m) => m.mountPoint === VOLUMES_DIR && arr(m.unsupportedOptions).includes("prjquota"));
      if (!ok) yield { urn: nc.urn, message: `NodeConfig ${metaOf(nc).name ?? nc.name} does not mount a volume at ${VOLUMES_DIR} with prjquota; the local CSI driver needs that XFS mount` };
    }
    for (const dc of datacenters(graph)) {
      const mine = configs.filter((nc) => sameCluster(graph, nc, dc.resource));
      if (mine.length === 0) {
        yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: its cluster has no NodeConfig, so Scylla nodes get no RAID, XFS or tuning; add a NodeConfig selecting the Scylla pools` };
        continue;
      }
      const zones = new Set(active(dc).flatMap((r) => r.zones ?? []));
      for (const pool of poolsFor(dc, pools).filter((p) => p.zones.some((z) => zones.has(z)))) {
        const covered = mine.some((nc) => {
          const placement = rec(rec(nc.props.spec).placement);
          const selector = Object.entries(rec(placement.nodeSelector));
          const tolerations = arr(placement.tolerations).map(rec);
          return selector.every(([k, v]) => pool.labels[k] === v) && pool.taints.filter((t) => t.effect === "NoSchedule").every((t) => tolerates(tolerations, t));
        });
        if (!covered) yield { urn: mine[0]!.urn, message: `NodeConfig ${mine.map((nc) => metaOf(nc).name ?? nc.name).join(", ")} does not place on Scylla pool ${pool.resource.name} (labels or taints not matched), so racks there run on untuned nodes without storage; match its nodeSelector and tolerations to the pool` };
      }
    }
  },
});

export const scyllaStorageClass = stackRule({
  name: "scylla-storageclass-local-csi",
  description: "Every rack's StorageClass exists in its cluster, uses the ScyllaDB local CSI driver and binds WaitForFirstConsumer.",
  severity: "high",
  remediation: "Create a StorageClass (scylladb-local-xfs) with provisioner local.csi.scylladb.com and volumeBindingMode WaitForFirstConsumer, and name it in every rack's storage.storageClassName.",
  *check(graph): Iterable<Finding> {
    const classes = k8sObjects(graph, "storage.k8s.io", "StorageClass");
    for (const dc of datacenters(graph)) {
      const byClass = new Map<string, string[]>();
      for (const rack of dc.racks) {
        if (!rack.storageClassName) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} sets no storage.storageClassName, so it gets the cluster's default (network) storage; name the local CSI StorageClass` };
          continue;
        }
        byClass.set(rack.storageClassName, [...(byClass.get(rack.storageClassName) ?? []), rack.name]);
      }
      for (const [name, racks] of byClass) {
        const used = `rack${racks.length > 1 ? "s" : ""} ${list(racks)}`;
        const sc = classes.find((c) => metaOf(c).name === name && sameCluster(graph, c, dc.resource));
        if (!sc) {
          yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: ${used} use${racks.length > 1 ? "" : "s"} StorageClass ${name}, which is not created in its cluster; create it with provisioner local.csi.scylladb.com` };
          continue;
        }
        if (sc.props.provisioner !== "local.csi.scylladb.com") yield { urn: sc.urn, message: `StorageClass ${name} (${used}) uses provisioner ${String(sc.props.provisioner ?? "(none)")}; ScyllaDB data belongs on local NVMe: use local.csi.scylladb.com` };
        if (sc.props.volumeBindingMode !== "WaitForFirstConsumer") yield { urn: sc.urn, message: `StorageClass ${name} (${used}) binds ${String(sc.props.volumeBindingMode ?? "Immediate")}; local volumes must bind WaitForFirstConsumer so each volume follows its pod's zone and node` };
      }
    }
  },
});

function qosProblems(what: string, resources: Record<string, unknown>, integerCpu: boolean): string[] {
  const limits = rec(resources.limits);
  const requests = rec(resources.requests);
  const out: string[] = [];
  for (const k of ["cpu", "memory"]) {
    const limit = parseQuantity(limits[k]);
    if (limit === undefined) {
      out.push(`${what} has no limits.${k}`);
      continue;
    }
    if (requests[k] !== undefined && parseQuantity(requests[k]) !== limit) out.push(`${what} requests.${k} ${String(requests[k])} ≠ limits.${k} ${String(limits[k])}`);
  }
  const cpu = parseQuantity(limits.cpu);
  if (integerCpu && cpu !== undefined && !Number.isInteger(cpu)) out.push(`${what} cpu ${String(limits.cpu)} is not a whole number of CPUs`);
  return out;
}

export const scyllaGuaranteedQos = stackRule({
  name: "scylla-guaranteed-qos",
  description: "ScyllaDB pods are Guaranteed QoS: limits set and requests equal to limits for both the scylla and the manager-agent container, with whole CPUs for scylla.",
  severity: "high",
  remediation: "Set rack resources and agentResources with limits.cpu and limits.memory, and requests equal to limits (or no requests); use whole CPUs for the scylla container.",
  *check(graph): Iterable<Finding> {
    for (const dc of datacenters(graph)) {
      for (const rack of dc.racks) {
        const problems = [...qosProblems("scylla", rack.resources, true), ...qosProblems("agent", rack.agentResources, false)];
        if (problems.length > 0) yield { urn: dc.resource.urn, message: `${dcLabel(dc)}: rack ${rack.name} is not Guaranteed QoS (${problems.join("; ")}), so ScyllaDB gets no pinned CPUs; set requests equal to limits with whole CPUs` };
      }
    }
  },
});

export const SCYLLA_RACK_RULES = [scyllaRacksDistinctZones, scyllaRackZoneServed, scyllaNodeConfigPlacement, scyllaStorageClass, scyllaGuaranteedQos];
