import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { al2023AmiType, ec2Architecture } from "../components/aws/ami";
import {
  clusterEncryptionPolicy,
  flowLogsDeliveryPolicy,
  managedPolicyArn,
  partitionOf,
  podIdentityTrustPolicy,
  serviceTrustPolicy,
} from "../components/aws/iam-policies";
import { eksKubeconfig } from "../components/aws/kubeconfig";
import { SCYLLA_PEER_PORTS, meshPairs } from "../components/aws/mesh";
import {
  MIME_BOUNDARY,
  encodeUserData,
  kubeletCpuReservation,
  renderUserData,
  reservedCpuSet,
  scyllaNodeConfig,
} from "../components/aws/user-data";
import { EKS_ADDONS, EKS_ADDON_VERSIONS, addonVersion } from "../components/aws/versions";
import { instanceType, scyllaSizing, supportedInstanceTypes } from "../components/plan/sizing";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../components/plan/schema";

/** The Scylla node plan fields the user data reads, from the real sizing table. */
function node(name: string) {
  const type = instanceType("aws", name)!;
  return { vcpus: type.vcpus, arch: type.arch, resources: scyllaSizing(type, type.diskCounts[0]!).scylla };
}

/** Splits a MIME multipart document into its parts' headers and bodies. */
function mimeParts(text: string): Array<{ headers: string; body: string }> {
  const chunks = text.split(`--${MIME_BOUNDARY}`);
  return chunks.slice(1, -1).map((chunk) => {
    const [headers, ...body] = chunk.replace(/^\n/, "").split("\n\n");
    return { headers: headers!, body: body.join("\n\n") };
  });
}

describe("kubelet CPU reservation on Scylla nodes", () => {
  it.each([
    ["i4i.large", { cpuManagerPolicy: "static", systemReserved: { cpu: "100m" } }],
    ["i4i.xlarge", { cpuManagerPolicy: "static", systemReserved: { cpu: "100m" } }],
    ["i4i.2xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0" }],
    ["i4i.8xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0" }],
    ["i4i.12xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0,24" }],
    ["i3en.24xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0,48" }],
    ["i8g.2xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0" }],
    ["i8g.24xlarge", { cpuManagerPolicy: "static", reservedSystemCPUs: "0,1" }],
  ])("%s → %j", (type, expected) => {
    expect(kubeletCpuReservation(node(type))).toEqual(expected);
  });

  it("leaves room for ScyllaDB, the agent's 500m and 250m of DaemonSets on every supported type", () => {
    for (const type of supportedInstanceTypes("aws")) {
      const config = kubeletCpuReservation(node(type.name));
      const reserved = config.reservedSystemCPUs ? config.reservedSystemCPUs.split(",").length : 0.1;
      const allocatable = type.vcpus - reserved;
      expect(allocatable - Number(node(type.name).resources.cpu), type.name).toBeGreaterThanOrEqual(0.75);
    }
  });

  it.each([
    [1, 8, "x86_64", "0"],
    [2, 8, "x86_64", "0,4"],
    [3, 16, "x86_64", "0,1,8"],
    [4, 96, "x86_64", "0,1,48,49"],
    [2, 96, "arm64", "0,1"],
    [1, 2, "arm64", "0"],
  ] as const)("reserves %i CPUs of %i (%s) as %s", (count, vcpus, arch, expected) => {
    expect(reservedCpuSet(count, vcpus, arch)).toBe(expected);
  });

  it("refuses a split that gives ScyllaDB no whole CPU or every CPU", () => {
    expect(() => kubeletCpuReservation({ vcpus: 8, arch: "x86_64", resources: { cpu: "8", memory: "1Gi" } })).toThrow(
      "Scylla CPUs 8 must be a whole number below the node's 8 vCPUs",
    );
    expect(() => kubeletCpuReservation({ vcpus: 8, arch: "x86_64", resources: { cpu: "5500m", memory: "1Gi" } })).toThrow(
      "Scylla CPUs 5500m must be a whole number below the node's 8 vCPUs",
    );
  });
});

