/**
 * The Kubernetes layer of the committed prod environment (three AWS regions),
 * built once under the strict engine with a test provider per region.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentPlan } from "../components/plan";
import { DEDICATED_TOLERATION, SCYLLA_NODE_LABELS } from "../components/scylla/placement";
import { type RecordedResource, mockEngine, named, ofType, providerOf } from "./helpers/harness";
import { TEST_AGENT_TOKEN, buildTestScyllaLayer, stackPlan } from "./helpers/scylla";

const SCYLLA_CLUSTER = "kubernetes:scylla.scylladb.com/v1:ScyllaCluster";
const ZONE = "topology.kubernetes.io/zone";

let plan: EnvironmentPlan;
let resources: readonly RecordedResource[];

type Obj = Record<string, any>;
const spec = (r: RecordedResource): Obj => r.inputs.spec as Obj;
/** Region key of a Kubernetes object, through its provider's clusterIdentifier. */
const regionOf = (r: RecordedResource) => plan.regions.find((p) => p.clusterName === providerOf(resources, r).inputs.clusterIdentifier)!.key;
const inRegion = (type: string, key: string) => ofType(resources, type).filter((r) => regionOf(r) === key);
/** Resources in region (seed) order: registration order across regions follows output resolution. */
const inPlanOrder = (list: readonly RecordedResource[]) => {
  const index = (r: RecordedResource) => plan.regions.findIndex((p) => p.key === regionOf(r));
  return [...list].sort((a, b) => index(a) - index(b));
};
const regionsOf = (list: readonly RecordedResource[]) => inPlanOrder(list).map(regionOf);
/** The data DCs' ScyllaClusters in seed order (Manager's own database lives in namespace scylla-manager). */
const dataClusters = () => inPlanOrder(ofType(resources, SCYLLA_CLUSTER).filter((r) => (r.inputs.metadata as Obj).namespace === "scylla"));

beforeAll(async () => {
  const rec = mockEngine({ preview: true });
  plan = stackPlan("prod");
  buildTestScyllaLayer(plan);
  resources = await rec.settle();
});

