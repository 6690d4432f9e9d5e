/**
 * Backups as plan data: bucket names, which region holds each bucket's second
 * copy (explicit, or the ring default), bucket-only regions, Manager locations
 * and the restore a region asks for. (Config rows that reject bad values are
 * in test/config.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { backupBucketName, gcsMultiRegion, parseLocation, replicaRegionOf } from "../components/plan";
import { awsRegion, environment, gcpRegion } from "./helpers/fixtures";
import { fixturePlan, stackPlan } from "./helpers/scylla";

const region = (cloud: "aws" | "gcp", name: string, phase = "serving", replicaRegion?: string) => ({ cloud, region: name, phase, replicaRegion });

describe("the replica region of each region", () => {
  it.each([
    ["an explicit replica region wins", [region("aws", "us-east-1", "serving", "ca-central-1"), region("aws", "us-west-2")], ["ca-central-1", "us-east-1"]],
    ["the ring: each region's next, the last wraps to the first", [region("aws", "a-1"), region("aws", "b-1"), region("aws", "c-1")], ["b-1", "c-1", "a-1"]],
    ["lost regions are skipped", [region("aws", "a-1"), region("aws", "b-1", "lost"), region("aws", "c-1")], ["c-1", "c-1", "a-1"]],
    ["regions still in infrastructure count (their bucket exists from the start)", [region("aws", "a-1"), region("aws", "b-1", "infrastructure")], ["b-1", "a-1"]],
    ["GCP pairs only within a multi-region", [region("gcp", "us-central1"), region("gcp", "europe-west4"), region("gcp", "us-east4")], ["us-east4", undefined, "us-central1"]],
    ["a single region has none", [region("aws", "us-east-1")], [undefined]],
  ])("%s", (_what, regions, expected) => {
    expect(regions.map((_, i) => replicaRegionOf(regions, i))).toEqual(expected);
  });

  it.each([
    ["us-central1", "US"],
    ["europe-west4", "EU"],
    ["asia-northeast1", "ASIA"],
    ["southamerica-east1", undefined],
  ])("%s is in GCS multi-region %s", (name, multi) => {
    expect(gcsMultiRegion(name)).toBe(multi);
  });
});

describe("the backup plan of the committed environments", () => {
  it("prod: every region's bucket copies to the next region's bucket; no bucket-only region", () => {
    const plan = stackPlan("prod");
    expect(plan.regions.map((r) => [r.key, r.backup])).toEqual([
      ["use1", { bucketName: "scylla-ha-prod-us-east-1-backup", replicaRegion: "us-west-2", replicaBucketName: "scylla-ha-prod-us-west-2-backup" }],
      ["usw2", { bucketName: "scylla-ha-prod-us-west-2-backup", replicaRegion: "eu-west-1", replicaBucketName: "scylla-ha-prod-eu-west-1-backup" }],
      ["euw1", { bucketName: "scylla-ha-prod-eu-west-1-backup", replicaRegion: "us-east-1", replicaBucketName: "scylla-ha-prod-us-east-1-backup" }],
    ]);
    expect(plan.backups).toEqual({
      schedule: "0 2 * * *",
      retention: 14,
      rateLimitMiBps: 100,
      noncurrentVersionDays: 30,
      replicaOnlyRegions: [],
    });
  });

  it("dev: the one region copies to a bucket-only region", () => {
    const plan = stackPlan("dev");
    expect(plan.regions[0]!.backup).toEqual({
      bucketName: "scylla-ha-dev-us-east-1-backup",
      replicaRegion: "us-west-2",
      replicaBucketName: "scylla-ha-dev-us-west-2-backup",
    });
    expect(plan.backups.replicaOnlyRegions).toEqual([{ cloud: "aws", region: "us-west-2", name: "dev-us-west-2", bucketName: "scylla-ha-dev-us-west-2-backup" }]);
  });

  it("staging: the dual-region partner is not a bucket-only region (GCS holds the copy in the same bucket)", () => {
    const plan = stackPlan("staging");
    expect(plan.regions[0]!.backup.replicaRegion).toBe("us-east1");
    expect(plan.backups.replicaOnlyRegions).toEqual([]);
  });

  it("names one bucket-only region once, however many regions copy to it", () => {
    const plan = fixturePlan(
      environment([awsRegion("use1", "us-east-1", 0, { replicaRegion: "ca-central-1" }), awsRegion("usw2", "us-west-2", 1, { replicaRegion: "ca-central-1" })]),
    );
    expect(plan.backups.replicaOnlyRegions.map((r) => r.name)).toEqual(["test-ca-central-1"]);
  });

  it("takes the restore's source datacenter from its location when not named", () => {
    const plan = fixturePlan(
      environment([
        awsRegion("use1", "us-east-1", 0, {
          phase: "datacenter",
          restore: { location: "us-east-1:s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC" },
        }),
      ]),
    );
    expect(plan.regions[0]!.restore).toEqual({
      location: "us-east-1:s3:scylla-ha-test-us-west-2-backup",
      snapshotTag: "sm_20260102030405UTC",
      sourceDatacenter: "us-east-1",
    });
  });

  it("a GCP environment keeps its buckets' names per region", () => {
    const plan = fixturePlan(environment([gcpRegion("usc1", "us-central1", 40)], { backups: { bucketPrefix: "acme" } }));
    expect(plan.regions[0]!.backup.bucketName).toBe("acme-test-us-central1-backup");
  });
});

describe("Manager locations", () => {
  it.each([
    ["s3:bucket-1", { provider: "s3", bucket: "bucket-1" }],
    ["us-east-1:s3:scylla-ha-prod-us-east-1-backup", { datacenter: "us-east-1", provider: "s3", bucket: "scylla-ha-prod-us-east-1-backup" }],
    ["gcs:my.bucket", { provider: "gcs", bucket: "my.bucket" }],
    ["s3://bucket/path", undefined],
    ["ftp:bucket", undefined],
    ["S3:Bucket", undefined],
  ])("parses %s", (text, parsed) => {
    expect(parseLocation(text)).toEqual(parsed);
  });

  it("names buckets <prefix>-<env>-<region>-backup", () => {
    expect(backupBucketName("scylla-ha", "prod", "eu-west-1")).toBe("scylla-ha-prod-eu-west-1-backup");
  });
});
