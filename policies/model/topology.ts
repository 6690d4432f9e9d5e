/**
 * Domain views over the graph, shared by the rules and the report's topology
 * diagram: subnets with their zone and role, node pools with their zones,
 * labels and taints, and ScyllaDB datacenters with their racks.
 */
import { type Cloud, type ResourceGraph, T, arr, num, rec, str, strings } from "./graph";
import type { GraphResource } from "./types";

export const AWS = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  peeringAccepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  bucket: "aws:s3/bucket:Bucket",
} as const;

export const GCP = {
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  routerNat: "gcp:compute/routerNat:RouterNat",
  nodePool: "gcp:container/nodePool:NodePool",
  bucket: "gcp:storage/bucket:Bucket",
} as const;

export const LABELS = {
  scyllaNode: "scylla.scylladb.com/node-type",
  pool: "scylla-ha.io/pool",
  zone: "topology.kubernetes.io/zone",
  dedicatedTaint: "scylla-operator.scylladb.com/dedicated",
} as const;

export interface SubnetView {
  readonly resource: GraphResource;
  readonly zone: string | undefined;
  readonly role: "private" | "public" | "other";
  readonly vpc: GraphResource | undefined;
  readonly region: string | undefined;
}

export function awsSubnets(graph: ResourceGraph): SubnetView[] {
  return graph.ofType(AWS.subnet).map((s) => {
    const tags = rec(s.props.tags);
    const role = tags["kubernetes.io/role/internal-elb"] === "1" ? "private" : tags["kubernetes.io/role/elb"] === "1" ? "public" : "other";
    return { resource: s, zone: str(s.props.availabilityZone), role, vpc: graph.linked(s, "vpcId", AWS.vpc)[0], region: graph.regionOf(s) };
  });
}

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  readonly key: string;
  readonly value: string | undefined;
  readonly effect: string;
}

export interface NodePoolView {
  readonly resource: GraphResource;
  readonly cloud: Cloud;
  readonly cluster: GraphResource | undefined;
  readonly region: string | undefined;
  /** Distinct zones the pool's nodes land in; empty when the graph does not say. */
  readonly zones: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly role: "scylla" | "system" | "other";
  /** Nodes each zone keeps at the lowest scale; `undefined` when not declared. */
  readonly minNodesPerZone: number | undefined;
}

/** `NO_SCHEDULE` (EKS, GKE) → `NoSchedule` (Kubernetes). */
export function normalizeEffect(effect: unknown): string {
  const e = String(effect ?? "");
  return /^[A-Z_]+$/.test(e) ? e.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) : e;
}

