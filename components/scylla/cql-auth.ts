/**
 * CQL authentication without the default superuser. ScyllaDB creates the
 * superuser from `auth_superuser_name` / `auth_superuser_salted_password` in
 * scylla.yaml at first boot ("Ignored if authentication tables already contain
 * a super user", scylladb scylla-2026.1.3 db/config.cc:1526-1530;
 * auth/password_authenticator.cc:60,181-186), so `cassandra`/`cassandra` never
 * exists. One Job, in one region (roles are cluster-wide), logs in as that
 * superuser and converges two least-privileged roles:
 * - `scylla_manager`, the role Scylla Manager logs in as: LOGIN only. Backups
 *   need `DESCRIBE SCHEMA WITH INTERNALS`, which any logged-in role may run
 *   (cql3/statements/describe_statement.cc:524-527), and the schema tables are
 *   readable by every role (service/client_state.cc:189-200). While a region
 *   restores, it also gets what Manager's restore needs (scylla-manager v3.10.1
 *   docs/source/restore/restore-schema.rst:14-16, restore-tables.rst:22-25).
 * - `scylla_ha_replication`, the role the replication procedure runs as.
 * Every region with a DC gets the replication role's Secret
 * (`scylla-ha-cql-replication`, keys `username`/`password`). No password is
 * ever in a Pod spec or in argv: the Job reads them from env into a
 * memory-backed file, and cqlsh reads the login from a credentials file
 * (scylla-cqlsh v6.0.34-scylla, the submodule of scylla-2026.1.3,
 * bin/cqlsh.py:2544-2553).
 */
import { createHash, createHmac } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RegionPlan } from "../plan";
import { SYSTEM_KEYSPACES } from "../plan";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_REPOSITORY } from "./datacenter-spec";
import { SYSTEM_NODE_SELECTOR } from "./placement";
import { sha512Crypt, stableSalt } from "./sha512-crypt";

/** The superuser ScyllaDB creates at first boot (`auth_superuser_name`); never `cassandra`. */
export const SUPERUSER_NAME = "scylla_ha_admin";
export const MANAGER_ROLE = "scylla_manager";
export const REPLICATION_ROLE = "scylla_ha_replication";
/** Contract with the replication procedure: this Secret, keys `username` and `password`, in the ScyllaCluster's namespace. */
export const REPLICATION_SECRET = "scylla-ha-cql-replication";
export const SUPERUSER_SECRET = "scylla-ha-cql-superuser";
/** Manager's role, in Manager's namespace, for the Job that hands it to Manager. */
export const MANAGER_CQL_SECRET = "scylla-ha-cql-manager";

/** The three passwords, from secret config (`cqlSuperuserPassword`, `cqlManagerPassword`, `cqlReplicationPassword`). */
export interface CqlPasswords {
  readonly superuser: pulumi.Input<string>;
  readonly manager: pulumi.Input<string>;
  readonly replication: pulumi.Input<string>;
}

/** What the replication Job consumes: the Secret's name and what must exist before it logs in. */
export interface CqlAuthHandle {
  readonly replicationSecret: string;
  readonly ready: pulumi.Resource[];
}

const saltedPasswords = new Map<string, string>();

/**
 * `auth_superuser_salted_password`: SHA-512-crypt with a salt stable for this
 * password and cluster (identical scylla.yaml everywhere). Every DC asks for the
 * same value, and 5,000 rounds cost ≈ 10 ms each, so it is computed once.
 */
export function superuserSaltedPassword(password: string, clusterName: string): string {
  const key = JSON.stringify([password, clusterName]);
  let salted = saltedPasswords.get(key);
  if (salted === undefined) {
    salted = sha512Crypt(password, stableSalt(password, clusterName));
    saltedPasswords.set(key, salted);
  }
  return salted;
}

/**
 * The region whose Job converges the roles: Manager's (its DC is the one
 * Manager's tasks are declared on), else the first live DC.
 */
