/**
 * Pinned EKS managed add-on versions per Kubernetes minor. An add-on left to
 * "latest" changes under a running cluster on the next `pulumi up` after AWS
 * publishes a build, so every version here is explicit and moves only in a
 * reviewed commit. Before bumping, list what AWS offers for the minor:
 *
 *   aws eks describe-addon-versions --kubernetes-version 1.34 --addon-name coredns \
 *     --query 'addons[].addonVersions[].addonVersion'
 *
 * Every minor the config accepts (`SUPPORTED_KUBERNETES_VERSIONS`) must have a
 * row; a test enforces it, so adding a minor to the schema fails until its
 * add-ons are pinned here.
 */
import type { SUPPORTED_KUBERNETES_VERSIONS } from "../plan/schema";

export type KubernetesMinor = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * Add-ons every node needs before it can turn Ready: the CNI, the service
 * proxy and the credential agent run as DaemonSets, so they install on an
 * empty cluster and must exist before the first node group (the cluster is
 * created without the self-managed defaults).
 */
export const NODE_AGENT_ADDONS: readonly EksAddonName[] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];

/**
 * Add-ons that run as Deployments: they only report ACTIVE once nodes can run
 * their pods, so they are created after the node groups.
 */
export const CLUSTER_SERVICE_ADDONS: readonly EksAddonName[] = ["coredns", "aws-ebs-csi-driver"];

export const EKS_ADDON_VERSIONS: Readonly<Record<KubernetesMinor, Readonly<Record<EksAddonName, string>>>> = {
  "1.33": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.33.5-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.12.3-eksbuild.1",
    "aws-ebs-csi-driver": "v1.55.0-eksbuild.2",
  },
  "1.34": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.34.3-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.2-eksbuild.1",
    "aws-ebs-csi-driver": "v1.55.0-eksbuild.2",
  },
  "1.35": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.35.0-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.2-eksbuild.1",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
  },
  "1.36": {
    "vpc-cni": "v1.22.4-eksbuild.3",
    "kube-proxy": "v1.36.0-eksbuild.21",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.14.3-eksbuild.16",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
  },
};

/** The pinned version of one add-on for a Kubernetes minor; throws for a minor with no row. */
export function addonVersion(kubernetesVersion: string, addon: EksAddonName): string {
  const row = (EKS_ADDON_VERSIONS as Record<string, Record<EksAddonName, string> | undefined>)[kubernetesVersion];
  if (!row) {
    const known = Object.keys(EKS_ADDON_VERSIONS).join(", ");
    throw new Error(`no EKS add-on versions pinned for Kubernetes ${kubernetesVersion}; components/aws/versions.ts has ${known}`);
  }
  return row[addon];
}
