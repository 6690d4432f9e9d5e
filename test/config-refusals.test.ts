/**
 * What the clouds, ScyllaDB and Scylla Manager would refuse, refused by the
 * config validator first: every refusal with its exact message, and next to
 * it the nearby value that must still pass (so a rule cannot refuse too much).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { synthesize } from "../cli/engine/synthesize";
import { stackConfigPath } from "../stacks/config";
import { zonesOf } from "../components/plan/zones";
import { ConfigError, isProductionLike } from "../stacks/validate";
import { cronProblem } from "../stacks/validate-cron";
import { awsRegion, awsZones, environment, gcpRegion, gcpZones, threeAwsRegions, configProblems } from "./helpers/fixtures";
import { flatten } from "./helpers/harness";

const problems = configProblems;

const [use1, usw2, euw1] = threeAwsRegions();
const usc1 = gcpRegion("usc1", "us-central1", 40);
const withKeyspace = (name: string) => environment(undefined, { scylla: { keyspaces: [{ name }] } });
const withScylla = (scylla: Record<string, unknown>) => environment(undefined, { scylla: { keyspaces: [{ name: "app" }], ...scylla } });
const withSchedule = (schedule: string) => environment(undefined, { backups: { schedule } });

const refused: Array<[string, unknown, string[]]> = [
  [
    "a zone eu-west-1 does not have",
    environment([use1, usw2, { ...euw1, zones: ["eu-west-1a", "eu-west-1b", "eu-west-1d"] }]),
    ['regions[2].zones[2]: is not a zone of eu-west-1; its zones are eu-west-1a, eu-west-1b, eu-west-1c (got "eu-west-1d")'],
  ],
  [
    "ca-central-1c, which does not exist (the region's zones are a, b and d)",
    environment([awsRegion("cac1", "ca-central-1", 0, { zones: ["ca-central-1a", "ca-central-1b", "ca-central-1c"], replicaRegion: "us-east-1" })]),
    ['regions[0].zones[2]: is not a zone of ca-central-1; its zones are ca-central-1a, ca-central-1b, ca-central-1d (got "ca-central-1c")'],
  ],
  [
    "europe-west1-a, a retired GCP zone",
    environment([gcpRegion("euw1", "europe-west1", 40, { zones: ["europe-west1-a", "europe-west1-b", "europe-west1-c"], replicaRegion: "europe-west4" })]),
    ['regions[0].zones[0]: is not a zone of europe-west1; its zones are europe-west1-b, europe-west1-c, europe-west1-d (got "europe-west1-a")'],
  ],
  [
    "a zone of another region, in a region the zone table does not know",
    environment([awsRegion("apne3", "ap-northeast-3", 0, { zones: ["ap-northeast-3a", "ap-northeast-3b", "ap-northeast-1c"], replicaRegion: "us-east-1" })]),
    [
      'regions[0].zones[2]: is not a zone of ap-northeast-3 (zones look like ap-northeast-3a; components/plan/zones.ts lists the real zones of us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, eu-west-1, eu-west-2, eu-central-1, eu-north-1, ap-south-1, ap-southeast-1, ap-southeast-2, sa-east-1) (got "ap-northeast-1c")',
    ],
  ],
  [
    "an EC2 type for a GKE system pool",
    environment([gcpRegion("usc1", "us-central1", 40, { system: { instanceType: "m7i.xlarge" } })]),
    [
      'regions[0].system.instanceType: is not a Compute Engine machine type like n2-standard-4 (<series>-<standard|highmem|highcpu>-<vCPUs> of series e2, n1, n2, n2d, n4, n4d, c2, c2d, c3, c3d, c4, c4a, c4d, t2a or t2d) (got "m7i.xlarge")',
    ],
  ],
  [
    "a shared-core GCP machine for the system pool",
    environment([gcpRegion("usc1", "us-central1", 40, { system: { instanceType: "e2-micro" } })]),
    [
      'regions[0].system.instanceType: is not a Compute Engine machine type like n2-standard-4 (<series>-<standard|highmem|highcpu>-<vCPUs> of series e2, n1, n2, n2d, n4, n4d, c2, c2d, c3, c3d, c4, c4a, c4d, t2a or t2d) (got "e2-micro")',
    ],
  ],
  [
    "a public AWS VPC range",
    environment([{ ...use1, cidr: "11.0.0.0/16", replicaRegion: "us-west-2" }]),
    [
      'regions[0].cidr: must lie in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (private address space: RFC 1918, or RFC 6598 shared space; a public range would shadow real internet addresses for every pod) (got "11.0.0.0/16")',
    ],
  ],
  [
    "public GCP pod, service and control-plane ranges",
    environment([gcpRegion("usc1", "us-central1", 40, { podCidr: "34.64.0.0/16", serviceCidr: "35.0.0.0/20", masterCidr: "8.8.8.0/28" })]),
    [
      'regions[0].podCidr: must lie in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (private address space: RFC 1918, or RFC 6598 shared space; a public range would shadow real internet addresses for every pod) (got "34.64.0.0/16")',
      'regions[0].masterCidr: must lie in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (private address space: RFC 1918, or RFC 6598 shared space; a public range would shadow real internet addresses for every pod) (got "8.8.8.0/28")',
      'regions[0].serviceCidr: must lie in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (private address space: RFC 1918, or RFC 6598 shared space; a public range would shadow real internet addresses for every pod) (got "35.0.0.0/20")',
    ],
  ],
  [
    "a range straddling the edge of private space",
    environment([{ ...use1, cidr: "172.31.0.0/16", serviceCidr: "172.0.0.0/12", replicaRegion: "us-west-2" }]),
    ['regions[0].serviceCidr: must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (an EKS requirement) (got "172.0.0.0/12")'],
  ],
  [
    "a ScyllaDB minor the operator does not support (2025.2)",
    withScylla({ version: "2025.2.3" }),
    ['scylla.version: is outside the support matrix of Scylla Operator v1.21.1 and Scylla Manager 3.10; use a 2025.1.x, 2025.4.x, 2026.1.x release (got "2025.2.3")'],
  ],
  [
    "a ScyllaDB minor Manager 3.10 does not support (2025.3)",
    withScylla({ version: "2025.3.6" }),
    ['scylla.version: is outside the support matrix of Scylla Operator v1.21.1 and Scylla Manager 3.10; use a 2025.1.x, 2025.4.x, 2026.1.x release (got "2025.3.6")'],
  ],
  [
    "an open-source ScyllaDB version",
    withScylla({ version: "6.2.3" }),
    ['scylla.version: is outside the support matrix of Scylla Operator v1.21.1 and Scylla Manager 3.10; use a 2025.1.x, 2025.4.x, 2026.1.x release (got "6.2.3")'],
  ],
  [
    "an agent older than the Manager server",
    withScylla({ agentVersion: "3.9.1" }),
    ['scylla.agentVersion: must be a 3.10.x release to match the Scylla Manager server this stack runs (docker.io/scylladb/scylla-manager:3.10.1) (got "3.9.1")'],
  ],
  [
    "an agent newer than the Manager server",
    withScylla({ agentVersion: "3.11.0" }),
    ['scylla.agentVersion: must be a 3.10.x release to match the Scylla Manager server this stack runs (docker.io/scylladb/scylla-manager:3.10.1) (got "3.11.0")'],
  ],
  ...(["system", "system_auth", "System_Schema", "systemd", "audit", "alternator_users"] as const).map((name): [string, unknown, string[]] => [
    `the reserved keyspace name ${name}`,
    withKeyspace(name),
    [`scylla.keyspaces[0].name: is reserved by ScyllaDB (system*, audit, alternator_*); pick another name (got "${name}")`],
  ]),
  [
    "a backup on 30 February",
    withSchedule("0 2 30 2 *"),
    ['backups.schedule: never fires: no month it names has the day of month it names, so Manager would never run the task (got "0 2 30 2 *")'],
  ],
  [
    "a backup on the 31st of the 30-day months",
    withSchedule("0 2 31 4,6,9,11 *"),
    ['backups.schedule: never fires: no month it names has the day of month it names, so Manager would never run the task (got "0 2 31 4,6,9,11 *")'],
  ],
  [
    "a backup on the 31st of every other month from September to November",
    withSchedule("0 2 31 9-11/2 *"),
    ['backups.schedule: never fires: no month it names has the day of month it names, so Manager would never run the task (got "0 2 31 9-11/2 *")'],
  ],
  ["a backwards range", withSchedule("0 2 20-10 * *"), ['backups.schedule: day of month field "20-10" has a range that starts after it ends (got "0 2 20-10 * *")']],
  ["a step of zero", withSchedule("*/0 2 * * *"), ['backups.schedule: minute field "*/0" has a step below 1 (got "*/0 2 * * *")']],
  ["day of week 7", withSchedule("0 4 * * 7"), ['backups.schedule: day of week field "7" is outside 0-6 (got "0 4 * * 7")']],
  [
    "a config whose every region is lost",
    environment(threeAwsRegions().map((r) => ({ ...r, phase: "lost" }))),
    [
      'regions: are all lost: no datacenter is left to host Scylla Manager or to restore from; keep at least one region that is not lost; to rebuild from backups, add a region with a restore (docs/runbooks/restore.md) (got ["use1:lost","usw2:lost","euw1:lost"])',
    ],
  ],
  [
    "a production-like environment without a tier",
    environment(undefined, { environment: { name: "prod" } }),
    [
      'environment.tier: is required for the production-like environment "prod" (its name has one of the words prod, production, prd, live, staging, stage, stg, preprod): the default "development" turns off protect and retainOnDelete on its stateful resources; set "production" or "staging" (or "development" on purpose)',
    ],
  ],
  [
    "a staging-like environment without a tier",
    environment(undefined, { environment: { name: "eu-staging" } }),
    [
      'environment.tier: is required for the production-like environment "eu-staging" (its name has one of the words prod, production, prd, live, staging, stage, stg, preprod): the default "development" turns off protect and retainOnDelete on its stateful resources; set "production" or "staging" (or "development" on purpose)',
    ],
  ],
];

