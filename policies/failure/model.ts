/**
 * The failure model, built once from the resource graph: regions and their
 * zones, control planes, NAT gateways and the subnets behind them, node
 * pools as per-zone slots, each datacenter with its racks placed on those
 * slots, its keyspaces, backup locations and monitoring, and Scylla
 * Manager. Everything the per-domain evaluation needs is indexed here, so
 * evaluating a domain never scans the graph.
 */
import { type Cloud, type ResourceGraph, T, isGcpZone, rec, str, strings } from "../model/graph";
import { type DatacenterView, type NodePoolView, datacenters, k8sObjects, metaOf, nodePools, regionsOf } from "../model/topology";
import type { GraphResource } from "../model/types";
import { KEYSPACES_CONFIGMAP } from "../rules/scylla-cluster";
import { type BackupLocation, Buckets, backupLocations, managerParts } from "./backups";
import type { ControlPlane } from "./domain";
import { type Egress, type SubnetInfo, egressOf } from "./network";
import { type Placed, type PodPlacement, type Slot, fits, podPlacement, rackPlacement, slotLabels, spreadsOverZones } from "./placement";
import { type Keyspace, parseKeyspaces } from "./quorum";
import { byText } from "../model/text";

export interface ClusterInfo extends ControlPlane {
  readonly resource: GraphResource;
  readonly cloud: Cloud | undefined;
}

export interface RackInfo {
  readonly name: string;
  readonly nodes: number;
  readonly placed: Placed;
  /** Zones the rack's required affinity names (for messages). */
  readonly pinned: readonly string[];
}

export interface DcInfo {
  readonly view: DatacenterView;
  readonly name: string;
  readonly region: string | undefined;
  readonly cluster: ClusterInfo | undefined;
  /** Racks with members. */
  readonly racks: readonly RackInfo[];
  readonly nodes: number;
  readonly keyspaces: readonly { readonly keyspace: string; readonly rf: number }[];
  readonly backups: readonly BackupLocation[];
  /** Prometheus servers in the DC's cluster. */
  readonly monitoring: readonly Placed[];
}

export interface RegionInfo {
  readonly cloud: Cloud | undefined;
  readonly region: string;
  readonly zones: readonly string[];
}

export interface FailureModel {
  readonly regions: readonly RegionInfo[];
  readonly clusters: readonly ClusterInfo[];
  readonly egress: Egress;
  readonly pools: readonly { readonly view: NodePoolView; readonly slots: readonly Slot[] }[];
  readonly dcs: readonly DcInfo[];
  /** Scylla Manager's parts, placed; empty when the stack installs none. */
  /** Manager's parts; racks of its database share a `quorumGroup` (a majority of them suffices). */
  readonly manager: ReadonlyArray<Placed & { readonly quorumGroup?: string }>;
  /** Where Manager runs when the stack does not install it (the ScyllaCluster carrying backup tasks). */
  readonly managerFallback: { readonly region: string | undefined; readonly what: string } | undefined;
  readonly prometheus: readonly Placed[];
  /** Stated when the graph does not say (keyspaces assumed RF 3, buckets not in the stack). */
  readonly keyspaceAssumption: string | undefined;
}

const DEFAULT_RF = 3;

function clusterInfo(graph: ResourceGraph, c: GraphResource): ClusterInfo {
  const location = str(c.props.location);
  // A zonal GKE control plane lives in one zone; EKS and regional GKE span the region.
  const zone = c.type === T.gkeCluster && location && isGcpZone(location) ? location : undefined;
  return { resource: c, cloud: graph.cloudOf(c), region: graph.regionOf(c), zone };
}

