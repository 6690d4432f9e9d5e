import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { EKS_ADDON_VERSIONS } from "../components/aws/versions";
import { T, inRegion, privateRouteTables, subnetsOfRouteTable } from "./helpers/aws";
import { awsRegion, environment } from "./helpers/fixtures";
import { named, ofType, synthStack } from "./helpers/harness";

const REGIONS = [
  ["prod-use1", "us-east-1", "172.20.0.0/16"],
  ["prod-usw2", "us-west-2", "172.21.0.0/16"],
  ["prod-euw1", "eu-west-1", "172.22.0.0/16"],
] as const;

let prod: SynthResult;
let dev: SynthResult;
let restricted: SynthResult;

beforeAll(async () => {
  prod = await synthStack("prod");
  dev = await synthStack("dev");
  restricted = await synthStack(
    "restricted",
    environment([awsRegion("use1", "us-east-1", 0, { publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] })], {
      environment: { name: "restricted", tier: "production", kubernetesVersion: "1.36" },
    }),
  );
});

describe("EKS cluster (prod)", () => {
  it.each(REGIONS)("%s: pinned version, private endpoint only, the planned service range", (name, region, serviceCidr) => {
    const [cluster, ...rest] = inRegion(prod.resources, T.cluster, region);
    expect(rest).toEqual([]);
    expect(cluster!.name).toBe(`${name}-eks`);
    expect(cluster!.inputs).toMatchObject({
      name,
      version: "1.34",
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: serviceCidr },
      bootstrapSelfManagedAddons: false,
      deletionProtection: true,
      upgradePolicy: { supportType: "EXTENDED" },
    });
    const vpc = cluster!.inputs.vpcConfig as Record<string, unknown>;
    expect(vpc).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
      subnetIds: ["a", "b", "c"].map((l) => `${name}-private-${region}${l}-id`),
    });
  });

  it.each(REGIONS)("%s: secrets envelope-encrypted with a rotating KMS key the cluster role may use", (name) => {
    const cluster = named(prod.resources, T.cluster, `${name}-eks`);
    const key = named(prod.resources, T.kmsKey, `${name}-secrets-key`);
    expect(cluster.inputs.encryptionConfig).toMatchObject({ resources: ["secrets"] });
    expect(cluster.propertyDependencies.encryptionConfig).toEqual([key.urn]);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(named(prod.resources, T.kmsAlias, `${name}-secrets-alias`).inputs.name).toBe(`alias/${name}-eks-secrets`);
    const grant = named(prod.resources, T.rolePolicy, `${name}-cluster-encryption`);
    expect(grant.propertyDependencies.policy).toEqual([key.urn]);
    expect(cluster.dependencies).toContain(grant.urn);
  });

  it.each(REGIONS)("%s: all five control-plane log types into a pre-created, retained log group", (name) => {
    const cluster = named(prod.resources, T.cluster, `${name}-eks`);
    expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const logGroup = named(prod.resources, T.logGroup, `${name}-control-plane`);
    expect(logGroup.inputs).toEqual({ name: `/aws/eks/${name}/cluster`, retentionInDays: 365 });
    expect(cluster.dependencies).toContain(logGroup.urn);
  });

  it.each(REGIONS)("%s: access entries (API mode) with no creator bootstrap, and an OIDC provider for IRSA", (name) => {
    const cluster = named(prod.resources, T.cluster, `${name}-eks`);
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    const oidc = named(prod.resources, T.oidc, `${name}-oidc`);
    expect(oidc.inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
    expect(oidc.propertyDependencies.url).toEqual([cluster.urn]);
  });

  it.each(REGIONS)("%s: cluster and node roles carry the AWS managed policies", (name) => {
    const attached = (role: string) =>
      ofType(prod.resources, T.attachment)
        .filter((a) => a.propertyDependencies.role?.[0] === named(prod.resources, T.role, role).urn)
        .map((a) => a.inputs.policyArn);
    expect(attached(`${name}-cluster-role`)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    expect(attached(`${name}-node-role`)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    expect(attached(`${name}-cluster-services-ebs-csi-role`)).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    expect(JSON.parse(String(named(prod.resources, T.role, `${name}-node-role`).inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
      Service: "ec2.amazonaws.com",
    });
  });

  it.each(REGIONS)("%s: five managed add-ons at the versions pinned for 1.34", (name, region) => {
    const addons = inRegion(prod.resources, T.addon, region);
    expect(Object.fromEntries(addons.map((a) => [a.inputs.addonName, a.inputs.addonVersion]))).toEqual(EKS_ADDON_VERSIONS["1.34"]);
    for (const addon of addons) {
      expect(addon.inputs).toMatchObject({ clusterName: name, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
    }
  });

  it.each(REGIONS)("%s: node agents install before every node group, cluster services after all of them", (name, region) => {
    const groups = inRegion(prod.resources, T.nodeGroup, region);
    expect(groups).toHaveLength(4);
    for (const agent of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
      const urn = named(prod.resources, T.addon, `${name}-node-agents-${agent}`).urn;
      for (const group of groups) expect(group.dependencies, `${group.name} waits for ${agent}`).toContain(urn);
    }
    for (const service of ["coredns", "aws-ebs-csi-driver"]) {
      const addon = named(prod.resources, T.addon, `${name}-cluster-services-${service}`);
      for (const group of groups) expect(addon.dependencies, `${service} waits for ${group.name}`).toContain(group.urn);
    }
  });

  it.each(REGIONS)("%s: the EBS CSI controller gets its role through Pod Identity", (name) => {
    const addon = named(prod.resources, T.addon, `${name}-cluster-services-aws-ebs-csi-driver`);
    const role = named(prod.resources, T.role, `${name}-cluster-services-ebs-csi-role`);
    expect((addon.inputs.podIdentityAssociations as Array<Record<string, unknown>>).map((a) => a.serviceAccount)).toEqual(["ebs-csi-controller-sa"]);
    expect(addon.propertyDependencies.podIdentityAssociations).toEqual([role.urn]);
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      // Only for this account's cluster (confused deputy).
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": `arn:aws:eks:${REGIONS.find((r) => r[0] === name)![1]}:123456789012:cluster/${name}` },
      },
    });
  });

  it("puts the control plane in the private subnets of every zone", () => {
    for (const [name, region] of REGIONS) {
      const subnets = (named(prod.resources, T.cluster, `${name}-eks`).inputs.vpcConfig as { subnetIds: string[] }).subnetIds;
      const privateSubnets = privateRouteTables(prod.resources, region).flatMap((t) => subnetsOfRouteTable(prod.resources, t).map((s) => s.id));
      expect([...subnets].sort()).toEqual(privateSubnets.sort());
    }
  });
});

describe("EKS cluster outside production and with a restricted public endpoint", () => {
  it("dev: no deletion protection, standard support, shorter log retention, public endpoint only for the deployer's egress", () => {
    const cluster = named(dev.resources, T.cluster, "dev-use1-eks");
    expect(cluster.inputs).toMatchObject({ deletionProtection: false, upgradePolicy: { supportType: "STANDARD" }, version: "1.34" });
    expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    expect(named(dev.resources, T.logGroup, "dev-use1-control-plane").inputs.retentionInDays).toBe(30);
  });

  it("opens the public endpoint only to the configured CIDRs", () => {
    const cluster = named(restricted.resources, T.cluster, "restricted-use1-eks");
    expect(cluster.inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
    });
  });

  it("follows the configured Kubernetes version for the cluster, node groups and add-ons", () => {
    expect(named(restricted.resources, T.cluster, "restricted-use1-eks").inputs.version).toBe("1.36");
    expect(new Set(ofType(restricted.resources, T.nodeGroup).map((g) => g.inputs.version))).toEqual(new Set(["1.36"]));
    const versions = Object.fromEntries(ofType(restricted.resources, T.addon).map((a) => [a.inputs.addonName, a.inputs.addonVersion]));
    expect(versions).toEqual(EKS_ADDON_VERSIONS["1.36"]);
  });
});
