/**
 * Restore mode: a single-region environment rebuilt from the copy in its
 * bucket-only replica region. The datacenter comes up empty and three Jobs
 * next to Manager restore the schema, restart the DC and restore the tables,
 * in that order.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { MANAGER_API_URL, manualRestoreCommands, restoreJobSpec, sctoolRestoreScript } from "../components/scylla/restore-spec";
import { awsRegion, environment } from "./helpers/fixtures";
import { type RecordedResource, byUrn, named, ofType, providerOf, synthStack } from "./helpers/harness";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RESTORE = { location: "s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC", sourceDatacenter: "us-east-1" };
const JOB = "kubernetes:batch/v1:Job";

let result: SynthResult;

beforeAll(async () => {
  result = await synthStack("test", environment([awsRegion("use1", "us-east-1", 0, { phase: "datacenter", restore: RESTORE })]));
});

const job = (step: string) => named(result.resources, JOB, `test-use1-restore-${step}`);
/** The restore's own Jobs (the region also runs the CQL roles and Manager-credentials Jobs). */
const restoreJobs = (resources: readonly RecordedResource[]) => ofType(resources, JOB).filter((j) => j.name.includes("-restore-"));
const container = (r: RecordedResource, i = 0) => ((r.inputs.spec as Obj).template.spec.containers as Obj[])[i]!;

