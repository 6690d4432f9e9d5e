/**
 * The policies over the real components: each break below is made in an
 * export of the prod synth, and the rule that guards it must name the
 * resource — proof that the rules read the shapes the components build.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { type StackExport, toStackExport } from "../cli/engine/export";
import { synthStack } from "./helpers/harness";

let prod: StackExport;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-int-"));

beforeAll(async () => {
  prod = toStackExport((await synthStack("prod")).resources);
}, 60_000);

async function violations(mutate: (resources: StackExport["deployment"]["resources"]) => void) {
  const doc = structuredClone(prod);
  mutate(doc.deployment.resources);
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  const out = await runCheck(["--export", file, "--format", "json"]);
  const all = JSON.parse(out.stdout).violations as Array<{ policy: string; urn: string; message: string }>;
  return { code: out.code, found: all };
}

describe("policies over the real prod components", () => {
  it("pass the unmodified prod synth", async () => {
    const { code, found } = await violations(() => {});
    expect([code, found]).toEqual([0, []]);
  });

  it("flag a backup bucket whose replication was removed", async () => {
    const { code, found } = await violations((rs) => {
      const i = rs.findIndex((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig" && r.urn.includes("prod-use1"));
      rs.splice(i, 1);
    });
    expect(code).toBe(1);
    expect(found.map((v) => v.policy)).toContain("backup-bucket-replication");
    expect(found.find((v) => v.policy === "backup-bucket-replication")!.urn).toMatch(/aws:s3\/bucket:Bucket::prod-use1/);
  });

  it("flag a Scylla node group spread over two zones", async () => {
    const { code, found } = await violations((rs) => {
      const group = rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.urn.endsWith("::prod-usw2-scylla-a"))!;
      const other = rs.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.urn.endsWith("::prod-usw2-private-us-west-2b"))!;
      group.propertyDependencies.subnetIds = [...group.propertyDependencies.subnetIds!, other.urn];
      (group.inputs.subnetIds as string[]).push(other.id!);
    });
    expect(code).toBe(1);
    expect(found.some((v) => v.urn.endsWith("::prod-usw2-scylla-a"))).toBe(true);
  });

  it("flag a private route table sent through another zone's NAT gateway", async () => {
    const { code, found } = await violations((rs) => {
      const route = rs.find((r) => r.type === "aws:ec2/route:Route" && r.urn.endsWith("::prod-euw1-private-eu-west-1b-default"))!;
      const nat = rs.find((r) => r.type === "aws:ec2/natGateway:NatGateway" && r.urn.endsWith("::prod-euw1-nat-eu-west-1a"))!;
      route.propertyDependencies.natGatewayId = [nat.urn];
      route.inputs.natGatewayId = nat.id;
    });
    expect(code).toBe(1);
    expect(found.map((v) => v.policy)).toContain("private-routes-via-zonal-nat");
  });
});
