/** ScyllaDB cluster-wide rules: pinned versions, one cluster identity, how DCs join, Raft geometry, keyspace RF. */
import { type ResourceGraph, arr, num, rec, str } from "../model/graph";
import { type DatacenterView, datacenters, k8sObjects, metaOf } from "../model/topology";
import { type Finding, list, stackRule } from "../rule";

const PINNED = /^\d+\.\d+\.\d+([.-][0-9A-Za-z.-]+)?(@sha256:[0-9a-f]{64})?$/;
const label = (dc: DatacenterView) => `ScyllaCluster ${dc.resource.name} (datacenter ${dc.datacenter ?? "?"}${dc.region ? `, ${dc.region}` : ""})`;
const nodes = (dc: DatacenterView) => dc.racks.reduce((n, r) => n + r.members, 0);

/** Namespaces of the platform's own controllers (operators, webhooks, Manager, monitoring). */
export const PLATFORM_NAMESPACES = ["scylla-operator", "scylla-manager", "cert-manager", "monitoring", "prometheus-operator", "local-csi-driver"];

const WORKLOADS = [["apps", "Deployment"], ["apps", "StatefulSet"], ["apps", "DaemonSet"]] as const;

function imagePinned(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== "latest";
}

export const scyllaVersionsPinned = stackRule<{ namespaces: string[] }>({
  name: "scylla-versions-pinned",
  description: "ScyllaDB and Manager agent versions are pinned (x.y.z), and platform workloads run images with a fixed tag or digest.",
  severity: "medium",
  remediation: "Set spec.version and spec.agentVersion to exact releases (2026.1.3, 3.10.1) and give every container image a version tag or digest, never :latest or none.",
  configSchema: { properties: { namespaces: { type: "array", items: { type: "string" }, default: PLATFORM_NAMESPACES } } },
  *check(graph, { namespaces }): Iterable<Finding> {
    for (const dc of datacenters(graph)) {
      for (const field of ["version", "agentVersion"]) {
        const v = str(dc.spec[field]);
        if (!v || !PINNED.test(v)) yield { urn: dc.resource.urn, message: `${label(dc)}: spec.${field} is ${JSON.stringify(v ?? null)}; pin an exact release (x.y.z) so every region runs the same build` };
      }
    }
    for (const [group, kind] of WORKLOADS) {
      for (const w of k8sObjects(graph, group, kind).filter((o) => namespaces.includes(metaOf(o).namespace))) {
        const pod = rec(rec(rec(w.props.spec).template).spec);
        const images = [...arr(pod.containers), ...arr(pod.initContainers)].map((c) => str(rec(c).image)).filter((i): i is string => !!i);
        const loose = images.filter((i) => !imagePinned(i));
        if (loose.length > 0) yield { urn: w.urn, message: `${kind} ${metaOf(w).namespace}/${metaOf(w).name ?? w.name} runs unpinned image(s) ${list(loose)}; use a version tag or digest` };
      }
    }
  },
});

export const scyllaClusterIdentity = stackRule({
  name: "scylla-cluster-identity",
  description: "All datacenters share one ScyllaCluster name and each has its own datacenter name.",
  severity: "critical",
  remediation: "Give every region's ScyllaCluster the same metadata.name and a unique spec.datacenter.name (datacenter names are immutable).",
  *check(graph): Iterable<Finding> {
    const dcs = datacenters(graph);
    const first = dcs[0];
    const seen = new Map<string, DatacenterView>();
    for (const dc of dcs) {
      if (first && dc !== first && dc.clusterName !== first.clusterName) {
        yield { urn: dc.resource.urn, message: `${label(dc)} is named ${dc.clusterName ?? "(unnamed)"} but ${label(first)} is named ${first.clusterName ?? "(unnamed)"}; datacenters of one cluster must share metadata.name` };
      }
      if (!dc.datacenter) {
        yield { urn: dc.resource.urn, message: `${label(dc)} sets no spec.datacenter.name; name the datacenter (it cannot be changed later)` };
        continue;
      }
      const clash = seen.get(dc.datacenter);
      if (clash) yield { urn: dc.resource.urn, message: `${label(dc)} reuses datacenter name ${dc.datacenter} of ${label(clash)}; every datacenter needs its own name` };
      else seen.set(dc.datacenter, dc);
    }
  },
});

export const scyllaMultiDcJoin = stackRule({
  name: "scylla-multi-dc-join",
  description: "In a multi-DC cluster every datacenter but the first joins through externalSeeds, and nodes are exposed as Headless services broadcasting pod IPs.",
  severity: "high",
  remediation: "Set spec.externalSeeds (stable DNS names of other DCs' nodes, known at preview) on every datacenter after the first, and exposeOptions: {nodeService: {type: Headless}, broadcastOptions: {nodes: {type: PodIP}, clients: {type: PodIP}}} everywhere.",
  *check(graph): Iterable<Finding> {
    const dcs = datacenters(graph);
    if (dcs.length < 2) return;
    const unseeded = dcs.filter((dc) => arr(dc.spec.externalSeeds).length === 0);
    for (const dc of unseeded.slice(1)) {
      yield { urn: dc.resource.urn, message: `${label(dc)} has no externalSeeds, like ${label(unseeded[0]!)}; a second seedless datacenter bootstraps a separate cluster: list the other datacenters' seeds in spec.externalSeeds` };
    }
    for (const dc of dcs) {
      const expose = rec(dc.spec.exposeOptions);
      const service = str(rec(expose.nodeService).type) ?? "ClusterIP";
      const broadcast = rec(expose.broadcastOptions);
      const nodesType = str(rec(broadcast.nodes).type) ?? "ServiceClusterIP";
      const clientsType = str(rec(broadcast.clients).type) ?? "ServiceClusterIP";
      if (service !== "Headless" || nodesType !== "PodIP" || clientsType !== "PodIP") {
        yield { urn: dc.resource.urn, message: `${label(dc)} exposes nodes as ${service} broadcasting ${nodesType}/${clientsType} (nodes/clients); other regions cannot reach those addresses: use a Headless node service broadcasting PodIP for nodes and clients` };
      }
    }
  },
});

