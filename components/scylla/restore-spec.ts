/**
 * Pure rendering of a restore (scylladb/scylla-operator#2417: the operator
 * has no declarative restore): the commands each step runs and the Job specs
 * that run them. One source for the Jobs and for docs/runbooks/restore.md.
 *
 * Steps, in order: restore the schema (Manager applies the backed-up
 * `DESCRIBE SCHEMA WITH INTERNALS`), restart every node so the schema is
 * loaded everywhere, then restore the tables (load-and-stream, then Manager's
 * post-restore repair).
 */
import type { EnvironmentPlan, RestorePlan } from "../plan";
import { MANAGER_NAMESPACE } from "./manager";
import { SYSTEM_NODE_SELECTOR } from "./placement";
import { SCYLLA_MANAGER_IMAGE, kubectlImage } from "./versions";

export type RestoreStep = "schema" | "restart" | "tables";
export const RESTORE_STEPS: readonly RestoreStep[] = ["schema", "restart", "tables"];

/** Manager's API inside the cluster (the Service maps 80 → 5080). */
export const MANAGER_API_URL = `http://scylla-manager.${MANAGER_NAMESPACE}.svc/api/v1`;
/** ServiceAccount of the rolling-restart Job. */
export const RESTORE_SERVICE_ACCOUNT = "scylla-ha-restore";

/** How long Pulumi waits for each step's Job (and the Job itself may run). */
export function restoreTimeoutSeconds(step: RestoreStep, members: number): number {
  switch (step) {
    case "schema":
      return 3600;
    case "restart":
      // The operator restarts one node at a time; budget 30 minutes per node.
      return Math.max(3600, members * 1800);
    case "tables":
      return 48 * 3600;
    default: {
      const unreachable: never = step;
      throw new Error(`unhandled step ${String(unreachable)}`);
    }
  }
}

/** The name Manager knows the cluster by: the operator registers ScyllaCluster `<ns>/<name>`. */
export function managerClusterName(plan: EnvironmentPlan): string {
  return `${plan.scylla.namespace}/${plan.scylla.clusterName}`;
}

/**
 * The shell script of a Manager restore step: wait until Manager reaches the
 * cluster, start the restore task and follow it to the end (`sctool progress`
 * prints `Status: <state>`). Variables come from the Job's environment.
 * Manager already logs in as its own role, which holds the restore grants
 * while a region restores (manager-credentials.ts, cql-auth.ts): no
 * credentials pass through these Jobs.
 */
export function sctoolRestoreScript(kind: "--restore-schema" | "--restore-tables"): string {
  return [
    "set -eu",
    'until sctool status --cluster "$CLUSTER" >/dev/null 2>&1; do echo "waiting for Manager to reach $CLUSTER"; sleep 30; done',
    `task=$(sctool restore --cluster "$CLUSTER" --location "$LOCATION" --snapshot-tag "$SNAPSHOT_TAG" ${kind})`,
    'echo "started $task"',
    "while :; do",
    '  status=$(sctool progress --cluster "$CLUSTER" "$task" | awk \'$1 == "Status:" {print $2; exit}\')',
    '  case "$status" in',
    '    DONE) sctool progress --cluster "$CLUSTER" "$task"; exit 0 ;;',
    '    ERROR|ABORTED|STOPPED) sctool progress --cluster "$CLUSTER" "$task"; exit 1 ;;',
    "  esac",
    "  sleep 30",
    "done",
    "",
  ].join("\n");
}

/**
 * The rolling restart, as single kubectl commands (the kubectl image has no
 * shell): bump `forceRedeploymentReason` (the operator then restarts one node
 * at a time), wait for the rollout to start, to finish, and for the cluster to
 * be available. The field is left to this Job's field manager; Pulumi never
 * sets it, so a later update does not undo it.
 */
export function rollingRestartCommands(plan: EnvironmentPlan, restore: RestorePlan, timeoutSeconds: number): string[][] {
  const ns = plan.scylla.namespace;
  const target = `scyllacluster/${plan.scylla.clusterName}`;
  const patch = JSON.stringify({ spec: { forceRedeploymentReason: `restore ${restore.snapshotTag}` } });
  const wait = (condition: string, timeout: number) => ["kubectl", "-n", ns, "wait", target, `--for=condition=${condition}`, `--timeout=${timeout}s`];
  return [
    ["kubectl", "-n", ns, "patch", target, "--type=merge", "-p", patch],
    wait("Progressing=True", 600),
    wait("Progressing=False", timeoutSeconds),
    wait("Available=True", 600),
  ];
}

export interface RestoreJobOptions {
  readonly plan: EnvironmentPlan;
  readonly restore: RestorePlan;
  readonly step: RestoreStep;
  /** ScyllaDB nodes of the restored DC (sizes the restart budget). */
  readonly members: number;
}

/** The Job spec of one restore step. */
export function restoreJobSpec({ plan, restore, step, members }: RestoreJobOptions) {
  const timeout = restoreTimeoutSeconds(step, members);
  const pod = {
    restartPolicy: "Never",
    nodeSelector: { ...SYSTEM_NODE_SELECTOR },
    ...(step === "restart" ? { serviceAccountName: RESTORE_SERVICE_ACCOUNT } : { automountServiceAccountToken: false }),
  };
  const resources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };
  const containers =
    step === "restart"
      ? rollingRestartCommands(plan, restore, timeout).map((command, i) => ({ name: ["patch", "started", "rolled", "available"][i]!, image: kubectlImage(plan.kubernetesVersion), command, resources }))
      : [
          {
            name: "sctool",
            image: SCYLLA_MANAGER_IMAGE,
            command: ["/bin/sh", "-c", sctoolRestoreScript(step === "schema" ? "--restore-schema" : "--restore-tables")],
            env: [
              { name: "SCYLLA_MANAGER_API_URL", value: MANAGER_API_URL },
              { name: "CLUSTER", value: managerClusterName(plan) },
              { name: "LOCATION", value: restore.location },
              { name: "SNAPSHOT_TAG", value: restore.snapshotTag },
            ],
            resources,
          },
        ];
  // Every step starts a Manager task or a rollout: a blind retry would start a second one.
  return {
    backoffLimit: 0,
    activeDeadlineSeconds: timeout,
    template: {
      metadata: { labels: { "app.kubernetes.io/name": "scylla-ha-restore", "scylla-ha.io/restore-step": step } },
      spec: step === "restart" ? { ...pod, initContainers: containers.slice(0, -1), containers: containers.slice(-1) } : { ...pod, containers },
    },
  };
}

/** The commands of each step for a person at a terminal (docs/runbooks/restore.md). */
export function manualRestoreCommands(plan: EnvironmentPlan, restore: RestorePlan): Record<RestoreStep, string> {
  const sctool = `kubectl -n ${MANAGER_NAMESPACE} exec deploy/scylla-manager -- sctool`;
  const common = `--cluster ${managerClusterName(plan)} --location ${restore.location} --snapshot-tag ${restore.snapshotTag}`;
  return {
    schema: `${sctool} restore ${common} --restore-schema`,
    restart: `kubectl -n ${plan.scylla.namespace} patch scyllacluster/${plan.scylla.clusterName} --type=merge -p '{"spec":{"forceRedeploymentReason":"restore ${restore.snapshotTag}"}}'`,
    tables: `${sctool} restore ${common} --restore-tables`,
  };
}