describe("refusing what the clouds would refuse", () => {
  it.each(refused)("refuses %s, naming the field, the value and what is allowed", (_what, raw, expected) => {
    expect(problems(raw)).toEqual(expected);
  });

  it("refuses an environment name that is not the stack's", () => {
    expect(problems(environment(), "prod")).toEqual([
      'environment.name: must equal the stack name "prod": it is part of every physical name, so another stack\'s name would collide with that stack\'s resources (got "test")',
    ]);
    expect(problems(environment(), "test")).toEqual([]);
  });

  it.each([
    ["ca-central-1's d zone", environment([awsRegion("cac1", "ca-central-1", 0, { zones: ["ca-central-1a", "ca-central-1b", "ca-central-1d"], replicaRegion: "us-east-1" })])],
    ["a region the zone table does not know, its zones checked by form only", environment([awsRegion("apne3", "ap-northeast-3", 0, { zones: ["ap-northeast-3a", "ap-northeast-3b", "ap-northeast-3c"], replicaRegion: "us-east-1" })])],
    ["us-central1's f zone", environment([gcpRegion("usc1", "us-central1", 40, { zones: ["us-central1-a", "us-central1-b", "us-central1-f"] })])],
    ["a GCP system pool on c3-highcpu-4", environment([gcpRegion("usc1", "us-central1", 40, { system: { instanceType: "c3-highcpu-4" } })])],
    ["an AWS VPC in RFC 6598 shared space", environment([{ ...use1, cidr: "100.64.0.0/16", replicaRegion: "us-west-2" }])],
    ["GCP pods in RFC 6598 shared space", environment([gcpRegion("usc1", "us-central1", 40, { podCidr: "100.64.0.0/14" })])],
    ["ScyllaDB 2025.1", withScylla({ version: "2025.1.9" })],
    ["ScyllaDB 2025.4", withScylla({ version: "2025.4.5" })],
    ["agent 3.10.0", withScylla({ agentVersion: "3.10.0" })],
    ["a keyspace merely containing 'system'", withKeyspace("my_system")],
    ["a keyspace starting with 'audit'", withKeyspace("auditing")],
    ["a backup on 29 February (rare, fires in leap years)", withSchedule("0 2 29 2 *")],
    ["a backup on the 31st of every month that has one", withSchedule("0 2 31 * *")],
    ["30 February or any Monday (both day fields restricted: either matches)", withSchedule("0 2 30 2 1")],
    ["30 February or every other weekday (a step clears the star)", withSchedule("0 2 30 2 */2")],
    ["a development environment without a tier", environment(undefined, { environment: { name: "dev" } })],
    ["a name that only contains a production word", environment(undefined, { environment: { name: "produce" } })],
  ])("accepts %s", (_what, raw) => {
    expect(problems(raw)).toEqual([]);
  });

  it("reports every refusal of one config together", () => {
    const raw = environment([{ ...use1, zones: ["us-east-1a", "us-east-1b", "us-east-1g"], cidr: "11.0.0.0/16", replicaRegion: "us-west-2" }], {
      environment: { name: "prod" },
      scylla: { version: "2025.2.0", keyspaces: [{ name: "system_auth" }] },
      backups: { schedule: "0 2 30 2 *" },
    });
    expect(problems(raw, "staging").map((p) => p.split(":")[0])).toEqual([
      "environment.name",
      "environment.tier",
      "regions[0].zones[2]",
      "regions[0].cidr",
      "backups.schedule",
      "scylla.version",
      "scylla.keyspaces[0].name",
    ]);
  });

  it("defines production-like by whole words of the name", () => {
    expect(["prod", "prod-eu", "eu-prod", "production", "prd", "live", "staging", "stage-2", "stg", "preprod"].filter((n) => !isProductionLike(n))).toEqual([]);
    expect(["dev", "test", "produce", "prodx", "backstage", "qa"].filter(isProductionLike)).toEqual([]);
  });

  it("the engine's zone fixtures are the validator's zone table", () => {
    expect(awsZones("eu-west-1")).toBe(zonesOf("aws", "eu-west-1"));
    expect(gcpZones("us-east1")).toEqual(["us-east1-b", "us-east1-c", "us-east1-d"]);
  });

  it.each([
    ["0 2 * * *", undefined],
    ["*/15 * * * *", undefined],
    ["0 2 5/10 * *", undefined],
    ["0 2 31 2/2 *", undefined], // February, April, …, August: August has a 31st
    ["0 2 30 2 *", "never fires: no month it names has the day of month it names, so Manager would never run the task"],
    ["0 2 31 2,4 *", "never fires: no month it names has the day of month it names, so Manager would never run the task"],
    ["0 2 30-31 2 *", "never fires: no month it names has the day of month it names, so Manager would never run the task"],
    ["0 2 29-31 2 *", undefined],
    ["0 2 30 * *", undefined],
    ["@daily", 'must be a 5-field cron expression like "0 2 * * *"'],
    ["0 2 * * MON", 'day of week field "MON" is not a number, range, list or step'],
  ])("cronProblem(%j) is %j", (expression, problem) => {
    expect(cronProblem(expression)).toBe(problem);
  });

  it("a config whose every region is lost stops the program with the config error, not a planner exception", async () => {
    const lost = environment(threeAwsRegions().map((r) => ({ ...r, phase: "lost" })));
    const error = await synthesize({ stack: "test", strict: true, config: flatten(lost) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["regions"]);
  });

  it("the synth command refuses the prod config with zone eu-west-1d: exit 2, the zone named, nothing written", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "euw1d-"));
    const config = path.join(dir, "Pulumi.prod.yaml");
    const prod = fs.readFileSync(stackConfigPath("prod"), "utf8");
    expect(prod).toContain("zones: [eu-west-1a, eu-west-1b, eu-west-1c]");
    fs.writeFileSync(config, prod.replace("zones: [eu-west-1a, eu-west-1b, eu-west-1c]", "zones: [eu-west-1a, eu-west-1b, eu-west-1d]"));
    const out = path.join(dir, "out");
    const failure = await promisify(execFile)("npm", ["run", "-s", "synth", "--", "--stack", "prod", "--config", config, "--out", out]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('regions[2].zones[2]: is not a zone of eu-west-1; its zones are eu-west-1a, eu-west-1b, eu-west-1c (got "eu-west-1d")');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);
});
