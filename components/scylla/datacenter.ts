/**
 * Step 4: one region's ScyllaDB datacenter. The `scylla` namespace, the
 * scylla.yaml and agent config every rack mounts, the declared keyspace
 * replication, the DC's seed load balancer and the ScyllaCluster itself.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { statefulOptions } from "../tags";
import {
  AGENT_CONFIG_NAME,
  IMMUTABLE_SCYLLA_CLUSTER_FIELDS,
  KEYSPACES_CONFIGMAP,
  SCYLLA_API_VERSION,
  SCYLLA_CONFIG_NAME,
  agentConfigYaml,
  internalLoadBalancerAnnotations,
  managerIntegrationAnnotations,
  keyspacesJson,
  LOST_DATACENTERS_KEY,
  lostDatacentersJson,
  managerTasks,
  scyllaClusterSpec,
  scyllaYaml,
  seedServiceName,
  seedServiceSpec,
} from "./datacenter-spec";
import { SUPERUSER_NAME } from "./cql-auth";

export interface ScyllaDatacenterArgs extends ScyllaComponentArgs {
  /** Seed addresses of the other DCs this one joins (`region.seedDatacenters`, in that order). */
  readonly externalSeeds: readonly pulumi.Input<string>[];
  /**
   * The previous DC's ScyllaCluster in this update's bootstrap order; this one is created once that one is Available.
   * @default - none
   */
  readonly bootstrapAfter?: pulumi.Resource;
  /**
   * The Manager agent auth token shared by every DC.
   * @default - none: the operator generates a token per DC (enough for a single DC).
   */
  readonly agentAuthToken?: pulumi.Input<string>;
  /** The CQL superuser's salted password (`auth_superuser_salted_password`), identical in every DC. */
  readonly superuserSaltedPassword: pulumi.Input<string>;
}

/**
 * pulumi-kubernetes waits for a custom resource only when told how
 * (`pulumi.com/waitFor`, provider/pkg/metadata/overrides.go:85-89 in v4.32.0, the
 * form kept through 4.34): a ScyllaCluster rollout is finished at
 * "Available=True,Progressing=False,Degraded=False" (scylla-operator v1.21.1
 * pkg/api/scylla/v1/types_cluster.go:804, conditions at :809-811).
 */
export const SCYLLA_CLUSTER_READY = {
  "pulumi.com/waitFor": JSON.stringify(["condition=Available", "condition=Progressing=False", "condition=Degraded=False"]),
} as const;

export class ScyllaDatacenter extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly agentConfig: k8s.core.v1.Secret;
  readonly keyspaces: k8s.core.v1.ConfigMap;
  /** Absent while the region is in its `infrastructure` phase. */
  readonly seedService?: k8s.core.v1.Service;
  readonly scyllaCluster?: k8s.apiextensions.CustomResource;
  /** The address other DCs list in `externalSeeds` (unknown until the load balancer exists). */
  readonly seedAddress?: pulumi.Output<string>;

  constructor(name: string, args: ScyllaDatacenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:Datacenter", name, {}, opts);
    const { plan, region } = args;
    const namespace = plan.scylla.namespace;
    const base = childOptions(this, args);
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);
    const protect = plan.protectState;
    const identity = args.cluster.backupIdentity;

    // Deleting the namespace would delete the datacenter with it.
    this.namespace = new k8s.core.v1.Namespace(`${name}-scylla`, { metadata: { name: namespace } }, { ...base, protect });
    const config = new k8s.core.v1.ConfigMap(
      `${name}-scylla-config`,
      {
        metadata: { name: SCYLLA_CONFIG_NAME, namespace },
        data: { "scylla.yaml": pulumi.secret(pulumi.output(args.superuserSaltedPassword).apply((salted) => scyllaYaml(SUPERUSER_NAME, salted))) },
      },
      after(this.namespace),
    );
    const token = args.agentAuthToken === undefined ? pulumi.output<string | undefined>(undefined) : pulumi.output(args.agentAuthToken);
    this.agentConfig = new k8s.core.v1.Secret(
      `${name}-agent-config`,
      {
        metadata: { name: AGENT_CONFIG_NAME, namespace },
        stringData: { "scylla-manager-agent.yaml": pulumi.secret(token.apply(agentConfigYaml)) },
      },
      after(this.namespace),
    );
    this.keyspaces = new k8s.core.v1.ConfigMap(
      `${name}-keyspaces`,
      {
        metadata: { name: KEYSPACES_CONFIGMAP, namespace },
        // The lost DCs too: the policies judge a degraded environment as such (every surviving region writes it).
        data: { "keyspaces.json": keyspacesJson(plan), [LOST_DATACENTERS_KEY]: lostDatacentersJson(plan) },
      },
      after(this.namespace),
    );

    if (region.hasDatacenter) {
      this.seedService = new k8s.core.v1.Service(
        `${name}-seeds`,
        {
          metadata: { name: seedServiceName(plan.scylla.clusterName), namespace, annotations: internalLoadBalancerAnnotations(region.cloud) },
          spec: seedServiceSpec(plan, region),
        },
        after(this.namespace),
      );
      // AWS load balancers report a DNS name, GCP ones an IP address.
      this.seedAddress = this.seedService.status.apply((s) => {
        const ingress = s?.loadBalancer?.ingress?.[0];
        return ingress?.hostname || ingress?.ip || "";
      });
      const annotations = { ...(identity?.annotations ?? {}), ...managerIntegrationAnnotations(region) };
      this.scyllaCluster = new k8s.apiextensions.CustomResource(
        `${name}-scylla-cluster`,
        {
          apiVersion: SCYLLA_API_VERSION,
          kind: "ScyllaCluster",
          // The operator copies these onto the `<cluster>-member` ServiceAccount (#1697): the agents' cloud identity.
          metadata: { name: plan.scylla.clusterName, namespace, annotations: { ...annotations, ...SCYLLA_CLUSTER_READY } },
          spec: scyllaClusterSpec(plan, region, {
            externalSeeds: args.externalSeeds,
            ...(region.hostsManager ? { tasks: managerTasks(plan) } : {}),
          }),
        },
        {
          ...after(config, this.agentConfig, ...(identity?.dependsOn ?? []), ...(args.bootstrapAfter ? [args.bootstrapAfter] : [])),
          // Available is reached after every node of the DC is up; a new DC may take hours to stream.
          customTimeouts: { create: "6h", update: "6h" },
          // The webhook forbids changing these in place. Marking them replace-only makes a
          // change show up as a replacement in preview; `protect` (production) then refuses it.
          replaceOnChanges: [...IMMUTABLE_SCYLLA_CLUSTER_FIELDS],
          ...statefulOptions(plan),
        },
      );
    }
    this.registerOutputs({ seedAddress: this.seedAddress });
  }
}
