/**
 * A group of EKS managed add-ons at the versions pinned for the cluster's
 * Kubernetes minor. Add-ons come in two groups because of ordering: node
 * agents (DaemonSets) before the node groups, cluster services
 * (Deployments) after them — see `versions.ts`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionPlan } from "../plan";
import { EBS_CSI_POLICY, eksClusterArn, managedPolicyArn, podIdentityTrustPolicy } from "./iam-policies";
import { type EksAddonName, addonVersion } from "./versions";

export interface EksAddonsArgs {
  /** The cluster the add-ons install into. */
  readonly clusterName: pulumi.Input<string>;
  /** Kubernetes minor of the cluster; picks the pinned versions. */
  readonly kubernetesVersion: string;
  /** The region plan (for the IAM partition). */
  readonly region: RegionPlan;
  /** Which add-ons this group installs. */
  readonly addons: readonly EksAddonName[];
  /** The region's explicit AWS provider; every child uses it. */
  readonly provider: aws.Provider;
  /**
   * Account the Pod Identity role trusts EKS for (`aws:SourceAccount`, and the cluster as `aws:SourceArn`).
   * @default - no source condition (no deployer account declared)
   */
  readonly accountId?: string;
  /**
   * `configurationValues` per add-on (see addon-config.ts), serialised as the JSON EKS takes.
   * @default {} (every add-on on its defaults)
   */
  readonly configurationValues?: Readonly<Partial<Record<EksAddonName, Record<string, unknown>>>>;
  /**
   * Resources every add-on in the group waits for (node groups, for services that need nodes).
   * @default []
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** The EBS CSI controller's service account (the add-on's default). */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

export class EksAddons extends pulumi.ComponentResource {
  /** The add-ons by name. */
  readonly addons: Readonly<Partial<Record<EksAddonName, aws.eks.Addon>>>;
  /** Every add-on of the group, in the order given. */
  readonly all: readonly aws.eks.Addon[];

  constructor(name: string, args: EksAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:EksAddons", name, {}, opts);
    const { provider, region } = args;
    const dependsOn = [...(args.dependsOn ?? [])];
    const child = { parent: this, provider };

    const addons: Partial<Record<EksAddonName, aws.eks.Addon>> = {};
    for (const addon of args.addons) {
      const identity = addon === "aws-ebs-csi-driver" ? this.ebsCsiIdentity(name, region, args.accountId, child) : undefined;
      const values = args.configurationValues?.[addon];
      addons[addon] = new aws.eks.Addon(
        `${name}-${addon}`,
        {
          clusterName: args.clusterName,
          addonName: addon,
          addonVersion: addonVersion(args.kubernetesVersion, addon),
          // The stack owns these add-ons: a manual edit is drift, and the next `up` puts the declared state back.
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...(values ? { configurationValues: JSON.stringify(values) } : {}),
          ...(identity ? { podIdentityAssociations: [{ roleArn: identity.role.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }] } : {}),
        },
        { ...child, dependsOn: [...dependsOn, ...(identity ? [identity.attachment] : [])] },
      );
    }
    this.addons = addons;
    this.all = args.addons.map((a) => addons[a]!);
    this.registerOutputs({});
  }

  /** The EBS CSI controller gets its AWS credentials through EKS Pod Identity (no OIDC trust policy to template). */
  private ebsCsiIdentity(name: string, region: RegionPlan, accountId: string | undefined, child: pulumi.CustomResourceOptions) {
    const source = accountId ? { account: accountId, arn: eksClusterArn(region.region, accountId, region.clusterName) } : undefined;
    const role = new aws.iam.Role(`${name}-ebs-csi-role`, { assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy(source)) }, child);
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi-policy`,
      { role: role.name, policyArn: managedPolicyArn(region.region, EBS_CSI_POLICY) },
      child,
    );
    return { role, attachment };
  }
}
