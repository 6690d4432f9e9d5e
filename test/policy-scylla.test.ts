import { describe, expect, it } from "vitest";
import { SCYLLA_RACK_RULES, scyllaGuaranteedQos, scyllaNodeConfigPlacement, scyllaRackZoneServed, scyllaRacksDistinctZones, scyllaStorageClass } from "../policies/rules/scylla";
import { SCYLLA_CLUSTER_RULES, scyllaClusterIdentity, scyllaKeyspaceRf, scyllaMultiDcJoin, scyllaRaftMajority, scyllaVersionsPinned } from "../policies/rules/scylla-cluster";
import type { GraphBuilder } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { AWS_REGIONS, awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

type Spec = Record<string, any>;
const editSpec = (b: GraphBuilder, name: string, edit: (spec: Spec) => Spec) => b.edit(name, (i) => ({ ...i, spec: edit(i.spec) }));
const editRacks = (b: GraphBuilder, name: string, edit: (racks: Spec[]) => Spec[]) => editSpec(b, name, (s) => ({ ...s, datacenter: { ...s.datacenter, racks: edit(s.datacenter.racks) } }));
const DC_USE1 = "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1)";

describe("ScyllaDB rules", () => {
  it.each([...SCYLLA_RACK_RULES, ...SCYLLA_CLUSTER_RULES].map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule, { minDatacenters: 1 })).toEqual([]);
  });

  it("scylla-racks-distinct-zones flags two racks in one zone, an unpinned rack and too few racks", () => {
    const b = awsEnvironment();
    editRacks(b, "prod-use1-scylla", (racks) => [
      racks[0]!,
      { ...racks[1]!, placement: { ...racks[1]!.placement, nodeAffinity: racks[0]!.placement.nodeAffinity } },
      { ...racks[2]!, placement: { tolerations: racks[2]!.placement.tolerations } },
    ]);
    expect(findings(b, scyllaRacksDistinctZones)).toEqual([
      ["prod-use1-scylla", `${DC_USE1}: rack us-east-1c is pinned to no zone; require topology.kubernetes.io/zone In [<one zone>] in every node-selector term`],
      ["prod-use1-scylla", `${DC_USE1}: racks us-east-1a and us-east-1b are both in us-east-1a; losing us-east-1a takes two replicas: put each rack in its own zone`],
      ["prod-use1-scylla", `${DC_USE1} has 1 rack(s) with members in distinct zones; at least 3 are needed so a zone loss keeps LOCAL_QUORUM`],
    ]);
  });

  it("scylla-rack-zone-served flags a rack whose zone has no Scylla pool and a rack without the label or toleration", () => {
    const b = awsEnvironment().remove("prod-use1-scylla-us-east-1c");
    editRacks(b, "prod-use1-scylla", (racks) => racks.map((r, i) => (i === 0 ? { ...r, placement: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [r.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1]] }] } } } } : r)));
    expect(findings(b, scyllaRackZoneServed)).toEqual([
      ["prod-use1-scylla", `${DC_USE1}: rack us-east-1a does not require the node label scylla.scylladb.com/node-type=scylla, so its pods may land off the Scylla pools; add it to the rack's required node affinity`],
      ["prod-use1-scylla", `${DC_USE1}: rack us-east-1a does not tolerate scylla-operator.scylladb.com/dedicated=scyllaclusters:NoSchedule, so it cannot schedule on the Scylla pools; add the toleration`],
      ["prod-use1-scylla", `${DC_USE1}: rack us-east-1c needs nodes in us-east-1c, but no Scylla node pool of its cluster is in us-east-1c (pools: prod-use1-scylla-us-east-1a in us-east-1a and prod-use1-scylla-us-east-1b in us-east-1b); add a Scylla pool in us-east-1c`],
    ]);
  });

  it("scylla-nodeconfig-placement flags a cluster without NodeConfig, one that misses a pool, and one without the prjquota mount", () => {
    const b = awsEnvironment().remove("prod-use1-scylla-nodes");
    b.edit("prod-usw2-scylla-nodes", (i) => ({ ...i, spec: { ...i.spec, placement: { nodeSelector: { "scylla.scylladb.com/node-type": "scylla" } }, localDiskSetup: {} } }));
    expect(findings(b, scyllaNodeConfigPlacement)).toEqual([
      ["prod-usw2-scylla-nodes", "NodeConfig scylla-nodes does not mount a volume at /var/lib/persistent-volumes with prjquota; the local CSI driver needs that XFS mount"],
      ["prod-use1-scylla", `${DC_USE1}: its cluster has no NodeConfig, so Scylla nodes get no RAID, XFS or tuning; add a NodeConfig selecting the Scylla pools`],
      ...["a", "b", "c"].map((z): [string, string] => ["prod-usw2-scylla-nodes", `NodeConfig scylla-nodes does not place on Scylla pool prod-usw2-scylla-us-west-2${z} (labels or taints not matched), so racks there run on untuned nodes without storage; match its nodeSelector and tolerations to the pool`]),
    ]);
  });

  it("scylla-storageclass-local-csi flags a missing class, a network provisioner and immediate binding", () => {
    const b = awsEnvironment().remove("prod-use1-scylladb-local-xfs").edit("prod-usw2-scylladb-local-xfs", () => ({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "scylladb-local-xfs" }, provisioner: "ebs.csi.aws.com" }));
    editRacks(b, "prod-euw1-scylla", (racks) => racks.map((r, i) => (i === 0 ? { ...r, storage: { capacity: "1500Gi" } } : r)));
    expect(findings(b, scyllaStorageClass)).toEqual([
      ["prod-use1-scylla", `${DC_USE1}: racks us-east-1a, us-east-1b and us-east-1c use StorageClass scylladb-local-xfs, which is not created in its cluster; create it with provisioner local.csi.scylladb.com`],
      ["prod-usw2-scylladb-local-xfs", "StorageClass scylladb-local-xfs (racks us-west-2a, us-west-2b and us-west-2c) uses provisioner ebs.csi.aws.com; ScyllaDB data belongs on local NVMe: use local.csi.scylladb.com"],
      ["prod-usw2-scylladb-local-xfs", "StorageClass scylladb-local-xfs (racks us-west-2a, us-west-2b and us-west-2c) binds Immediate; local volumes must bind WaitForFirstConsumer so each volume follows its pod's zone and node"],
      ["prod-euw1-scylla", "ScyllaCluster prod-euw1-scylla (datacenter eu-west-1, eu-west-1): rack eu-west-1a sets no storage.storageClassName, so it gets the cluster's default (network) storage; name the local CSI StorageClass"],
    ]);
  });

  it("scylla-guaranteed-qos flags Burstable racks and fractional Scylla CPUs", () => {
    const b = awsEnvironment();
    editRacks(b, "prod-use1-scylla", (racks) => racks.map((r, i) => (i === 0 ? { ...r, resources: { requests: { cpu: "5500m", memory: "50Gi" }, limits: { cpu: "5500m", memory: "50Gi" } }, agentResources: { requests: { cpu: "50m", memory: "10M" } } } : r)));
    expect(findings(b, scyllaGuaranteedQos)).toEqual([
      ["prod-use1-scylla", `${DC_USE1}: rack us-east-1a is not Guaranteed QoS (scylla cpu 5500m is not a whole number of CPUs; agent has no limits.cpu; agent has no limits.memory), so ScyllaDB gets no pinned CPUs; set requests equal to limits with whole CPUs`],
    ]);
    editRacks(b, "prod-use1-scylla", (racks) => racks.map((r, i) => (i === 0 ? { ...r, resources: { requests: { cpu: "4", memory: "40Gi" }, limits: { cpu: "6", memory: "40960Mi" } }, agentResources: r.agentResources } : r)));
    expect(findings(b, scyllaGuaranteedQos)[0]![1]).toContain("(scylla requests.cpu 4 ≠ limits.cpu 6; agent has no limits.cpu; agent has no limits.memory)");
  });

  it("scylla-versions-pinned flags floating versions and :latest images", () => {
    const b = awsEnvironment();
    editSpec(b, "prod-use1-scylla", (s) => ({ ...s, version: "latest", agentVersion: undefined }));
    b.edit("prod-use1-webhook-server", (i) => ({ ...i, spec: { ...i.spec, template: { ...i.spec.template, spec: { ...i.spec.template.spec, containers: [{ name: "w", image: "scylladb/scylla-operator:latest" }, { name: "x", image: "busybox" }] } } } }));
    expect(findings(b, scyllaVersionsPinned)).toEqual([
      ["prod-use1-scylla", `${DC_USE1}: spec.version is "latest"; pin an exact release (x.y.z) so every region runs the same build`],
      ["prod-use1-scylla", `${DC_USE1}: spec.agentVersion is null; pin an exact release (x.y.z) so every region runs the same build`],
      ["prod-use1-webhook-server", "Deployment scylla-operator/webhook-server runs unpinned image(s) scylladb/scylla-operator:latest and busybox; use a version tag or digest"],
    ]);
  });

  it("scylla-cluster-identity flags a differently named cluster and a reused datacenter name", () => {
    const b = awsEnvironment();
    b.edit("prod-usw2-scylla", (i) => ({ ...i, metadata: { ...i.metadata, name: "scylla2" } }));
    editSpec(b, "prod-euw1-scylla", (s) => ({ ...s, datacenter: { ...s.datacenter, name: "us-east-1" } }));
    expect(findings(b, scyllaClusterIdentity)).toEqual([
      ["prod-usw2-scylla", `ScyllaCluster prod-usw2-scylla (datacenter us-west-2, us-west-2) is named scylla2 but ${DC_USE1} is named scylla; datacenters of one cluster must share metadata.name`],
      ["prod-euw1-scylla", `ScyllaCluster prod-euw1-scylla (datacenter us-east-1, eu-west-1) reuses datacenter name us-east-1 of ${DC_USE1}; every datacenter needs its own name`],
    ]);
  });

  it("scylla-multi-dc-join flags a second seedless datacenter and ClusterIP exposure", () => {
    const b = awsEnvironment();
    editSpec(b, "prod-usw2-scylla", (s) => ({ ...s, externalSeeds: undefined, exposeOptions: undefined }));
    expect(findings(b, scyllaMultiDcJoin)).toEqual([
      ["prod-usw2-scylla", `ScyllaCluster prod-usw2-scylla (datacenter us-west-2, us-west-2) has no externalSeeds, like ${DC_USE1}; a second seedless datacenter bootstraps a separate cluster: list the other datacenters' seeds in spec.externalSeeds`],
      ["prod-usw2-scylla", "ScyllaCluster prod-usw2-scylla (datacenter us-west-2, us-west-2) exposes nodes as ClusterIP broadcasting ServiceClusterIP/ServiceClusterIP (nodes/clients); other regions cannot reach those addresses: use a Headless node service broadcasting PodIP for nodes and clients"],
    ]);
  });

  it("scylla-raft-majority flags two datacenters in production and a datacenter holding half the nodes", () => {
    const b = awsEnvironment("prod", AWS_REGIONS.slice(0, 2));
    expect(findings(b, scyllaRaftMajority)).toEqual([
      ["prod-use1-scylla", "the cluster has 2 datacenter(s) (us-east-1 and us-west-2); at least 3 are required so that losing one region keeps a Raft majority"],
      ["prod-use1-scylla", `${DC_USE1} holds 6 of 12 nodes; losing its region loses the Raft majority: balance nodes so no datacenter has half or more`],
      ["prod-usw2-scylla", "ScyllaCluster prod-usw2-scylla (datacenter us-west-2, us-west-2) holds 6 of 12 nodes; losing its region loses the Raft majority: balance nodes so no datacenter has half or more"],
    ]);
    expect(findings(gcpEnvironment(), scyllaRaftMajority)).toEqual([
      ["staging-usc1-scylla", "the cluster has 1 datacenter(s) (us-central1); at least 3 are required so that losing one region keeps a Raft majority"],
    ]);
  });

  it("scylla-keyspace-rf flags RF above racks, tablet RF not equal to racks, unknown datacenters and bad JSON", () => {
    const b = awsEnvironment();
    const keyspaces = [
      { name: "app", replication: { "us-east-1": 4, "us-west-2": 3 } },
      { name: "sessions", tablets: true, replication: { "eu-west-1": 2 } },
      { name: "logs", replication: { "ap-south-1": 1 } },
    ];
    b.edit("prod-use1-scylla-ha-keyspaces", (i) => ({ ...i, data: { "keyspaces.json": JSON.stringify(keyspaces) } }));
    b.edit("prod-usw2-scylla-ha-keyspaces", (i) => ({ ...i, data: { "keyspaces.json": "[{" } }));
    const f = findings(b, scyllaKeyspaceRf);
    expect(f.slice(0, 3)).toEqual([
      ["prod-use1-scylla-ha-keyspaces", "keyspace app has RF 4 in us-east-1, which has 3 zone-pinned rack(s); two replicas would share a zone and a zone loss would break LOCAL_QUORUM: keep RF ≤ 3 or add racks"],
      ["prod-use1-scylla-ha-keyspaces", "tablet keyspace sessions has RF 2 in eu-west-1, which has 3 racks; tablet keyspaces must be RF-rack-valid (RF = racks): set RF 3"],
      ["prod-use1-scylla-ha-keyspaces", "keyspace logs replicates to datacenter ap-south-1, which no ScyllaCluster declares (datacenters: us-east-1, us-west-2 and eu-west-1); fix the name or add the datacenter"],
    ]);
    expect(f[3]![0]).toBe("prod-usw2-scylla-ha-keyspaces");
    expect(f[3]![1]).toMatch(/^ConfigMap scylla\/scylla-ha-keyspaces is not JSON \(/);
    expect(f).toHaveLength(4);
  });

  it("leaves Scylla Manager's own backing cluster out of the datacenter rules", () => {
    const b = awsEnvironment();
    b.add(
      "kubernetes:scylla.scylladb.com/v1:ScyllaCluster",
      "prod-use1-scylla-manager-cluster",
      { apiVersion: "scylla.scylladb.com/v1", kind: "ScyllaCluster", metadata: { name: "scylla-manager-cluster", namespace: "scylla-manager" }, spec: { version: "2026.1.3", developerMode: true, datacenter: { name: "manager-dc", racks: [{ name: "manager-rack", members: 1 }] } } },
      { provider: b.ref("prod-use1-k8s") },
    );
    for (const rule of [...SCYLLA_RACK_RULES, ...SCYLLA_CLUSTER_RULES]) expect(findings(b, rule)).toEqual([]);
  });
});
