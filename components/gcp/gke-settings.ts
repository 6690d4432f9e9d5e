/**
 * Fixed GKE and VPC settings shared by the GCP components, the config
 * validation and the tests. Pure data: no Pulumi imports, so `stacks/validate.ts`
 * can use it before any resource exists.
 */

/** Names of the subnet's secondary ranges; GKE finds them by name, so they never change. */
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

/**
 * GKE's default pod density. With it GKE carves a /24 of the pod range for
 * every node, which is what the pod-range capacity check in validate.ts counts.
 */
export const GKE_MAX_PODS_PER_NODE = 110;
export const GKE_NODE_POD_RANGE_PREFIX = 24;

/**
 * ScyllaDB ports that must be open between regions: inter-node 7000 (+TLS
 * 7001), CQL 9042 (+TLS 9142), shard-aware CQL 19042 (+TLS 19142), the
 * Manager agent 10001 (Manager in one region drives agents in all), and the
 * metrics ports 9180 (ScyllaDB) and 5090 (agent).
 */
export const SCYLLA_PORTS: readonly string[] = ["7000", "7001", "9042", "9142", "19042", "19142", "10001", "9180", "5090"];

/**
 * Ports the private control plane must reach on nodes for admission webhooks.
 * GKE's own master rule only opens 443 and 10250; ScyllaDB Operator's
 * webhook-server listens on 5000 (its Service maps 443 → 5000, and the API
 * server dials the pod port), prometheus-operator's admission webhook on 8443,
 * controller-runtime webhooks default to 9443, cert-manager's webhook on 10250.
 */
export const WEBHOOK_PORTS: readonly string[] = ["443", "5000", "8443", "9443", "10250"];

/** Node labels and taint the Scylla layer and the policies recognise pools by. */
export const POOL_LABEL = "scylla-ha.io/pool";
export const SCYLLA_NODE_LABELS: Readonly<Record<string, string>> = {
  "scylla.scylladb.com/node-type": "scylla",
  [POOL_LABEL]: "scylla",
};
export const SYSTEM_NODE_LABELS: Readonly<Record<string, string>> = { [POOL_LABEL]: "system" };
export const SCYLLA_TAINT = {
  key: "scylla-operator.scylladb.com/dedicated",
  value: "scyllaclusters",
  effect: "NO_SCHEDULE",
} as const;

/** Scope is left wide on purpose: IAM roles on the node service account are what limit it. */
export const NODE_OAUTH_SCOPES: readonly string[] = ["https://www.googleapis.com/auth/cloud-platform"];

/** Container-Optimized OS has no XFS, which the operator's NodeConfig formats local NVMe with. */
export const NODE_IMAGE_TYPE = "UBUNTU_CONTAINERD";

/** Network tag every node of a cluster carries (webhook firewall target). */
export function nodeTag(clusterName: string): string {
  return `${clusterName}-node`;
}

/** Network tag of a cluster's Scylla nodes (inter-region ScyllaDB firewall target). */
export function scyllaTag(clusterName: string): string {
  return `${clusterName}-scylla`;
}

/** The node service account's id: 6–30 characters, starting with a letter (cluster names are ≤ 23). */
export function nodeServiceAccountId(clusterName: string): string {
  return `nodes-${clusterName}`;
}

/** The GKE service agent, which needs the KMS key to encrypt Secrets in etcd. */
export function gkeServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}