describe("datacenters", () => {
  it("renders one ScyllaCluster per region with one name and distinct DC names", () => {
    const clusters = dataClusters();
    expect(regionsOf(clusters)).toEqual(["use1", "usw2", "euw1"]);
    expect(clusters.map((c) => (c.inputs.metadata as Obj).name)).toEqual(["scylla", "scylla", "scylla"]);
    expect(clusters.map((c) => spec(c).datacenter.name)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    for (const c of clusters) {
      expect(spec(c)).toMatchObject({ version: "2026.1.3", agentVersion: "3.10.1", automaticOrphanedNodeCleanup: true });
    }
  });

  it("has one rack per zone, pinned to that zone and to Scylla nodes", () => {
    for (const c of dataClusters()) {
      const region = plan.regions.find((r) => r.key === regionOf(c))!;
      const racks = spec(c).datacenter.racks as Obj[];
      expect(racks.map((r) => r.name)).toEqual(region.zones);
      for (const rack of racks) {
        expect(rack.members).toBe(2);
        expect(rack.storage).toEqual({ capacity: "1571Gi", storageClassName: "scylladb-local-xfs" });
        expect(rack.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
          {
            matchExpressions: [
              { key: ZONE, operator: "In", values: [rack.name] },
              { key: "scylla.scylladb.com/node-type", operator: "In", values: ["scylla"] },
            ],
          },
        ]);
        expect(rack.placement.tolerations).toEqual([DEDICATED_TOLERATION]);
        expect(rack.placement.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
          { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "scylla", "scylla/cluster": "scylla" } } },
        ]);
      }
    }
  });

  it("gives both containers Guaranteed QoS with integer CPUs", () => {
    for (const c of ofType(resources, SCYLLA_CLUSTER)) {
      for (const rack of spec(c).datacenter.racks as Obj[]) {
        for (const r of [rack.resources, rack.agentResources]) {
          expect(r.requests).toEqual(r.limits);
          expect(Object.keys(r.limits).sort()).toEqual(["cpu", "memory"]);
        }
        if ((c.inputs.metadata as Obj).namespace === "scylla") {
          expect(rack.resources.limits).toEqual({ cpu: "6", memory: "53Gi" });
          expect(rack.agentResources.limits).toEqual({ cpu: "500m", memory: "512Mi" });
        }
      }
    }
  });

  it("exposes pod IPs behind headless node services in a multi-DC environment", () => {
    for (const c of dataClusters()) {
      expect(spec(c).exposeOptions).toEqual({
        nodeService: { type: "Headless" },
        broadcastOptions: { nodes: { type: "PodIP" }, clients: { type: "PodIP" } },
      });
    }
  });

  it("seeds every DC but the first from the other DCs' seed load balancers", () => {
    const [first, ...others] = dataClusters();
    expect(spec(first!).externalSeeds).toBeUndefined();
    const seedService = (key: string) => inRegion("kubernetes:core/v1:Service", key).find((s) => (s.inputs.metadata as Obj).name === "scylla-seeds")!;
    for (const c of others) {
      const key = regionOf(c);
      const region = plan.regions.find((r) => r.key === key)!;
      const seedRegions = plan.regions.filter((r) => region.seedDatacenters.includes(r.datacenter)).map((r) => r.key);
      expect(seedRegions).toEqual(["use1", "usw2", "euw1"].filter((k) => k !== key));
      // Load-balancer addresses are unknown at preview; the link is the property dependency.
      expect(spec(c).externalSeeds).toHaveLength(2);
      expect(c.propertyDependencies.spec).toEqual(expect.arrayContaining(seedRegions.map((k) => seedService(k).urn)));
    }
  });

  it("exposes each DC's inter-node ports on an internal load balancer", () => {
    const seeds = ofType(resources, "kubernetes:core/v1:Service").filter((s) => (s.inputs.metadata as Obj).name === "scylla-seeds");
    expect(regionsOf(seeds)).toEqual(["use1", "usw2", "euw1"]);
    for (const s of seeds) {
      expect(spec(s).type).toBe("LoadBalancer");
      expect(spec(s).ports.map((p: Obj) => p.port)).toEqual([7000, 7001]);
      expect((s.inputs.metadata as Obj).annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]).toBe("true");
    }
  });

  it("marks immutable fields replace-only and protects production DCs", () => {
    for (const c of dataClusters()) {
      expect(c.replaceOnChanges).toEqual([
        "spec.datacenter.name",
        "spec.datacenter.racks[*].storage",
        "spec.exposeOptions.nodeService.type",
        "spec.exposeOptions.broadcastOptions.nodes.type",
        "spec.exposeOptions.broadcastOptions.clients.type",
      ]);
      expect(c.protect).toBe(true);
    }
  });

  it("declares keyspace replication in every region", () => {
    const maps = ofType(resources, "kubernetes:core/v1:ConfigMap").filter((m) => (m.inputs.metadata as Obj).name === "scylla-ha-keyspaces");
    expect(regionsOf(maps)).toEqual(["use1", "usw2", "euw1"]);
    const rf = { "us-east-1": 3, "us-west-2": 3, "eu-west-1": 3 };
    for (const m of maps) {
      expect((m.inputs.metadata as Obj).namespace).toBe("scylla");
      expect(JSON.parse((m.inputs.data as Obj)["keyspaces.json"])).toEqual([
        { name: "app", tablets: false, replication: rf },
        { name: "sessions", tablets: true, replication: rf },
      ]);
    }
  });
});

describe("local NVMe storage", () => {
  it("places the NodeConfig exactly where the racks land", () => {
    const configs = ofType(resources, "kubernetes:scylla.scylladb.com/v1alpha1:NodeConfig");
    expect(regionsOf(configs)).toEqual(["use1", "usw2", "euw1"]);
    for (const nc of configs) {
      expect(spec(nc).placement).toEqual({ nodeSelector: SCYLLA_NODE_LABELS, tolerations: [DEDICATED_TOLERATION] });
      const rackExpressions = (spec(dataClusters().find((c) => regionOf(c) === regionOf(nc))!).datacenter.racks as Obj[]).map(
        (r) => r.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1],
      );
      for (const e of rackExpressions) expect({ [e.key]: e.values[0] }).toEqual(spec(nc).placement.nodeSelector);
      expect(spec(nc).localDiskSetup).toEqual({
        raids: [{ name: "nvmes", type: "RAID0", RAID0: { devices: { modelRegex: "Amazon EC2 NVMe Instance Storage", nameRegex: "^/dev/nvme\\d+n\\d+$" } } }],
        filesystems: [{ device: "/dev/md/nvmes", type: "xfs" }],
        mounts: [{ device: "/dev/md/nvmes", mountPoint: "/var/lib/persistent-volumes", unsupportedOptions: ["prjquota", "discard"] }],
      });
    }
  });

  it("binds local volumes only once the pod is scheduled, and frees them when the operator deletes a claim", () => {
    const classes = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass").filter((c) => (c.inputs.metadata as Obj).name === "scylladb-local-xfs");
    expect(classes).toHaveLength(3);
    for (const c of classes) {
      expect(c.inputs).toMatchObject({
        provisioner: "local.csi.scylladb.com",
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Delete",
        parameters: { "csi.storage.k8s.io/fstype": "xfs" },
      });
    }
  });

  it("runs the CSI driver on Scylla nodes only", () => {
    for (const ds of ofType(resources, "kubernetes:apps/v1:DaemonSet")) {
      const pod = spec(ds).template.spec;
      expect(pod.nodeSelector).toEqual({ "kubernetes.io/os": "linux", ...SCYLLA_NODE_LABELS });
      expect(pod.tolerations).toEqual([DEDICATED_TOLERATION]);
      expect(pod.containers.map((c: Obj) => c.image)).toEqual([
        "docker.io/scylladb/local-csi-driver:0.5.0",
        "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0",
        "registry.k8s.io/sig-storage/livenessprobe:v2.15.0",
        "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0",
      ]);
    }
  });
});

