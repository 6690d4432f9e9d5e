/**
 * Config fixtures: small valid environments per cloud that tests copy and
 * break one field at a time, plus the zone fixtures the engine answers with.
 */
import { awsZones, gcpZones } from "../../cli/engine/zones";
import { ConfigError, formatIssue, parseEnvironmentConfig } from "../../stacks/validate";

export { awsZones, gcpZones };

/**
 * A replica region for every fixture region. A single-region environment must
 * name one, so the fixtures always do and tests that break another field stay
 * about that field; the ring default is tested with `replicaRegion: undefined`
 * (test/backup-config.test.ts) and by threeAwsRegions(), which leaves it out like prod.
 */
export const FIXTURE_REPLICA_REGION: Readonly<Record<string, string>> = {
  "us-east-1": "us-west-2",
  "us-west-2": "eu-west-1",
  "eu-west-1": "us-east-1",
  "ap-southeast-1": "us-east-1",
  "us-central1": "us-east1",
  "us-east1": "us-central1",
  "us-east4": "us-central1",
  "europe-west4": "europe-west1",
};

export function awsRegion(key: string, region: string, cidrOctet: number, extra: Record<string, unknown> = {}) {
  return {
    key,
    cloud: "aws",
    region,
    // The region's first three real zones: validation refuses a zone the region does not have.
    zones: awsZones(region).slice(0, 3),
    cidr: `10.${cidrOctet}.0.0/16`,
    serviceCidr: `172.${16 + cidrOctet}.0.0/16`,
    scylla: { instanceType: "i4i.2xlarge", nodesPerRack: 1 },
    replicaRegion: FIXTURE_REPLICA_REGION[region],
    ...extra,
  };
}

export function gcpRegion(key: string, region: string, cidrOctet: number, extra: Record<string, unknown> = {}) {
  return {
    key,
    cloud: "gcp",
    project: "scylla-ha-test",
    region,
    zones: gcpZones(region).slice(0, 3),
    cidr: `10.${cidrOctet}.0.0/20`,
    podCidr: `10.${cidrOctet + 100}.0.0/16`,
    serviceCidr: `10.${cidrOctet}.16.0/20`,
    masterCidr: `192.168.${cidrOctet}.0/28`,
    scylla: { instanceType: "n2-highmem-8", nodesPerRack: 1, localSsdCount: 2 },
    replicaRegion: FIXTURE_REPLICA_REGION[region],
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

/** Three AWS regions, like prod but small; like prod, their backups replicate along the ring (no `replicaRegion`). */
export function threeAwsRegions() {
  const ring = { replicaRegion: undefined };
  return [awsRegion("use1", "us-east-1", 0, ring), awsRegion("usw2", "us-west-2", 1, ring), awsRegion("euw1", "eu-west-1", 2, ring)];
}

/**
 * A deployer for fixture environments that must pass the whole gate: a runner range
 * inside use1's VPC block left free by subnet carving (like prod's placeholder) and
 * the deploy and preview roles of one account.
 */
export const AWS_DEPLOYER = {
  networks: ["10.0.96.0/24"],
  awsIam: {
    accountId: "123456789012",
    deployRoleArn: "arn:aws:iam::123456789012:role/deploy",
    previewRoleArn: "arn:aws:iam::123456789012:role/ci/preview",
  },
} as const;

/**
 * Every problem config validation reports for a raw config, formatted as users
 * see them (`path: message (got value)`); empty when it is accepted.
 */
export function configProblems(raw: unknown, stack?: string): string[] {
  try {
    parseEnvironmentConfig(raw, undefined, stack);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}