export function rolesRegion(plan: EnvironmentPlan): RegionPlan | undefined {
  const live = plan.regions.filter((r) => r.hasDatacenter && !r.lost);
  return live.find((r) => r.hostsManager) ?? live[0];
}

const quote = (ks: string) => `"${ks}"`;

/** Statements that never name a keyspace that may not exist yet. */
export function roleGrants(plan: EnvironmentPlan): string[] {
  const restoring = plan.regions.some((r) => r.restore !== undefined);
  return [
    // The replication steps start with CREATE KEYSPACE IF NOT EXISTS, which checks CREATE on all keyspaces first.
    `GRANT CREATE ON ALL KEYSPACES TO ${REPLICATION_ROLE};`,
    ...SYSTEM_KEYSPACES.map((ks) => `GRANT ALTER ON KEYSPACE ${ks} TO ${REPLICATION_ROLE};`),
    `GRANT SELECT ON KEYSPACE system_schema TO ${REPLICATION_ROLE};`,
    restoring ? `GRANT CREATE ON ALL KEYSPACES TO ${MANAGER_ROLE};` : `REVOKE CREATE ON ALL KEYSPACES FROM ${MANAGER_ROLE};`,
  ];
}

/**
 * Per declared keyspace, run once it exists ("<resource> doesn't exist." until
 * then, service/client_state.cc:312). ScyllaDB gives a keyspace's creator every
 * permission on it; the replication role keeps only ALTER.
 */
export function keyspaceGrants(plan: EnvironmentPlan): Array<{ keyspace: string; statements: string[] }> {
  const restoring = plan.regions.some((r) => r.restore !== undefined);
  return plan.keyspaces.map((k) => {
    const ks = quote(k.name);
    return {
      keyspace: k.name,
      statements: [
        `REVOKE ALL ON KEYSPACE ${ks} FROM ${REPLICATION_ROLE};`,
        `GRANT ALTER ON KEYSPACE ${ks} TO ${REPLICATION_ROLE};`,
        `REVOKE ALL ON KEYSPACE ${ks} FROM ${MANAGER_ROLE};`,
        // Restoring tables alters them and drops/re-creates their views and indexes.
        ...(restoring ? ["ALTER", "CREATE", "DROP"].map((p) => `GRANT ${p} ON KEYSPACE ${ks} TO ${MANAGER_ROLE};`) : []),
      ],
    };
  });
}

/** Where the roles Job mounts the operator's serving CA and admin client certificate. */
export const TLS_DIR = "/etc/scylla-ha/tls";

/**
 * CQL over TLS: the operator serves 9142 with mutual TLS by default
 * (AutomaticTLSCertificates, beta and on in v1.21.1 pkg/features/features.go:33-37;
 * assets/scylladb/managedconfig.cm.yaml) and keeps, per ScyllaCluster, the
 * serving CA (ConfigMap `<name>-local-serving-ca`, key `ca-bundle.crt`) and an
 * admin client certificate (Secret `<name>-local-user-admin`)
 * (pkg/naming/names.go:223-231; docs/source/connect-your-app/connect-via-cql.md).
 */
export function cqlTlsVolumes(clusterName: string) {
  return [
    { name: "serving-ca", configMap: { name: `${clusterName}-local-serving-ca` } },
    { name: "client-cert", secret: { secretName: `${clusterName}-local-user-admin`, defaultMode: 0o400 } },
  ];
}