describe("Scylla Manager", () => {
  it("runs in exactly the Manager region, on the system pool", () => {
    const deployments = ofType(resources, "kubernetes:apps/v1:Deployment").filter((d) => (d.inputs.metadata as Obj).name === "scylla-manager");
    expect(regionsOf(deployments)).toEqual([plan.managerRegion]);
    const d = deployments[0]!;
    expect((d.inputs.metadata as Obj).namespace).toBe("scylla-manager");
    expect(spec(d).template.spec.nodeSelector).toEqual({ "scylla-ha.io/pool": "system" });
    expect(spec(d).template.spec.containers[0].image).toBe("docker.io/scylladb/scylla-manager:3.10.1");
    expect(named(resources, "kubernetes:policy/v1:PodDisruptionBudget", "prod-use1-scylla-manager").inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } },
    });
  });

  it("shares one agent token with every other DC", () => {
    const secrets = ofType(resources, "kubernetes:core/v1:Secret").filter((s) => (s.inputs.metadata as Obj).name === "scylla-agent-config");
    expect(regionsOf(secrets)).toEqual(["use1", "usw2", "euw1"]);
    const others = secrets.filter((s) => regionOf(s) !== plan.managerRegion);
    expect(regionsOf(others)).toEqual(["usw2", "euw1"]);
    for (const s of secrets) {
      expect(s.inputs.metadata).toEqual({ name: "scylla-agent-config", namespace: "scylla" });
      expect(JSON.stringify(s.inputs.stringData)).toContain(`auth_token: \\"${TEST_AGENT_TOKEN}\\"`);
    }
    for (const c of dataClusters()) {
      for (const rack of spec(c).datacenter.racks as Obj[]) expect(rack.scyllaAgentConfig).toBe("scylla-agent-config");
    }
  });

  it("declares backup and repair tasks only next to Manager, with a location per DC", () => {
    const [manager, ...others] = dataClusters();
    expect(regionOf(manager!)).toBe(plan.managerRegion);
    expect(spec(manager!).backups).toEqual([
      {
        name: "backup",
        dc: ["us-east-1", "us-west-2", "eu-west-1"],
        location: [
          "us-east-1:s3:scylla-ha-prod-us-east-1-backup",
          "us-west-2:s3:scylla-ha-prod-us-west-2-backup",
          "eu-west-1:s3:scylla-ha-prod-eu-west-1-backup",
        ],
        cron: "0 2 * * *",
        retention: 14,
        rateLimit: ["us-east-1:100", "us-west-2:100", "eu-west-1:100"],
      },
    ]);
    expect(spec(manager!).repairs).toEqual([{ name: "repair", cron: "0 4 * * 0", intensity: "1" }]);
    for (const c of others) expect([spec(c).backups, spec(c).repairs]).toEqual([undefined, undefined]);
  });
});

describe("monitoring", () => {
  it("runs Prometheus replicas spread over zones on the system pool, with disks", () => {
    const proms = ofType(resources, "kubernetes:monitoring.coreos.com/v1:Prometheus");
    expect(regionsOf(proms)).toEqual(["use1", "usw2", "euw1"]);
    for (const p of proms) {
      expect(spec(p)).toMatchObject({ replicas: 2, retention: "30d", nodeSelector: { "scylla-ha.io/pool": "system" } });
      expect(spec(p).topologySpreadConstraints[0]).toEqual({
        maxSkew: 1,
        topologyKey: ZONE,
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "scylla-prometheus" } },
      });
      expect(spec(p).storage.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    }
  });

  it("points ScyllaDBMonitoring's Grafana at that Prometheus and loads the alert rules", () => {
    for (const m of ofType(resources, "kubernetes:scylla.scylladb.com/v1alpha1:ScyllaDBMonitoring")) {
      expect(spec(m).components.prometheus).toEqual({ mode: "External" });
      expect(spec(m).components.grafana.datasources).toEqual([
        { name: "prometheus", type: "Prometheus", url: "http://scylla-prometheus-query.scylla.svc:9090", prometheusOptions: {} },
      ]);
    }
    const rules = ofType(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rules).toHaveLength(3);
    for (const r of rules) {
      expect((r.inputs.metadata as Obj).labels).toEqual({ "scylla-operator.scylladb.com/scylladbmonitoring-name": "scylla-monitoring" });
      expect(spec(r).groups[0].rules.map((x: Obj) => x.alert)).toEqual(["ScyllaInstanceDown", "ScyllaQuorumAtRisk", "ScyllaMetricsAbsent"]);
    }
  });
});

