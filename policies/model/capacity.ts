/**
 * Node pools as capacity: the machine behind a pool, what one of its nodes
 * offers pods (allocatable), how many nodes it keeps and may grow to per
 * zone, and the DaemonSets that take a share of every node.
 */
import { type ResourceGraph, arr, num, rec, str, strings } from "./graph";
import { type Amount, type KubeletCpu, type Machine, add, eksAllocatable, gkeAllocatable, machine, requestsOf } from "./instances";
import { AWS, type NodePoolView, k8sObjects } from "./topology";
import type { GraphResource } from "./types";
import { fits, podPlacement, slotLabels, type Slot } from "../failure/placement";

export interface PoolCapacity {
  readonly view: NodePoolView;
  /** The machine type the pool names, and its figures when we know them. */
  readonly type: string | undefined;
  readonly machine: Machine | undefined;
  /** What one node offers pods; `undefined` for an unknown machine. */
  readonly allocatable: Amount | undefined;
  /** Nodes per zone at the lowest scale and at the highest. */
  readonly minPerZone: number | undefined;
  readonly maxPerZone: number | undefined;
}

function launchTemplate(graph: ResourceGraph, pool: GraphResource): GraphResource | undefined {
  return graph.linked(pool, "launchTemplate", AWS.launchTemplate)[0];
}

/** The kubelet CPU settings in a launch template's nodeadm user data (base64 MIME with a NodeConfig part). */
export function kubeletCpuOf(template: GraphResource | undefined): KubeletCpu {
  const raw = str(template?.props.userData);
  if (!raw) return {};
  const text = /^[A-Za-z0-9+/=\s]+$/.test(raw) ? Buffer.from(raw, "base64").toString("utf8") : raw;
  const list = /reservedSystemCPUs:\s*["']?([0-9,\- ]+?)["']?\s*$/m.exec(text)?.[1];
  const system = /systemReserved:\s*\n(?:\s+\S+:.*\n)*?\s+cpu:\s*["']?([0-9.]+m?)["']?/m.exec(text)?.[1];
  return { ...(list ? { reservedSystemCPUs: list.trim() } : {}), ...(system ? { systemReservedCpu: system } : {}) };
}

export function poolCapacity(graph: ResourceGraph, view: NodePoolView): PoolCapacity {
  const zones = Math.max(1, view.zones.length);
  if (view.cloud === "aws") {
    const template = launchTemplate(graph, view.resource);
    const type = strings(view.resource.props.instanceTypes)[0] ?? str(template?.props.instanceType);
    const m = type ? machine("aws", type) : undefined;
    const scaling = rec(view.resource.props.scalingConfig);
    const min = num(scaling.minSize);
    const max = num(scaling.maxSize);
    return {
      view,
      type,
      machine: m,
      allocatable: m ? eksAllocatable(m, kubeletCpuOf(template)) : undefined,
      // An auto scaling group balances its nodes over its zones.
      minPerZone: min === undefined ? undefined : Math.floor(min / zones),
      maxPerZone: max === undefined ? undefined : Math.floor(max / zones),
    };
  }
  const config = rec(view.resource.props.nodeConfig);
  const type = str(config.machineType);
  const m = type ? machine("gcp", type) : undefined;
  const autoscaling = rec(view.resource.props.autoscaling);
  const fixed = num(view.resource.props.nodeCount) ?? num(view.resource.props.initialNodeCount);
  // GKE counts nodes per zone, except the autoscaler's total* limits.
  const totalMax = num(autoscaling.totalMaxNodeCount);
  const max = num(autoscaling.maxNodeCount) ?? (totalMax !== undefined ? Math.floor(totalMax / zones) : fixed);
  return { view, type, machine: m, allocatable: m ? gkeAllocatable(m) : undefined, minPerZone: view.minNodesPerZone, maxPerZone: max };
}

/** Every label key some pool of the cluster sets: only those are judged when matching selectors. */
export function modeledKeys(pools: readonly NodePoolView[]): Set<string> {
  const keys = new Set<string>();
  for (const p of pools) for (const k of Object.keys(slotLabels(p, p.zones[0]))) keys.add(k);
  return keys;
}

function slotOf(pool: NodePoolView): Slot {
  return { pool, zone: pool.zones[0], labels: slotLabels(pool, pool.zones[0]), subnets: [] };
}

/** Summed container requests of a pod spec (init containers run before, not beside, so they are left out). */
export function podRequests(spec: Record<string, unknown>): Amount {
  return add(...arr(spec.containers).map((c) => requestsOf(rec(rec(c).resources))));
}

/** DaemonSets of the pool's cluster whose pods land on the pool's nodes, with what each takes per node. */
export function daemonSetsOn(graph: ResourceGraph, pool: NodePoolView, clusterPools: readonly NodePoolView[]): { resource: GraphResource; requests: Amount }[] {
  const modeled = modeledKeys(clusterPools);
  return k8sObjects(graph, "apps", "DaemonSet")
    .filter((d) => pool.cluster !== undefined && graph.clusterOf(d)?.urn === pool.cluster.urn)
    .map((d) => ({ d, spec: rec(rec(rec(d.props.spec).template).spec) }))
    .filter(({ spec }) => fits(podPlacement(spec), slotOf(pool), modeled))
    .map(({ d, spec }) => ({ resource: d, requests: podRequests(spec) }));
}
