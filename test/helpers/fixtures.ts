/**
 * Config fixtures: small valid environments per cloud that tests copy and
 * break one field at a time, plus the zone fixtures the engine answers with.
 */
export { awsZones, gcpZones } from "../../cli/engine/zones";

export function awsRegion(key: string, region: string, cidrOctet: number, extra: Record<string, unknown> = {}) {
  return {
    key,
    cloud: "aws",
    region,
    zones: ["a", "b", "c"].map((l) => `${region}${l}`),
    cidr: `10.${cidrOctet}.0.0/16`,
    serviceCidr: `172.${16 + cidrOctet}.0.0/16`,
    scylla: { instanceType: "i4i.2xlarge", nodesPerRack: 1 },
    ...extra,
  };
}

export function gcpRegion(key: string, region: string, cidrOctet: number, extra: Record<string, unknown> = {}) {
  return {
    key,
    cloud: "gcp",
    project: "scylla-ha-test",
    region,
    zones: ["a", "b", "c"].map((l) => `${region}-${l}`),
    cidr: `10.${cidrOctet}.0.0/20`,
    podCidr: `10.${cidrOctet + 100}.0.0/16`,
    serviceCidr: `10.${cidrOctet}.16.0/20`,
    masterCidr: `192.168.${cidrOctet}.0/28`,
    scylla: { instanceType: "n2-highmem-8", nodesPerRack: 1, localSsdCount: 2 },
    ...extra,
  };
}

/** A valid environment; pass regions to replace the default single AWS region. */
export function environment(regions: unknown[] = [awsRegion("use1", "us-east-1", 0)], extra: Record<string, unknown> = {}) {
  return {
    environment: { name: "test", tier: "production" },
    scylla: { keyspaces: [{ name: "app", replicationFactor: 3 }] },
    regions,
    ...extra,
  };
}

/** Three AWS regions, like prod but small. */
export function threeAwsRegions() {
  return [awsRegion("use1", "us-east-1", 0), awsRegion("usw2", "us-west-2", 1), awsRegion("euw1", "eu-west-1", 2)];
}