describe("launch template user data", () => {
  const text = renderUserData(scyllaNodeConfig(node("i4i.2xlarge")));

  it("is one nodeadm NodeConfig part in a MIME multipart document", () => {
    expect(text.split("\n").slice(0, 2)).toEqual(["MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`]);
    const parts = mimeParts(text);
    expect(parts.map((p) => p.headers)).toEqual(["Content-Type: application/node.eks.aws"]);
    expect(text.endsWith(`--${MIME_BOUNDARY}--\n`)).toBe(true);
    expect(parseYaml(parts[0]!.body)).toEqual({
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: { kubelet: { config: { cpuManagerPolicy: "static", reservedSystemCPUs: "0" } } },
    });
  });

  it("quotes the CPU set so the kubelet reads a string, not a number", () => {
    expect(text).toContain('reservedSystemCPUs: "0"\n');
    expect(text).toMatchSnapshot();
  });

  it("is base64 for EC2 and decodes back unchanged", () => {
    const encoded = encodeUserData(text);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(encoded, "base64").toString("utf8")).toBe(text);
  });
});

describe("AMI types", () => {
  it.each([
    ["x86_64", "AL2023_x86_64_STANDARD"],
    ["arm64", "AL2023_ARM_64_STANDARD"],
  ] as const)("%s nodes run %s", (arch, ami) => {
    expect(al2023AmiType(arch)).toBe(ami);
  });

  it.each([
    ["m7i.xlarge", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["m7g.xlarge", "arm64"],
    ["c7gn.2xlarge", "arm64"],
    ["t4g.medium", "arm64"],
    ["im4gn.large", "arm64"],
    ["is4gen.xlarge", "arm64"],
    ["g5.xlarge", "x86_64"],
    ["g5g.xlarge", "arm64"],
  ] as const)("%s is %s", (type, arch) => {
    expect(ec2Architecture(type)).toBe(arch);
  });

  it("agrees with the sizing table for every supported Scylla type", () => {
    for (const type of supportedInstanceTypes("aws")) expect(ec2Architecture(type.name), type.name).toBe(type.arch);
  });
});

describe("EKS add-on versions", () => {
  it("pins every add-on for every Kubernetes version the config accepts", () => {
    expect(Object.keys(EKS_ADDON_VERSIONS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(Object.keys(EKS_ADDON_VERSIONS[minor]).sort(), minor).toEqual([...EKS_ADDONS].sort());
      for (const addon of EKS_ADDONS) expect(addonVersion(minor, addon), `${minor} ${addon}`).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });

  it("keeps kube-proxy on the cluster's own minor", () => {
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) expect(addonVersion(minor, "kube-proxy")).toMatch(new RegExp(`^v${minor.replace(".", "\\.")}\\.`));
  });

  it("refuses a minor with no pinned row", () => {
    expect(() => addonVersion("1.30", "coredns")).toThrow("no EKS add-on versions pinned for Kubernetes 1.30; components/aws/versions.ts has 1.33, 1.34, 1.35, 1.36");
  });
});

describe("IAM documents", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-west-1", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
  ])("%s is in partition %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it("builds managed policy ARNs in the region's partition", () => {
    expect(managedPolicyArn("us-east-1", "AmazonEKSClusterPolicy")).toBe("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
    expect(managedPolicyArn("us-gov-east-1", "service-role/AmazonEBSCSIDriverPolicy")).toBe("arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
  });

  it("trusts exactly the named service, and Pod Identity with session tags", () => {
    expect(serviceTrustPolicy("eks.amazonaws.com")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(podIdentityTrustPolicy().Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
  });

  it("scopes flow-log delivery and key use to the one resource", () => {
    const arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/dev-use1/flow-logs";
    expect(flowLogsDeliveryPolicy(arn).Statement).toEqual([
      {
        Sid: "DeliverFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        Resource: [arn, `${arn}:*`],
      },
    ]);
    expect(clusterEncryptionPolicy("arn:aws:kms:us-east-1:123456789012:key/k").Statement[0]).toMatchObject({
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
      Resource: "arn:aws:kms:us-east-1:123456789012:key/k",
    });
  });
});

describe("kubeconfig", () => {
  it("authenticates with aws eks get-token for the cluster's own region", () => {
    const config = JSON.parse(eksKubeconfig({ clusterName: "prod-usw2", region: "us-west-2", endpoint: "https://x.eks.amazonaws.com", certificateAuthorityData: "Q0E=" }));
    expect(config["current-context"]).toBe("prod-usw2");
    expect(config.clusters).toEqual([{ name: "prod-usw2", cluster: { server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } }]);
    expect(config.users[0].user.exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "prod-usw2", "--region", "us-west-2", "--output", "json"],
      interactiveMode: "Never",
    });
  });
});

describe("cross-region mesh", () => {
  it("pairs every region once, the earlier one first", () => {
    expect(meshPairs(["use1", "usw2", "euw1", "apse1"])).toEqual([
      ["use1", "usw2"],
      ["use1", "euw1"],
      ["use1", "apse1"],
      ["usw2", "euw1"],
      ["usw2", "apse1"],
      ["euw1", "apse1"],
    ]);
    expect(meshPairs(["use1"])).toEqual([]);
  });

  it("opens exactly the ScyllaDB ports", () => {
    expect(SCYLLA_PEER_PORTS.map((p) => p.port)).toEqual([7000, 7001, 9042, 9142, 19042, 19142, 10001, 9180, 5090]);
  });
});
