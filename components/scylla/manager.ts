/**
 * Step 5: Scylla Manager, in exactly one region, on the multi-zone system
 * pool. Its database is a ScyllaCluster of three racks, one per zone (one
 * node each, production mode, network disks, RF 3 with LOCAL_QUORUM), so a
 * zone loss leaves Manager its state; the Deployment holds no volume and moves
 * to a surviving zone. Manager is one replica by design (its scheduler is not
 * leader-elected); while it is down or its region is lost, backups and repairs
 * pause and nothing else is affected (docs/failure-domains.md).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { DISABLE_MANAGER_INTEGRATION_ANNOTATION, SCYLLA_API_VERSION, guaranteed } from "./datacenter-spec";
import type { RegionPlan } from "../plan";
import { SYSTEM_NODE_SELECTOR, SYSTEM_POOL_LABEL_KEY, ZONE_KEY } from "./placement";
import { SYSTEM_STORAGE_CLASS } from "./storage-spec";
import { SCYLLA_MANAGER_IMAGE } from "./versions";

/** The operator looks Manager up here; the namespace is not configurable. */
export const MANAGER_NAMESPACE = "scylla-manager";
export const MANAGER_DB_CLUSTER = "scylla-manager-cluster";
export const MANAGER_LABELS = { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } as const;

export const MANAGER_DB_DATACENTER = "manager-dc";
/** At most three racks: Manager's keyspace is RF 3 (`replication_factor` below), one replica per zone. */
const MANAGER_DB_RACKS = 3;

/** Manager's database racks: one per zone of the region (rack name = zone), up to three. */
export function managerDatabaseZones(region: Pick<RegionPlan, "zones">): string[] {
  return region.zones.slice(0, MANAGER_DB_RACKS);
}

/**
 * Manager's config. Its database: every rack's first member, RF 3 and
 * `local_dc`, which makes Manager use LOCAL_QUORUM (scylla-manager v3.10.1
 * pkg/config/server/server.go:22-34, pkg/cmd/scylla-manager/db.go:263-270), so
 * one zone down keeps it reading and writing.
 */
export function managerConfigYaml(zones: readonly string[]): string {
  return [
    "http: :5080",
    "prometheus: :5090",
    "logger:",
    "  level: info",
    "database:",
    "  hosts:",
    ...zones.map((z) => `  - ${MANAGER_DB_CLUSTER}-${MANAGER_DB_DATACENTER}-${z}-0`),
    `  local_dc: ${MANAGER_DB_DATACENTER}`,
    `  replication_factor: ${Math.min(MANAGER_DB_RACKS, zones.length)}`,
    "",
  ].join("\n");
}

/** Placement of one rack: the system pool, in exactly one zone. */
function managerRackPlacement(zone: string) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: SYSTEM_POOL_LABEL_KEY, operator: "In", values: [SYSTEM_NODE_SELECTOR[SYSTEM_POOL_LABEL_KEY]!] },
              { key: ZONE_KEY, operator: "In", values: [zone] },
            ],
          },
        ],
      },
    },
  };
}

/**
 * Production mode: ScyllaDB then refuses less than 1 GiB per shard
 * (scylladb scylla-2026.1.3 main.cc:449-461) and runs its I/O setup, so one
 * shard gets 4 GiB.
 */
export function managerDatabaseSpec(version: string, agentVersion: string, zones: readonly string[]) {
  return {
    version,
    agentVersion,
    developerMode: false,
    datacenter: {
      name: MANAGER_DB_DATACENTER,
      racks: zones.map((zone) => ({
        name: zone,
        members: 1,
        storage: { capacity: "10Gi", storageClassName: SYSTEM_STORAGE_CLASS },
        resources: guaranteed({ cpu: "1", memory: "4Gi" }),
        agentResources: guaranteed({ cpu: "100m", memory: "128Mi" }),
        placement: managerRackPlacement(zone),
      })),
    },
  };
}

/**
 * A node that stops answering (its zone is down) taints itself unreachable;
 * Manager leaves it after 60 s instead of the default 300 s.
 */
export const MANAGER_TOLERATIONS = [
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
] as const;

export class ScyllaManager extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly budget: k8s.policy.v1.PodDisruptionBudget;
  readonly database: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ScyllaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:Manager", name, {}, opts);
    const { plan } = args;
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);
    const namespace = MANAGER_NAMESPACE;
    const zones = managerDatabaseZones(args.region);

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
          annotations: { [DISABLE_MANAGER_INTEGRATION_ANNOTATION]: "true" },
        },
        spec: managerDatabaseSpec(plan.scylla.version, plan.scylla.agentVersion, zones),
      },
      after(ns),
    );
    const sa = new k8s.core.v1.ServiceAccount(`${name}-scylla-manager`, { metadata: { name: "scylla-manager", namespace } }, after(ns));
    const config = new k8s.core.v1.ConfigMap(
      `${name}-scylla-manager`,
      { metadata: { name: "scylla-manager-config", namespace }, data: { "scylla-manager.yaml": managerConfigYaml(zones) } },
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
              tolerations: MANAGER_TOLERATIONS.map((t) => ({ ...t })),
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
