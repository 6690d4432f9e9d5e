import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { SynthResult } from "../cli/engine/synthesize";
import { UNKNOWN } from "../cli/engine/recorded";
import { MIME_BOUNDARY } from "../components/aws/user-data";
import { T, byId, inRegion, zoneOfSubnet } from "./helpers/aws";
import { awsRegion, environment } from "./helpers/fixtures";
import { type RecordedResource, named, ofType, synthStack } from "./helpers/harness";

const REGIONS = [
  ["prod-use1", "us-east-1"],
  ["prod-usw2", "us-west-2"],
  ["prod-euw1", "eu-west-1"],
] as const;

const SCYLLA_TAINT = { key: "scylla-operator.scylladb.com/dedicated", value: "scyllaclusters", effect: "NO_SCHEDULE" };

let prod: SynthResult;
let graviton: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  graviton = await synthStack(
    "arm",
    environment([awsRegion("use1", "us-east-1", 0, { scylla: { instanceType: "i8g.4xlarge", nodesPerRack: 3 }, system: { instanceType: "m7g.large", nodesPerZone: 2 } })], {
      environment: { name: "arm", tier: "development" },
    }),
  );
});

const isScylla = (g: RecordedResource) => (g.inputs.labels as Record<string, string>)["scylla.scylladb.com/node-type"] === "scylla";

/** The nodeadm NodeConfig inside a launch template's base64 MIME user data. */
function nodeConfigOf(template: RecordedResource): Record<string, unknown> {
  const text = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
  const part = text.split(`--${MIME_BOUNDARY}`)[1]!;
  expect(part).toContain("Content-Type: application/node.eks.aws");
  return parseYaml(part.slice(part.indexOf("\n---\n") + 1));
}