function taintsOf(value: unknown): Taint[] {
  return arr(value).map((t) => rec(t)).map((t) => ({ key: String(t.key ?? ""), value: str(t.value), effect: normalizeEffect(t.effect) }));
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(rec(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function roleOf(labels: Record<string, string>, taints: readonly Taint[]): NodePoolView["role"] {
  if (labels[LABELS.scyllaNode] === "scylla" || taints.some((t) => t.key === LABELS.dedicatedTaint)) return "scylla";
  return labels[LABELS.pool] === "system" ? "system" : "other";
}

/**
 * The cluster a node pool belongs to: the one its `clusterName`/`cluster`
 * argument was computed from, or else the cluster of that name on the same
 * provider (a plain name is known at preview too).
 */
function clusterOfPool(graph: ResourceGraph, pool: GraphResource, prop: "clusterName" | "cluster", type: string): GraphResource | undefined {
  const linked = graph.linked(pool, prop, type)[0];
  if (linked) return linked;
  const name = str(pool.props[prop]);
  return graph.ofType(type).find((c) => name !== undefined && (c.props.name === name || c.name === name) && c.provider === pool.provider);
}

export function nodePools(graph: ResourceGraph): NodePoolView[] {
  const eks = graph.ofType(AWS.nodeGroup).map((g): NodePoolView => {
    const zones = distinct(graph.linked(g, "subnetIds", AWS.subnet).map((s) => str(s.props.availabilityZone)));
    const labels = stringMap(g.props.labels);
    const taints = taintsOf(g.props.taints);
    const minSize = num(rec(g.props.scalingConfig).minSize);
    return {
      resource: g,
      cloud: "aws",
      cluster: clusterOfPool(graph, g, "clusterName", T.eksCluster),
      region: graph.regionOf(g),
      zones,
      labels,
      taints,
      role: roleOf(labels, taints),
      // The node group's auto scaling group balances nodes across its zones.
      minNodesPerZone: minSize === undefined || zones.length === 0 ? undefined : Math.floor(minSize / zones.length),
    };
  });
  const gke = graph.ofType(GCP.nodePool).map((p): NodePoolView => {
    const cluster = clusterOfPool(graph, p, "cluster", T.gkeCluster);
    const config = rec(p.props.nodeConfig);
    const labels = stringMap(config.labels);
    const taints = taintsOf(config.taints);
    const zones = distinct(strings(p.props.nodeLocations).length > 0 ? strings(p.props.nodeLocations) : strings(cluster?.props.nodeLocations));
    const autoscaling = rec(p.props.autoscaling);
    const totalMin = num(autoscaling.totalMinNodeCount);
    // GKE node counts are per zone, except the autoscaler's `total*` limits.
    const perZone = num(autoscaling.minNodeCount) ?? (totalMin !== undefined && zones.length > 0 ? Math.floor(totalMin / zones.length) : undefined);
    return {
      resource: p,
      cloud: "gcp",
      cluster,
      region: graph.regionOf(p),
      zones,
      labels,
      taints,
      role: roleOf(labels, taints),
      minNodesPerZone: perZone ?? num(p.props.nodeCount) ?? num(p.props.initialNodeCount),
    };
  });
  return [...eks, ...gke];
}

/** Kubernetes objects of a kind (`kubernetes:<group>/<version>:<Kind>`, core group `core`). */
export function k8sObjects(graph: ResourceGraph, group: string, kind: string): GraphResource[] {
  const prefix = `kubernetes:${group}/`;
  return graph.matching((t) => t.startsWith(prefix) && t.endsWith(`:${kind}`) && t.split(":").length === 3);
}

export function metaOf(r: GraphResource): { name: string | undefined; namespace: string; labels: Record<string, string> } {
  const m = rec(r.props.metadata);
  return { name: str(m.name), namespace: str(m.namespace) ?? "default", labels: stringMap(m.labels) };
}

export interface NodeRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface RackView {
  readonly name: string;
  readonly members: number;
  /** Zones the rack's required node affinity allows; `undefined` when it does not pin a zone. */
  readonly zones: readonly string[] | undefined;
  /** Required node-selector expressions (of the first term). */
  readonly requirements: readonly NodeRequirement[];
  readonly tolerations: readonly Record<string, unknown>[];
  readonly storageClassName: string | undefined;
  readonly resources: Record<string, unknown>;
  readonly agentResources: Record<string, unknown>;
}

export interface DatacenterView {
  readonly resource: GraphResource;
  readonly clusterName: string | undefined;
  readonly datacenter: string | undefined;
  readonly region: string | undefined;
  /** The EKS/GKE cluster the ScyllaCluster is deployed to. */
  readonly k8sCluster: GraphResource | undefined;
  readonly racks: readonly RackView[];
  readonly spec: Record<string, unknown>;
}

export const SCYLLA_CLUSTER = "kubernetes:scylla.scylladb.com/v1:ScyllaCluster";

/**
 * Scylla Manager's own backing cluster: not a datacenter of the database. The
 * operator looks Manager up in the fixed namespace `scylla-manager`
 * (scylla-operator v1.21.1 pkg/naming/constants.go:193, ScyllaManagerNamespace);
 * the disable-global-scylladb-manager-integration annotation alone does not
 * make one — datacenters without a Manager of their own carry it too.
 */
export function isManagerBackingCluster(sc: GraphResource): boolean {
  return metaOf(sc).namespace === "scylla-manager";
}

export function datacenters(graph: ResourceGraph): DatacenterView[] {
  return graph.ofType(SCYLLA_CLUSTER).filter((sc) => !isManagerBackingCluster(sc)).map((sc) => {
    const spec = rec(sc.props.spec);
    const dc = rec(spec.datacenter);
    return {
      resource: sc,
      clusterName: metaOf(sc).name,
      datacenter: str(dc.name),
      region: graph.regionOf(sc),
      k8sCluster: graph.clusterOf(sc),
      racks: arr(dc.racks).map((r) => rackView(rec(r))),
      spec,
    };
  });
}

function rackView(rack: Record<string, unknown>): RackView {
  const placement = rec(rack.placement);
  const terms = arr(rec(rec(placement.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms).map((t) =>
    arr(rec(t).matchExpressions).map((e): NodeRequirement => {
      const x = rec(e);
      return { key: String(x.key ?? ""), operator: String(x.operator ?? ""), values: strings(x.values) };
    }),
  );
  // Terms are OR-ed: the rack is pinned only if every term pins it.
  const zoneSets = terms.map((t) => t.find((e) => e.key === LABELS.zone && e.operator === "In")?.values);
  const zones = terms.length > 0 && zoneSets.every((z) => z !== undefined) ? distinct(zoneSets.flat()) : undefined;
  const storage = rec(rack.storage);
  return {
    name: str(rack.name) ?? "(unnamed)",
    members: num(rack.members) ?? 0,
    zones,
    requirements: terms[0] ?? [],
    tolerations: arr(placement.tolerations).map(rec),
    storageClassName: str(storage.storageClassName),
    resources: rec(rack.resources),
    agentResources: rec(rack.agentResources),
  };
}

export function distinct<T>(values: readonly (T | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== undefined))].sort();
}

/** Every region the graph places resources in, from providers and clusters. */
export function regionsOf(graph: ResourceGraph): { region: string; cloud: Cloud }[] {
  const out = new Map<string, Cloud>();
  for (const p of graph.ofType(T.awsProvider, T.gcpProvider, T.eksCluster, T.gkeCluster)) {
    const region = graph.regionOf(p);
    const cloud = graph.cloudOf(p);
    if (region && cloud && !out.has(region)) out.set(region, cloud);
  }
  return [...out].map(([region, cloud]) => ({ region, cloud }));
}
