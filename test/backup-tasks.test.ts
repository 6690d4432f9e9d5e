/**
 * The Manager tasks on the ScyllaCluster next to Manager: a backup location
 * per DC holding replicas, pointing at a real bucket in that DC's region, with
 * rate limits, and a repair well inside gc_grace_seconds.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { backupLocation, parseLocation } from "../components/plan";
import { DEFAULT_GC_GRACE_SECONDS, REPAIR_CRON, managerTasks } from "../components/scylla/datacenter-spec";
import { regionOf } from "./helpers/aws";
import { awsRegion, environment, threeAwsRegions } from "./helpers/fixtures";
import { type RecordedResource, ofType, synthStack } from "./helpers/harness";
import { fixturePlan } from "./helpers/scylla";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let prod: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
});

const managerCluster = (result: SynthResult): RecordedResource => {
  const host = result.plan.regions.find((r) => r.hostsManager)!;
  return ofType(result.resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster").find((c) => c.name === `${host.name}-scylla-cluster`)!;
};
const spec = (r: RecordedResource) => r.inputs.spec as Obj;

describe("the backup task", () => {
  it("prod: one location per DC, each a real bucket in that DC's own region", () => {
    const [task] = spec(managerCluster(prod)).backups as Obj[];
    expect(task!.dc).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    const buckets = ofType(prod.resources, "aws:s3/bucket:Bucket");
    for (const location of task!.location as string[]) {
      const parsed = parseLocation(location)!;
      expect(parsed.provider).toBe("s3");
      const bucket = buckets.find((b) => b.inputs.bucket === parsed.bucket);
      expect(bucket, location).toBeDefined();
      expect(regionOf(prod.resources, bucket!)).toBe(prod.plan.regions.find((r) => r.datacenter === parsed.datacenter)!.region);
    }
    expect(task).toMatchObject({ cron: "0 2 * * *", retention: 14, rateLimit: ["us-east-1:100", "us-west-2:100", "eu-west-1:100"] });
    expect(task).not.toHaveProperty("uploadParallel");
  });

  it("names every DC holding replicas, and only those: not one still joining, not a lost one", () => {
    const [use1, usw2, euw1] = threeAwsRegions();
    const plan = fixturePlan(
      environment([use1, usw2, { ...euw1, phase: "lost" }, awsRegion("apse1", "ap-southeast-1", 3, { phase: "datacenter" })], {
        backups: { rateLimitMiBps: 50, uploadParallel: 2 },
      }),
    );
    const [task] = managerTasks(plan).backups;
    expect(task).toEqual({
      name: "backup",
      dc: ["us-east-1", "us-west-2"],
      location: ["us-east-1:s3:scylla-ha-test-us-east-1-backup", "us-west-2:s3:scylla-ha-test-us-west-2-backup"],
      cron: "0 2 * * *",
      retention: 7,
      rateLimit: ["us-east-1:50", "us-west-2:50"],
      uploadParallel: ["us-east-1:2", "us-west-2:2"],
    });
    expect(task!.location).toEqual(plan.regions.filter((r) => r.holdsReplicas && !r.lost).map(backupLocation));
  });

  it("is left out while no DC holds replicas (a new or restoring cluster)", () => {
    const plan = fixturePlan(environment([awsRegion("use1", "us-east-1", 0, { phase: "datacenter" })]));
    expect(managerTasks(plan).backups).toEqual([]);
    expect(managerTasks(plan).repairs).toHaveLength(1);
  });
});

describe("the repair task", () => {
  /** Minutes of the week at which a numeric five-field cron fires (days of month and months unrestricted). */
  function firings(cron: string): number[] {
    const [minute, hour, dom, month, dow] = cron.split(" ");
    expect([dom, month]).toEqual(["*", "*"]);
    const days = dow === "*" ? [0, 1, 2, 3, 4, 5, 6] : dow!.split(",").map((d) => Number(d) % 7);
    return days.map((d) => d * 1440 + Number(hour) * 60 + Number(minute)).sort((a, b) => a - b);
  }

  it("runs at least every 7 days, well inside the default gc_grace_seconds of 10 days", () => {
    const times = firings(REPAIR_CRON);
    const gaps = times.map((t, i) => (i + 1 < times.length ? times[i + 1]! - t : times[0]! + 7 * 1440 - t));
    const longestSeconds = Math.max(...gaps) * 60;
    expect(longestSeconds).toBe(7 * 86400);
    expect(DEFAULT_GC_GRACE_SECONDS - longestSeconds).toBeGreaterThanOrEqual(3 * 86400);
  });

  it("never overlaps the default backup hour", () => {
    expect(REPAIR_CRON.split(" ")[1]).not.toBe("2");
  });
});
