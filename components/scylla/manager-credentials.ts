/**
 * Hands Scylla Manager the CQL role it backs up and repairs with. Manager
 * 3.10.1 backs the schema up with `DESCRIBE SCHEMA WITH INTERNALS` and refuses
 * without CQL credentials (scylla-manager v3.10.1
 * pkg/service/backup/worker_schema.go:49-53), while operator 1.21 registers
 * the cluster with no username (scylla-operator v1.21.1
 * pkg/controller/scylladbmanagerclusterregistration/sync_manager.go:212-226,
 * scylladb/scylla-operator#1896). Manager keeps stored credentials when the
 * operator later re-registers with an empty username (it saves them only for
 * a non-empty one, pkg/service/cluster/service.go:518-527), so one
 * `sctool cluster update --username … --password …` after registration is
 * enough, and it is re-run (a new Job) whenever the password changes.
 *
 * sctool 3.10.1 takes the password only as a flag
 * (pkg/command/cluster/clusterupdate/cmd.go:67-68): the shell reads it from
 * the mounted Secret file inside the container, so no Pod spec, Job or
 * manifest holds it; only the short-lived sctool process of this one-container
 * Pod sees it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managerClusterName } from "../plan";
import { MANAGER_API_URL } from "./restore-spec";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { MANAGER_CQL_SECRET, MANAGER_ROLE, credentialsHash } from "./cql-auth";
import { MANAGER_NAMESPACE } from "./manager";
import { SYSTEM_NODE_SELECTOR } from "./placement";
import { SCYLLA_MANAGER_IMAGE } from "./versions";

const CREDENTIALS_DIR = "/mnt/cql-credentials";

/**
 * Waits for the operator's registration (it registers only once the DC has an
 * available node, sync_manager.go:37-49) and sets the credentials. `sctool`
 * ships in the Manager image (its RPMs include the client, scylla-manager
 * v3.10.1 dist/docker/scylla-manager.dockerfile:4-12, dist/.goreleaser.yaml).
 */
export function managerCredentialsScript(cluster: string): string {
  return [
    "set -euo pipefail",
    `api=${MANAGER_API_URL}`,
    `cluster=${JSON.stringify(cluster)}`,
    'for i in $(seq 1 90); do sctool --api-url "$api" cluster list 2>/dev/null | grep -qF "$cluster" && break; echo "waiting for the operator to register $cluster ($i)"; sleep 20; done',
    `sctool --api-url "$api" cluster update --cluster "$cluster" --username "$(cat ${CREDENTIALS_DIR}/username)" --password "$(cat ${CREDENTIALS_DIR}/password)"`,
    // Manager logs in with them for its CQL health check: a wrong password fails the Job here, not the next backup.
    'sctool --api-url "$api" status --cluster "$cluster"',
    "",
  ].join("\n");
}

export interface ManagerCredentialsArgs extends ScyllaComponentArgs {
  /** Password of Manager's CQL role (secret config `cqlManagerPassword`). */
  readonly password: pulumi.Input<string>;
  /** Keys the Job name's hash (never a plaintext-derived name alone): the superuser password. */
  readonly hashKey: pulumi.Input<string>;
}

export class ManagerCredentials extends pulumi.ComponentResource {
  readonly secret: k8s.core.v1.Secret;
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: ManagerCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:ManagerCredentials", name, {}, opts);
    const namespace = MANAGER_NAMESPACE;
    const script = managerCredentialsScript(managerClusterName(args.plan));
    this.secret = new k8s.core.v1.Secret(
      `${name}-cql-manager`,
      { metadata: { name: MANAGER_CQL_SECRET, namespace }, type: "Opaque", stringData: { username: MANAGER_ROLE, password: pulumi.secret(args.password) } },
      childOptions(this, args),
    );
    const jobName = pulumi
      .unsecret(pulumi.all([args.hashKey, args.password]))
      .apply(([key, password]) => `scylla-manager-cql-credentials-${credentialsHash(key, password, script)}`);
    this.job = new k8s.batch.v1.Job(
      `${name}-manager-cql-credentials`,
      {
        metadata: { name: jobName, namespace, labels: { "app.kubernetes.io/name": "scylla-manager-cql-credentials" } },
        spec: {
          backoffLimit: 4,
          template: {
            spec: {
              restartPolicy: "OnFailure",
              nodeSelector: { ...SYSTEM_NODE_SELECTOR },
              volumes: [{ name: "credentials", secret: { secretName: MANAGER_CQL_SECRET, defaultMode: 0o444 } }],
              containers: [
                {
                  name: "sctool",
                  image: SCYLLA_MANAGER_IMAGE,
                  command: ["/bin/bash", "-c", script],
                  volumeMounts: [{ name: "credentials", mountPath: CREDENTIALS_DIR, readOnly: true }],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                },
              ],
            },
          },
        },
      },
      { ...childOptions(this, args, [this.secret]), customTimeouts: { create: "2h30m", update: "2h30m" }, deleteBeforeReplace: true },
    );
    this.registerOutputs({});
  }
}