describe("restore Jobs", () => {
  it("runs three Jobs in the Manager namespace of the restored region's cluster, named for the snapshot", () => {
    const jobs = restoreJobs(result.resources);
    expect(jobs.map((j) => [j.name, (j.inputs.metadata as Obj).name, (j.inputs.metadata as Obj).namespace])).toEqual([
      ["test-use1-restore-schema", "scylla-ha-restore-schema-sm-20260102030405utc", "scylla-manager"],
      ["test-use1-restore-restart", "scylla-ha-restore-restart-sm-20260102030405utc", "scylla-manager"],
      ["test-use1-restore-tables", "scylla-ha-restore-tables-sm-20260102030405utc", "scylla-manager"],
    ]);
    for (const j of jobs) expect(providerOf(result.resources, j).inputs.clusterIdentifier).toBe("test-use1");
    expect(byUrn(result.resources, jobs[0]!.parent!).type).toBe("scylla-ha:scylla:RestoreJobs");
  });

  it("orders schema → rolling restart → tables, and starts only once the DC and Manager are declared", () => {
    const [schema, restart, tables] = ["schema", "restart", "tables"].map(job);
    expect(restart!.dependencies).toContain(schema!.urn);
    expect(tables!.dependencies).toContain(restart!.urn);
    expect(tables!.dependencies).not.toContain(schema!.urn);
    const cluster = named(result.resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "test-use1-scylla-cluster");
    const manager = named(result.resources, "kubernetes:apps/v1:Deployment", "test-use1-scylla-manager");
    const credentials = result.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "test-use1-manager-cql-credentials")!;
    expect(schema!.dependencies).toEqual(expect.arrayContaining([cluster.urn, manager.urn, credentials.urn]));
  });

  it("restores with sctool against the registered cluster, from the configured location and snapshot", () => {
    for (const [step, flag] of [
      ["schema", "--restore-schema"],
      ["tables", "--restore-tables"],
    ] as const) {
      const c = container(job(step));
      expect(c.image).toBe("docker.io/scylladb/scylla-manager:3.10.1");
      expect(c.command).toEqual(["/bin/sh", "-c", sctoolRestoreScript(flag)]);
      expect(c.env).toEqual([
        { name: "SCYLLA_MANAGER_API_URL", value: "http://scylla-manager.scylla-manager.svc/api/v1" },
        { name: "CLUSTER", value: "scylla/scylla" },
        { name: "LOCATION", value: "s3:scylla-ha-test-us-west-2-backup" },
        { name: "SNAPSHOT_TAG", value: "sm_20260102030405UTC" },
      ]);
    }
    // Manager already logs in as its own role (ManagerCredentials runs first): no credentials here, no default superuser.
    expect(sctoolRestoreScript("--restore-schema")).not.toContain("cluster update");
    expect(sctoolRestoreScript("--restore-schema")).not.toContain("cassandra");
    expect(sctoolRestoreScript("--restore-schema")).toContain('task=$(sctool restore --cluster "$CLUSTER" --location "$LOCATION" --snapshot-tag "$SNAPSHOT_TAG" --restore-schema)');
  });

  it("restarts the DC by bumping forceRedeploymentReason and waiting for the rollout, with no shell and a narrow role", () => {
    const spec = (job("restart").inputs.spec as Obj).template.spec as Obj;
    expect(spec.serviceAccountName).toBe("scylla-ha-restore");
    expect([...spec.initContainers, ...spec.containers].map((c: Obj) => c.command)).toEqual([
      ["kubectl", "-n", "scylla", "patch", "scyllacluster/scylla", "--type=merge", "-p", '{"spec":{"forceRedeploymentReason":"restore sm_20260102030405UTC"}}'],
      ["kubectl", "-n", "scylla", "wait", "scyllacluster/scylla", "--for=condition=Progressing=True", "--timeout=600s"],
      ["kubectl", "-n", "scylla", "wait", "scyllacluster/scylla", "--for=condition=Progressing=False", "--timeout=5400s"],
      ["kubectl", "-n", "scylla", "wait", "scyllacluster/scylla", "--for=condition=Available=True", "--timeout=600s"],
    ]);
    expect(spec.containers[0].image).toBe("registry.k8s.io/kubectl:v1.34.0");
    const role = named(result.resources, "kubernetes:rbac.authorization.k8s.io/v1:Role", "test-use1-restore-restart");
    expect(role.inputs).toMatchObject({
      metadata: { name: "scylla-ha-restore", namespace: "scylla" },
      rules: [{ apiGroups: ["scylla.scylladb.com"], resources: ["scyllaclusters"], resourceNames: ["scylla"], verbs: ["get", "list", "watch", "patch"] }],
    });
    expect(job("restart").dependencies).toContain(named(result.resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "test-use1-restore-restart").urn);
  });

  it("lets each step run as long as it needs, once", () => {
    expect(restoreJobs(result.resources).map((j) => [(j.inputs.metadata as Obj).annotations, (j.inputs.spec as Obj).backoffLimit, (j.inputs.spec as Obj).activeDeadlineSeconds])).toEqual([
      [{ "pulumi.com/timeoutSeconds": "3600" }, 0, 3600],
      [{ "pulumi.com/timeoutSeconds": "5400" }, 0, 5400],
      [{ "pulumi.com/timeoutSeconds": "172800" }, 0, 172800],
    ]);
  });

  it("brings the datacenter up empty: no backup task until it holds replicas", () => {
    const cluster = named(result.resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "test-use1-scylla-cluster");
    expect((cluster.inputs.spec as Obj).backups).toEqual([]);
    expect((cluster.inputs.spec as Obj).datacenter.name).toBe("us-east-1");
  });

  it("declares no restore Jobs without a restore", async () => {
    // A region without a restore runs the CQL roles, Manager-credentials and replication Jobs only.
    expect(ofType((await synthStack("dev")).resources, JOB).map((j) => j.name).sort()).toEqual(["dev-use1-cql-roles", "dev-use1-manager-cql-credentials", "dev-use1-replicate"]);
  });
});

describe("the same steps by hand", () => {
  it("prints the exact commands the runbook lists", () => {
    expect(manualRestoreCommands(result.plan, result.plan.regions[0]!.restore!)).toEqual({
      schema:
        "kubectl -n scylla-manager exec deploy/scylla-manager -- sctool restore --cluster scylla/scylla --location s3:scylla-ha-test-us-west-2-backup --snapshot-tag sm_20260102030405UTC --restore-schema",
      restart: `kubectl -n scylla patch scyllacluster/scylla --type=merge -p '{"spec":{"forceRedeploymentReason":"restore sm_20260102030405UTC"}}'`,
      tables:
        "kubectl -n scylla-manager exec deploy/scylla-manager -- sctool restore --cluster scylla/scylla --location s3:scylla-ha-test-us-west-2-backup --snapshot-tag sm_20260102030405UTC --restore-tables",
    });
    expect(MANAGER_API_URL).toBe("http://scylla-manager.scylla-manager.svc/api/v1");
  });

  it("budgets the restart at 30 minutes per node", () => {
    const restore = result.plan.regions[0]!.restore!;
    expect(restoreJobSpec({ plan: result.plan, restore, step: "restart", members: 6 }).activeDeadlineSeconds).toBe(10800);
  });
});
