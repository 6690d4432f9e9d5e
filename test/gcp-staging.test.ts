/**
 * The committed staging environment (one GCP region, three zones) through the
 * real program: the full GCP side, resource by resource.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { SCYLLA_PORTS, WEBHOOK_PORTS } from "../components/gcp/gke-settings";
import { gcpLayerCounts, gcpRegionOf, isScyllaPool } from "./helpers/gcp";
import { byUrn, named, ofType, providerOf, synthStack } from "./helpers/harness";

let result: SynthResult;
const all = () => result.resources;
const one = (type: string, name: string) => named(all(), type, name);

beforeAll(async () => {
  result = await synthStack("staging");
});

const ZONES = ["us-central1-a", "us-central1-b", "us-central1-c"];

describe("staging on GCP", () => {
  it("registers exactly the GCP side, by type", () => {
    expect(gcpLayerCounts(all())).toEqual({
      "gcp:compute/firewall:Firewall": 2,
      "gcp:compute/network:Network": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "gcp:compute/subnetwork:Subnetwork": 1,
      "gcp:container/cluster:Cluster": 1,
      "gcp:container/nodePool:NodePool": 4,
      // GKE secrets and the backup bucket: a key ring, key and GCS/GKE agent grant each.
      "gcp:kms/cryptoKey:CryptoKey": 2,
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 2,
      "gcp:kms/keyRing:KeyRing": 2,
      // The node role and the preview principal's cluster viewer.
      "gcp:projects/iAMMember:IAMMember": 2,
      // GKE nodes and the Manager agent (with its Workload Identity binding and bucket grant).
      "gcp:serviceaccount/account:Account": 2,
      "gcp:serviceaccount/iAMMember:IAMMember": 1,
      "gcp:storage/bucket:Bucket": 1,
      "gcp:storage/bucketIAMMember:BucketIAMMember": 1,
      "pulumi:providers:gcp": 2,
      "pulumi:providers:kubernetes": 1,
      "scylla-ha:gcp:AgentIdentity": 1,
      "scylla-ha:gcp:BackupBucket": 1,
      "scylla-ha:gcp:GkeCluster": 1,
      "scylla-ha:gcp:Network": 1,
      "scylla-ha:gcp:NodePools": 1,
      "scylla-ha:gcp:PreviewAccess": 1,
      "scylla-ha:gcp:Region": 1,
      "scylla-ha:gcp:RegionNetwork": 1,
    });
  });

  it("puts every regional GCP resource on the region's provider and the VPC on the region-less global one", () => {
    const regional = all().filter((r) => r.type.startsWith("gcp:") && gcpRegionOf(all(), r));
    expect(regional).toHaveLength(23);
    for (const r of regional) {
      const provider = providerOf(all(), r);
      expect(provider.name, r.urn).toBe("staging-usc1-gcp");
      expect(provider.inputs).toMatchObject({ project: "scylla-ha-staging", region: "us-central1" });
    }
    const global = all().filter((r) => r.type.startsWith("gcp:") && !gcpRegionOf(all(), r));
    expect(global.map((r) => [r.type, r.name])).toEqual([["gcp:compute/network:Network", "staging-gcp-vpc"]]);
    const globalProvider = providerOf(all(), global[0]!);
    expect(globalProvider.name).toBe("staging-gcp-global");
    expect(globalProvider.inputs.project).toBe("scylla-ha-staging");
    expect(globalProvider.inputs).not.toHaveProperty("region");
  });

  it("builds a custom-mode, globally routed VPC", () => {
    expect(one("gcp:compute/network:Network", "staging-gcp-vpc").inputs).toMatchObject({
      autoCreateSubnetworks: false,
      routingMode: "GLOBAL",
      deleteDefaultRoutesOnCreate: false,
    });
  });

  it("gives the region one subnet with named pod and service ranges, Private Google Access and flow logs", () => {
    const subnet = one("gcp:compute/subnetwork:Subnetwork", "staging-usc1-subnet");
    expect(subnet.inputs).toMatchObject({
      network: "staging-gcp-vpc-id",
      region: "us-central1",
      ipCidrRange: "10.40.0.0/20",
      privateIpGoogleAccess: true,
      logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
    });
    expect(subnet.inputs.secondaryIpRanges).toEqual([
      { rangeName: "pods", ipCidrRange: "10.48.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.52.0.0/20" },
    ]);
  });

  it("routes the private nodes' egress through a regional Cloud NAT on the region's subnet", () => {
    const router = one("gcp:compute/router:Router", "staging-usc1-router");
    expect(router.inputs).toEqual({ network: "staging-gcp-vpc-id", region: "us-central1" });
    const nat = one("gcp:compute/routerNat:RouterNat", "staging-usc1-nat");
    expect(nat.inputs).toMatchObject({
      region: "us-central1",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: "staging-usc1-subnet-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
    });
    expect(nat.propertyDependencies.router).toEqual([router.urn]);
  });

  it("opens the ScyllaDB ports to the Scylla nodes and the webhook ports to the control plane", () => {
    const scylla = one("gcp:compute/firewall:Firewall", "staging-usc1-scylla");
    expect(scylla.inputs).toMatchObject({
      network: "staging-gcp-vpc-id",
      direction: "INGRESS",
      sourceRanges: ["10.48.0.0/14", "10.40.0.0/20"],
      targetTags: ["staging-usc1-scylla"],
      allows: [{ protocol: "tcp", ports: ["7000", "7001", "9042", "9142", "19042", "19142", "10001", "9180", "5090"] }],
    });
    expect(SCYLLA_PORTS).toHaveLength(9);
    const webhooks = one("gcp:compute/firewall:Firewall", "staging-usc1-webhooks");
    expect(webhooks.inputs).toMatchObject({
      direction: "INGRESS",
      sourceRanges: ["172.16.0.0/28"],
      targetTags: ["staging-usc1-node"],
      allows: [{ protocol: "tcp", ports: [...WEBHOOK_PORTS] }],
    });
    expect(WEBHOOK_PORTS).toEqual(["443", "5000", "8443", "9443", "10250"]);
  });

  it("builds a regional, private, VPC-native cluster with Workload Identity and shielded nodes", () => {
    const cluster = one("gcp:container/cluster:Cluster", "staging-usc1-cluster");
    expect(cluster.inputs.location).toBe("us-central1");
    expect(cluster.inputs.location).not.toMatch(/-[a-z]$/);
    expect(cluster.inputs).toMatchObject({
      name: "staging-usc1",
      network: "staging-gcp-vpc-id",
      subnetwork: "staging-usc1-subnet-id",
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: "172.16.0.0/28" },
      // The deployer's egress range on the IP endpoints; the kubeconfig uses the IAM-gated DNS endpoint.
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "203.0.113.0/24" }], gcpPublicCidrsAccessEnabled: false },
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      datapathProvider: "ADVANCED_DATAPATH",
      workloadIdentityConfig: { workloadPool: "scylla-ha-staging.svc.id.goog" },
      enableShieldedNodes: true,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
    });
  });

  it("pins the version outside release channels, with a maintenance window, and no deletion protection in staging", () => {
    const cluster = one("gcp:container/cluster:Cluster", "staging-usc1-cluster");
    expect(cluster.inputs).toMatchObject({
      releaseChannel: { channel: "UNSPECIFIED" },
      minMasterVersion: "1.34",
      maintenancePolicy: {
        recurringWindow: { startTime: "2025-01-04T08:00:00Z", endTime: "2025-01-04T16:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
      },
      deletionProtection: false,
    });
    expect(cluster.protect).toBe(false);
    expect(cluster.ignoreChanges).toEqual(["nodeConfig", "initialNodeCount"]);
  });

  it("encrypts Secrets with a regional KMS key the GKE service agent may use, before the cluster exists", () => {
    const ring = one("gcp:kms/keyRing:KeyRing", "staging-usc1-keyring");
    expect(ring.inputs).toMatchObject({ location: "us-central1", project: "scylla-ha-staging" });
    const key = one("gcp:kms/cryptoKey:CryptoKey", "staging-usc1-secrets");
    expect(key.inputs).toMatchObject({ keyRing: "staging-usc1-keyring-id", purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" });
    const access = one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "staging-usc1-secrets-gke");
    expect(access.inputs).toEqual({
      cryptoKeyId: "staging-usc1-secrets-id",
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com",
    });
    const cluster = one("gcp:container/cluster:Cluster", "staging-usc1-cluster");
    expect(cluster.inputs.databaseEncryption).toEqual({ state: "ENCRYPTED", keyName: "staging-usc1-secrets-id" });
    expect(cluster.dependencies).toContain(access.urn);
  });

  it("runs nodes as a dedicated service account with the GKE node role only", () => {
    const account = one("gcp:serviceaccount/account:Account", "staging-usc1-nodes");
    expect(account.inputs).toMatchObject({ accountId: "nodes-staging-usc1", project: "scylla-ha-staging" });
    const roles = ofType(all(), "gcp:projects/iAMMember:IAMMember").filter((r) => r.propertyDependencies.member?.length);
    expect(roles.map((r) => [r.name, r.inputs.role])).toEqual([["staging-usc1-nodes-default-node", "roles/container.defaultNodeServiceAccount"]]);
    expect(roles[0]!.propertyDependencies.member).toEqual([account.urn]);
    for (const pool of ofType(all(), "gcp:container/nodePool:NodePool")) {
      expect(pool.propertyDependencies.nodeConfig, pool.name).toEqual([account.urn]);
    }
  });

  it("spreads the system pool over every zone of the region", () => {
    const pool = one("gcp:container/nodePool:NodePool", "staging-usc1-system");
    expect(pool.inputs).toMatchObject({
      cluster: "staging-usc1-cluster-id",
      name: "system",
      location: "us-central1",
      nodeLocations: ZONES,
      nodeCount: 1,
      nodeConfig: { machineType: "n2-standard-4", labels: { "scylla-ha.io/pool": "system" }, tags: ["staging-usc1-node"] },
      management: { autoRepair: true, autoUpgrade: true },
    });
  });

  it("keeps the URN each Scylla pool had before the naming was unified, so the rename replaces nothing", () => {
    // Same parent chain and type, the old `<env>-<key>-<zone>` name: the URN the deployed pool has in state.
    const chain = "scylla-ha:index:Environment$scylla-ha:gcp:Region$scylla-ha:gcp:NodePools$gcp:container/nodePool:NodePool";
    const pools = ofType(all(), "gcp:container/nodePool:NodePool");
    expect(pools.map((p) => [p.name, p.aliases])).toEqual([
      ["staging-usc1-system", undefined],
      ...["a", "b", "c"].map((l) => [`staging-usc1-scylla-${l}`, [`urn:pulumi:staging::scylla-ha-stack::${chain}::staging-usc1-us-central1-${l}`]]),
    ]);
  });

  it("gives each rack its own single-zone Scylla pool", () => {
    const pools = ofType(all(), "gcp:container/nodePool:NodePool").filter(isScyllaPool);
    expect(pools.map((p) => [p.name, p.inputs.name, p.inputs.nodeLocations, p.inputs.nodeCount])).toEqual([
      ["staging-usc1-scylla-a", "scylla-a", ["us-central1-a"], 1],
      ["staging-usc1-scylla-b", "scylla-b", ["us-central1-b"], 1],
      ["staging-usc1-scylla-c", "scylla-c", ["us-central1-c"], 1],
    ]);
    for (const pool of pools) {
      expect(pool.inputs.location, pool.name).toBe("us-central1");
      expect(pool.inputs.nodeConfig, pool.name).toMatchObject({
        machineType: "n2-highmem-8",
        imageType: "UBUNTU_CONTAINERD",
        localNvmeSsdBlockConfig: { localSsdCount: 2 },
        kubeletConfig: { cpuManagerPolicy: "static" },
        labels: { "scylla.scylladb.com/node-type": "scylla", "scylla-ha.io/pool": "scylla" },
        taints: [{ key: "scylla-operator.scylladb.com/dedicated", value: "scyllaclusters", effect: "NO_SCHEDULE" }],
        tags: ["staging-usc1-node", "staging-usc1-scylla"],
        spot: false,
        workloadMetadataConfig: { mode: "GKE_METADATA" },
      });
      expect(pool.inputs.nodeConfig).not.toHaveProperty("ephemeralStorageLocalSsdConfig");
      expect(pool.inputs.nodeConfig).not.toHaveProperty("localSsdCount");
      expect(pool.inputs.management, pool.name).toEqual({ autoRepair: false, autoUpgrade: false });
      expect(pool.inputs).not.toHaveProperty("autoscaling");
    }
  });

  it("builds the region's Kubernetes provider from the cluster, keyed by the cluster name", () => {
    const provider = one("pulumi:providers:kubernetes", "staging-usc1-k8s");
    const cluster = one("gcp:container/cluster:Cluster", "staging-usc1-cluster");
    expect(provider.inputs.clusterIdentifier).toBe(result.plan.regions[0]!.clusterName);
    expect(byUrn(all(), provider.parent!).type).toBe("scylla-ha:gcp:Region");
    // Unknown at preview, but traceable to the cluster, which is what the policies follow.
    expect(provider.inputs).not.toHaveProperty("kubeconfig");
    expect(provider.propertyDependencies.kubeconfig).toEqual([cluster.urn]);
  });

  it("reports the region's outputs", () => {
    const region = one("scylla-ha:gcp:Region", "staging-usc1");
    const outputs = (region.outputs as { outputs: Record<string, unknown> }).outputs;
    expect(outputs).toEqual({
      cloud: "gcp",
      region: "us-central1",
      datacenter: "us-central1",
      clusterName: "staging-usc1",
      nodePoolZones: { system: ZONES, "scylla-a": ["us-central1-a"], "scylla-b": ["us-central1-b"], "scylla-c": ["us-central1-c"] },
      podCidr: "10.48.0.0/14",
      serviceCidr: "10.52.0.0/20",
      backupBucket: "scylla-ha-staging-us-central1-backup",
      // Endpoint and self-links are computed by GCP: unknown in a first preview.
    });
  });
});