/** The Job's script. Passwords come from env and only ever reach files in a memory-backed volume. */
export function rolesScript(plan: EnvironmentPlan, host: string): string {
  const perKeyspace = keyspaceGrants(plan).flatMap(({ keyspace, statements }) => [
    `grant_existing ${JSON.stringify(keyspace)} ${JSON.stringify(statements.join(" "))}`,
  ]);
  return [
    "set -euo pipefail",
    "umask 077",
    'dir=/run/cql && mkdir -p "$dir"',
    // cqlsh strips whitespace around config values, and CQL strings are single-quoted.
    'for v in SUPERUSER_PASSWORD MANAGER_PASSWORD REPLICATION_PASSWORD; do case "${!v}" in ""|*[[:space:]]*) echo "$v is empty or contains whitespace" >&2; exit 1;; esac; done',
    `printf '[plain_text_auth]\\nusername = %s\\npassword = %s\\n' ${SUPERUSER_NAME} "$SUPERUSER_PASSWORD" > "$dir/credentials"`,
    // Encrypted, mutually authenticated CQL, validating the server's certificate against the operator's CA.
    `printf '[ssl]\\ncertfile = ${TLS_DIR}/ca/ca-bundle.crt\\nusercert = ${TLS_DIR}/client/tls.crt\\nuserkey = ${TLS_DIR}/client/tls.key\\nvalidate = true\\n' > "$dir/cqlshrc"`,
    `cql() { cqlsh ${host} 9142 --ssl --cqlshrc="$dir/cqlshrc" --credentials="$dir/credentials" --request-timeout=120 "$@"; }`,
    // Doubles single quotes for a CQL string literal; builtins only, so the value is never in any argv.
    "q() { local s=\"$1\" sq=\"'\"; printf '%s' \"${s//$sq/$sq$sq}\"; }",
    "{",
    ...[
      [MANAGER_ROLE, "MANAGER_PASSWORD"],
      [REPLICATION_ROLE, "REPLICATION_PASSWORD"],
    ].flatMap(([role, env]) => [
      `  printf "CREATE ROLE IF NOT EXISTS ${role} WITH LOGIN = true AND SUPERUSER = false AND PASSWORD = '%s';\\n" "$(q "$${env}")"`,
      // A rotated password: ALTER is idempotent, and the Job re-runs whenever a password changes.
      `  printf "ALTER ROLE ${role} WITH PASSWORD = '%s';\\n" "$(q "$${env}")"`,
    ]),
    "  cat /scripts/grants.cql",
    '} > "$dir/roles.cql"',
    // The ScyllaCluster is created without waiting for its nodes: wait here for the superuser to log in.
    'for i in $(seq 1 90); do cql -e "SELECT release_version FROM system.local" >/dev/null 2>&1 && break; echo "waiting for CQL ($i)"; sleep 20; done',
    'cql -f "$dir/roles.cql"',
    'grant_existing() { local out; if ! out=$(cql -e "$2" 2>&1); then case "$out" in *"doesn\'t exist"*) echo "keyspace $1 does not exist yet: its grants apply on the next run";; *) echo "$out" >&2; return 1;; esac; fi; }',
    ...perKeyspace,
    "",
  ].join("\n");
}

/**
 * Names a Job after a keyed hash of the passwords it applies, so a new password
 * is a new Job (Jobs never run twice) while the name reveals nothing: the key is
 * the superuser password, never a plaintext-derived name alone.
 */
export function credentialsHash(key: string, ...parts: string[]): string {
  return createHmac("sha256", key).update(parts.join("\0")).digest("hex").slice(0, 10);
}

export interface CqlAuthArgs extends ScyllaComponentArgs {
  readonly passwords: CqlPasswords;
  /**
   * The roles Job of the region that runs it (`rolesRegion`); every other region waits for it.
   * @default - none: this region runs the Job itself when it is the roles region.
   */
  readonly rolesJob?: pulumi.Resource;
}

/** One region's CQL credentials: the replication Secret everywhere, the superuser Secret and roles Job in the roles region. */
export class CqlAuth extends pulumi.ComponentResource {
  readonly replicationSecret: k8s.core.v1.Secret;
  /** Present in the roles region. */
  readonly rolesJob?: k8s.batch.v1.Job;
  readonly handle: CqlAuthHandle;

