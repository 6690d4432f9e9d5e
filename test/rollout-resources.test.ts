import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { synthesize } from "../cli/engine/synthesize";
import { ConfigError } from "../stacks/validate";
import { awsRegion, environment, threeAwsRegions } from "./helpers/fixtures";
import { type RecordedResource, byUrn, flatten, named, ofType, synthStack } from "./helpers/harness";

const apse1 = awsRegion("apse1", "ap-southeast-1", 3);
const regions = threeAwsRegions();
const keys = (result: SynthResult) => new Set(result.resources.map((r) => `${r.type}::${r.name}`));
const added = (before: SynthResult, after: SynthResult) =>
  [...keys(after)].filter((k) => !keys(before).has(k) && k.includes("apse1")).sort();

/** Every ancestor of a resource, nearest first. */
function ancestors(resources: readonly RecordedResource[], r: RecordedResource): RecordedResource[] {
  const out: RecordedResource[] = [];
  for (let p = r.parent; p; p = byUrn(resources, p).parent) out.push(byUrn(resources, p));
  return out;
}

describe("each rollout phase adds exactly its resources", () => {
  const phases = ["infrastructure", "datacenter", "replicated", "serving"] as const;
  const results: Record<string, SynthResult> = {};

  beforeAll(async () => {
    let previous = (await synthStack("test", environment(regions))).outputs;
    for (const phase of phases) {
      results[phase] = await synthStack("test", environment([...regions, { ...apse1, phase }]), previous);
      previous = results[phase]!.outputs;
    }
  }, 120_000);

  it("datacenter: the ScyllaCluster and its seed service join, nothing else", () => {
    expect(added(results.infrastructure!, results.datacenter!)).toEqual([
      "kubernetes:core/v1:Secret::test-apse1-cql-replication",
      "kubernetes:core/v1:Service::test-apse1-seeds",
      "kubernetes:scylla.scylladb.com/v1:ScyllaCluster::test-apse1-scylla-cluster",
      "scylla-ha:scylla:CqlAuth::test-apse1",
    ]);
  });

  it("replicated: the one replication Job with its script and RBAC, and the DC's monitoring", () => {
    expect(added(results.datacenter!, results.replicated!)).toEqual(
      [
        "scylla-ha:scylla:ReplicationJob::test-apse1",
        "kubernetes:batch/v1:Job::test-apse1-replicate",
        "kubernetes:core/v1:ConfigMap::test-apse1-replication-script",
        "kubernetes:core/v1:ServiceAccount::test-apse1-replication-account",
        "kubernetes:rbac.authorization.k8s.io/v1:Role::test-apse1-replication-role",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::test-apse1-replication-binding",
        "scylla-ha:scylla:Monitoring::test-apse1",
        "kubernetes:monitoring.coreos.com/v1:Prometheus::test-apse1-prometheus",
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule::test-apse1-rules",
        "kubernetes:policy/v1:PodDisruptionBudget::test-apse1-prometheus",
        "kubernetes:core/v1:ServiceAccount::test-apse1-prometheus",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::test-apse1-prometheus",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding::test-apse1-prometheus",
        "kubernetes:scylla.scylladb.com/v1alpha1:ScyllaDBMonitoring::test-apse1-scylladb-monitoring",
        "kubernetes:core/v1:Secret::test-apse1-alertmanager-config",
        "kubernetes:monitoring.coreos.com/v1:Alertmanager::test-apse1-alertmanager",
        "kubernetes:policy/v1:PodDisruptionBudget::test-apse1-alertmanager",
        "kubernetes:core/v1:Service::test-apse1-alertmanager",
        "kubernetes:core/v1:Service::test-apse1-prometheus-query",
      ].sort(),
    );
    // The Manager repair of the rebuilt keyspaces runs next to Manager, after the replication Job.
    const repair = named(results.replicated!.resources, "kubernetes:batch/v1:Job", "test-use1-repair");
    expect(repair.dependencies).toContain(named(results.replicated!.resources, "kubernetes:batch/v1:Job", "test-apse1-replicate").urn);
  });

  it("serving: no resource changes, the DC is listed for clients", () => {
    expect(added(results.replicated!, results.serving!)).toEqual([]);
    expect(results.replicated!.outputs.clientDatacenters).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    expect(results.serving!.outputs.clientDatacenters).toEqual(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]);
  });

  it("the replication Job converges from the live map, rebuilds only the new DC, waits for every DC it involves, and runs as the CQL role", () => {
    const { resources } = results.replicated!;
    const script = (named(resources, "kubernetes:core/v1:ConfigMap", "test-apse1-replication-script").inputs.data as Record<string, string>)["procedure.sh"]!;
    expect(script).toContain(`converge 'app' false 'ap-southeast-1=3 eu-west-1=3 us-east-1=3 us-west-2=3'`);
    expect(script).toContain(`rebuild_dc 'ap-southeast-1' 'us-east-1'`);
    expect(script.match(/^rebuild_dc /gm)).toHaveLength(1);
    const job = named(resources, "kubernetes:batch/v1:Job", "test-apse1-replicate");
    for (const key of ["use1", "usw2", "euw1", "apse1"]) {
      expect(job.dependencies).toContain(named(resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", `test-${key}-scylla-cluster`).urn);
    }
    const spec = (job.inputs.spec as { template: { spec: { initContainers: Array<{ image: string }>; containers: Array<{ image: string; env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }> }> } } }).template.spec;
    expect(spec.initContainers[0]!.image).toBe("registry.k8s.io/kubectl:v1.34.0");
    expect(spec.containers[0]!.image).toBe("docker.io/scylladb/scylla:2026.1.3");
    expect(spec.containers[0]!.env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom!.secretKeyRef])).toEqual([
      ["CQL_USERNAME", { name: "scylla-ha-cql-replication", key: "username" }],
      ["CQL_PASSWORD", { name: "scylla-ha-cql-replication", key: "password" }],
    ]);
    const role = named(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role", "test-apse1-replication-role");
    expect(role.inputs.rules).toContainEqual({ apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] });
  });

  it("only the update that moves a DC into replication has a replication Job", () => {
    const jobs = (r: SynthResult) => ofType(r.resources, "kubernetes:batch/v1:Job").filter((j) => j.name.endsWith("-replicate")).map((j) => j.name);
    expect(Object.fromEntries(phases.map((p) => [p, jobs(results[p]!)]))).toEqual({
      infrastructure: [],
      datacenter: [],
      replicated: ["test-apse1-replicate"],
      serving: [],
    });
  });
});