describe("Scylla node groups (prod)", () => {
  it.each(REGIONS)("%s: one group per rack, each in exactly one zone, no two racks sharing a zone", (name, region) => {
    const racks = inRegion(prod.resources, T.nodeGroup, region).filter(isScylla);
    expect(racks.map((g) => g.name)).toEqual([`${name}-scylla-a`, `${name}-scylla-b`, `${name}-scylla-c`]);
    // The scheme GKE pools were renamed to; EKS groups always had it, so they carry no alias.
    expect(racks.map((g) => g.aliases)).toEqual([undefined, undefined, undefined]);
    const zones = racks.map((g) => {
      const subnetZones = new Set((g.inputs.subnetIds as string[]).map((id) => zoneOfSubnet(prod.resources, id)));
      expect(subnetZones.size, g.name).toBe(1);
      return [...subnetZones][0];
    });
    expect(zones).toEqual([`${region}a`, `${region}b`, `${region}c`]);
    for (const g of racks) expect((g.inputs.labels as Record<string, string>)["scylla-ha.io/rack"]).toBe(zones[racks.indexOf(g)]);
  });

  it.each(REGIONS)("%s: dedicated, tainted, on-demand NVMe nodes that roll one at a time and are never auto-repaired", (name, region) => {
    const group = named(prod.resources, T.nodeGroup, `${name}-scylla-b`);
    expect(group.inputs).toMatchObject({
      clusterName: name,
      nodeGroupName: "scylla-b",
      version: "1.34",
      amiType: "AL2023_x86_64_STANDARD",
      instanceTypes: ["i4i.2xlarge"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 3 },
      updateConfig: { maxUnavailable: 1 },
      nodeRepairConfig: { enabled: false },
    });
    expect(group.inputs.labels).toEqual({ "scylla.scylladb.com/node-type": "scylla", "scylla-ha.io/pool": "scylla", "scylla-ha.io/rack": `${region}b` });
    expect(group.inputs.taints).toEqual([SCYLLA_TAINT]);
    expect(group.protect).toBe(true);
  });

  it.each(REGIONS)("%s: racks roll one after another", (name) => {
    const [a, b, c] = ["a", "b", "c"].map((l) => named(prod.resources, T.nodeGroup, `${name}-scylla-${l}`));
    expect(a!.dependencies).not.toContain(b!.urn);
    expect(b!.dependencies).toContain(a!.urn);
    expect(c!.dependencies).toContain(b!.urn);
  });

  it.each(REGIONS)("%s: AL2023 launch template with IMDSv2, hop limit 1 (no pod reaches IMDS), and the static CPU manager", (name) => {
    const group = named(prod.resources, T.nodeGroup, `${name}-scylla-a`);
    const template = byId(prod.resources, (group.inputs.launchTemplate as { id: string }).id);
    expect(template.name).toBe(`${name}-scylla-a-lt`);
    expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(template.inputs).not.toHaveProperty("imageId");
    expect(template.inputs.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
    expect(nodeConfigOf(template)).toEqual({
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: { kubelet: { config: { cpuManagerPolicy: "static", reservedSystemCPUs: "0" } } },
    });
  });

  it.each(REGIONS)("%s: Scylla nodes carry the EKS cluster security group and the Scylla node group", (name) => {
    const template = named(prod.resources, T.launchTemplate, `${name}-scylla-c-lt`);
    // The cluster group's id is computed by EKS, so a first preview does not know it.
    expect(template.inputs.vpcSecurityGroupIds).toEqual([UNKNOWN, `${name}-scylla-nodes-id`]);
    expect(template.propertyDependencies.vpcSecurityGroupIds).toEqual([
      named(prod.resources, T.cluster, `${name}-eks`).urn,
      named(prod.resources, T.securityGroup, `${name}-scylla-nodes`).urn,
    ]);
  });
});

describe("system node group (prod)", () => {
  it.each(REGIONS)("%s: spans the private subnets of every zone, untainted, on demand, sized from the plan", (name, region) => {
    const group = named(prod.resources, T.nodeGroup, `${name}-system`);
    expect(group.inputs).toMatchObject({
      nodeGroupNamePrefix: "system-",
      amiType: "AL2023_x86_64_STANDARD",
      instanceTypes: ["m7i.xlarge"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 },
      updateConfig: { maxUnavailable: 1 },
    });
    expect(group.inputs.labels).toEqual({ "scylla-ha.io/pool": "system" });
    expect(group.inputs).not.toHaveProperty("taints");
    expect((group.inputs.subnetIds as string[]).map((id) => zoneOfSubnet(prod.resources, id))).toEqual([`${region}a`, `${region}b`, `${region}c`]);
    expect(group.protect).toBe(false);
    const template = byId(prod.resources, (group.inputs.launchTemplate as { id: string }).id);
    expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(template.inputs).not.toHaveProperty("userData");
    expect(template.inputs).not.toHaveProperty("vpcSecurityGroupIds");
  });
});

describe("node groups on Graviton (i8g, m7g)", () => {
  it("run the AL2023 ARM image and reserve whole CPUs without pairing hyper-threads", () => {
    const groups = ofType(graviton.resources, T.nodeGroup);
    expect(groups.map((g) => [g.name, g.inputs.amiType, g.inputs.scalingConfig])).toEqual([
      ["arm-use1-system", "AL2023_ARM_64_STANDARD", { minSize: 6, desiredSize: 6, maxSize: 12 }],
      ["arm-use1-scylla-a", "AL2023_ARM_64_STANDARD", { minSize: 3, desiredSize: 3, maxSize: 4 }],
      ["arm-use1-scylla-b", "AL2023_ARM_64_STANDARD", { minSize: 3, desiredSize: 3, maxSize: 4 }],
      ["arm-use1-scylla-c", "AL2023_ARM_64_STANDARD", { minSize: 3, desiredSize: 3, maxSize: 4 }],
    ]);
    expect(groups.map((g) => g.protect)).toEqual([false, false, false, false]);
    const config = nodeConfigOf(named(graviton.resources, T.launchTemplate, "arm-use1-scylla-a-lt"));
    expect(config).toMatchObject({ spec: { kubelet: { config: { cpuManagerPolicy: "static", reservedSystemCPUs: "0" } } } });
  });
});
