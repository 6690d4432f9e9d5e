/**
 * Pure rendering of one region's ScyllaDB datacenter: the ScyllaCluster spec,
 * its scylla.yaml, the Manager agent config, the seed Service and the Manager
 * tasks. Plain data from the plan in, plain objects out (external seeds are
 * the only Inputs: other clusters' load-balancer addresses); no resources.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Cloud, type ContainerResources, type EnvironmentPlan, type RegionPlan, backupLocation } from "../plan";
import { rackPlacement } from "./placement";

export const SCYLLA_API_VERSION = "scylla.scylladb.com/v1";
export const SCYLLA_ALPHA_API_VERSION = "scylla.scylladb.com/v1alpha1";
export const LOCAL_STORAGE_CLASS = "scylladb-local-xfs";
export const SCYLLA_REPOSITORY = "docker.io/scylladb/scylla";
export const AGENT_REPOSITORY = "docker.io/scylladb/scylla-manager-agent";
/** ConfigMap holding `scylla.yaml` (rack `scyllaConfig`). */
export const SCYLLA_CONFIG_NAME = "scylla-config";
/** Secret holding `scylla-manager-agent.yaml` (rack `scyllaAgentConfig`), identical in every DC. */
export const AGENT_CONFIG_NAME = "scylla-agent-config";
/** Declared keyspace replication, read by the policies. */
export const KEYSPACES_CONFIGMAP = "scylla-ha-keyspaces";
/** Inter-node (gossip/RPC) ports; 7001 is the TLS variant. */
export const INTER_NODE_PORTS = [
  { name: "inter-node", port: 7000 },
  { name: "inter-node-ssl", port: 7001 },
] as const;
/**
 * Weekly repair: well inside ScyllaDB's default `gc_grace_seconds` (10 days),
 * so tombstones never outlive a repair, and off the default backup hour.
 */
export const REPAIR_CRON = "0 4 * * 0";
export const BACKUP_TASK_NAME = "backup";
export const REPAIR_TASK_NAME = "repair";

/** requests == limits: the kubelet then puts the pod in Guaranteed QoS, which CPU pinning needs. */
export function guaranteed(r: ContainerResources) {
  return { requests: { cpu: r.cpu, memory: r.memory }, limits: { cpu: r.cpu, memory: r.memory } };
}

/**
 * Authentication and authorization on, with the superuser ScyllaDB creates at
 * first boot from `auth_superuser_name` / `auth_superuser_salted_password`
 * (scylladb scylla-2026.1.3 db/config.cc:1526-1530,
 * auth/password_authenticator.cc:60,181-186): no cluster ever has
 * `cassandra`/`cassandra`. Both settings are ignored once the auth tables hold
 * a superuser, so rotating the password is an `ALTER ROLE`, not this file
 * (docs/scylla.md). The salted password makes the whole file secret.
 */
export function scyllaYaml(superuserName: string, saltedPassword: string): string {
  return [
    "authenticator: PasswordAuthenticator",
    "authorizer: CassandraAuthorizer",
    `auth_superuser_name: ${JSON.stringify(superuserName)}`,
    `auth_superuser_salted_password: ${JSON.stringify(saltedPassword)}`,
    "",
  ].join("\n");
}

/**
 * Operator 1.21 registers every ScyllaCluster with the Manager of its own
 * Kubernetes cluster unless this annotation is "true" (it then labels the
 * ScyllaDBDatacenter `…global-scylladb-manager-registration: "false"`,
 * scylla-operator v1.21.1 pkg/controller/scyllacluster/migrate.go:328-333,
 * pkg/naming/constants.go:304-305). Manager's one registration (in its own
 * region) reaches every DC through the shared agent token.
 */
export const DISABLE_MANAGER_INTEGRATION_ANNOTATION = "scylla-operator.scylladb.com/disable-global-scylladb-manager-integration";