describe("a lost region", () => {
  let before: SynthResult;
  let lost: SynthResult;
  const inRegion = (r: RecordedResource, key: string) =>
    [r, ...ancestors(lost.resources, r)].some((a) => a.name === `test-${key}` || a.name.startsWith(`test-${key}-`) || a.name.endsWith(`-${key}`));

  beforeAll(async () => {
    before = await synthStack("test", environment(regions));
    lost = await synthStack("test", environment([{ ...regions[0], phase: "lost" }, regions[1], regions[2]]), before.outputs);
  }, 60_000);

  it("freezes every resource of the region and every link to it: no update, no delete", () => {
    const frozen = lost.resources.filter((r) => r.ignoreChanges.includes("*"));
    const expected = lost.resources.filter(
      (r) => !r.external && r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:") && inRegion(r, "use1"),
    );
    expect(frozen.length).toBeGreaterThan(100);
    expect(frozen.map((r) => r.urn).sort()).toEqual(expected.filter((r) => r.type !== "scylla-ha:index:Environment").map((r) => r.urn).sort());
    for (const r of frozen) expect(r.retainOnDelete, r.urn).toBe(true);
  });

  it("leaves the surviving regions untouched", () => {
    const survivors = lost.resources.filter((r) => !inRegion(r, "use1") && (inRegion(r, "usw2") || inRegion(r, "euw1")));
    expect(survivors.length).toBeGreaterThan(100);
    // Never frozen: only the EKS clusters keep their one creation-only flag (ForceNew, see eks-cluster.ts).
    for (const r of survivors) {
      expect(r.ignoreChanges, r.urn).toEqual(r.type === "aws:eks/cluster:Cluster" ? ["accessConfig.bootstrapClusterCreatorAdminPermissions"] : []);
    }
  });

  it("stops the lost region's providers from calling it", () => {
    const k8s = named(lost.resources, "pulumi:providers:kubernetes", "test-use1-k8s");
    expect(k8s.inputs).toMatchObject({ skipUpdateUnreachable: true, deleteUnreachable: true });
    const aws = named(lost.resources, "pulumi:providers:aws", "test-use1-aws");
    expect(aws.inputs).toMatchObject({ skipCredentialsValidation: true, skipRequestingAccountId: true });
    expect(named(lost.resources, "pulumi:providers:kubernetes", "test-usw2-k8s").inputs).not.toHaveProperty("deleteUnreachable");
    // A frozen provider would keep its old inputs: the engine applies ignoreChanges first.
    expect(k8s.ignoreChanges).toEqual([]);
    expect(aws.ignoreChanges).toEqual([]);
  });

  it("exports the clean-up commands for the dead nodes", () => {
    const steps = (lost.outputs.regionLoss as Record<string, string[]>).use1!;
    expect(steps[0]).toBe(`cqlsh -e "ALTER KEYSPACE \\"app\\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-west-2': 3};"`);
    expect(steps.filter((s) => s.includes("nodetool removenode"))).toHaveLength(1);
    expect(steps.at(-1)).toBe("sctool repair -c scylla/scylla");
    expect(Object.keys(lost.outputs.regionLoss as object)).toEqual(["use1"]);
  });

  it("moves Scylla Manager to the first surviving region and drops the lost DC from seeds", () => {
    expect(lost.plan.managerRegion).toBe("usw2");
    expect(ofType(lost.resources, "scylla-ha:scylla:Manager").map((r) => r.name)).toEqual(["test-usw2"]);
    expect(lost.plan.regions.find((r) => r.key === "euw1")!.seedDatacenters).toEqual(["us-west-2"]);
  });
});

describe("secrets a deployment needs", () => {
  it("refuses to deploy without the CQL passwords and the alert receiver, before any resource", async () => {
    const error = await synthesize({ stack: "test", strict: true, preview: false, config: flatten(environment()) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["cqlSuperuserPassword", "cqlManagerPassword", "cqlReplicationPassword", "alertWebhookUrl"]);
  });

  it("names every missing secret of a multi-DC deployment at once", async () => {
    const error = await synthesize({ stack: "test", strict: true, preview: false, config: flatten(environment(threeAwsRegions())) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
      "agentAuthToken",
      "cqlSuperuserPassword",
      "cqlManagerPassword",
      "cqlReplicationPassword",
      "alertWebhookUrl",
    ]);
  });
});
