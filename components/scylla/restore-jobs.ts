/**
 * A restore from backup as Kubernetes Jobs next to Scylla Manager, ordered
 * with dependsOn: schema → rolling restart → tables (see restore-spec.ts).
 * Pulumi waits for each Job to complete before starting the next, so one
 * `pulumi up` brings the datacenter up empty and fills it; a failed step
 * stops the update and the runbook (docs/runbooks/restore.md) takes over.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RestorePlan } from "../plan";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { MANAGER_NAMESPACE } from "./manager";
import { RESTORE_SERVICE_ACCOUNT, type RestoreStep, restoreJobSpec, restoreTimeoutSeconds } from "./restore-spec";

export interface RestoreJobsArgs extends ScyllaComponentArgs {
  /** The restore to run; `region` is the Manager region, which is also the restored one (validated). */
  readonly restore: RestorePlan;
}

/** A Job name per step and snapshot: a new snapshot tag is a new Job, never an edit of a finished one. */
export function restoreJobName(step: RestoreStep, snapshotTag: string): string {
  return `scylla-ha-restore-${step}-${snapshotTag.toLowerCase().replace(/_/g, "-")}`;
}

export class RestoreJobs extends pulumi.ComponentResource {
  readonly jobs: Readonly<Record<RestoreStep, k8s.batch.v1.Job>>;

  constructor(name: string, args: RestoreJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:RestoreJobs", name, {}, opts);
    const { plan, region, restore } = args;
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);
    const members = region.racks.reduce((n, rack) => n + rack.members, 0);
    const namespace = plan.scylla.namespace;

    // The restart Job may touch exactly one object: this ScyllaCluster.
    const sa = new k8s.core.v1.ServiceAccount(`${name}-restart`, { metadata: { name: RESTORE_SERVICE_ACCOUNT, namespace: MANAGER_NAMESPACE } }, after());
    const role = new k8s.rbac.v1.Role(
      `${name}-restart`,
      {
        metadata: { name: RESTORE_SERVICE_ACCOUNT, namespace },
        rules: [{ apiGroups: ["scylla.scylladb.com"], resources: ["scyllaclusters"], resourceNames: [plan.scylla.clusterName], verbs: ["get", "list", "watch", "patch"] }],
      },
      after(),
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-restart`,
      {
        metadata: { name: RESTORE_SERVICE_ACCOUNT, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: RESTORE_SERVICE_ACCOUNT },
        subjects: [{ kind: "ServiceAccount", name: RESTORE_SERVICE_ACCOUNT, namespace: MANAGER_NAMESPACE }],
      },
      after(role, sa),
    );

    const job = (step: RestoreStep, deps: pulumi.Resource[]) =>
      new k8s.batch.v1.Job(
        `${name}-${step}`,
        {
          metadata: {
            name: restoreJobName(step, restore.snapshotTag),
            namespace: MANAGER_NAMESPACE,
            // Pulumi's default wait for a Job is 10 minutes; a restore takes as long as it takes.
            annotations: { "pulumi.com/timeoutSeconds": String(restoreTimeoutSeconds(step, members)) },
          },
          spec: restoreJobSpec({ plan, restore, step, members }),
        },
        after(...deps),
      );
    const schema = job("schema", []);
    const restart = job("restart", [schema, binding]);
    const tables = job("tables", [restart]);
    this.jobs = { schema, restart, tables };
    this.registerOutputs({});
  }
}
