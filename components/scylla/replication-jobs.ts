/**
 * The data work of an update in which a DC enters or leaves replication:
 * one Job, in one region's cluster (the entering or leaving DC's), running
 * the procedure script (replication-script.ts) with cqlsh from the cluster's
 * own ScyllaDB image and kubectl copied in from the Kubernetes image; then,
 * after a rebuild, one Manager repair Job in the Manager region. Both exist
 * only in that update (the plan has no procedure otherwise), so a steady-state
 * `pulumi up` changes no replication. Named by a hash of the script: a changed
 * procedure is a new Job; a rerun after a failure re-creates the same one,
 * and the script resumes from the live replication.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ReplicationProcedure } from "../plan";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_REPOSITORY } from "./datacenter-spec";
import { MANAGER_NAMESPACE } from "./manager";
import { DEDICATED_TOLERATION, SYSTEM_NODE_SELECTOR } from "./placement";
import { renderProcedureScript, renderRepairScript } from "./replication-script";

/**
 * kubectl from the Kubernetes project's own image (bitnami/kubectl is gone,
 * bitnami/containers#83267). Published since 1.28 (kubernetes/kubernetes#116667)
 * with bash (kubernetes/kubernetes#119592); v1.34.0 is in the promoter manifest
 * kubernetes/k8s.io registry.k8s.io/images/k8s-staging-kubernetes/images.yaml.
 */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.0";
/** Created by the credentials area in every region with a DC: keys `username`, `password` of the least-privileged CQL role. */
export const CQL_REPLICATION_SECRET = "scylla-ha-cql-replication";
const SERVICE_ACCOUNT = "scylla-ha-replication";
const TOOLS = "/opt/scylla-ha/bin";

/**
 * Exec over WebSocket (the default from kubectl 1.31 on) is authorized as `get`
 * on pods/exec from Kubernetes 1.34 (kubernetes/kubernetes#133515), SPDY as `create`.
 */
export const EXEC_RULES = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
  { apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] },
] as const;

export interface ReplicationJobArgs extends ScyllaComponentArgs {
  /** The update's procedure (`plan.procedure`); `region` is `procedure.region`. */
  readonly procedure: ReplicationProcedure;
  /**
   * Resources that must exist before the Job runs: the CQL role and its Secret.
   * @default []
   */
  readonly credentialsReady?: readonly pulumi.Resource[];
}

const hashOf = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 10);

function jobAccess(self: pulumi.Resource, name: string, args: ScyllaComponentArgs, namespace: string) {
  const base = childOptions(self, args);
  const account = new k8s.core.v1.ServiceAccount(`${name}-account`, { metadata: { name: SERVICE_ACCOUNT, namespace } }, base);
  const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata: { name: SERVICE_ACCOUNT, namespace }, rules: EXEC_RULES.map((r) => ({ ...r, apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) }, base);
  const binding = new k8s.rbac.v1.RoleBinding(
    `${name}-binding`,
    {
      metadata: { name: SERVICE_ACCOUNT, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SERVICE_ACCOUNT },
      subjects: [{ kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace }],
    },
    base,
  );
  return [account, role, binding];
}

const podBasics = {
  serviceAccountName: SERVICE_ACCOUNT,
  // A failed run is retried by a new pod (backoffLimit); the script resumes from live state.
  restartPolicy: "Never",
  nodeSelector: { ...SYSTEM_NODE_SELECTOR },
  tolerations: [{ ...DEDICATED_TOLERATION }],
};

export class ReplicationJob extends pulumi.ComponentResource {
  readonly script: string;
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: ReplicationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:ReplicationJob", name, {}, opts);
    const { plan, procedure } = args;
    const namespace = plan.scylla.namespace;
    this.script = renderProcedureScript(plan, procedure);
    const hash = hashOf(this.script);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-replication-script`,
      { metadata: { name: `scylla-ha-replication-${hash}`, namespace }, data: { "procedure.sh": this.script } },
      childOptions(this, args),
    );
    const access = jobAccess(this, `${name}-replication`, args, namespace);
    const secretEnv = (key: string) => ({ valueFrom: { secretKeyRef: { name: CQL_REPLICATION_SECRET, key } } });

    this.job = new k8s.batch.v1.Job(
      `${name}-replicate`,
      {
        metadata: { name: `scylla-ha-replicate-${hash}`, namespace, labels: { "scylla-ha.io/procedure": "replication" } },
        spec: {
          backoffLimit: 6,
          template: {
            spec: {
              ...podBasics,
              volumes: [
                { name: "script", configMap: { name: scripts.metadata.name } },
                { name: "tools", emptyDir: {} },
              ],
              initContainers: [
                {
                  name: "kubectl",
                  image: KUBECTL_IMAGE,
                  command: ["/bin/bash", "-c", `cp "$(command -v kubectl)" ${TOOLS}/kubectl`],
                  volumeMounts: [{ name: "tools", mountPath: TOOLS }],
                },
              ],
              containers: [
                {
                  name: "procedure",
                  // cqlsh of the cluster's own version.
                  image: `${SCYLLA_REPOSITORY}:${plan.scylla.version}`,
                  command: ["/bin/bash", "/scripts/procedure.sh"],
                  env: [
                    { name: "PATH", value: `${TOOLS}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
                    { name: "CQL_USERNAME", ...secretEnv("username") },
                    { name: "CQL_PASSWORD", ...secretEnv("password") },
                  ],
                  volumeMounts: [
                    { name: "script", mountPath: "/scripts" },
                    { name: "tools", mountPath: TOOLS },
                  ],
                },
              ],
            },
          },
        },
      },
      {
        ...childOptions(this, args, [scripts, ...access, ...(args.credentialsReady ?? [])]),
        // A rebuild streams a full copy and tablet moves take as long; the default 10 minutes is far too short.
        customTimeouts: { create: "24h", update: "24h" },
        deleteBeforeReplace: true,
      },
    );
    this.registerOutputs({ job: this.job.metadata.name });
  }
}

export interface RepairJobArgs extends ScyllaComponentArgs {
  /** Vnode keyspaces to repair after the rebuild. */
  readonly keyspaces: readonly string[];
}

/** A Manager repair of the rebuilt keyspaces, in the Manager region, after the replication Job. */
export class RepairJob extends pulumi.ComponentResource {
  readonly script: string;
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: RepairJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:RepairJob", name, {}, opts);
    const namespace = MANAGER_NAMESPACE;
    this.script = renderRepairScript(args.plan, args.keyspaces);
    const hash = hashOf(this.script);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-repair-script`,
      { metadata: { name: `scylla-ha-repair-${hash}`, namespace }, data: { "repair.sh": this.script } },
      childOptions(this, args),
    );
    const access = jobAccess(this, `${name}-repair`, args, namespace);
    this.job = new k8s.batch.v1.Job(
      `${name}-repair`,
      {
        metadata: { name: `scylla-ha-repair-${hash}`, namespace, labels: { "scylla-ha.io/procedure": "repair" } },
        spec: {
          backoffLimit: 3,
          template: {
            spec: {
              ...podBasics,
              volumes: [{ name: "script", configMap: { name: scripts.metadata.name } }],
              containers: [{ name: "repair", image: KUBECTL_IMAGE, command: ["/bin/bash", "/scripts/repair.sh"], volumeMounts: [{ name: "script", mountPath: "/scripts" }] }],
            },
          },
        },
      },
      { ...childOptions(this, args, [scripts, ...access]), customTimeouts: { create: "24h", update: "24h" }, deleteBeforeReplace: true },
    );
    this.registerOutputs({ job: this.job.metadata.name });
  }
}
