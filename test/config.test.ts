import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { committedStacks, loadStackConfigFile, stackConfigPath } from "../stacks/config";
import { ConfigError, formatIssue, isCron, parseEnvironmentConfig } from "../stacks/validate";
import { awsRegion, environment, gcpRegion, threeAwsRegions } from "./helpers/fixtures";

function problems(raw: unknown): string[] {
  try {
    parseEnvironmentConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

const [ringUse1, usw2, euw1] = threeAwsRegions();
/** use1 also stands alone below, so it names its replica region as a single-region environment must. */
const use1 = { ...ringUse1, replicaRegion: "us-west-2" };

describe("environment config", () => {
  it("accepts a minimal environment and names every default", () => {
    const config = parseEnvironmentConfig(environment());
    expect(config.environment).toEqual({ name: "test", tier: "production", kubernetesVersion: "1.34" });
    expect(config.scylla).toEqual({
      clusterName: "scylla",
      version: "2026.1.3",
      agentVersion: "3.10.1",
      keyspaces: [{ name: "app", replicationFactor: 3, tablets: false, replication: {} }],
    });
    expect(config.regions[0]).toMatchObject({ phase: "serving", natGateways: "perZone", publicAccessCidrs: [], system: { nodesPerZone: 1 } });
    expect(config.backups).toEqual({
      schedule: "0 2 * * *",
      retention: 7,
      bucketPrefix: "scylla-ha",
      rateLimitMiBps: 100,
      noncurrentVersionDays: 30,
    });
    expect(config.monitoring).toEqual({ enabled: true, prometheusReplicas: 2, retention: "15d", storageSize: "100Gi" });
  });

  it("accepts two GCP regions sharing a project and defaults the public endpoint to none", () => {
    const config = parseEnvironmentConfig(environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41)]));
    expect(config.regions.map((r) => (r.cloud === "gcp" ? [r.masterCidr, r.publicAccessCidrs] : []))).toEqual([
      ["192.168.40.0/28", []],
      ["192.168.41.0/28", []],
    ]);
  });

  it.each(committedStacks())("committed stack %s parses", (stack) => {
    expect(() => loadStackConfigFile(stackConfigPath(stack))).not.toThrow();
  });

  it("commits dev, staging and prod", () => {
    expect(committedStacks()).toEqual(["dev", "prod", "staging"]);
  });

  const cases: Array<[string, unknown, string[]]> = [
    [
      "two regions with overlapping CIDRs",
      environment([use1, { ...usw2, cidr: "10.0.128.0/17" }]),
      [
        'regions[1].cidr: overlaps regions[0].cidr (10.0.0.0/16); node, pod and service ranges of all regions must be disjoint because pod traffic is routed between regions (got "10.0.128.0/17")',
      ],
    ],
    [
      "a service range overlapping another region's pod range",
      environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("use1", "us-east1", 41, { serviceCidr: "10.140.0.0/20" })]),
      [
        'regions[1].serviceCidr: overlaps regions[0].podCidr (10.140.0.0/16); node, pod and service ranges of all regions must be disjoint because pod traffic is routed between regions (got "10.140.0.0/20")',
      ],
    ],
    [
      "fewer zones than the replication factor",
      environment([{ ...use1, zones: ["us-east-1a", "us-east-1b"] }]),
      [
        'regions[0].zones: lists 2 zone(s) but keyspace app has replication factor 3; one rack per zone needs at least 3 zones to keep LOCAL_QUORUM when a zone fails (got ["us-east-1a","us-east-1b"])',
      ],
    ],
    [
      "an instance type with no local NVMe",
      environment([{ ...use1, scylla: { instanceType: "m5.2xlarge" } }]),
      [
        'regions[0].scylla.instanceType: has no local NVMe in the sizing table; ScyllaDB nodes need one of: i3.{large,xlarge,2xlarge,4xlarge,8xlarge,16xlarge}, i3en.{large,xlarge,2xlarge,3xlarge,6xlarge,12xlarge,24xlarge}, i4i.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge,24xlarge,32xlarge}, i7i.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge,24xlarge,48xlarge}, i8g.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge,24xlarge} (got "m5.2xlarge")',
      ],
    ],
    [
      "a duplicate region key",
      environment([use1, { ...usw2, key: "use1" }]),
      ['regions[1].key: duplicates regions[0].key; every region needs a distinct key (got "use1")'],
    ],
    [
      "a zone that is not in its region",
      environment([{ ...use1, zones: ["us-east-1a", "us-east-1b", "us-west-2c"] }]),
      ['regions[0].zones[2]: is not a zone of us-east-1 (zones look like us-east-1a) (got "us-west-2c")'],
    ],
    [
      "an unknown cloud",
      environment([{ ...use1, cloud: "azure" }]),
      ['regions[0].cloud: must be one of "aws", "gcp" (got "azure")'],
    ],
    [
      "a region mixing clouds",
      environment([use1, gcpRegion("usc1", "us-central1", 40)]),
      [
        'regions[1].cloud: cannot mix with aws regions: cross-cloud links (site-to-site VPN) are not built yet; keep one cloud per environment (got "gcp")',
      ],
    ],
    [
      "a local SSD count the machine type does not allow",
      environment([gcpRegion("usc1", "us-central1", 40, { scylla: { instanceType: "n2-highmem-16", localSsdCount: 1 } })]),
      ["regions[0].scylla.localSsdCount: n2-highmem-16 accepts 2, 4, 8, 16, 24 local SSDs (got 1)"],
    ],
    [
      "a GCP control-plane range that is not a /28",
      environment([gcpRegion("usc1", "us-central1", 40, { masterCidr: "192.168.40.0/24" })]),
      ['regions[0].masterCidr: must be a /28 (GKE gives the private control plane exactly 16 addresses) (got "192.168.40.0/24")'],
    ],
    [
      "a GCP control-plane range overlapping another region's node range",
      environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41, { masterCidr: "10.40.0.16/28" })]),
      [
        'regions[1].masterCidr: overlaps regions[0].cidr (10.40.0.0/20); node, pod and service ranges of all regions must be disjoint because pod traffic is routed between regions (got "10.40.0.16/28")',
      ],
    ],
    [
      "a GCP region without a control-plane range",
      environment([gcpRegion("usc1", "us-central1", 40, { masterCidr: undefined })]),
      ["regions[0].masterCidr: is required (expected string)"],
    ],
    [
      "GCP regions in different projects",
      environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41, { project: "scylla-ha-other" })]),
      [
        `regions[1].project: must equal regions[0].project (scylla-ha-test): every GCP region joins the environment's one global VPC, which lives in one project (Shared VPC is not built) (got "scylla-ha-other")`,
      ],
    ],
    [
      "a GCP pod range too small for its nodes and a pool migration",
      environment([gcpRegion("usc1", "us-central1", 40, { podCidr: "10.140.0.0/21" })]),
      [
        'regions[0].podCidr: holds pod ranges for 8 nodes (a /24 each at 110 pods per node) but the region plans 6 nodes and needs room for 12 while a node pool is migrated (got "10.140.0.0/21")',
      ],
    ],
    [
      "a malformed GCP public access CIDR",
      environment([gcpRegion("usc1", "us-central1", 40, { publicAccessCidrs: ["203.0.113.0/33"] })]),
      ['regions[0].publicAccessCidrs[0]: has a prefix length above 32 (got "203.0.113.0/33")'],
    ],
    [
      "a GCP zone of another region",
      environment([gcpRegion("usc1", "us-central1", 40, { zones: ["us-central1-a", "us-central1-b", "us-east1-c"] })]),
      ['regions[0].zones[2]: is not a zone of us-central1 (zones look like us-central1-a) (got "us-east1-c")'],
    ],
    [
      "a GCP machine type without local SSD",
      environment([gcpRegion("usc1", "us-central1", 40, { scylla: { instanceType: "n2-standard-8" } })]),
      [
        'regions[0].scylla.instanceType: has no local NVMe in the sizing table; ScyllaDB nodes need one of: n2-highmem-{2,4,8,16,32,48,64,80,96,128}, z3-highmem-{8-highlssd,16-highlssd,22-highlssd,32-highlssd,44-highlssd,88,176} (got "n2-standard-8")',
      ],
    ],
    [
      "an unpinned ScyllaDB version",
      environment(undefined, { scylla: { version: "latest" } }),
      ['scylla.version: must be a pinned ScyllaDB version like 1.2.3 (never "latest") (got "latest")'],
    ],
    [
      "a manager region that does not exist",
      environment(threeAwsRegions(), { manager: { region: "apse1" } }),
      ['manager.region: must be one of the region keys: use1, usw2, euw1 (got "apse1")'],
    ],
    [
      "a Manager region without a datacenter yet",
      environment([{ ...use1, phase: "infrastructure" }, usw2, euw1]),
      ['manager.region: names region use1, which has no datacenter in its infrastructure phase; Scylla Manager needs a region with a datacenter (set manager.region) (got "use1")'],
    ],
    [
      "a misspelt field and a missing one",
      environment([{ ...euw1, zone: ["eu-west-1a"], cidr: undefined }]),
      ["regions[0].cidr: is required (expected string)", "regions[0].zone: is not a known field (see docs/config.md for the allowed fields)"],
    ],
    [
      "a CIDR with host bits set and a bad prefix",
      environment([{ ...use1, cidr: "10.0.0.1/16", serviceCidr: "172.16.0.0/28" }]),
      [
        'regions[0].cidr: has host bits set; the network address is 10.0.0.0/16 (got "10.0.0.1/16")',
        'regions[0].serviceCidr: prefix length must be between /12 and /24 (EKS accepts service ranges from /12 to /24) (got "172.16.0.0/28")',
      ],
    ],
    [
      "a tablet keyspace whose RF differs from the rack count",
      environment([{ ...use1, zones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"] }], {
        scylla: { keyspaces: [{ name: "events", replicationFactor: 3, tablets: true }] },
      }),
      ["scylla.keyspaces[0].replication.use1: tablet keyspaces need a replication factor equal to the 4 racks of use1 (got 3)"],
    ],
    [
      "a replication override for an unknown region",
      environment(undefined, { scylla: { keyspaces: [{ name: "app", replication: { euc1: 3 } }] } }),
      ["scylla.keyspaces[0].replication.euc1: names no region; region keys are: use1 (got 3)"],
    ],
    [
      "a bad backup schedule and retention",
      environment(undefined, { backups: { schedule: "every day", retention: 0 } }),
      ["backups.retention: must be at least 1 (got 0)"],
    ],
    [
      "an unsupported Kubernetes version",
      environment(undefined, { environment: { name: "test", kubernetesVersion: "1.30" } }),
      ['environment.kubernetesVersion: must be one of "1.33", "1.34", "1.35", "1.36" (got "1.30")'],
    ],
    [
      "a production EKS endpoint open to the whole internet",
      environment([{ ...use1, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }]),
      [
        'regions[0].publicAccessCidrs[1]: opens the EKS API endpoint to the whole internet, which production does not allow; list the CIDRs of your offices or CI runners (got "0.0.0.0/0")',
      ],
    ],
    [
      "a malformed public access CIDR",
      environment([{ ...use1, publicAccessCidrs: ["203.0.113.0/33"] }]),
      ['regions[0].publicAccessCidrs[0]: has a prefix length above 32 (got "203.0.113.0/33")'],
    ],
    [
      "a VPC range larger than AWS allows",
      environment([{ ...use1, cidr: "10.0.0.0/12" }]),
      ['regions[0].cidr: prefix length must be between /16 and /20 (an AWS VPC is at most a /16, and eight per-zone blocks are carved from it) (got "10.0.0.0/12")'],
    ],
    [
      "an EKS service range outside the private blocks",
      environment([{ ...use1, serviceCidr: "100.64.0.0/16" }]),
      ['regions[0].serviceCidr: must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (an EKS requirement) (got "100.64.0.0/16")'],
    ],
    [
      "a single-zone AWS region with replication factor 1",
      environment([{ ...use1, zones: ["us-east-1a"] }], { scylla: { keyspaces: [{ name: "app", replicationFactor: 1 }] } }),
      ['regions[0].zones: must list at least 2 zones: EKS places its control plane in subnets of two or more zones (got ["us-east-1a"])'],
    ],
    [
      "a system instance type that is not an EC2 type",
      environment([{ ...use1, system: { instanceType: "n2-standard-4" } }]),
      ['regions[0].system.instanceType: is not an EC2 instance type like m7i.xlarge (got "n2-standard-4")'],
    ],
  ];

  it("lets non-production tiers open the EKS endpoint to any address", () => {
    const raw = environment([{ ...use1, publicAccessCidrs: ["0.0.0.0/0"] }], { environment: { name: "test", tier: "development" } });
    expect(problems(raw)).toEqual([]);
  });

  it.each(cases)("rejects %s with one error naming the field", (_what, raw, expected) => {
    expect(problems(raw)).toEqual(expected);
  });

  it("reports every problem of one config at once", () => {
    const raw = environment([{ ...use1, cloud: "aws", zones: ["us-east-1a"], scylla: { instanceType: "m5.large" } }, { ...usw2, key: "use1" }]);
    const found = problems(raw);
    expect(found.map((p) => p.split(":")[0])).toEqual(["regions[0].zones", "regions[0].scylla.instanceType", "regions[1].key"]);
  });

  it("rejects a bad cron schedule once the shape is valid", () => {
    expect(problems(environment(undefined, { backups: { schedule: "every day" } }))).toEqual([
      'backups.schedule: must be a 5-field cron expression like "0 2 * * *" (got "every day")',
    ]);
  });

  it.each([
    ["0 2 * * *", true],
    ["*/15 * * * *", true],
    ["0 2 * * 1-5", true],
    ["0 2,14 1 * *", true],
    ["60 2 * * *", false],
    ["0 24 * * *", false],
    ["0 2 * *", false],
    ["@daily", false],
  ])("isCron(%j) is %s", (expr, ok) => {
    expect(isCron(expr)).toBe(ok);
  });

  it("the error message lists each problem on its own line", () => {
    const err = (() => {
      try {
        parseEnvironmentConfig(environment([{ ...use1, cloud: "azure" }]));
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(err.message).toBe('Invalid environment config (1 problem):\n  - regions[0].cloud: must be one of "aws", "gcp" (got "azure")');
  });

  it("committed config files carry no keys outside the project namespace but the documented ones", () => {
    for (const stack of committedStacks()) {
      const text = fs.readFileSync(stackConfigPath(stack), "utf8");
      expect(text).not.toMatch(/^\s+(aws|gcp|kubernetes):/m);
    }
  });
});