/** One slot per zone of each pool, with the subnets its nodes use there. */
function slotsOf(graph: ResourceGraph, view: NodePoolView, egress: Egress): Slot[] {
  let subnetsIn: (zone: string | undefined) => SubnetInfo[];
  if (view.cloud === "aws") {
    const linked = graph.linked(view.resource, "subnetIds").map((s) => egress.subnets.get(s.urn)).filter((s): s is SubnetInfo => s !== undefined);
    subnetsIn = (zone) => linked.filter((s) => s.zone === zone);
  } else {
    const network = view.cluster ? graph.linked(view.cluster, "subnetwork").map((s) => egress.subnets.get(s.urn)).filter((s): s is SubnetInfo => s !== undefined) : [];
    subnetsIn = () => network;
  }
  const zones: (string | undefined)[] = view.zones.length > 0 ? [...view.zones] : [undefined];
  return zones.map((zone) => ({ pool: view, zone, labels: slotLabels(view, zone), subnets: subnetsIn(zone) }));
}

function declaredKeyspaces(graph: ResourceGraph): Keyspace[] | undefined {
  const byName = new Map<string, Keyspace>();
  let found = false;
  for (const cm of k8sObjects(graph, "core", "ConfigMap")) {
    const meta = metaOf(cm);
    if (meta.name !== KEYSPACES_CONFIGMAP.name || meta.namespace !== KEYSPACES_CONFIGMAP.namespace) continue;
    const parsed = parseKeyspaces(rec(cm.props.data)[KEYSPACES_CONFIGMAP.key]);
    if (!parsed) continue;
    found = true;
    for (const k of parsed) if (!byName.has(k.name)) byName.set(k.name, k);
  }
  return found ? [...byName.values()] : undefined;
}

export function buildModel(graph: ResourceGraph): FailureModel {
  const egress = egressOf(graph);
  const clusters = graph.ofType(T.eksCluster, T.gkeCluster).map((c) => clusterInfo(graph, c));
  const clusterByUrn = new Map(clusters.map((c) => [c.resource.urn, c]));
  const pools = nodePools(graph).map((view) => ({ view, slots: slotsOf(graph, view, egress) }));

  // Slots and the label keys pools set, per cluster (per region for pools not linked to one).
  const slotsByKey = new Map<string, Slot[]>();
  const modeledByKey = new Map<string, Set<string>>();
  for (const p of pools) {
    const key = p.view.cluster?.urn ?? `region:${p.view.region ?? "?"}`;
    slotsByKey.set(key, [...(slotsByKey.get(key) ?? []), ...p.slots]);
    const modeled = modeledByKey.get(key) ?? new Set<string>();
    for (const s of p.slots) for (const k of Object.keys(s.labels)) modeled.add(k);
    modeledByKey.set(key, modeled);
  }
  const place = (resource: GraphResource, what: string, placement: PodPlacement, replicas: number, spread: boolean): Placed => {
    const cluster = graph.clusterOf(resource)?.urn;
    const region = graph.regionOf(resource);
    const key = cluster && slotsByKey.has(cluster) ? cluster : `region:${region ?? "?"}`;
    const modeled = modeledByKey.get(key) ?? new Set<string>();
    const slots = (slotsByKey.get(key) ?? []).filter((s) => fits(placement, s, modeled));
    return { what, resource, cluster, region, slots, replicas, spread };
  };

  const prometheus = k8sObjects(graph, "monitoring.coreos.com", "Prometheus").map((p) => {
    const spec = rec(p.props.spec);
    const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
    return place(p, `Prometheus ${metaOf(p).namespace}/${metaOf(p).name ?? p.name}`, podPlacement(spec), replicas, spreadsOverZones(spec));
  });
  const monitoringByCluster = new Map<string, Placed[]>();
  for (const p of prometheus) if (p.cluster) monitoringByCluster.set(p.cluster, [...(monitoringByCluster.get(p.cluster) ?? []), p]);

  const declared = declaredKeyspaces(graph);
  const views = datacenters(graph);
  const names = views.map((v) => v.datacenter ?? v.resource.name);
  const locations = backupLocations(graph, new Buckets(graph), names);
  const dcs: DcInfo[] = views.map((view, i) => {
    const name = names[i]!;
    const rawRacks = ((rec(view.spec.datacenter).racks ?? []) as unknown[]).map(rec);
    const racks = view.racks.flatMap((r, j): RackInfo[] => {
      if (r.members <= 0) return [];
      const raw = rawRacks[j] ?? {};
      return [{ name: r.name, nodes: r.members, pinned: r.zones ?? [], placed: place(view.resource, `rack ${r.name}`, rackPlacement(raw), r.members, false) }];
    });
    const keyspaces = declared
      ? declared.flatMap((k) => (k.replication[name] ? [{ keyspace: k.name, rf: k.replication[name]! }] : []))
      : [{ keyspace: "every keyspace", rf: DEFAULT_RF }];
    const cluster = view.k8sCluster ? clusterByUrn.get(view.k8sCluster.urn) : undefined;
    return {
      view,
      name,
      region: view.region,
      cluster,
      racks,
      nodes: racks.reduce((n, r) => n + r.nodes, 0),
      keyspaces,
      backups: locations.get(name) ?? [],
      monitoring: cluster ? (monitoringByCluster.get(cluster.resource.urn) ?? []) : [],
    };
  });

  const { parts, fallback } = managerParts(graph);
  const manager = parts.map((m) => ({ ...place(m.resource, m.what, m.placement, m.replicas, m.spread), ...(m.quorumGroup ? { quorumGroup: m.quorumGroup } : {}) }));
  return {
    regions: regionsWithZones(graph, clusters, pools.map((p) => p.view), dcs),
    clusters,
    egress,
    pools,
    dcs,
    manager,
    managerFallback: fallback ? { region: graph.regionOf(fallback), what: `ScyllaCluster ${fallback.name}` } : undefined,
    prometheus,
    keyspaceAssumption: declared
      ? undefined
      : `no keyspace replication is declared (ConfigMap ${KEYSPACES_CONFIGMAP.namespace}/${KEYSPACES_CONFIGMAP.name}), so every datacenter is assumed to hold RF ${DEFAULT_RF}`,
  };
}