describe("platform operators", () => {
  it("pins the tested chart versions and runs two replicas of each operator on the system pool", () => {
    const releases = inRegion("kubernetes:helm.sh/v3:Release", "use1");
    expect(releases.map((r) => [r.inputs.chart, r.inputs.version, r.inputs.namespace])).toEqual([
      ["cert-manager", "v1.20.2", "cert-manager"],
      ["scylla-operator", "v1.21.1", "scylla-operator"],
    ]);
    expect(releases[1]!.inputs.values).toMatchObject({
      replicas: 2,
      webhookServerReplicas: 2,
      nodeSelector: { "scylla-ha.io/pool": "system" },
      webhookServerNodeSelector: { "scylla-ha.io/pool": "system" },
    });
    const spread = inRegion("kubernetes:apps/v1:DeploymentPatch", "use1");
    expect(spread.map((p) => (p.inputs.metadata as Obj).name)).toEqual(["scylla-operator", "webhook-server"]);
    for (const p of spread) expect(spec(p).template.spec.topologySpreadConstraints[0].topologyKey).toBe(ZONE);
  });

  it("patches the operator's own config with the EKS utils image", () => {
    const patch = named(resources, "kubernetes:scylla.scylladb.com/v1alpha1:ScyllaOperatorConfigPatch", "prod-euw1-operator-config");
    expect(patch.inputs).toMatchObject({ kind: "ScyllaOperatorConfig", metadata: { name: "cluster" }, spec: { scyllaUtilsImage: "docker.io/scylladb/scylla:2025.1.14" } });
  });

  it("orders operators before custom resources", () => {
    const urnOf = (type: string, name: string) => named(resources, type, name).urn;
    for (const key of ["use1", "usw2", "euw1"]) {
      const n = `prod-${key}`;
      const operator = urnOf("kubernetes:helm.sh/v3:Release", `${n}-scylla-operator`);
      const certManager = urnOf("kubernetes:helm.sh/v3:Release", `${n}-cert-manager`);
      const prometheusOperator = urnOf("kubernetes:yaml/v2:ConfigFile", `${n}-prometheus-operator`);
      expect(named(resources, "kubernetes:helm.sh/v3:Release", `${n}-scylla-operator`).dependencies).toEqual(expect.arrayContaining([certManager, prometheusOperator]));
      const config = urnOf("kubernetes:scylla.scylladb.com/v1alpha1:ScyllaOperatorConfigPatch", `${n}-operator-config`);
      const nodeConfig = named(resources, "kubernetes:scylla.scylladb.com/v1alpha1:NodeConfig", `${n}-node-config`);
      expect(nodeConfig.dependencies).toEqual(expect.arrayContaining([operator, config]));
      const cluster = named(resources, SCYLLA_CLUSTER, `${n}-scylla-cluster`);
      expect(cluster.dependencies).toEqual(
        expect.arrayContaining([operator, config, nodeConfig.urn, urnOf("kubernetes:storage.k8s.io/v1:StorageClass", `${n}-scylladb-local-xfs`)]),
      );
      expect(named(resources, "kubernetes:monitoring.coreos.com/v1:Prometheus", `${n}-prometheus`).dependencies).toEqual(expect.arrayContaining([operator]));
    }
    expect(named(resources, SCYLLA_CLUSTER, "prod-use1-scylla-cluster").dependencies).toEqual(
      expect.arrayContaining([named(resources, "kubernetes:apps/v1:Deployment", "prod-use1-scylla-manager").urn]),
    );
  });

  it("puts every Kubernetes object on its own region's provider", () => {
    const objects = resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    // 32 per region, 5 of issue 13's (4 NetworkPolicies and the CSI driver's critical-pods quota), CQL auth's
    // Secret, Alertmanager's 4 and Grafana's query Service; Manager's 7 objects, its 2 NetworkPolicies, the roles
    // Job's 3 and Manager's credentials 2 in its region; the new cluster's one replication Job (script, account,
    // role, binding, Job) in the founding region.
    expect(objects.length).toBe(3 * (32 + 5 + 1 + 5) + 7 + 2 + 3 + 2 + 5);
    for (const o of objects) expect(providerOf(resources, o).name).toBe(`prod-${regionOf(o)}-k8s`);
  });
});
