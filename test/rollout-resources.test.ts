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
    let previous = (await synthStack("prod", environment(regions))).outputs;
    for (const phase of phases) {
      results[phase] = await synthStack("prod", environment([...regions, { ...apse1, phase }]), previous);
      previous = results[phase]!.outputs;
    }
  }, 120_000);

  it("datacenter: the ScyllaCluster and its seed service join, nothing else", () => {
    expect(added(results.infrastructure!, results.datacenter!)).toEqual([
      "kubernetes:core/v1:Service::test-apse1-seeds",
      "kubernetes:scylla.scylladb.com/v1:ScyllaCluster::test-apse1-scylla-cluster",
    ]);
  });

  it("replicated: the replication Job with its credentials, scripts and RBAC, and the DC's monitoring", () => {
    expect(added(results.datacenter!, results.replicated!)).toEqual(
      [
        "scylla-ha:scylla:ReplicationJob::test-apse1",
        "kubernetes:batch/v1:Job::test-apse1-replicate",
        "kubernetes:core/v1:ConfigMap::test-apse1-replication-scripts",
        "kubernetes:core/v1:Secret::test-apse1-cql-credentials",
        "kubernetes:core/v1:ServiceAccount::test-apse1-replication",
        "kubernetes:rbac.authorization.k8s.io/v1:Role::test-apse1-replication",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::test-apse1-replication",
        "scylla-ha:scylla:Monitoring::test-apse1",
        "kubernetes:monitoring.coreos.com/v1:Prometheus::test-apse1-prometheus",
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule::test-apse1-rules",
        "kubernetes:policy/v1:PodDisruptionBudget::test-apse1-prometheus",
        "kubernetes:core/v1:ServiceAccount::test-apse1-prometheus",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::test-apse1-prometheus",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding::test-apse1-prometheus",
        "kubernetes:scylla.scylladb.com/v1alpha1:ScyllaDBMonitoring::test-apse1-scylladb-monitoring",
      ].sort(),
    );
  });

  it("serving: no resource changes, the DC is listed for clients", () => {
    expect(added(results.replicated!, results.serving!)).toEqual([]);
    expect(results.replicated!.outputs.clientDatacenters).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    expect(results.serving!.outputs.clientDatacenters).toEqual(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]);
  });

  it("the replication Job alters every keyspace, rebuilds from the first DC one node at a time, and waits for it", () => {
    const { resources } = results.replicated!;
    const scripts = named(resources, "kubernetes:core/v1:ConfigMap", "test-apse1-replication-scripts").inputs.data as Record<string, string>;
    expect(scripts["steps.cql"]).toContain(
      `ALTER KEYSPACE "app" WITH replication = {'class': 'NetworkTopologyStrategy', 'ap-southeast-1': 3, 'eu-west-1': 3, 'us-east-1': 3, 'us-west-2': 3};`,
    );
    expect(scripts["nodes.sh"]).toContain(`kubectl exec -n scylla "$pod" -c scylla -- nodetool rebuild -- us-east-1`);
    expect(scripts["nodes.sh"]).toContain("-l scylla/cluster=scylla,scylla/datacenter=ap-southeast-1");
    const job = named(resources, "kubernetes:batch/v1:Job", "test-apse1-replicate");
    const cluster = named(resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "test-apse1-scylla-cluster");
    expect(job.dependencies).toContain(cluster.urn);
    const spec = (job.inputs.spec as { template: { spec: { initContainers: Array<{ image: string }>; containers: Array<{ image: string }> } } }).template.spec;
    expect(spec.initContainers[0]!.image).toBe("docker.io/scylladb/scylla:2026.1.3");
    expect(spec.containers[0]!.image).toBe("docker.io/bitnami/kubectl:1.34");
  });
});

describe("a lost region", () => {
  let lost: SynthResult;
  const inRegion = (r: RecordedResource, key: string) =>
    [r, ...ancestors(lost.resources, r)].some((a) => a.name === `test-${key}` || a.name.startsWith(`test-${key}-`) || a.name.endsWith(`-${key}`));

  beforeAll(async () => {
    const before = await synthStack("prod", environment(regions));
    lost = await synthStack("prod", environment([{ ...regions[0], phase: "lost" }, regions[1], regions[2]]), before.outputs);
  }, 60_000);

  it("freezes every resource of the region and every link to it: no update, no delete", () => {
    const frozen = lost.resources.filter((r) => r.ignoreChanges.includes("*"));
    const expected = lost.resources.filter((r) => !r.external && r.type !== "pulumi:pulumi:Stack" && inRegion(r, "use1"));
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
  });

  it("exports the clean-up commands for the dead nodes", () => {
    const steps = (lost.outputs.regionLoss as Record<string, string[]>).use1!;
    expect(steps[0]).toBe(`cqlsh -e "ALTER KEYSPACE \\"app\\" WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west-1': 3, 'us-west-2': 3};"`);
    expect(steps.filter((s) => s.includes("nodetool removenode"))).toHaveLength(1);
    expect(steps.at(-1)).toBe("sctool repair -c scylla/scylla --keyspace app");
    expect(Object.keys(lost.outputs.regionLoss as object)).toEqual(["use1"]);
  });

  it("moves Scylla Manager to the first surviving region and drops the lost DC from seeds", () => {
    expect(lost.plan.managerRegion).toBe("usw2");
    expect(ofType(lost.resources, "scylla-ha:scylla:Manager").map((r) => r.name)).toEqual(["test-usw2"]);
    expect(lost.plan.regions.find((r) => r.key === "euw1")!.seedDatacenters).toEqual(["us-west-2"]);
  });
});

describe("secrets a deployment needs", () => {
  it("refuses to deploy without the CQL password, before any resource", async () => {
    const error = await synthesize({ stack: "dev", strict: true, preview: false, config: flatten(environment()) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["cqlAdminPassword"]);
  });

  it("names every missing secret of a multi-DC deployment at once", async () => {
    const error = await synthesize({ stack: "prod", strict: true, preview: false, config: flatten(environment(threeAwsRegions())) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["agentAuthToken", "cqlAdminPassword"]);
  });
});
