/**
 * CQL credentials for real: the superuser comes from scylla.yaml (never
 * cassandra/cassandra), one Job converges Manager's and the replication
 * procedure's least-privileged roles, Manager gets its role through
 * `sctool cluster update`, and no password is in any Pod spec or argv. The
 * rendered scripts are run against fake `cqlsh`/`sctool` that enforce the
 * real tools' rules (test/helpers/fake-cli).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { EnvironmentPlan } from "../components/plan";
import {
  MANAGER_ROLE,
  REPLICATION_ROLE,
  REPLICATION_SECRET,
  SUPERUSER_NAME,
  credentialsHash,
  keyspaceGrants,
  roleGrants,
  superuserSaltedPassword,
} from "../components/scylla/cql-auth";
import { DISABLE_MANAGER_INTEGRATION_ANNOTATION } from "../components/scylla/datacenter-spec";
import { managerDatabaseZones } from "../components/scylla/manager";
import { sha512Crypt, stableSalt } from "../components/scylla/sha512-crypt";
import { type RecordedResource, mockEngine, ofType, providerOf } from "./helpers/harness";
import { fixturePlan, TEST_CQL_PASSWORDS, buildTestScyllaLayer, stackPlan } from "./helpers/scylla";
import { awsRegion, environment } from "./helpers/fixtures";

type Obj = Record<string, any>;
/** A value as recorded: plain, or in the wire's secret envelope. */
const reveal = (v: unknown): any => (v !== null && typeof v === "object" && "value" in (v as Obj) && Object.keys(v as Obj).length === 2 ? (v as Obj).value : v);
const FAKE_CLI = path.join(__dirname, "helpers", "fake-cli");

let plan: EnvironmentPlan;
let resources: readonly RecordedResource[];
const regionOf = (r: RecordedResource) => plan.regions.find((p) => p.clusterName === providerOf(resources, r).inputs.clusterIdentifier)!.key;
const objects = (type: string, name?: string | RegExp) =>
  ofType(resources, type).filter((r) => {
    const n = String((r.inputs.metadata as Obj).name);
    return name === undefined || (typeof name === "string" ? n === name : name.test(n));
  });

beforeAll(async () => {
  const rec = mockEngine({ preview: false });
  plan = stackPlan("prod");
  buildTestScyllaLayer(plan);
  resources = await rec.settle();
});

describe("SHA-512-crypt for auth_superuser_salted_password", () => {
  it("matches the specification's test vectors", () => {
    expect(sha512Crypt("Hello world!", "saltstring")).toBe(
      "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
    );
    expect(sha512Crypt("Hello world!", "saltstringsaltst", 10000)).toBe(
      "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
    );
    expect(sha512Crypt("we have a short salt string but not a short password", "short", 77777)).toBe(
      "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
    );
  });

  it("salts stably per password and cluster, so scylla.yaml never changes by itself", () => {
    expect(stableSalt("p", "scylla")).toBe(stableSalt("p", "scylla"));
    expect(stableSalt("p", "scylla")).not.toBe(stableSalt("q", "scylla"));
    expect(stableSalt("p", "scylla")).not.toBe(stableSalt("p", "other"));
    expect(stableSalt("p", "scylla")).toMatch(/^[./0-9A-Za-z]{16}$/);
  });
});

describe("the superuser", () => {
  it("is named and salted in every DC's scylla.yaml, identically, and is never cassandra", () => {
    const configs = objects("kubernetes:core/v1:ConfigMap", "scylla-config");
    expect(configs.map(regionOf).sort()).toEqual(["euw1", "use1", "usw2"]);
    const expected = superuserSaltedPassword(TEST_CQL_PASSWORDS.superuser, "scylla");
    for (const c of configs) {
      const yaml = parse(reveal(reveal(c.inputs.data)["scylla.yaml"])) as Obj;
      expect(yaml).toEqual({
        authenticator: "PasswordAuthenticator",
        authorizer: "CassandraAuthorizer",
        auth_superuser_name: SUPERUSER_NAME,
        auth_superuser_salted_password: expected,
      });
      const [, , salt] = expected.split("$");
      expect(sha512Crypt(TEST_CQL_PASSWORDS.superuser, salt!)).toBe(expected);
    }
    // "CassandraAuthorizer" is a class name; no user, password or default named cassandra anywhere.
    expect(JSON.stringify(resources)).not.toMatch(/\bcassandra\b/i);
  });
});