/** Every region with the zones anything lives in: subnets, node pools, zonal control planes, rack affinity. */
function regionsWithZones(graph: ResourceGraph, clusters: readonly ClusterInfo[], pools: readonly NodePoolView[], dcs: readonly DcInfo[]): RegionInfo[] {
  const regions = new Map<string, { cloud: Cloud | undefined; zones: Set<string> }>();
  const at = (region: string | undefined, cloud: Cloud | undefined) => {
    if (!region) return undefined;
    const entry = regions.get(region) ?? { cloud, zones: new Set<string>() };
    if (!entry.cloud && cloud) entry.cloud = cloud;
    regions.set(region, entry);
    return entry.zones;
  };
  for (const { region, cloud } of regionsOf(graph)) at(region, cloud);
  for (const s of graph.ofType("aws:ec2/subnet:Subnet")) {
    const zone = str(s.props.availabilityZone);
    if (zone) at(graph.regionOf(s), "aws")?.add(zone);
  }
  for (const p of pools) for (const z of p.zones) at(p.region, p.cloud)?.add(z);
  for (const c of clusters) {
    const zones = at(c.region, c.cloud);
    for (const z of strings(c.resource.props.nodeLocations)) zones?.add(z);
    if (c.zone) zones?.add(c.zone);
  }
  for (const dc of dcs) {
    const zones = at(dc.region, graph.cloudOf(dc.view.resource));
    for (const r of dc.racks) for (const z of r.pinned) zones?.add(z);
  }
  return [...regions]
    .map(([region, { cloud, zones }]) => ({ region, cloud, zones: [...zones].sort() }))
    .sort((a, b) => byText(`${a.cloud}:${a.region}`, `${b.cloud}:${b.region}`));
}


