/**
 * A production environment with two GCP regions through the real program:
 * one shared VPC, cross-region ScyllaDB firewall sources, per-region
 * providers, and production-only protection.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { environment, gcpRegion } from "./helpers/fixtures";
import { gcpLayerCounts, gcpRegionOf, isScyllaPool } from "./helpers/gcp";
import { named, ofType, providerOf, synthStack } from "./helpers/harness";

let result: SynthResult;
const all = () => result.resources;

const REGIONS = [gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41)];

beforeAll(async () => {
  result = await synthStack("test", environment(REGIONS));
});

describe("two GCP regions in production", () => {
  it("registers one VPC and a full copy of the regional side per region, by type", () => {
    expect(gcpLayerCounts(all())).toEqual({
      "gcp:compute/firewall:Firewall": 4,
      "gcp:compute/network:Network": 1,
      "gcp:compute/router:Router": 2,
      "gcp:compute/routerNat:RouterNat": 2,
      "gcp:compute/subnetwork:Subnetwork": 2,
      "gcp:container/cluster:Cluster": 2,
      "gcp:container/nodePool:NodePool": 8,
      // Per region: GKE secrets and the backup bucket, a key ring, key and agent grant each.
      "gcp:kms/cryptoKey:CryptoKey": 4,
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 4,
      "gcp:kms/keyRing:KeyRing": 4,
      "gcp:projects/iAMMember:IAMMember": 2,
      // Per region: GKE nodes and the Manager agent, whose account may use both regions' buckets.
      "gcp:serviceaccount/account:Account": 4,
      "gcp:serviceaccount/iAMMember:IAMMember": 2,
      "gcp:storage/bucket:Bucket": 2,
      "gcp:storage/bucketIAMMember:BucketIAMMember": 4,
      "pulumi:providers:gcp": 3,
      "pulumi:providers:kubernetes": 2,
      "scylla-ha:gcp:AgentIdentity": 2,
      "scylla-ha:gcp:BackupBucket": 2,
      "scylla-ha:gcp:GkeCluster": 2,
      "scylla-ha:gcp:Network": 1,
      "scylla-ha:gcp:NodePools": 2,
      // Empty: the fixture declares no deployer.
      "scylla-ha:gcp:PreviewAccess": 2,
      "scylla-ha:gcp:Region": 2,
      "scylla-ha:gcp:RegionNetwork": 2,
    });
  });

  it("puts both regions' subnets on the one VPC", () => {
    const subnets = ofType(all(), "gcp:compute/subnetwork:Subnetwork");
    expect(subnets.map((s) => [s.name, s.inputs.region, s.inputs.network])).toEqual([
      ["test-usc1-subnet", "us-central1", "test-gcp-vpc-id"],
      ["test-euw4-subnet", "europe-west4", "test-gcp-vpc-id"],
    ]);
  });

  it("gives every GCP resource its own region's explicit provider", () => {
    const byRegionName = new Map(result.plan.regions.map((r) => [r.name, r]));
    const resources = all().filter((r) => r.type.startsWith("gcp:"));
    const perRegion = new Map<string, number>();
    for (const r of resources) {
      const region = gcpRegionOf(all(), r);
      const provider = providerOf(all(), r);
      if (!region) {
        expect(r.type, r.urn).toBe("gcp:compute/network:Network");
        expect(provider.inputs).toEqual(expect.not.objectContaining({ region: expect.anything() }));
        continue;
      }
      const plan = byRegionName.get(region.name)!;
      expect(provider.name, r.urn).toBe(`${plan.name}-gcp`);
      expect(provider.inputs.region, r.urn).toBe(plan.region);
      if (typeof r.inputs.region === "string") expect(r.inputs.region, r.urn).toBe(plan.region);
      if (typeof r.inputs.location === "string" && r.type.startsWith("gcp:container")) expect(r.inputs.location).toBe(plan.region);
      perRegion.set(plan.key, (perRegion.get(plan.key) ?? 0) + 1);
    }
    expect(Object.fromEntries(perRegion)).toEqual({ usc1: 23, euw4: 23 });
  });

  it("admits every other region's pod range (and node range) into each region's Scylla nodes", () => {
    const firewalls = ofType(all(), "gcp:compute/firewall:Firewall").filter((f) => f.name.endsWith("-scylla"));
    expect(firewalls.map((f) => f.name)).toEqual(["test-usc1-scylla", "test-euw4-scylla"]);
    for (const fw of firewalls) {
      const own = result.plan.regions.find((r) => fw.name === `${r.name}-scylla`)!;
      const sources = fw.inputs.sourceRanges as string[];
      for (const other of result.plan.regions.filter((r) => r !== own)) {
        if (other.network.cloud !== "gcp") throw new Error("GCP only");
        expect(sources, `${fw.name} ← ${other.key}`).toContain(other.network.podCidr);
        expect(sources, `${fw.name} ← ${other.key}`).toContain(other.network.nodeCidr);
      }
      expect(fw.inputs.targetTags).toEqual([`${own.clusterName}-scylla`]);
    }
    expect(firewalls[0]!.inputs.sourceRanges).toEqual(["10.140.0.0/16", "10.40.0.0/20", "10.141.0.0/16", "10.41.0.0/20"]);
  });

  it("lets each control plane reach webhooks only from its own /28", () => {
    const webhooks = ofType(all(), "gcp:compute/firewall:Firewall").filter((f) => f.name.endsWith("-webhooks"));
    expect(webhooks.map((f) => [f.name, f.inputs.sourceRanges, f.inputs.targetTags])).toEqual([
      ["test-usc1-webhooks", ["192.168.40.0/28"], ["test-usc1-node"]],
      ["test-euw4-webhooks", ["192.168.41.0/28"], ["test-euw4-node"]],
    ]);
  });

  it("pins each Scylla pool to exactly one zone of its region, never shared by two racks", () => {
    const pools = ofType(all(), "gcp:container/nodePool:NodePool").filter(isScyllaPool);
    expect(pools).toHaveLength(6);
    const zones = pools.map((p) => p.inputs.nodeLocations as string[]);
    for (const [i, z] of zones.entries()) {
      expect(z, pools[i]!.name).toHaveLength(1);
      expect(z[0]!.startsWith(`${pools[i]!.inputs.location as string}-`), pools[i]!.name).toBe(true);
    }
    expect(new Set(zones.map((z) => z[0])).size).toBe(6);
    for (const pool of pools) {
      expect(pool.inputs.management).toEqual({ autoRepair: false, autoUpgrade: false });
      expect(pool.inputs.nodeConfig).toMatchObject({
        imageType: "UBUNTU_CONTAINERD",
        localNvmeSsdBlockConfig: { localSsdCount: 2 },
        kubeletConfig: { cpuManagerPolicy: "static" },
        taints: [{ key: "scylla-operator.scylladb.com/dedicated", value: "scyllaclusters", effect: "NO_SCHEDULE" }],
        spot: false,
      });
    }
  });

  it("keeps regional clusters with distinct control-plane ranges", () => {
    const clusters = ofType(all(), "gcp:container/cluster:Cluster");
    expect(clusters.map((c) => [c.inputs.name, c.inputs.location, (c.inputs.privateClusterConfig as Record<string, unknown>).masterIpv4CidrBlock])).toEqual([
      ["test-usc1", "us-central1", "192.168.40.0/28"],
      ["test-euw4", "europe-west4", "192.168.41.0/28"],
    ]);
  });

  it("turns on deletion protection and protects the clusters, Scylla pools and keys in production", () => {
    for (const cluster of ofType(all(), "gcp:container/cluster:Cluster")) {
      expect(cluster.inputs.deletionProtection, cluster.name).toBe(true);
      expect(cluster.protect, cluster.name).toBe(true);
    }
    const pools = ofType(all(), "gcp:container/nodePool:NodePool");
    expect(pools.filter((p) => p.protect).map((p) => p.name)).toEqual(pools.filter(isScyllaPool).map((p) => p.name));
    // GKE secrets and backup keys of both regions.
    for (const type of ["gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey"]) {
      expect(ofType(all(), type).map((r) => r.protect)).toEqual([true, true, true, true]);
    }
    expect(named(all(), "gcp:compute/network:Network", "test-gcp-vpc").protect).toBe(false);
  });

  it("gives each cluster its own Kubernetes provider, keyed by its cluster name", () => {
    const providers = ofType(all(), "pulumi:providers:kubernetes");
    expect(providers.map((p) => [p.name, p.inputs.clusterIdentifier])).toEqual([
      ["test-usc1-k8s", "test-usc1"],
      ["test-euw4-k8s", "test-euw4"],
    ]);
    for (const p of providers) {
      const cluster = named(all(), "gcp:container/cluster:Cluster", `${p.name.replace(/-k8s$/, "")}-cluster`);
      expect(p.propertyDependencies.kubeconfig).toEqual([cluster.urn]);
    }
  });
});
