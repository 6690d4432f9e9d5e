import { describe, expect, it } from "vitest";
import { CLUSTER_RULES, eksControlPlaneLogging, eksPrivateEndpoint, eksSecretsEncryption, gkeRegionalControlPlane, systemPoolMultiZone } from "../policies/rules/clusters";
import { NODE_POOL_RULES, scyllaPoolLabelTaint, scyllaPoolLocalNvme, scyllaPoolNoAutoRepair, scyllaPoolOnDemand, scyllaPoolSingleZone, scyllaPoolStaticCpu } from "../policies/rules/node-pools";
import { controlPlaneNotPublic } from "../policies/rules/deploy-path";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

describe("cluster and node pool rules", () => {
  it.each([...CLUSTER_RULES, ...NODE_POOL_RULES].map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule)).toEqual([]);
  });

  it("eks-private-endpoint flags a cluster without private access, and leaves a world-open public endpoint to control-plane-not-public (one finding, not two)", () => {
    const b = awsEnvironment().edit("prod-use1-eks", (i) => ({ ...i, vpcConfig: { subnetIds: [] } }));
    expect(findings(b, eksPrivateEndpoint)).toEqual([
      ["prod-use1-eks", "EKS cluster prod-use1-eks: vpcConfig.endpointPrivateAccess is null; nodes and in-VPC tools must reach the API privately: set it to true"],
    ]);
    expect(findings(b, controlPlaneNotPublic).map((f) => f[0])).toEqual(["prod-use1-eks"]);
    const restricted = awsEnvironment().edit("prod-use1-eks", (i) => ({ ...i, vpcConfig: { ...i.vpcConfig, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }));
    expect(findings(restricted, eksPrivateEndpoint)).toEqual([]);
  });

  it("eks-secrets-encryption and eks-control-plane-logging flag a bare cluster", () => {
    const b = awsEnvironment().edit("prod-usw2-eks", (i) => ({ ...i, encryptionConfig: undefined, enabledClusterLogTypes: ["api", "audit"] }));
    expect(findings(b, eksSecretsEncryption)).toEqual([
      ["prod-usw2-eks", 'EKS cluster prod-usw2-eks: Secrets are not encrypted with KMS (encryptionConfig.resources lacks "secrets"); set encryptionConfig with a KMS key and resources ["secrets"]'],
    ]);
    expect(findings(b, eksControlPlaneLogging)).toEqual([
      ["prod-usw2-eks", "EKS cluster prod-usw2-eks: control-plane log types authenticator, controllerManager and scheduler are not enabled; enable all of api, audit, authenticator, controllerManager, scheduler in enabledClusterLogTypes"],
    ]);
  });

  it("gke-regional-control-plane flags a zonal cluster", () => {
    expect(findings(gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, location: "us-central1-a" })), gkeRegionalControlPlane)).toEqual([
      ["staging-usc1-gke", "GKE cluster staging-usc1-gke: location us-central1-a is a zone, so the control plane lives in one zone; set location to a region such as us-central1"],
    ]);
  });

  it("system-pool-multi-zone flags a missing pool, a two-zone pool and a pool that may scale a zone to zero", () => {
    const b = awsEnvironment().remove("prod-usw2-system");
    b.find("prod-use1-system").propertyDependencies.subnetIds = [b.find("prod-use1-private-us-east-1a").urn, b.find("prod-use1-private-us-east-1b").urn];
    b.edit("prod-use1-system", (i) => ({ ...i, scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 } }));
    expect(findings(b, systemPoolMultiZone)).toEqual([
      ["prod-usw2-eks", "cluster prod-usw2-eks has no system node pool (label scylla-ha.io/pool: system); operators, webhooks, Scylla Manager and Prometheus need a pool spanning 3 zones"],
      ["prod-use1-system", "system pool prod-use1-system spans 2 zone(s) (us-east-1a and us-east-1b); it needs at least 3 so operators and webhooks survive a zone loss"],
      ["prod-use1-system", "system pool prod-use1-system may scale to 0 node(s) per zone; keep at least 1 node in each zone (EKS minSize ≥ number of zones, GKE ≥ 1 per zone)"],
    ]);
    expect(findings(gcpEnvironment().edit("staging-usc1-system", (i) => ({ ...i, nodeLocations: ["us-central1-a"] })), systemPoolMultiZone, { minZones: 1 })).toEqual([]);
  });

  it("scylla-pool-single-zone flags a Scylla node group spread over zones and a GKE pool with no zone", () => {
    const b = awsEnvironment();
    b.find("prod-use1-scylla-us-east-1a").propertyDependencies.subnetIds = [b.find("prod-use1-private-us-east-1a").urn, b.find("prod-use1-private-us-east-1b").urn];
    expect(findings(b, scyllaPoolSingleZone)).toEqual([
      ["prod-use1-scylla-us-east-1a", "Scylla node group prod-use1-scylla-us-east-1a spans 2 zones (us-east-1a and us-east-1b); a rack's nodes must all be in its one zone, so each Scylla pool must have exactly one zone"],
    ]);
    const g = gcpEnvironment().edit("staging-usc1-scylla-a", (i) => ({ ...i, nodeLocations: undefined })).edit("staging-usc1-gke", (i) => ({ ...i, nodeLocations: undefined }));
    expect(findings(g, scyllaPoolSingleZone)).toEqual([
      ["staging-usc1-scylla-a", "Scylla node pool staging-usc1-scylla-a spans no zone the graph can see (EKS: subnetIds must come from aws.ec2.Subnet resources; GKE: set nodeLocations); a rack's nodes must all be in its one zone, so each Scylla pool must have exactly one zone"],
    ]);
  });

  it("scylla-pool-local-nvme flags network-disk instance types, kubelet-owned SSDs and a COS image", () => {
    expect(findings(awsEnvironment().edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, instanceTypes: ["m7i.2xlarge"] })), scyllaPoolLocalNvme)).toEqual([
      ["prod-use1-scylla-us-east-1a", "Scylla node group prod-use1-scylla-us-east-1a uses m7i.2xlarge, which has no local NVMe storage; ScyllaDB data belongs on local NVMe: use a type such as i4i, i3en, i7i or i8g"],
    ]);
    const g = gcpEnvironment().edit("staging-usc1-scylla-b", (i) => ({ ...i, nodeConfig: { ...i.nodeConfig, localNvmeSsdBlockConfig: undefined, ephemeralStorageLocalSsdConfig: { localSsdCount: 2 }, imageType: "COS_CONTAINERD" } }));
    expect(findings(g, scyllaPoolLocalNvme)).toEqual([
      ["staging-usc1-scylla-b", "Scylla node pool staging-usc1-scylla-b (n2-highmem-8) has no local NVMe block devices (nodeConfig.localNvmeSsdBlockConfig.localSsdCount is 0); set localSsdCount ≥ 1"],
      ["staging-usc1-scylla-b", "Scylla node pool staging-usc1-scylla-b gives its local SSDs to the kubelet (ephemeralStorageLocalSsdConfig); use localNvmeSsdBlockConfig so NodeConfig can build the RAID for ScyllaDB"],
      ["staging-usc1-scylla-b", "Scylla node pool staging-usc1-scylla-b runs image COS_CONTAINERD, which cannot format the XFS volumes ScyllaDB needs; set nodeConfig.imageType to UBUNTU_CONTAINERD"],
    ]);
  });

  it("scylla-pool-static-cpu-manager flags user data without the static policy, a missing launch template and GKE kubelet config", () => {
    const b = awsEnvironment().edit("prod-use1-scylla-lt", () => ({ userData: Buffer.from("#!/bin/bash\necho hi").toString("base64") }));
    b.find("prod-usw2-scylla-us-west-2a").propertyDependencies.launchTemplate = [];
    expect(findings(b, scyllaPoolStaticCpu)).toEqual([
      ["prod-use1-scylla-lt", "launch template prod-use1-scylla-lt of Scylla node group prod-use1-scylla-us-east-1a: userData does not set kubelet.config.cpuManagerPolicy: static in a nodeadm NodeConfig; build userData from plain values and set it"],
      ["prod-use1-scylla-lt", "launch template prod-use1-scylla-lt of Scylla node group prod-use1-scylla-us-east-1b: userData does not set kubelet.config.cpuManagerPolicy: static in a nodeadm NodeConfig; build userData from plain values and set it"],
      ["prod-use1-scylla-lt", "launch template prod-use1-scylla-lt of Scylla node group prod-use1-scylla-us-east-1c: userData does not set kubelet.config.cpuManagerPolicy: static in a nodeadm NodeConfig; build userData from plain values and set it"],
      ["prod-usw2-scylla-us-west-2a", "Scylla node group prod-usw2-scylla-us-west-2a has no launch template, so its kubelet runs the default (none) CPU manager; add an aws.ec2.LaunchTemplate whose nodeadm NodeConfig sets kubelet.config.cpuManagerPolicy: static"],
    ]);
    expect(findings(gcpEnvironment().edit("staging-usc1-scylla-c", (i) => ({ ...i, nodeConfig: { ...i.nodeConfig, kubeletConfig: {} } })), scyllaPoolStaticCpu)).toEqual([
      ["staging-usc1-scylla-c", 'Scylla node pool staging-usc1-scylla-c: kubelet cpuManagerPolicy is "none"; set nodeConfig.kubeletConfig.cpuManagerPolicy: static'],
    ]);
  });

  it("scylla-pool-label-taint flags a tainted pool without the label and a labelled pool without the taint", () => {
    const b = awsEnvironment().edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, labels: {} })).edit("prod-use1-scylla-us-east-1b", (i) => ({ ...i, taints: [] }));
    expect(findings(b, scyllaPoolLabelTaint)).toEqual([
      ["prod-use1-scylla-us-east-1a", "Scylla node group prod-use1-scylla-us-east-1a lacks the node label scylla.scylladb.com/node-type: scylla, so racks and NodeConfig do not select its nodes; add the label"],
      ["prod-use1-scylla-us-east-1b", "Scylla node group prod-use1-scylla-us-east-1b lacks the taint scylla-operator.scylladb.com/dedicated=scyllaclusters:NoSchedule, so other pods can take its CPUs; add the taint"],
    ]);
  });

  it("scylla-pool-on-demand and scylla-pool-no-auto-repair flag spot capacity and node auto repair or upgrade", () => {
    const b = awsEnvironment().edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, capacityType: "SPOT", nodeRepairConfig: { enabled: true } }));
    expect(findings(b, scyllaPoolOnDemand)).toEqual([
      ["prod-use1-scylla-us-east-1a", "Scylla node group prod-use1-scylla-us-east-1a uses spot/preemptible capacity; a reclaimed node loses its local NVMe data: use on-demand capacity"],
    ]);
    expect(findings(b, scyllaPoolNoAutoRepair)).toEqual([["prod-use1-scylla-us-east-1a", "Scylla node group prod-use1-scylla-us-east-1a has node auto repair on (nodeRepairConfig.enabled); set it to false"]]);
    const g = gcpEnvironment().edit("staging-usc1-scylla-a", (i) => ({ ...i, management: undefined, nodeConfig: { ...i.nodeConfig, spot: true } }));
    expect(findings(g, scyllaPoolOnDemand)).toEqual([
      ["staging-usc1-scylla-a", "Scylla node pool staging-usc1-scylla-a uses spot/preemptible capacity; a reclaimed node loses its local NVMe data: use on-demand capacity"],
    ]);
    expect(findings(g, scyllaPoolNoAutoRepair)).toEqual([
      ["staging-usc1-scylla-a", "Scylla node pool staging-usc1-scylla-a has management.autoRepair and management.autoUpgrade on (GKE defaults both to true); set autoRepair: false and autoUpgrade: false"],
    ]);
  });
});

describe("node pool → cluster links", () => {
  it("fall back to the cluster's name on the same provider when the pool names its cluster with a plain string", () => {
    const b = awsEnvironment();
    for (const name of ["prod-use1-system", "prod-use1-scylla-us-east-1a"]) b.find(name).propertyDependencies.clusterName = [];
    const g = gcpEnvironment();
    g.find("staging-usc1-system").propertyDependencies.cluster = [];
    g.edit("staging-usc1-system", (i) => ({ ...i, cluster: "staging-usc1-gke" }));
    expect(findings(b, systemPoolMultiZone)).toEqual([]);
    expect(findings(g, systemPoolMultiZone)).toEqual([]);
    b.edit("prod-use1-system", (i) => ({ ...i, clusterName: "another-cluster" }));
    expect(findings(b, systemPoolMultiZone).map(([name]) => name)).toEqual(["prod-use1-eks"]);
  });
});
