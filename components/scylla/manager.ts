/**
 * Step 5: Scylla Manager, in exactly one region, on the system pool. Its
 * small backing ScyllaCluster also runs on the system pool, on network disks:
 * the Scylla pools are sized so that one Scylla pod owns a whole node (a
 * second Guaranteed pod does not fit on the small ones), and Manager's own
 * data is cheap to lose — the operator re-registers clusters and tasks, and
 * backup metadata lives in the buckets.
 *
 * Manager is one replica by design (its scheduler is not leader-elected);
 * while it is down, backups and repairs pause and nothing else is affected.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_API_VERSION, guaranteed } from "./datacenter-spec";
import { SYSTEM_NODE_SELECTOR, systemPoolAffinity } from "./placement";
import { SYSTEM_STORAGE_CLASS } from "./storage-spec";
import { SCYLLA_MANAGER_IMAGE } from "./versions";

/** The operator looks Manager up here; the namespace is not configurable. */
export const MANAGER_NAMESPACE = "scylla-manager";
export const MANAGER_DB_CLUSTER = "scylla-manager-cluster";
export const MANAGER_LABELS = { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } as const;

/** Manager's config: its API, metrics, and the member Service of its one-node database. */
export function managerConfigYaml(): string {
  return [
    "http: :5080",
    "prometheus: :5090",
    "logger:",
    "  level: info",
    "database:",
    "  hosts:",
    `  - ${MANAGER_DB_CLUSTER}-manager-dc-manager-rack-0`,
    "",
  ].join("\n");
}

export function managerDatabaseSpec(version: string, agentVersion: string) {
  return {
    version,
    agentVersion,
    developerMode: true,
    datacenter: {
      name: "manager-dc",
      racks: [
        {
          name: "manager-rack",
          members: 1,
          storage: { capacity: "5Gi", storageClassName: SYSTEM_STORAGE_CLASS },
          resources: guaranteed({ cpu: "1", memory: "1Gi" }),
          agentResources: guaranteed({ cpu: "100m", memory: "128Mi" }),
          placement: systemPoolAffinity(),
        },
      ],
    },
  };
}

export class ScyllaManager extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly budget: k8s.policy.v1.PodDisruptionBudget;
  readonly database: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ScyllaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:Manager", name, {}, opts);
    const { plan } = args;
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);
    const namespace = MANAGER_NAMESPACE;

    const ns = new k8s.core.v1.Namespace(`${name}-scylla-manager`, { metadata: { name: namespace } }, childOptions(this, args));
    // Manager keeps no state besides its database, which the operator must never register as a cluster to manage.
    this.database = new k8s.apiextensions.CustomResource(
      `${name}-scylla-manager-db`,
      {
        apiVersion: SCYLLA_API_VERSION,
        kind: "ScyllaCluster",
        metadata: {
          name: MANAGER_DB_CLUSTER,
          namespace,
          annotations: { "scylla-operator.scylladb.com/disable-global-scylladb-manager-integration": "true" },
        },
        spec: managerDatabaseSpec(plan.scylla.version, plan.scylla.agentVersion),
      },
      after(ns),
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-scylla-manager-db`,
      {
        metadata: { name: "scylla-manager-and-operator-to-db", namespace },
        spec: {
          policyTypes: ["Ingress"],
          podSelector: { matchLabels: { "app.kubernetes.io/managed-by": "scylla-operator", "app.kubernetes.io/name": "scylla" } },
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "scylla-operator" } } },
              ],
            },
          ],
        },
      },
      after(ns),
    );
    const sa = new k8s.core.v1.ServiceAccount(`${name}-scylla-manager`, { metadata: { name: "scylla-manager", namespace } }, after(ns));
    const config = new k8s.core.v1.ConfigMap(
      `${name}-scylla-manager`,
      { metadata: { name: "scylla-manager-config", namespace }, data: { "scylla-manager.yaml": managerConfigYaml() } },
      after(ns),
    );
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-scylla-manager`,
      {
        metadata: { name: "scylla-manager", namespace, labels: { ...MANAGER_LABELS } },
        spec: {
          replicas: 1,
          // Never two schedulers at once, even during a rollout.
          strategy: { type: "Recreate" },
          selector: { matchLabels: { ...MANAGER_LABELS } },
          template: {
            metadata: { labels: { ...MANAGER_LABELS } },
            spec: {
              serviceAccountName: "scylla-manager",
              nodeSelector: { ...SYSTEM_NODE_SELECTOR },
              containers: [
                {
                  name: "scylla-manager",
                  image: SCYLLA_MANAGER_IMAGE,
                  command: ["/usr/bin/scylla-manager"],
                  args: ["--config-file=/mnt/etc/scylla-manager/scylla-manager.yaml"],
                  ports: [
                    { name: "api", containerPort: 5080, protocol: "TCP" },
                    { name: "metrics", containerPort: 5090, protocol: "TCP" },
                  ],
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                  readinessProbe: { httpGet: { path: "/api/v1/clusters", port: 5080 }, periodSeconds: 10, timeoutSeconds: 3 },
                  volumeMounts: [{ name: "scylla-manager-config", mountPath: "/mnt/etc/scylla-manager" }],
                },
              ],
              volumes: [{ name: "scylla-manager-config", configMap: { name: "scylla-manager-config" } }],
            },
          },
        },
      },
      after(sa, config, this.database),
    );
    new k8s.core.v1.Service(
      `${name}-scylla-manager`,
      {
        metadata: { name: "scylla-manager", namespace, labels: { ...MANAGER_LABELS } },
        spec: {
          selector: { ...MANAGER_LABELS },
          ports: [
            { name: "api", port: 80, targetPort: 5080, protocol: "TCP" },
            { name: "metrics", port: 5090, targetPort: 5090, protocol: "TCP" },
          ],
        },
      },
      after(ns),
    );
    // One replica: the budget allows the eviction (a drain must never hang on Manager)
    // and documents that a Manager outage is tolerated.
    this.budget = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-scylla-manager`,
      { metadata: { name: "scylla-manager", namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { ...MANAGER_LABELS } } } },
      after(ns),
    );
    this.registerOutputs({});
  }
}
