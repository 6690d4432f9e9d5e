/**
 * The Kubernetes layer for the single-region stacks (dev on AWS, staging on
 * GCP) and a two-region GCP fixture whose second region is still in its
 * infrastructure phase, built together under one strict engine.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentPlan } from "../components/plan";
import { type RecordedResource, mockEngine, ofType, providerOf } from "./helpers/harness";
import { environment, gcpRegion } from "./helpers/fixtures";
import { buildTestScyllaLayer, fixturePlan, stackPlan } from "./helpers/scylla";

type Obj = Record<string, any>;
let plans: EnvironmentPlan[];
let resources: readonly RecordedResource[];

const clusterOf = (r: RecordedResource) => String(providerOf(resources, r).inputs.clusterIdentifier);
const inCluster = (type: string, cluster: string) => ofType(resources, type).filter((r) => clusterOf(r) === cluster);
/** The one object of a type in a cluster's `scylla` namespace (or cluster-scoped). */
const only = (type: string, cluster: string) => {
  const found = inCluster(type, cluster).filter((r) => [undefined, "scylla"].includes((r.inputs.metadata as Obj).namespace));
  expect(found, `${type} in ${cluster}`).toHaveLength(1);
  return found[0]!;
};
const spec = (r: RecordedResource): Obj => r.inputs.spec as Obj;

beforeAll(async () => {
  const rec = mockEngine({ preview: true });
  plans = [
    stackPlan("dev"),
    stackPlan("staging"),
    fixturePlan(
      environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("use4", "us-east4", 60, { phase: "infrastructure" })], {
        monitoring: { enabled: false },
      }),
    ),
  ];
  for (const plan of plans) buildTestScyllaLayer(plan);
  resources = await rec.settle();
});

describe("a single AWS region (dev)", () => {
  it("keeps the default in-cluster exposure and needs no seeds", () => {
    const cluster = spec(only("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "dev-use1"));
    expect(cluster.exposeOptions).toBeUndefined();
    expect(cluster.externalSeeds).toBeUndefined();
    expect(cluster.datacenter.racks.map((r: Obj) => [r.name, r.members, r.storage.capacity, r.resources.limits])).toEqual([
      ["us-east-1a", 1, "391Gi", { cpu: "1", memory: "12Gi" }],
      ["us-east-1b", 1, "391Gi", { cpu: "1", memory: "12Gi" }],
      ["us-east-1c", 1, "391Gi", { cpu: "1", memory: "12Gi" }],
    ]);
    expect(cluster.backups).toEqual([
      {
        name: "backup",
        dc: ["us-east-1"],
        location: ["us-east-1:s3:scylla-ha-dev-us-east-1-backup"],
        cron: "0 3 * * *",
        retention: 3,
        rateLimit: ["us-east-1:100"],
      },
    ]);
  });

  it("uses EBS for the system pool and patches the operator config for EKS", () => {
    const system = inCluster("kubernetes:storage.k8s.io/v1:StorageClass", "dev-use1").find((c) => (c.inputs.metadata as Obj).name === "scylla-ha-system")!;
    expect(system.inputs).toMatchObject({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } });
    expect(only("kubernetes:scylla.scylladb.com/v1alpha1:ScyllaOperatorConfigPatch", "dev-use1").inputs.spec).toEqual({
      scyllaUtilsImage: "docker.io/scylladb/scylla:2025.1.14",
    });
  });

  it("does not protect a development DC", () => {
    expect(only("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "dev-use1").protect).toBe(false);
  });
});

describe("a single GCP region (staging)", () => {
  it("matches local NVMe SSDs by name only", () => {
    expect(spec(only("kubernetes:scylla.scylladb.com/v1alpha1:NodeConfig", "staging-usc1")).localDiskSetup.raids).toEqual([
      { name: "nvmes", type: "RAID0", RAID0: { devices: { nameRegex: "^/dev/nvme\\d+n\\d+$" } } },
    ]);
  });

  it("asks GKE for an internal seed load balancer that other regions can reach", () => {
    // The seed Service (the cluster also has Alertmanager's and Grafana's query Services).
    const seeds = inCluster("kubernetes:core/v1:Service", "staging-usc1").find((r) => (r.inputs.metadata as Obj).name === "scylla-seeds")!;
    expect((seeds.inputs.metadata as Obj).annotations).toEqual({
      "networking.gke.io/load-balancer-type": "Internal",
      "networking.gke.io/internal-load-balancer-allow-global-access": "true",
    });
    expect(spec(seeds).selector).toEqual({ "app.kubernetes.io/name": "scylla", "scylla/cluster": "scylla", "scylla/datacenter": "us-central1" });
  });

  it("backs up to GCS, uses persistent disks for the system pool and needs no EKS patch", () => {
    expect(spec(only("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "staging-usc1")).backups[0].location).toEqual([
      "us-central1:gcs:scylla-ha-staging-us-central1-backup",
    ]);
    const system = inCluster("kubernetes:storage.k8s.io/v1:StorageClass", "staging-usc1").find((c) => (c.inputs.metadata as Obj).name === "scylla-ha-system")!;
    expect(system.inputs.provisioner).toBe("pd.csi.storage.gke.io");
    expect(inCluster("kubernetes:scylla.scylladb.com/v1alpha1:ScyllaOperatorConfigPatch", "staging-usc1")).toEqual([]);
  });

  it("sizes Guaranteed pods from the n2-highmem-8 machine", () => {
    const rack = spec(only("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "staging-usc1")).datacenter.racks[0];
    expect([rack.resources, rack.storage.capacity]).toEqual([{ requests: { cpu: "6", memory: "53Gi" }, limits: { cpu: "6", memory: "53Gi" } }, "675Gi"]);
  });
});

describe("a region still in its infrastructure phase", () => {
  it("gets the platform and storage but no datacenter, seeds or monitoring", () => {
    const objects = resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && clusterOf(r) === "test-use4");
    const kinds = [...new Set(objects.map((r) => String(r.inputs.kind ?? r.type)))].sort();
    expect(kinds).toEqual([
      "CSIDriver",
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "DaemonSet",
      "Deployment",
      "Namespace",
      "NetworkPolicy",
      "NodeConfig",
      "PodDisruptionBudget",
      "ResourceQuota",
      "Secret",
      "StorageClass",
      "ServiceAccount",
      "kubernetes:helm.sh/v3:Release",
    ].sort());
    expect(inCluster("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "test-use4")).toEqual([]);
  });

  it("switches the live DC to multi-DC exposure without seeding it from a DC that does not exist yet", () => {
    const cluster = spec(only("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "test-usc1"));
    expect(cluster.exposeOptions.nodeService).toEqual({ type: "Headless" });
    expect(cluster.externalSeeds).toBeUndefined();
    expect(cluster.backups[0].location).toEqual(["us-central1:gcs:scylla-ha-test-us-central1-backup"]);
  });

  it("renders no monitoring when it is disabled", () => {
    expect(ofType(resources, "kubernetes:monitoring.coreos.com/v1:Prometheus").map(clusterOf).sort()).toEqual(["dev-use1", "staging-usc1"]);
  });
});
