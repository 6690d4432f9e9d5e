/**
 * The data work of the `replicated` phase, run inside the region's cluster:
 * a Job whose first container applies the keyspace statements with cqlsh and
 * whose second rebuilds every node of the new DC from an existing DC and
 * repairs it (`nodetool` only listens on each node's loopback, so it runs
 * through `kubectl exec`). The Job is named by a hash of its steps: a new
 * step list is a new Job, and re-running `pulumi up` after a failure replays
 * idempotent steps. Pulumi waits for the Job to complete before the update
 * goes on, so later phases never start on half-streamed data.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ReplicationStep, replicationSteps } from "../plan";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { DEDICATED_TOLERATION, SYSTEM_NODE_SELECTOR } from "./placement";
import { SCYLLA_REPOSITORY } from "./datacenter-spec";

export const KUBECTL_IMAGE = "docker.io/bitnami/kubectl:1.34";
export const CQL_CREDENTIALS_SECRET = "scylla-ha-cql-credentials";
const SERVICE_ACCOUNT = "scylla-ha-replication";

export interface ReplicationJobArgs extends ScyllaComponentArgs {
  /** Password of the CQL superuser the statements run as (secret config `cqlAdminPassword`). */
  readonly cqlAdminPassword: pulumi.Input<string>;
  /**
   * CQL superuser name.
   * @default "cassandra"
   */
  readonly cqlAdminUser?: string;
}

/** The statements file and the node script the Job runs, from the plan's steps. */
export function renderReplicationScripts(steps: readonly ReplicationStep[], datacenter: string, clusterName: string, namespace: string) {
  const cql = steps.flatMap((s) => (s.kind === "cql" ? [s.statement] : []));
  const node = steps.flatMap((s) => {
    switch (s.kind) {
      case "rebuild":
        return [`nodetool rebuild -- ${s.sourceDatacenter}`];
      case "repair":
        return [`nodetool repair -- ${s.keyspace}`];
      case "cql":
      case "removenode":
        return [];
      default: {
        const unreachable: never = s;
        throw new Error(`unhandled step ${JSON.stringify(unreachable)}`);
      }
    }
  });
  const selector = `scylla/cluster=${clusterName},scylla/datacenter=${datacenter}`;
  const nodeScript = [
    "set -euo pipefail",
    `pods=$(kubectl get pods -n ${namespace} -l ${selector} -o name)`,
    'test -n "$pods" || { echo "no ScyllaDB pods of this datacenter" >&2; exit 1; }',
    // One node at a time: rebuild streams a full copy, and parallel streams would starve client traffic.
    'for pod in $pods; do',
    ...node.map((cmd) => `  kubectl exec -n ${namespace} "$pod" -c scylla -- ${cmd}`),
    "done",
  ].join("\n");
  return { "steps.cql": `${cql.join("\n")}\n`, "nodes.sh": `${nodeScript}\n` };
}

export class ReplicationJob extends pulumi.ComponentResource {
  /** Absent when the phase has no data work (the first DC of a new cluster streams nothing). */
  readonly job?: k8s.batch.v1.Job;

  constructor(name: string, args: ReplicationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:ReplicationJob", name, {}, opts);
    const { plan, region } = args;
    const namespace = plan.scylla.namespace;
    const steps = replicationSteps(plan, region);
    const scripts = renderReplicationScripts(steps, region.datacenter, plan.scylla.clusterName, namespace);
    const hash = createHash("sha256").update(JSON.stringify(scripts)).digest("hex").slice(0, 10);
    const base = childOptions(this, args);

    const credentials = new k8s.core.v1.Secret(
      `${name}-cql-credentials`,
      {
        metadata: { name: CQL_CREDENTIALS_SECRET, namespace },
        stringData: { username: args.cqlAdminUser ?? "cassandra", password: args.cqlAdminPassword },
      },
      base,
    );
    const scriptsMap = new k8s.core.v1.ConfigMap(
      `${name}-replication-scripts`,
      { metadata: { name: `scylla-ha-replication-${hash}`, namespace }, data: scripts },
      base,
    );
    const account = new k8s.core.v1.ServiceAccount(`${name}-replication`, { metadata: { name: SERVICE_ACCOUNT, namespace } }, base);
    const role = new k8s.rbac.v1.Role(
      `${name}-replication`,
      {
        metadata: { name: SERVICE_ACCOUNT, namespace },
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
          { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
        ],
      },
      base,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-replication`,
      {
        metadata: { name: SERVICE_ACCOUNT, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SERVICE_ACCOUNT },
        subjects: [{ kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace }],
      },
      base,
    );
    if (steps.length === 0) {
      this.registerOutputs({});
      return;
    }

    const host = `${plan.scylla.clusterName}-client.${namespace}.svc`;
    this.job = new k8s.batch.v1.Job(
      `${name}-replicate`,
      {
        metadata: { name: `scylla-ha-replicate-${hash}`, namespace, labels: { "scylla-ha.io/phase": region.phase } },
        spec: {
          backoffLimit: 3,
          template: {
            spec: {
              serviceAccountName: SERVICE_ACCOUNT,
              restartPolicy: "OnFailure",
              nodeSelector: { ...SYSTEM_NODE_SELECTOR },
              tolerations: [{ ...DEDICATED_TOLERATION }],
              volumes: [{ name: "scripts", configMap: { name: scriptsMap.metadata.name } }],
              initContainers: [
                {
                  name: "keyspaces",
                  image: `${SCYLLA_REPOSITORY}:${plan.scylla.version}`,
                  command: ["/bin/bash", "-c"],
                  args: [`cqlsh ${host} 9042 -u "$CQL_USER" -p "$CQL_PASSWORD" --request-timeout=600 -f /scripts/steps.cql`],
                  env: [
                    { name: "CQL_USER", valueFrom: { secretKeyRef: { name: CQL_CREDENTIALS_SECRET, key: "username" } } },
                    { name: "CQL_PASSWORD", valueFrom: { secretKeyRef: { name: CQL_CREDENTIALS_SECRET, key: "password" } } },
                  ],
                  volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
                },
              ],
              containers: [
                {
                  name: "nodes",
                  image: KUBECTL_IMAGE,
                  command: ["/bin/bash", "/scripts/nodes.sh"],
                  volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
                },
              ],
            },
          },
        },
      },
      {
        ...childOptions(this, args, [credentials, scriptsMap, account, role, binding]),
        // A rebuild streams a full copy of the data; the default 10-minute wait is far too short.
        customTimeouts: { create: "12h", update: "12h" },
        deleteBeforeReplace: true,
      },
    );
    this.registerOutputs({ job: this.job.metadata.name });
  }
}