describe("roles", () => {
  it("are converged by exactly one Job, in Manager's region, reading passwords from a Secret", () => {
    const jobs = objects("kubernetes:batch/v1:Job", /^scylla-ha-cql-roles-/);
    expect(jobs.map(regionOf)).toEqual([plan.managerRegion]);
    const container = (jobs[0]!.inputs.spec as Obj).template.spec.containers[0];
    expect(container.command).toEqual(["/bin/bash", "/scripts/roles.sh"]);
    expect(container.env.map((e: Obj) => [e.name, e.valueFrom.secretKeyRef.name])).toEqual([
      ["SUPERUSER_PASSWORD", "scylla-ha-cql-superuser"],
      ["MANAGER_PASSWORD", "scylla-ha-cql-superuser"],
      ["REPLICATION_PASSWORD", "scylla-ha-cql-superuser"],
    ]);
    expect((jobs[0]!.inputs.spec as Obj).template.spec.volumes[1]).toEqual({ name: "run", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
  });

  it("grant exactly what backups, repairs and the replication procedure need", () => {
    expect(roleGrants(plan)).toEqual([
      `GRANT CREATE ON ALL KEYSPACES TO ${REPLICATION_ROLE};`,
      `GRANT ALTER ON KEYSPACE system_distributed TO ${REPLICATION_ROLE};`,
      `GRANT ALTER ON KEYSPACE system_traces TO ${REPLICATION_ROLE};`,
      `GRANT SELECT ON KEYSPACE system_schema TO ${REPLICATION_ROLE};`,
      `REVOKE CREATE ON ALL KEYSPACES FROM ${MANAGER_ROLE};`,
    ]);
    expect(keyspaceGrants(plan).map((k) => k.keyspace)).toEqual(["app", "sessions"]);
    expect(keyspaceGrants(plan)[0]!.statements).toEqual([
      `REVOKE ALL ON KEYSPACE "app" FROM ${REPLICATION_ROLE};`,
      `GRANT ALTER ON KEYSPACE "app" TO ${REPLICATION_ROLE};`,
      `REVOKE ALL ON KEYSPACE "app" FROM ${MANAGER_ROLE};`,
    ]);
  });

  it("give Manager what a restore needs while a region restores", () => {
    const restore = { location: "s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC", sourceDatacenter: "us-east-1" };
    const restoring = fixturePlan(environment([awsRegion("use1", "us-east-1", 0, { phase: "datacenter", restore })]));
    expect(roleGrants(restoring)).toContain(`GRANT CREATE ON ALL KEYSPACES TO ${MANAGER_ROLE};`);
    expect(keyspaceGrants(restoring)[0]!.statements.slice(3)).toEqual(
      ["ALTER", "CREATE", "DROP"].map((p) => `GRANT ${p} ON KEYSPACE "app" TO ${MANAGER_ROLE};`),
    );
  });

  it("mounts the operator's serving CA and admin client certificate for CQL over TLS", () => {
    const spec = (objects("kubernetes:batch/v1:Job", /^scylla-ha-cql-roles-/)[0]!.inputs.spec as Obj).template.spec;
    expect(spec.volumes.slice(2)).toEqual([
      { name: "serving-ca", configMap: { name: "scylla-local-serving-ca" } },
      { name: "client-cert", secret: { secretName: "scylla-local-user-admin", defaultMode: 0o400 } },
    ]);
  });

  it("the rendered Job logs in over mutual TLS from a private credentials file, creates both roles and grants once keyspaces exist", () => {
    const config = objects("kubernetes:core/v1:ConfigMap", /^scylla-ha-cql-roles-/)[0]!;
    const data = config.inputs.data as Obj;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roles-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    fs.writeFileSync(path.join(dir, "scripts", "grants.cql"), data["grants.cql"]);
    for (const f of ["ca/ca-bundle.crt", "client/tls.crt", "client/tls.key"]) {
      fs.mkdirSync(path.dirname(path.join(dir, "tls", f)), { recursive: true });
      fs.writeFileSync(path.join(dir, "tls", f), "pem");
    }
    const script = (data["roles.sh"] as string)
      .replaceAll("/run/cql", path.join(dir, "run"))
      .replaceAll("/scripts/", `${dir}/scripts/`)
      .replaceAll("/etc/scylla-ha/tls", path.join(dir, "tls"));
    fs.writeFileSync(path.join(dir, "roles.sh"), script);
    const passwords = { SUPERUSER_PASSWORD: "su-pa$$word", MANAGER_PASSWORD: "it's-manager", REPLICATION_PASSWORD: "repl`pw" };
    const runJob = (keyspaces: string) => {
      const log = path.join(dir, `cql-${keyspaces || "none"}.log`);
      fs.writeFileSync(log, "");
      execFileSync("/bin/bash", [path.join(dir, "roles.sh")], {
        env: {
          PATH: `${FAKE_CLI}:${process.env.PATH}`,
          ...passwords,
          FAKE_SUPERUSER: SUPERUSER_NAME,
          FAKE_SUPERUSER_PASSWORD: passwords.SUPERUSER_PASSWORD,
          FAKE_FORBIDDEN_ARGV: Object.values(passwords).join("\n"),
          FAKE_KEYSPACES: keyspaces,
          FAKE_TLS_ONLY: "1",
          FAKE_CQL_LOG: log,
        },
        stdio: "pipe",
      });
      return fs.readFileSync(log, "utf8");
    };
    const first = runJob("");
    expect(first).toContain(`CREATE ROLE IF NOT EXISTS ${MANAGER_ROLE} WITH LOGIN = true AND SUPERUSER = false AND PASSWORD = 'it''s-manager';`);
    expect(first).toContain(`ALTER ROLE ${REPLICATION_ROLE} WITH PASSWORD = 'repl\`pw';`);
    expect(first).toContain(`GRANT ALTER ON KEYSPACE system_distributed TO ${REPLICATION_ROLE};`);
    expect(first).not.toContain('KEYSPACE "app"');
    const later = runJob("app,sessions");
    expect(later).toContain(`GRANT ALTER ON KEYSPACE "app" TO ${REPLICATION_ROLE};`);
    expect(later).toContain(`GRANT ALTER ON KEYSPACE "sessions" TO ${REPLICATION_ROLE};`);
    // Whitespace cannot survive cqlsh's config parser: the Job refuses it rather than locking itself out.
    expect(() => execFileSync("/bin/bash", [path.join(dir, "roles.sh")], { env: { ...passwords, MANAGER_PASSWORD: "a b", PATH: `${FAKE_CLI}:${process.env.PATH}` }, stdio: "pipe" })).toThrow();
  });

  it("is re-run when a password changes, under a name that does not reveal it", () => {
    const name = credentialsHash("su", "manager-1", "replication", "scripts");
    expect(name).toMatch(/^[0-9a-f]{10}$/);
    expect(credentialsHash("su", "manager-2", "replication", "scripts")).not.toBe(name);
    expect(credentialsHash("other-key", "manager-1", "replication", "scripts")).not.toBe(name);
  });
});

describe("the replication role's Secret (contract with the replication procedure)", () => {
  it("exists in every region with a DC, in the ScyllaCluster's namespace, with username and password", () => {
    const secrets = objects("kubernetes:core/v1:Secret", REPLICATION_SECRET);
    expect(secrets.map(regionOf).sort()).toEqual(["euw1", "use1", "usw2"]);
    for (const s of secrets) {
      expect((s.inputs.metadata as Obj).namespace).toBe("scylla");
      expect(reveal(s.inputs.stringData)).toEqual({ username: REPLICATION_ROLE, password: TEST_CQL_PASSWORDS.replication });
    }
  });
});

describe("Scylla Manager's credentials", () => {
  it("are handed over with sctool cluster update, from files mounted in the container", () => {
    const jobs = objects("kubernetes:batch/v1:Job", /^scylla-manager-cql-credentials-/);
    expect(jobs.map(regionOf)).toEqual([plan.managerRegion]);
    const spec = (jobs[0]!.inputs.spec as Obj).template.spec;
    expect(spec.volumes).toEqual([{ name: "credentials", secret: { secretName: "scylla-ha-cql-manager", defaultMode: 0o444 } }]);
    const script = spec.containers[0].command[2] as string;
    expect(script).toContain('cluster update --cluster "$cluster" --username "$(cat /mnt/cql-credentials/username)" --password "$(cat /mnt/cql-credentials/password)"');
    expect(JSON.stringify(jobs[0]!.inputs)).not.toContain(TEST_CQL_PASSWORDS.manager);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sctool-"));
    fs.writeFileSync(path.join(dir, "username"), MANAGER_ROLE);
    fs.writeFileSync(path.join(dir, "password"), TEST_CQL_PASSWORDS.manager);
    const log = path.join(dir, "sctool.json");
    execFileSync("/bin/bash", ["-c", script.replaceAll("/mnt/cql-credentials", dir)], {
      env: { PATH: `${FAKE_CLI}:${process.env.PATH}`, FAKE_CLUSTERS: "scylla/scylla", FAKE_SCTOOL_LOG: log },
      stdio: "pipe",
    });
    // The operator names the cluster <namespace>/<name> (scylla-operator v1.21.1 pkg/naming/names.go:115-117).
    expect(JSON.parse(fs.readFileSync(log, "utf8"))).toEqual({ cluster: "scylla/scylla", username: MANAGER_ROLE, password: TEST_CQL_PASSWORDS.manager });
  });
});

describe("Scylla Manager survives a zone", () => {
  it("keeps its database as one rack per zone, in production mode", () => {
    const db = objects("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "scylla-manager-cluster");
    expect(db.map(regionOf)).toEqual([plan.managerRegion]);
    const spec = db[0]!.inputs.spec as Obj;
    const zones = plan.regions.find((r) => r.key === plan.managerRegion)!.zones;
    expect(managerDatabaseZones({ zones })).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(spec.developerMode).toBe(false);
    expect(spec.datacenter.racks.map((r: Obj) => [r.name, r.members, r.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1]])).toEqual(
      zones.map((z) => [z, 1, { key: "topology.kubernetes.io/zone", operator: "In", values: [z] }]),
    );
  });

  it("leaves a node that stopped answering after a minute, with nothing zonal holding it back", () => {
    const deployment = ofType(resources, "kubernetes:apps/v1:Deployment").find((d) => (d.inputs.metadata as Obj).name === "scylla-manager")!;
    const pod = (deployment.inputs.spec as Obj).template.spec;
    expect(pod.tolerations.map((t: Obj) => [t.key, t.tolerationSeconds])).toEqual([
      ["node.kubernetes.io/unreachable", 60],
      ["node.kubernetes.io/not-ready", 60],
    ]);
    expect(pod.volumes.every((v: Obj) => v.persistentVolumeClaim === undefined)).toBe(true);
  });
});

describe("DCs without Manager", () => {
  it("do not try to register with one; the DC next to Manager does", () => {
    for (const c of objects("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "scylla")) {
      const annotations = ((c.inputs.metadata as Obj).annotations ?? {}) as Obj;
      expect(annotations[DISABLE_MANAGER_INTEGRATION_ANNOTATION], regionOf(c)).toBe(regionOf(c) === plan.managerRegion ? undefined : "true");
    }
  });
});