  constructor(name: string, args: CqlAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:CqlAuth", name, {}, opts);
    const { plan, region, passwords } = args;
    const namespace = plan.scylla.namespace;
    const base = childOptions(this, args);

    this.replicationSecret = new k8s.core.v1.Secret(
      `${name}-cql-replication`,
      {
        metadata: { name: REPLICATION_SECRET, namespace },
        type: "Opaque",
        stringData: { username: REPLICATION_ROLE, password: pulumi.secret(passwords.replication) },
      },
      base,
    );
    if (rolesRegion(plan)?.key === region.key) this.rolesJob = this.createRolesJob(name, args);
    const rolesJob = this.rolesJob ?? args.rolesJob;
    this.handle = { replicationSecret: REPLICATION_SECRET, ready: [this.replicationSecret, ...(rolesJob ? [rolesJob] : [])] };
    this.registerOutputs({});
  }

  private createRolesJob(name: string, args: CqlAuthArgs): k8s.batch.v1.Job {
    const { plan, passwords } = args;
    const namespace = plan.scylla.namespace;
    const base = childOptions(this, args);
    const superuser = new k8s.core.v1.Secret(
      `${name}-cql-superuser`,
      {
        metadata: { name: SUPERUSER_SECRET, namespace },
        type: "Opaque",
        stringData: {
          username: SUPERUSER_NAME,
          password: pulumi.secret(passwords.superuser),
          [`${MANAGER_ROLE}-password`]: pulumi.secret(passwords.manager),
          [`${REPLICATION_ROLE}-password`]: pulumi.secret(passwords.replication),
        },
      },
      base,
    );
    const grants = `${roleGrants(plan).join("\n")}\n`;
    const script = rolesScript(plan, `${plan.scylla.clusterName}-client.${namespace}.svc`);
    const scriptsHash = createHash("sha256").update(grants).update(script).digest("hex");
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-cql-roles`,
      { metadata: { name: `scylla-ha-cql-roles-${scriptsHash.slice(0, 10)}`, namespace }, data: { "grants.cql": grants, "roles.sh": script } },
      base,
    );
    const jobName = pulumi
      .unsecret(pulumi.all([passwords.superuser, passwords.manager, passwords.replication]))
      .apply(([su, manager, replication]) => `scylla-ha-cql-roles-${credentialsHash(su, manager, replication, scriptsHash)}`);
    const fromSecret = (env: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name: SUPERUSER_SECRET, key } } });
    return new k8s.batch.v1.Job(
      `${name}-cql-roles`,
      {
        metadata: { name: jobName, namespace, labels: { "app.kubernetes.io/name": "scylla-ha-cql-roles" } },
        spec: {
          backoffLimit: 4,
          template: {
            spec: {
              restartPolicy: "OnFailure",
              nodeSelector: { ...SYSTEM_NODE_SELECTOR },
              volumes: [
                { name: "scripts", configMap: { name: scripts.metadata.name } },
                // Credentials files live in memory only, never on the node's disk.
                { name: "run", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                ...cqlTlsVolumes(plan.scylla.clusterName),
              ],
              containers: [
                {
                  name: "roles",
                  image: `${SCYLLA_REPOSITORY}:${plan.scylla.version}`,
                  command: ["/bin/bash", "/scripts/roles.sh"],
                  env: [
                    fromSecret("SUPERUSER_PASSWORD", "password"),
                    fromSecret("MANAGER_PASSWORD", `${MANAGER_ROLE}-password`),
                    fromSecret("REPLICATION_PASSWORD", `${REPLICATION_ROLE}-password`),
                  ],
                  volumeMounts: [
                    { name: "scripts", mountPath: "/scripts" },
                    { name: "run", mountPath: "/run/cql" },
                    { name: "serving-ca", mountPath: `${TLS_DIR}/ca`, readOnly: true },
                    { name: "client-cert", mountPath: `${TLS_DIR}/client`, readOnly: true },
                  ],
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } },
                },
              ],
            },
          },
        },
      },
      {
        ...childOptions(this, args, [superuser, scripts]),
        // Each attempt waits 30 minutes for the first nodes to accept logins, and a new cluster's
        // first DC bootstraps its nodes one by one: allow the retries (backoffLimit) to run.
        customTimeouts: { create: "2h30m", update: "2h30m" },
        deleteBeforeReplace: true,
      },
    );
  }
}
