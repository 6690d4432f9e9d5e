/**
 * Where things run. Two node populations exist in every cluster, and the
 * cloud layers build them with exactly these labels and taints (contract in
 * the helper brief): the dedicated, tainted Scylla pools (one per zone) and
 * the untainted multi-zone system pool that holds operators, webhooks,
 * Manager and Prometheus. Pure data; no Pulumi resources.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { RackPlan } from "../plan";

type Toleration = k8s.types.input.core.v1.Toleration;
type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;

export const ZONE_KEY = "topology.kubernetes.io/zone";
export const HOSTNAME_KEY = "kubernetes.io/hostname";

export const SCYLLA_NODE_LABEL_KEY = "scylla.scylladb.com/node-type";
export const SCYLLA_NODE_LABELS: Readonly<Record<string, string>> = { [SCYLLA_NODE_LABEL_KEY]: "scylla" };

/** The taint on Scylla pools; only Scylla pods, their node tuning and the CSI driver tolerate it. */
export const DEDICATED_TOLERATION = {
  key: "scylla-operator.scylladb.com/dedicated",
  operator: "Equal",
  value: "scyllaclusters",
  effect: "NoSchedule",
} as const satisfies Toleration;

export const SYSTEM_POOL_LABEL_KEY = "scylla-ha.io/pool";
export const SYSTEM_NODE_SELECTOR: Readonly<Record<string, string>> = { [SYSTEM_POOL_LABEL_KEY]: "system" };

/**
 * Spreads a workload's replicas over zones (hard: a zone outage must leave a
 * replica) and, softly, over nodes. `DoNotSchedule` with `maxSkew: 1` still
 * schedules in a single-zone pool (one domain has no skew) and lets a rolling
 * update surge into any zone, so it never deadlocks a rollout.
 */
export function zoneSpread(matchLabels: Readonly<Record<string, string>>): TopologySpreadConstraint[] {
  return [
    { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { ...matchLabels } } },
    { maxSkew: 1, topologyKey: HOSTNAME_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...matchLabels } } },
  ];
}

/** Pod labels the operator puts on every Scylla pod of a cluster. */
export function scyllaPodLabels(clusterName: string): Record<string, string> {
  return { "app.kubernetes.io/name": "scylla", "scylla/cluster": clusterName };
}

/**
 * A rack's placement: required node affinity on its zone and the Scylla node
 * label, the dedicated toleration, and one Scylla pod per node.
 */
export function rackPlacement(rack: RackPlan, clusterName: string) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: ZONE_KEY, operator: "In", values: [rack.zone] },
              { key: SCYLLA_NODE_LABEL_KEY, operator: "In", values: [SCYLLA_NODE_LABELS[SCYLLA_NODE_LABEL_KEY]!] },
            ],
          },
        ],
      },
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: HOSTNAME_KEY, labelSelector: { matchLabels: scyllaPodLabels(clusterName) } },
      ],
    },
    tolerations: [{ ...DEDICATED_TOLERATION }],
  };
}

/** Required node affinity on the system pool, for CRDs whose placement has no `nodeSelector`. */
export function systemPoolAffinity() {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: SYSTEM_POOL_LABEL_KEY, operator: "In", values: [SYSTEM_NODE_SELECTOR[SYSTEM_POOL_LABEL_KEY]!] }] }],
      },
    },
  };
}
