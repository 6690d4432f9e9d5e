/**
 * NetworkPolicies of the `scylla` and `scylla-manager` namespaces (ingress
 * only; egress stays open). Enforced by vpc-cni's network policy agent on EKS
 * (`enableNetworkPolicy`, components/aws/addon-config.ts) and by Dataplane V2
 * on GKE (components/gcp/gke-cluster.ts); the `deploy-path` policies flag a
 * cluster where they would be decoration.
 *
 * - ScyllaDB pods: CQL from any pod of the cluster, from every range of the
 *   environment (clients and drivers in other regions) and from the declared
 *   client ranges (`scylla.clientCidrs`); inter-node from the
 *   ScyllaDB pods of this cluster and the peer regions' pod ranges; the
 *   Manager agent API from Manager, from the operator (it drives the agents
 *   through that API with the auth token) and from the Manager region's pod
 *   range (Manager drives every DC's agents); metrics from this namespace
 *   (Prometheus runs here).
 * - Manager: its API from its own namespace only (sctool, the restore Jobs);
 *   its metrics from the ScyllaDB namespace's Prometheus; its database from
 *   Manager and the operator.
 *
 * Kubelet probes come from the node and are not subject to these policies on
 * either engine. Pod selectors use the labels scylla-operator puts on every
 * ScyllaDB pod (`app.kubernetes.io/name: scylla`, `scylla/cluster: <name>`);
 * namespaces are matched by the `kubernetes.io/metadata.name` label the API
 * server sets on every namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { CQL_PORTS } from "../plan/ports";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { MANAGER_LABELS, MANAGER_NAMESPACE } from "./manager";
import { SCYLLA_OPERATOR_NAMESPACE } from "./platform-operators";

export { CQL_PORTS };
export const INTER_NODE_PORTS = [7000, 7001] as const;
export const AGENT_PORT = 10001;
/** ScyllaDB's Prometheus endpoint, the agent's metrics and node_exporter in the ScyllaDB pod. */
export const METRICS_PORTS = [9180, 5090, 9100] as const;
export const MANAGER_API_PORT = 5080;
export const MANAGER_METRICS_PORT = 5090;

const NAMESPACE_LABEL = "kubernetes.io/metadata.name";
const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const inNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: ns } } });
const ipBlocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

export interface NamedNetworkPolicy {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/** Pod ranges of the environment's regions (AWS pods take VPC addresses), in plan order. */
function podRanges(plan: EnvironmentPlan, except?: string): string[] {
  return plan.regions.filter((r) => r.key !== except).map((r) => r.network.podCidr);
}

/** The region's node range (on AWS the VPC, which nodes share with pods). */
function nodeRange(region: RegionPlan): string {
  return region.network.cloud === "aws" ? region.network.vpcCidr : region.network.nodeCidr;
}

/** Every range of the environment a client could come from: node and pod ranges of every region. */
function environmentRanges(plan: EnvironmentPlan): string[] {
  const out = plan.regions.flatMap((r) => (r.network.cloud === "aws" ? [r.network.vpcCidr] : [r.network.nodeCidr, r.network.podCidr]));
  return [...new Set(out)];
}

/** The ScyllaDB namespace's policies for one region, as data (tests and docs read them). */
export function scyllaNetworkPolicies(plan: EnvironmentPlan, region: RegionPlan): NamedNetworkPolicy[] {
  const namespace = plan.scylla.namespace;
  const scyllaPods = { matchLabels: { "app.kubernetes.io/name": "scylla", "scylla/cluster": plan.scylla.clusterName } };
  const managerRegion = plan.regions.find((r) => r.key === plan.managerRegion);
  const remoteManager = managerRegion && managerRegion.key !== region.key ? [managerRegion.network.podCidr] : [];
  const policies: NamedNetworkPolicy[] = [
    {
      key: "scylla-cql",
      namespace,
      name: "scylla-cql",
      spec: {
        podSelector: scyllaPods,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: {} }, ...ipBlocks([...environmentRanges(plan), ...plan.scylla.clientCidrs])], ports: tcp(CQL_PORTS) }],
      },
    },
    {
      key: "scylla-inter-node",
      namespace,
      name: "scylla-inter-node",
      spec: {
        podSelector: scyllaPods,
        policyTypes: ["Ingress"],
        // The peers' pods, and this region's node range: a joining DC first reaches the seed load
        // balancer, whose traffic arrives from a node (kube-proxy SNATs NodePort traffic it forwards
        // with externalTrafficPolicy Cluster), not from a pod.
        ingress: [
          { from: [{ podSelector: scyllaPods }, ...ipBlocks([...podRanges(plan, region.key), nodeRange(region)])], ports: tcp(INTER_NODE_PORTS) },
        ],
      },
    },
    {
      key: "scylla-agent",
      namespace,
      name: "scylla-manager-agent",
      spec: {
        podSelector: scyllaPods,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { ...inNamespace(MANAGER_NAMESPACE), podSelector: { matchLabels: { ...MANAGER_LABELS } } },
              inNamespace(SCYLLA_OPERATOR_NAMESPACE),
              ...ipBlocks(remoteManager),
            ],
            ports: tcp([AGENT_PORT]),
          },
        ],
      },
    },
    {
      key: "scylla-metrics",
      namespace,
      name: "scylla-metrics",
      spec: { podSelector: scyllaPods, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }], ports: tcp(METRICS_PORTS) }] },
    },
  ];
  if (!region.hostsManager) return policies;
  return [
    ...policies,
    {
      key: "manager-api",
      namespace: MANAGER_NAMESPACE,
      name: "scylla-manager-api",
      spec: {
        podSelector: { matchLabels: { ...MANAGER_LABELS } },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ podSelector: {} }], ports: tcp([MANAGER_API_PORT]) },
          { from: [{ ...inNamespace(namespace), podSelector: {} }], ports: tcp([MANAGER_METRICS_PORT]) },
        ],
      },
    },
    {
      key: "manager-db",
      namespace: MANAGER_NAMESPACE,
      name: "scylla-manager-db",
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/managed-by": "scylla-operator", "app.kubernetes.io/name": "scylla" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: {} }, inNamespace(SCYLLA_OPERATOR_NAMESPACE)] }],
      },
    },
  ];
}

export class ScyllaNetworkPolicies extends pulumi.ComponentResource {
  /** The policies by key. */
  readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: ScyllaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:NetworkPolicies", name, {}, opts);
    const options = childOptions(this, args);
    this.policies = Object.fromEntries(
      scyllaNetworkPolicies(args.plan, args.region).map((p) => [
        p.key,
        new k8s.networking.v1.NetworkPolicy(`${name}-${p.key}`, { metadata: { name: p.name, namespace: p.namespace }, spec: p.spec }, options),
      ]),
    );
    this.registerOutputs({});
  }
}
