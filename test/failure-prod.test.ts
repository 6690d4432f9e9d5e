/**
 * The failure-domain analysis on the real synth of prod: every zone, region,
 * control plane and NAT gateway survives; then each cross-resource single
 * point of failure, made by editing a copy of that synth, fails (or degrades)
 * the domain it should, naming the cause, and makes the check exit 1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { toStackExport } from "../cli/engine/export";
import type { RecordedResource } from "../cli/engine/recorded";
import { type FailureDomain, analyseFailureDomains } from "../policies/failure";
import { ResourceGraph } from "../policies/model/graph";
import { fromRecorded } from "../policies/model/load";
import { runCli } from "./helpers/cli";
import { synthStack } from "./helpers/harness";
import { RecordedEdit } from "./helpers/recorded-edit";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failure-prod-"));
const REGIONS = [
  ["eu-west-1", "euw1"],
  ["us-east-1", "use1"],
  ["us-west-2", "usw2"],
] as const;
const EAST = ["us-east-1a", "us-east-1b", "us-east-1c"];
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

let prod: readonly RecordedResource[];
beforeAll(async () => {
  prod = (await synthStack("prod")).resources;
});

const edit = () => new RecordedEdit(prod);

function domains(e: RecordedEdit): Map<string, FailureDomain> {
  return new Map(analyseFailureDomains(new ResourceGraph(fromRecorded(e.resources))).map((d) => [d.domain, d]));
}

const failing = (e: RecordedEdit) => [...domains(e).values()].filter((d) => !d.survives).map((d) => d.domain);

let files = 0;
/** The check over an export of the edited synth: exit code and `[policy, level]` of its violations. */
async function check(e: RecordedEdit) {
  const file = path.join(dir, `e${files++}.json`);
  fs.writeFileSync(file, JSON.stringify(toStackExport(e.resources)));
  const { code, stdout } = await runCheck(["--export", file, "--format", "json"]);
  const report = JSON.parse(stdout);
  return { code, policies: [...new Set(report.violations.map((v: { policy: string }) => v.policy))] };
}

/** Racks select their node group by its `scylla-ha.io/rack` label instead of by zone. */
function racksByPoolLabel(e: RecordedEdit): void {
  e.edit("prod-use1-scylla-cluster", (i) => {
    const racks = i.spec.datacenter.racks.map((r: any) => {
      const terms = r.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.map((t: any) => ({
        matchExpressions: [...t.matchExpressions.filter((x: any) => x.key !== "topology.kubernetes.io/zone"), { key: "scylla-ha.io/rack", operator: "In", values: [r.name] }],
      }));
      return { ...r, placement: { ...r.placement, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } };
    });
    return { ...i, spec: { ...i.spec, datacenter: { ...i.spec.datacenter, racks } } };
  });
}

const subnets = (...zones: string[]) => zones.map((z) => `prod-use1-private-${z}`);
const movePool = (e: RecordedEdit, pool: string, ...zones: string[]) => e.link(pool, "subnetIds", subnets(...zones), subnets(...zones).map((s) => `${s}-id`), NODE_GROUP);

/** A single-zone node group `<n>-ops` (label scylla-ha.io/pool: ops) copied from the system pool. */
function opsPool(e: RecordedEdit, n: string, zone: string): void {
  e.copy(`${n}-system`, `${n}-ops`, (i) => ({ ...i, labels: { "scylla-ha.io/pool": "ops" } }), NODE_GROUP);
  e.link(`${n}-ops`, "subnetIds", [`${n}-private-${zone}`], [`${n}-private-${zone}-id`], NODE_GROUP);
}

/** The S3 buckets prod's backup locations name, each replicating to `replicaOf(key)`'s region. */
function buckets(e: RecordedEdit, replica: (key: string) => string): void {
  for (const [, key] of REGIONS) e.add("aws:s3/bucket:Bucket", `prod-${key}-scylla-backups`, `prod-${key}-aws`, { bucket: `prod-${key}-scylla-backups` });
  for (const [, key] of REGIONS) {
    const target = replica(key);
    if (target.endsWith("-copy")) e.add("aws:s3/bucket:Bucket", target, `prod-${key}-aws`, { bucket: target });
    const destination = target.endsWith("-copy") ? target : `prod-${target}-scylla-backups`;
    e.add("aws:s3/bucketReplicationConfig:BucketReplicationConfig", `prod-${key}-scylla-backups-replication`, `prod-${key}-aws`, { bucket: `prod-${key}-scylla-backups`, rules: [{ id: "dr", status: "Enabled", destination: { bucket: `arn:aws:s3:::${destination}` } }] }, { bucket: [`prod-${key}-scylla-backups`], rules: [destination] });
  }
}

