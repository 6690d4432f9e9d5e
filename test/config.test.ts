import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { committedStacks, loadStackConfigFile, stackConfigPath } from "../stacks/config";
import { ConfigError, isCron, parseEnvironmentConfig } from "../stacks/validate";
import { awsRegion, environment, gcpRegion, threeAwsRegions, configProblems } from "./helpers/fixtures";

const problems = configProblems;

const [ringUse1, usw2, euw1] = threeAwsRegions();
/** use1 also stands alone below, so it names its replica region as a single-region environment must. */
const use1 = { ...ringUse1, replicaRegion: "us-west-2" };
const RESTORE = { location: "s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC", sourceDatacenter: "us-east-1" };

describe("environment config", () => {
  it("accepts a minimal environment and names every default", () => {
    const config = parseEnvironmentConfig(environment());
    expect(config.environment).toEqual({ name: "test", tier: "production", kubernetesVersion: "1.34" });
    expect(config.scylla).toEqual({
      clusterName: "scylla",
      version: "2026.1.3",
      agentVersion: "3.10.1",
      keyspaces: [{ name: "app", replicationFactor: 3, tablets: false, replication: {} }],
      clientCidrs: [],
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
      ['regions[0].zones[2]: is not a zone of us-east-1; its zones are us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f (got "us-west-2c")'],
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
      ['regions[0].zones[2]: is not a zone of us-central1; its zones are us-central1-a, us-central1-b, us-central1-c, us-central1-f (got "us-east1-c")'],
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
        'regions[0].publicAccessCidrs: admit 3,702,390,784 public addresses to the EKS API, at least a /8 (16,777,216 addresses): that is the whole internet (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0); list only your operators\' and runners\' ranges (got ["203.0.113.0/24","0.0.0.0/0"])',
      ],
    ],
    [
      "an EKS endpoint open to the internet in two halves",
      environment([{ ...use1, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }]),
      [
        'regions[0].publicAccessCidrs: admit 3,702,390,784 public addresses to the EKS API, at least a /8 (16,777,216 addresses): that is the whole internet (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0); list only your operators\' and runners\' ranges (got ["0.0.0.0/1","128.0.0.0/1"])',
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
    [
      "a single region with nowhere to copy its backups",
      environment([{ ...use1, replicaRegion: undefined }]),
      ["regions[0].replicaRegion: is required: no other region of the environment can hold the second copy of use1's backups; name another aws region, e.g. us-west-2"],
    ],
    [
      "a replica region equal to the region itself",
      environment([{ ...use1, replicaRegion: "us-east-1" }]),
      ['regions[0].replicaRegion: must differ from the region itself: a copy in the same region is lost with it (got "us-east-1")'],
    ],
    [
      "a replica region of another cloud",
      environment([{ ...use1, replicaRegion: "us-central1" }]),
      ['regions[0].replicaRegion: is not a aws region name like us-west-2; the copy stays in the region\'s own cloud (cross-cloud copies are not built) (got "us-central1")'],
    ],
    [
      "a replica region that is lost",
      environment([{ ...ringUse1, replicaRegion: "eu-west-1" }, usw2, { ...euw1, phase: "lost" }]),
      ['regions[0].replicaRegion: names eu-west-1, whose region euw1 is lost; pick a region that is up (got "eu-west-1")'],
    ],
    [
      "a GCP replica region outside the region's multi-region",
      environment([gcpRegion("usc1", "us-central1", 40, { replicaRegion: "europe-west1" })]),
      ['regions[0].replicaRegion: must lie in the GCS multi-region of us-central1 (US): a dual-region bucket pairs two regions of one multi-region (got "europe-west1")'],
    ],
    [
      "two GCP regions on different continents with no replica region named",
      environment([gcpRegion("usc1", "us-central1", 40, { replicaRegion: undefined }), gcpRegion("euw4", "europe-west4", 41, { replicaRegion: undefined })]),
      [
        "regions[0].replicaRegion: is required: no other region of the environment can hold the second copy of usc1's backups; name another gcp region, e.g. us-east1",
        "regions[1].replicaRegion: is required: no other region of the environment can hold the second copy of euw4's backups; name another gcp region, e.g. us-east1",
      ],
    ],
    [
      "a GCP region no dual-region can include",
      environment([gcpRegion("sae1", "southamerica-east1", 40, { zones: ["southamerica-east1-a", "southamerica-east1-b", "southamerica-east1-c"], replicaRegion: "us-east1" })]),
      ['regions[0].region: has no GCS dual-region partner: configurable dual-regions exist only within the US, EU and ASIA multi-regions (got "southamerica-east1")'],
    ],
    [
      "a bucket prefix that makes a bucket name too long",
      environment(
        [gcpRegion("nane1", "northamerica-northeast1", 40, { zones: ["northamerica-northeast1-a", "northamerica-northeast1-b", "northamerica-northeast1-c"] })],
        { environment: { name: "longestname1" }, backups: { bucketPrefix: "acme-platform-backup" } },
      ),
      [
        'regions[0].region: has no GCS dual-region partner: configurable dual-regions exist only within the US, EU and ASIA multi-regions (got "northamerica-northeast1")',
        'backups.bucketPrefix: makes bucket name acme-platform-backup-longestname1-northamerica-northeast1-backup 64 characters long; S3 and GCS allow 63: shorten the prefix or the environment name (got "acme-platform-backup")',
      ],
    ],
    [
      "Object Lock on GCS",
      environment([gcpRegion("usc1", "us-central1", 40)], { backups: { objectLock: { mode: "GOVERNANCE", days: 7 } } }),
      ['backups.objectLock: is an S3 feature; GCS backup buckets are versioned and keep deleted objects in soft delete instead (docs/backups.md) (got {"mode":"GOVERNANCE","days":7})'],
    ],
    [
      "a transition to a class Manager cannot read directly",
      environment(undefined, { backups: { transition: { days: 90, storageClass: "DEEP_ARCHIVE" } } }),
      ['backups.transition.storageClass: must be one of STANDARD_IA, GLACIER_IR on aws: Manager reads backup objects directly, so only classes that read back instantly work (got "DEEP_ARCHIVE")'],
    ],
    [
      "a STANDARD_IA transition before 30 days",
      environment(undefined, { backups: { transition: { days: 10, storageClass: "STANDARD_IA" } } }),
      ["backups.transition.days: must be at least 30 for STANDARD_IA (an S3 rule) (got 10)"],
    ],
    [
      "a restore outside the datacenter phase",
      environment([{ ...use1, phase: "serving", restore: RESTORE }]),
      ['regions[0].phase: must be datacenter while restore is set: the restore runs in the update that brings the datacenter up empty; remove restore before advancing (docs/runbooks/restore.md) (got "serving")'],
    ],
    [
      "a restore from a bucket outside the environment, without a source datacenter",
      environment([{ ...use1, phase: "datacenter", restore: { location: "s3:someone-elses-bucket", snapshotTag: "sm_20260102030405UTC" } }]),
      [
        'regions[0].restore.location: names a bucket outside this environment; the agents\' identity can read only scylla-ha-test-us-east-1-backup, scylla-ha-test-us-west-2-backup (got "s3:someone-elses-bucket")',
        "regions[0].restore.sourceDatacenter: is required: name the datacenter the snapshot was taken from (or prefix restore.location with it)",
      ],
    ],
    [
      "a malformed snapshot tag",
      environment([{ ...use1, phase: "datacenter", restore: { ...RESTORE, snapshotTag: "latest" } }]),
      ['regions[0].restore.snapshotTag: must be a Manager snapshot tag like sm_20260102030405UTC (got "latest")'],
    ],
    [
      "a restore from another cloud's storage",
      environment([{ ...use1, phase: "datacenter", restore: { location: "us-east-1:gcs:scylla-ha-test-us-west-2-backup", snapshotTag: RESTORE.snapshotTag } }]),
      ['regions[0].restore.location: must use s3 on aws: the agents reach this cloud\'s buckets only (got "us-east-1:gcs:scylla-ha-test-us-west-2-backup")'],
    ],
    [
      "a restore location that is not a Manager location",
      environment([{ ...use1, phase: "datacenter", restore: { ...RESTORE, location: "s3://bucket/path" } }]),
      ['regions[0].restore.location: is not a Manager location like s3:<bucket> or <dc>:s3:<bucket> (got "s3://bucket/path")'],
    ],
    [
      "a DR datacenter that does not reuse the restored datacenter's name",
      environment([{ ...use1, phase: "datacenter", datacenter: "dr-east", restore: RESTORE }]),
      ['regions[0].datacenter: must be us-east-1, the datacenter the snapshot comes from: keyspace replication in the restored schema names it (set datacenter: us-east-1) (got "dr-east")'],
    ],
    [
      "a source datacenter that disagrees with the location's",
      environment([{ ...use1, phase: "datacenter", restore: { ...RESTORE, location: "eu-west-1:s3:scylla-ha-test-us-west-2-backup" } }]),
      [
        'regions[0].restore.sourceDatacenter: disagrees with the datacenter in restore.location (eu-west-1) (got "us-east-1")',
      ],
    ],
    [
      "a restore while other datacenters are live",
      environment([{ ...ringUse1, phase: "datacenter", restore: RESTORE }, usw2], { manager: { region: "use1" } }),
      [
        "regions[0].restore: rebuilds the cluster from a backup, but datacenter(s) us-west-2 are live: restoring the schema needs a cluster without the keyspaces; add this datacenter by streaming from them instead (docs/runbooks/dr-rollout.md)",
      ],
    ],
  ];

  it("refuses a world-wide EKS endpoint in every tier, and admits narrow ranges", () => {
    const dev = { environment: { name: "test", tier: "development" } };
    expect(problems(environment([{ ...use1, publicAccessCidrs: ["0.0.0.0/0"] }], dev)).map((p) => p.split(":")[0])).toEqual(["regions[0].publicAccessCidrs"]);
    expect(problems(environment([{ ...use1, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] }], dev))).toEqual([]);
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
    ["0 4 * * 0", true],
    ["0 4 * * 7", false],
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