/** Annotations that keep a DC without Manager from trying to register with one. */
export function managerIntegrationAnnotations(region: RegionPlan): Record<string, string> {
  return region.hostsManager ? {} : { [DISABLE_MANAGER_INTEGRATION_ANNOTATION]: "true" };
}

/**
 * The agent config every DC mounts. The operator takes the auth token from a
 * user-provided agent config before generating its own, so one token here
 * makes every DC's agents accept the one Manager (operator source:
 * `GetScyllaDBManagerAgentAuthToken`, "user-defined config takes precedence").
 */
export function agentConfigYaml(token: string | undefined): string {
  return token ? `auth_token: ${JSON.stringify(token)}\n` : "{}\n";
}

/** Multi-DC exposure is needed as soon as the environment has a second region. */
export function isMultiDatacenter(plan: EnvironmentPlan): boolean {
  return plan.regions.length > 1;
}

/**
 * Pod IPs are routable between regions (peered VPCs / one global VPC), so
 * nodes and clients talk to pod IPs directly; the node Services only give
 * stable DNS inside the cluster. Immutable after creation.
 */
export function multiDatacenterExposeOptions() {
  return {
    nodeService: { type: "Headless" },
    broadcastOptions: { nodes: { type: "PodIP" }, clients: { type: "PodIP" } },
  };
}

export interface ScyllaClusterSpecOptions {
  /** Addresses of the other DCs' seed Services (empty for the bootstrap DC). */
  readonly externalSeeds: readonly pulumi.Input<string>[];
  /** Manager tasks, declared only on the DC next to Manager. */
  readonly tasks?: ReturnType<typeof managerTasks>;
}

export function scyllaClusterSpec(plan: EnvironmentPlan, region: RegionPlan, options: ScyllaClusterSpecOptions) {
  const { scylla } = region;
  return {
    repository: SCYLLA_REPOSITORY,
    version: plan.scylla.version,
    agentRepository: AGENT_REPOSITORY,
    agentVersion: plan.scylla.agentVersion,
    automaticOrphanedNodeCleanup: true,
    datacenter: {
      name: region.datacenter,
      racks: region.racks.map((rack) => ({
        name: rack.name,
        members: rack.members,
        storage: { capacity: `${scylla.storageGiB}Gi`, storageClassName: LOCAL_STORAGE_CLASS },
        resources: guaranteed(scylla.resources),
        agentResources: guaranteed(scylla.agentResources),
        placement: rackPlacement(rack, plan.scylla.clusterName),
        scyllaConfig: SCYLLA_CONFIG_NAME,
        scyllaAgentConfig: AGENT_CONFIG_NAME,
      })),
    },
    ...(isMultiDatacenter(plan) ? { exposeOptions: multiDatacenterExposeOptions() } : {}),
    ...(options.externalSeeds.length > 0 ? { externalSeeds: [...options.externalSeeds] } : {}),
    ...(options.tasks ? { backups: options.tasks.backups, repairs: options.tasks.repairs } : {}),
  };
}

/** Fields the webhook refuses to change; a change must show up as a replacement, never slip through. */
export const IMMUTABLE_SCYLLA_CLUSTER_FIELDS = [
  "spec.datacenter.name",
  "spec.datacenter.racks[*].storage",
  "spec.exposeOptions.nodeService.type",
  "spec.exposeOptions.broadcastOptions.nodes.type",
  "spec.exposeOptions.broadcastOptions.clients.type",
] as const;

/**
 * `<dc>:<provider>:<bucket>` for every DC that holds replicas: each DC uploads
 * to the bucket in its own region (Manager's advice, and no cross-region
 * transfer on the backup path); the bucket's copy in a second region is the
 * cloud's job (S3 replication, GCS dual-region). A DC in its `datacenter`
 * phase holds no data yet and a lost DC has no live nodes: Manager would fail
 * the whole backup on either, so both are left out (with `dc`, below).
 */