export const scyllaRaftMajority = stackRule<{ minDatacenters: number }>({
  name: "scylla-raft-majority",
  description: "Production has at least three datacenters and no datacenter holds half or more of the nodes, so losing a region keeps a Raft majority.",
  severity: "critical",
  remediation: "Run at least three regions with equal node counts; two equal DCs lose schema and topology changes with either region. (A zero-token arbiter DC is not an option here: Scylla Operator v1.21.1 cannot run zero-token nodes, so the config has no way to declare one.)",
  configSchema: { properties: { minDatacenters: { type: "integer", minimum: 1, default: 3 } } },
  *check(graph, { minDatacenters }): Iterable<Finding> {
    const dcs = datacenters(graph).filter((dc) => nodes(dc) > 0);
    if (dcs.length === 0) return;
    if (dcs.length < minDatacenters) {
      yield { urn: dcs[0]!.resource.urn, message: `the cluster has ${dcs.length} datacenter(s) (${list(dcs.map((d) => d.datacenter ?? d.resource.name))}); at least ${minDatacenters} are required so that losing one region keeps a Raft majority` };
    }
    const total = dcs.reduce((n, dc) => n + nodes(dc), 0);
    if (dcs.length < 2) return;
    for (const dc of dcs) {
      if (nodes(dc) * 2 >= total) yield { urn: dc.resource.urn, message: `${label(dc)} holds ${nodes(dc)} of ${total} nodes; losing its region loses the Raft majority: balance nodes so no datacenter has half or more` };
    }
  },
});

interface DeclaredKeyspace {
  readonly name: string;
  readonly tablets: boolean;
  readonly replication: Record<string, unknown>;
}

function parseKeyspaces(text: string): DeclaredKeyspace[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return `is not JSON (${(err as Error).message})`;
  }
  if (!Array.isArray(doc)) return "must be a JSON array of {name, tablets, replication}";
  return doc.map((k) => ({ name: String(rec(k).name ?? "?"), tablets: rec(k).tablets === true, replication: rec(rec(k).replication) }));
}

export const KEYSPACES_CONFIGMAP = { name: "scylla-ha-keyspaces", namespace: "scylla", key: "keyspaces.json" } as const;

function rackCount(dc: DatacenterView): number {
  return new Set(dc.racks.filter((r) => r.members > 0 && r.zones?.length === 1).map((r) => r.zones![0])).size;
}

export const scyllaKeyspaceRf = stackRule({
  name: "scylla-keyspace-rf",
  description: `Declared keyspace replication (ConfigMap ${KEYSPACES_CONFIGMAP.namespace}/${KEYSPACES_CONFIGMAP.name}) names existing datacenters with RF ≤ racks (= racks for tablet keyspaces).`,
  severity: "critical",
  remediation: "Keep each datacenter's replication factor at most its number of zone-pinned racks (exactly equal for tablet keyspaces), or add racks first.",
  *check(graph: ResourceGraph): Iterable<Finding> {
    const dcs = datacenters(graph);
    if (dcs.length === 0) return;
    const seen = new Set<string>();
    const maps = k8sObjects(graph, "core", "ConfigMap").filter((c) => metaOf(c).name === KEYSPACES_CONFIGMAP.name && metaOf(c).namespace === KEYSPACES_CONFIGMAP.namespace);
    for (const cm of maps) {
      const text = rec(cm.props.data)[KEYSPACES_CONFIGMAP.key];
      const keyspaces = typeof text === "string" ? parseKeyspaces(text) : `has no ${KEYSPACES_CONFIGMAP.key} key`;
      if (typeof keyspaces === "string") {
        yield { urn: cm.urn, message: `ConfigMap ${KEYSPACES_CONFIGMAP.namespace}/${KEYSPACES_CONFIGMAP.name} ${keyspaces}` };
        continue;
      }
      for (const ks of keyspaces) {
        for (const [dcName, value] of Object.entries(ks.replication)) {
          const rf = num(value);
          const dc = dcs.find((d) => d.datacenter === dcName);
          const racks = dc ? rackCount(dc) : 0;
          let message: string | undefined;
          if (!dc) message = `keyspace ${ks.name} replicates to datacenter ${dcName}, which no ScyllaCluster declares (datacenters: ${list(dcs.map((d) => d.datacenter ?? "?")) || "none"}); fix the name or add the datacenter`;
          else if (rf === undefined || rf < 1 || !Number.isInteger(rf)) message = `keyspace ${ks.name}: replication factor ${JSON.stringify(value)} for ${dcName} is not a positive integer`;
          else if (rf > racks) message = `keyspace ${ks.name} has RF ${rf} in ${dcName}, which has ${racks} zone-pinned rack(s); two replicas would share a zone and a zone loss would break LOCAL_QUORUM: keep RF ≤ ${racks} or add racks`;
          else if (ks.tablets && rf !== racks) message = `tablet keyspace ${ks.name} has RF ${rf} in ${dcName}, which has ${racks} racks; tablet keyspaces must be RF-rack-valid (RF = racks): set RF ${racks}`;
          if (message && !seen.has(message)) {
            seen.add(message);
            yield { urn: cm.urn, message };
          }
        }
      }
    }
  },
});

export const SCYLLA_CLUSTER_RULES = [scyllaVersionsPinned, scyllaClusterIdentity, scyllaMultiDcJoin, scyllaRaftMajority, scyllaKeyspaceRf];
