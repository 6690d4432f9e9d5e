/**
 * Where pods can run: every node pool becomes one "slot" per zone it spans,
 * labelled as its nodes are (the pool's labels plus the zone, region and
 * pool-name labels Kubernetes and the clouds add), and a pod's node selector,
 * required node affinity and tolerations are matched against the slots of its
 * own cluster. A rack, Scylla Manager or Prometheus can only run — or be
 * rescheduled — in the zones of the slots it fits.
 */
import { arr, num, rec, str, strings } from "../model/graph";
import { LABELS, type NodePoolView, type NodeRequirement, type Taint } from "../model/topology";
import type { GraphResource } from "../model/types";
import type { SubnetInfo } from "./network";

export interface Slot {
  readonly pool: NodePoolView;
  /** `undefined` when the graph does not say which zones the pool spans. */
  readonly zone: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** The subnets the pool's nodes in this zone live in (egress). */
  readonly subnets: readonly SubnetInfo[];
}

export interface PodPlacement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Required node-affinity terms, OR-ed; none means no requirement. */
  readonly terms: readonly (readonly NodeRequirement[])[];
  readonly tolerations: readonly Record<string, unknown>[];
}

const BLOCKING_EFFECTS = new Set(["NoSchedule", "NoExecute"]);

/** The node labels of one pool in one zone, as the kubelet and the cloud set them. */
export function slotLabels(pool: NodePoolView, zone: string | undefined): Record<string, string> {
  const own: Record<string, string> = { ...pool.labels };
  if (zone) {
    own[LABELS.zone] = zone;
    own["failure-domain.beta.kubernetes.io/zone"] = zone;
  }
  if (pool.region) own["topology.kubernetes.io/region"] = pool.region;
  const name = str(pool.resource.props.nodeGroupName) ?? str(pool.resource.props.name) ?? pool.resource.name;
  if (pool.cloud === "aws") own["eks.amazonaws.com/nodegroup"] = name;
  else own["cloud.google.com/gke-nodepool"] = name;
  return own;
}

function requirements(value: unknown): NodeRequirement[] {
  return arr(value).map((e) => {
    const x = rec(e);
    return { key: String(x.key ?? ""), operator: String(x.operator ?? ""), values: strings(x.values) };
  });
}

/** Required node-affinity terms of a `nodeAffinity` object. */
function termsOf(nodeAffinity: unknown): NodeRequirement[][] {
  const required = rec(rec(nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  return arr(required.nodeSelectorTerms).map((t) => requirements(rec(t).matchExpressions));
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(rec(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** A pod spec's (or a CR's pod-shaped spec's) placement. */
export function podPlacement(spec: Record<string, unknown>): PodPlacement {
  return {
    nodeSelector: stringMap(spec.nodeSelector),
    terms: termsOf(rec(spec.affinity).nodeAffinity),
    tolerations: arr(spec.tolerations).map(rec),
  };
}

/** A ScyllaCluster rack's placement (`rack.placement`). */
export function rackPlacement(rack: Record<string, unknown>): PodPlacement {
  const placement = rec(rack.placement);
  return { nodeSelector: {}, terms: termsOf(placement.nodeAffinity), tolerations: arr(placement.tolerations).map(rec) };
}

export function tolerates(tolerations: readonly Record<string, unknown>[], taint: Taint): boolean {
  return tolerations.some((t) => {
    const exists = t.operator === "Exists";
    const keyOk = t.key === taint.key || (exists && (t.key === undefined || t.key === ""));
    const valueOk = exists || (t.value ?? "") === (taint.value ?? "");
    return keyOk && valueOk && (t.effect === undefined || t.effect === "" || t.effect === taint.effect);
  });
}

/**
 * One requirement against a slot. A key no pool of the cluster sets (the
 * node's hostname, architecture, instance type…) cannot be judged from the
 * graph and is taken as satisfied; a key some pool sets is judged exactly.
 */
function holds(req: NodeRequirement, labels: Readonly<Record<string, string>>, modeled: ReadonlySet<string>): boolean {
  if (!modeled.has(req.key)) return true;
  const value = labels[req.key];
  switch (req.operator) {
    case "In":
      return value !== undefined && req.values.includes(value);
    case "NotIn":
      return value === undefined || !req.values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const [have, want] = [num(value), num(req.values[0])];
      if (have === undefined || want === undefined) return false;
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

export function fits(placement: PodPlacement, slot: Slot, modeled: ReadonlySet<string>): boolean {
  for (const [key, value] of Object.entries(placement.nodeSelector)) {
    if (modeled.has(key) && slot.labels[key] !== value) return false;
  }
  // An empty term matches no node (Kubernetes semantics); terms are OR-ed.
  if (placement.terms.length > 0 && !placement.terms.some((t) => t.length > 0 && t.every((r) => holds(r, slot.labels, modeled)))) return false;
  return slot.pool.taints.filter((t) => BLOCKING_EFFECTS.has(t.effect)).every((t) => tolerates(placement.tolerations, t));
}

/** Does a pod spec guarantee its replicas land in different zones (hard spread or required anti-affinity)? */
export function spreadsOverZones(spec: Record<string, unknown>): boolean {
  const hard = arr(spec.topologySpreadConstraints).some((c) => rec(c).topologyKey === LABELS.zone && rec(c).whenUnsatisfiable === "DoNotSchedule");
  const anti = arr(rec(rec(spec.affinity).podAntiAffinity).requiredDuringSchedulingIgnoredDuringExecution).some((t) => rec(t).topologyKey === LABELS.zone);
  return hard || anti;
}

/** Something that runs on nodes: a rack, Scylla Manager, a Prometheus. */
export interface Placed {
  /** How reports name it, e.g. `Deployment scylla-manager/scylla-manager`. */
  readonly what: string;
  readonly resource: GraphResource;
  /** The EKS/GKE cluster's URN. */
  readonly cluster: string | undefined;
  readonly region: string | undefined;
  /** Every slot it fits; empty means it cannot run anywhere. */
  readonly slots: readonly Slot[];
  readonly replicas: number;
  /** Replicas are guaranteed to sit in different zones. */
  readonly spread: boolean;
}

/** Distinct zones of some slots (`undefined` for a pool whose zones are unknown). */
export function zonesOf(slots: readonly Slot[]): (string | undefined)[] {
  return [...new Set(slots.map((s) => s.zone))];
}
