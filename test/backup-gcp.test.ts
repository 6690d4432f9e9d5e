/**
 * The GCS backup buckets: staging (one region, dual-region bucket with
 * us-east1) and a production environment with two GCP regions. The second
 * copy is read from each bucket's own inputs, as the policies read it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { backupKeyLocation, dualRegionPlacement } from "../components/gcp/backup-settings";
import { environment, gcpRegion } from "./helpers/fixtures";
import { type RecordedResource, byUrn, named, ofType, providerOf, synthStack } from "./helpers/harness";

const BUCKET = "gcp:storage/bucket:Bucket";

let staging: SynthResult;
let production: SynthResult;

beforeAll(async () => {
  staging = await synthStack("staging");
  production = await synthStack(
    "test",
    environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41)], {
      backups: { transition: { days: 30, storageClass: "COLDLINE" } },
    }),
  );
});

const keyOf = (result: SynthResult, bucket: RecordedResource) => {
  const deps = (bucket.propertyDependencies.encryption ?? []).map((u) => byUrn(result.resources, u));
  expect(deps.map((d) => d.type), bucket.name).toEqual(["gcp:kms/cryptoKey:CryptoKey"]);
  return deps[0]!;
};

describe("a GCS backup bucket", () => {
  it("staging: a dual-region of its region and the replica region, on the region's provider", () => {
    const bucket = named(staging.resources, BUCKET, "staging-usc1-backup-bucket");
    expect(bucket.inputs).toMatchObject({
      name: "scylla-ha-staging-us-central1-backup",
      project: "scylla-ha-staging",
      location: "US",
      customPlacementConfig: { dataLocations: ["US-CENTRAL1", "US-EAST1"] },
      rpo: "DEFAULT",
    });
    expect(providerOf(staging.resources, bucket).inputs.region).toBe("us-central1");
  });

  it("production: turbo replication, and each region paired within its own multi-region", () => {
    expect(ofType(production.resources, BUCKET).map((b) => [b.inputs.name, b.inputs.location, (b.inputs.customPlacementConfig as { dataLocations: string[] }).dataLocations, b.inputs.rpo])).toEqual([
      ["scylla-ha-test-us-central1-backup", "US", ["US-CENTRAL1", "US-EAST1"], "ASYNC_TURBO"],
      ["scylla-ha-test-europe-west4-backup", "EU", ["EUROPE-WEST4", "EUROPE-WEST1"], "ASYNC_TURBO"],
    ]);
  });

  it.each(["staging", "production"])("%s: uniform access, public access prevention, versioning, lifecycle and soft delete", (which) => {
    const result = which === "staging" ? staging : production;
    for (const bucket of ofType(result.resources, BUCKET)) {
      expect(bucket.inputs).toMatchObject({
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        storageClass: "STANDARD",
        forceDestroy: false,
        softDeletePolicy: { retentionDurationSeconds: 604800 },
      });
      const rules = bucket.inputs.lifecycleRules as unknown[];
      expect(rules.slice(0, 2)).toEqual([
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
      ]);
      expect(rules.slice(2)).toEqual(
        which === "staging" ? [] : [{ action: { type: "SetStorageClass", storageClass: "COLDLINE" }, condition: { age: 30, withState: "LIVE" } }],
      );
    }
  });

  it.each(["staging", "production"])("%s: CMEK with a rotating key in the bucket's multi-region, usable by the GCS service agent first", (which) => {
    const result = which === "staging" ? staging : production;
    for (const bucket of ofType(result.resources, BUCKET)) {
      const key = keyOf(result, bucket);
      expect(key.inputs).toMatchObject({ purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" });
      const ring = byUrn(result.resources, key.propertyDependencies.keyRing![0]!);
      expect(ring.inputs.location).toBe(String(bucket.inputs.location).toLowerCase());
      const grants = ofType(result.resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").filter((g) => g.propertyDependencies.cryptoKeyId?.[0] === key.urn);
      expect(grants.map((g) => [g.inputs.role, g.inputs.member])).toEqual([
        ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com"],
      ]);
      expect(bucket.dependencies).toContain(grants[0]!.urn);
    }
  });

  it("protects and retains buckets and keys in production only", () => {
    const stateful = (result: SynthResult) => [
      ...ofType(result.resources, BUCKET),
      ...ofType(result.resources, BUCKET).map((b) => keyOf(result, b)),
    ];
    for (const r of stateful(production)) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, true, true]);
    for (const r of stateful(staging)) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, false, false]);
  });

  it("gives each region's agent object access to every bucket of the environment", () => {
    const grants = ofType(production.resources, "gcp:storage/bucketIAMMember:BucketIAMMember").sort((a, b) => a.name.localeCompare(b.name));
    expect(grants.map((g) => [g.name, g.inputs.role, byUrn(production.resources, g.propertyDependencies.bucket![0]!).inputs.name, g.inputs.member])).toEqual([
      ["test-euw4-agent-euw4", "roles/storage.objectUser", "scylla-ha-test-europe-west4-backup", "serviceAccount:agent-test-euw4@scylla-ha-test.iam.gserviceaccount.com"],
      ["test-euw4-agent-usc1", "roles/storage.objectUser", "scylla-ha-test-us-central1-backup", "serviceAccount:agent-test-euw4@scylla-ha-test.iam.gserviceaccount.com"],
      ["test-usc1-agent-euw4", "roles/storage.objectUser", "scylla-ha-test-europe-west4-backup", "serviceAccount:agent-test-usc1@scylla-ha-test.iam.gserviceaccount.com"],
      ["test-usc1-agent-usc1", "roles/storage.objectUser", "scylla-ha-test-us-central1-backup", "serviceAccount:agent-test-usc1@scylla-ha-test.iam.gserviceaccount.com"],
    ]);
  });
});

describe("dual-region placement", () => {
  it.each([
    ["us-central1", "us-east1", { location: "US", dataLocations: ["US-CENTRAL1", "US-EAST1"] }, "us"],
    ["europe-west4", "europe-west1", { location: "EU", dataLocations: ["EUROPE-WEST4", "EUROPE-WEST1"] }, "eu"],
    ["asia-east1", "asia-northeast1", { location: "ASIA", dataLocations: ["ASIA-EAST1", "ASIA-NORTHEAST1"] }, "asia"],
  ])("%s + %s", (region, replica, placement, keyLocation) => {
    expect(dualRegionPlacement(region, replica)).toEqual(placement);
    expect(backupKeyLocation(region)).toBe(keyLocation);
  });

  it.each([
    ["us-central1", "europe-west1"],
    ["southamerica-east1", "us-east1"],
  ])("refuses %s + %s (no common multi-region)", (region, replica) => {
    expect(() => dualRegionPlacement(region, replica)).toThrow("do not form a GCS dual-region");
  });
});