describe("failure domains of prod", () => {
  it("npm run check -- --stack prod --format json: every zone, region, control plane and NAT gateway survives", async () => {
    const { code, stdout } = await runCli(["check", "--stack", "prod", "--format", "json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const expected = REGIONS.flatMap(([region, key]) => [
      ["region", `aws:${region}`, true],
      ...["a", "b", "c"].map((z) => ["zone", `aws:${region}:${region}${z}`, true]),
      ["cluster", `prod-${key}-eks`, true],
      ...["a", "b", "c"].map((z) => ["nat", `prod-${key}-nat-${region}${z}`, true]),
    ]);
    // Then the link between each pair of datacenter regions.
    expected.push(["link", "link:eu-west-1~us-east-1", true], ["link", "link:eu-west-1~us-west-2", true], ["link", "link:us-east-1~us-west-2", true]);
    expect(report.failureDomains.map((d: FailureDomain) => [d.kind, d.domain, d.survives])).toEqual(expected);
    expect(report.failureDomains.flatMap((d: FailureDomain) => d.causes)).toEqual([]);
    expect(report.violations).toEqual([]);
    // Every DC's backup bucket is in the stack, so where its copies live is checked, not assumed.
    expect(report.failureDomains.flatMap((d: FailureDomain) => d.assumptions)).toEqual([]);
  });

  it("all private route tables converging on one NAT gateway", async () => {
    const e = edit();
    for (const z of ["us-east-1b", "us-east-1c"]) e.link(`prod-use1-private-${z}-default`, "natGatewayId", ["prod-use1-nat-us-east-1a"], "prod-use1-nat-us-east-1a-id");
    expect(failing(e)).toEqual([]);
    expect(domains(e).get("aws:us-east-1:us-east-1a")!.effects).toContain(
      "private subnets prod-use1-private-us-east-1b and prod-use1-private-us-east-1c (us-east-1b and us-east-1c) lose their default route through NAT gateway prod-use1-nat-us-east-1a in us-east-1a; node pools prod-use1-scylla-b, prod-use1-scylla-c and prod-use1-system cannot bring up nodes there",
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["private-routes-via-zonal-nat", "single-failure-contained"] });
  });

  it("a rack whose node pool's subnets sit in a different zone than its affinity", async () => {
    const e = edit();
    movePool(e, "prod-use1-scylla-a", "us-east-1b");
    expect(failing(e)).toEqual(["aws:us-east-1:us-east-1b", "aws:us-east-1:us-east-1c"]);
    expect(domains(e).get("aws:us-east-1:us-east-1b")!.causes).toEqual(
      ["app", "sessions"].map((k) => `datacenter us-east-1 loses LOCAL_QUORUM for keyspace ${k}: 1 of 3 replicas left, 2 needed (rack us-east-1b runs in us-east-1b; rack us-east-1a fits no node pool in us-east-1a, so it never runs; RF 3 on 2 running rack(s) puts more than one replica on a rack)`),
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["scylla-rack-zone-served", "no-single-failure-loses-quorum"] });
  });

  it("two racks served by node pools in the same zone", async () => {
    const e = edit();
    racksByPoolLabel(e);
    expect(failing(e)).toEqual([]);
    movePool(e, "prod-use1-scylla-b", "us-east-1a");
    expect(failing(e)).toEqual(["aws:us-east-1:us-east-1a"]);
    expect(domains(e).get("aws:us-east-1:us-east-1a")!.causes).toEqual(
      ["app", "sessions"].map((k) => `datacenter us-east-1 loses LOCAL_QUORUM for keyspace ${k}: 1 of 3 replicas left, 2 needed (rack us-east-1a runs in us-east-1a; rack us-east-1b runs in us-east-1a)`),
    );
    // The per-resource rules see racks without a zone pin; only the analysis sees that two of them share us-east-1a.
    expect(await check(e)).toEqual({ code: 1, policies: ["scylla-racks-distinct-zones", "scylla-keyspace-rf", "no-single-failure-loses-quorum"] });
  });

  it("a multi-zone node pool backing one rack", async () => {
    const e = edit();
    racksByPoolLabel(e);
    movePool(e, "prod-use1-scylla-a", ...EAST);
    expect(failing(e)).toEqual(["aws:us-east-1:us-east-1b", "aws:us-east-1:us-east-1c"]);
    expect(domains(e).get("aws:us-east-1:us-east-1c")!.causes).toEqual(
      ["app", "sessions"].map((k) => `datacenter us-east-1 loses LOCAL_QUORUM for keyspace ${k}: 1 of 3 replicas left, 2 needed (rack us-east-1a can run in us-east-1a, us-east-1b and us-east-1c (node pool prod-use1-scylla-a), so it may have every node in us-east-1c; rack us-east-1c runs in us-east-1c)`),
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["scylla-pool-single-zone", "scylla-racks-distinct-zones", "scylla-keyspace-rf", "no-single-failure-loses-quorum"] });
  });

  it("RF larger than the rack count", async () => {
    const e = edit();
    for (const [, key] of REGIONS) {
      e.edit(`prod-${key}-keyspaces`, (i) => ({ ...i, data: { "keyspaces.json": i.data["keyspaces.json"].replaceAll('"us-east-1":3', '"us-east-1":4') } }));
    }
    expect(failing(e)).toEqual(EAST.map((z) => `aws:us-east-1:${z}`));
    expect(domains(e).get("aws:us-east-1:us-east-1b")!.causes).toEqual(
      ["app", "sessions"].map((k) => `datacenter us-east-1 loses LOCAL_QUORUM for keyspace ${k}: 2 of 4 replicas left, 3 needed (rack us-east-1b runs in us-east-1b; RF 4 on 3 running rack(s) puts more than one replica on a rack)`),
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["scylla-keyspace-rf", "no-single-failure-loses-quorum"] });
  });

  it("a backup bucket whose only replica is in its own region", async () => {
    // Unmodified prod: each DC's bucket replicates to the next region (a ring), so every copy is checked.
    expect(failing(edit())).toEqual([]);
    expect(domains(edit()).get("aws:us-east-1")!.assumptions).toEqual([]);
    const e = edit();
    e.copy("prod-use1-backup-bucket", "prod-use1-backup-copy", (i) => ({ ...i, bucket: "scylla-ha-prod-us-east-1-backup-copy" }), "aws:s3/bucket:Bucket");
    const rules = e.find("prod-use1-backup-replication-config").inputs.rules as Array<{ destination: { bucket: string } }>;
    e.link(
      "prod-use1-backup-replication-config",
      "rules",
      ["prod-use1-backup-copy"],
      rules.map((r) => ({ ...r, destination: { ...r.destination, bucket: "arn:aws:s3:::scylla-ha-prod-us-east-1-backup-copy" } })),
    );
    expect(failing(e)).toEqual(["aws:us-east-1"]);
    expect(domains(e).get("aws:us-east-1")!.causes).toEqual([
      "no backup copy of datacenter us-east-1 survives: scylla-ha-prod-us-east-1-backup (us-east-1) and scylla-ha-prod-us-east-1-backup-copy (us-east-1) are all in us-east-1",
    ]);
    // The added copy is a bare bucket (no versioning, encryption…), so the hardening rule fires too.
    expect(await check(e)).toEqual({ code: 1, policies: ["backup-bucket-hardening", "backup-bucket-replication", "single-failure-contained"] });
  });

  it("Scylla Manager on a single-zone pool", async () => {
    const e = edit();
    opsPool(e, "prod-use1", "us-east-1b");
    e.edit("prod-use1-scylla-manager", (i) => ({ ...i, spec: { ...i.spec, template: { ...i.spec.template, spec: { ...i.spec.template.spec, nodeSelector: { "scylla-ha.io/pool": "ops" } } } } }), "kubernetes:apps/v1:Deployment");
    expect(failing(e)).toEqual([]);
    expect(domains(e).get("aws:us-east-1:us-east-1b")!.effects).toContain(
      "Scylla Manager cannot run until aws:us-east-1:us-east-1b returns (Deployment scylla-manager/scylla-manager: it fits only node pool prod-use1-ops in us-east-1b): backups and repairs of every datacenter stop",
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["single-failure-contained"] });
  });

  it("the only Prometheus on a single-zone pool", async () => {
    const e = edit();
    opsPool(e, "prod-usw2", "us-west-2a");
    e.edit("prod-usw2-prometheus", (i) => ({ ...i, spec: { ...i.spec, nodeSelector: { "scylla-ha.io/pool": "ops" } } }), "kubernetes:monitoring.coreos.com/v1:Prometheus");
    expect(domains(e).get("aws:us-west-2:us-west-2a")!.effects).toContain(
      "datacenter us-west-2 has no metrics or alerting until aws:us-west-2:us-west-2a returns: Prometheus scylla/scylla-prometheus: it fits only node pool prod-usw2-ops in us-west-2a",
    );
    expect(await check(e)).toEqual({ code: 1, policies: ["single-failure-contained"] });
  });
});