export function backupLocations(plan: EnvironmentPlan): string[] {
  return backupDatacenters(plan).map(backupLocation);
}

function backupDatacenters(plan: EnvironmentPlan): RegionPlan[] {
  return plan.regions.filter((r) => r.holdsReplicas && !r.lost);
}

/**
 * ScyllaDB's default `gc_grace_seconds` (10 days): a tombstone older than this
 * may be purged, so every replica must have been repaired within it or
 * deleted data can come back.
 */
export const DEFAULT_GC_GRACE_SECONDS = 864_000;

/**
 * The Manager tasks, declared on the ScyllaCluster next to Manager. The backup
 * task names its DCs explicitly (`dc`) with one location and one rate limit
 * each; it is left out while no DC holds replicas (a new or restoring cluster).
 */
export function managerTasks(plan: EnvironmentPlan) {
  const dcs = backupDatacenters(plan);
  const perDc = (value: number) => dcs.map((r) => `${r.datacenter}:${value}`);
  const { backups } = plan;
  const backup = {
    name: BACKUP_TASK_NAME,
    dc: dcs.map((r) => r.datacenter),
    location: dcs.map(backupLocation),
    cron: backups.schedule,
    retention: backups.retention,
    rateLimit: perDc(backups.rateLimitMiBps),
    ...(backups.uploadParallel !== undefined ? { uploadParallel: perDc(backups.uploadParallel) } : {}),
  };
  return {
    backups: dcs.length > 0 ? [backup] : [],
    repairs: [{ name: REPAIR_TASK_NAME, cron: REPAIR_CRON, intensity: "1" }],
  };
}

/** RFC 1123 subdomain: the webhook rejects other task names since operator 1.21. */
export function isRfc1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split(".").every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l));
}

/**
 * Per-cloud annotations for an internal, cross-zone load balancer. On GCP an
 * internal LB is regional unless global access is on — without it the other
 * regions could not reach the seeds. On AWS the internal NLB lands in the
 * private subnets tagged `kubernetes.io/role/internal-elb`.
 */
export function internalLoadBalancerAnnotations(cloud: Cloud): Record<string, string> {
  switch (cloud) {
    case "aws":
      return {
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
      };
    case "gcp":
      return {
        "networking.gke.io/load-balancer-type": "Internal",
        "networking.gke.io/internal-load-balancer-allow-global-access": "true",
      };
    default: {
      const unreachable: never = cloud;
      throw new Error(`unhandled cloud ${String(unreachable)}`);
    }
  }
}

/** Name of a DC's seed Service: stable, so other DCs' seeds never change. */
export function seedServiceName(clusterName: string): string {
  return `${clusterName}-seeds`;
}

/**
 * The seed Service: an internal load balancer over this DC's ready Scylla
 * pods on the inter-node ports. Other DCs list its address in
 * `externalSeeds`; a joining node only needs one live peer to learn the
 * topology, after which it talks to pod IPs directly.
 */
export function seedServiceSpec(plan: EnvironmentPlan, region: RegionPlan) {
  return {
    type: "LoadBalancer",
    selector: { "app.kubernetes.io/name": "scylla", "scylla/cluster": plan.scylla.clusterName, "scylla/datacenter": region.datacenter },
    ports: INTER_NODE_PORTS.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" })),
  };
}

/** The declared keyspaces as the policies read them. */
/** Key of the keyspaces ConfigMap listing the DCs declared `lost` (read by the policies). */
export const LOST_DATACENTERS_KEY = "lost-datacenters.json";

export function lostDatacentersJson(plan: EnvironmentPlan): string {
  return JSON.stringify(plan.regions.filter((r) => r.lost).map((r) => r.datacenter));
}

export function keyspacesJson(plan: EnvironmentPlan): string {
  return JSON.stringify(plan.keyspaces.map((k) => ({ name: k.name, tablets: k.tablets, replication: k.replication })));
}
