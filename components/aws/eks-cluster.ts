/**
 * One region's EKS control plane and its identities: the cluster (pinned
 * version, private endpoint, KMS-encrypted secrets, every control-plane log),
 * the cluster and node IAM roles, and the OIDC provider for IRSA. Access is
 * granted through EKS access entries; the aws-auth ConfigMap is never used.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsNetworkPlan, EnvironmentPlan, RegionPlan } from "../plan";
import { CLUSTER_ROLE_POLICIES, NODE_ROLE_POLICIES, clusterEncryptionPolicy, managedPolicyArn, serviceTrustPolicy } from "./iam-policies";
import { statefulOptions } from "../tags";
import { EksClusterAccess } from "./cluster-access";

/** Every control-plane log type EKS can ship to CloudWatch. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EksClusterArgs {
  /** The environment plan (Kubernetes version, tier). */
  readonly plan: EnvironmentPlan;
  /** The region plan (cluster name, region). */
  readonly region: RegionPlan;
  /** The region's AWS network plan (service range, public access CIDRs). */
  readonly network: AwsNetworkPlan;
  /** Private subnets, one per zone, for the control-plane ENIs. */
  readonly subnetIds: readonly pulumi.Input<string>[];
  /** The region's explicit AWS provider; every child uses it. */
  readonly provider: aws.Provider;
  /**
   * Days control-plane logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

export class EksCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  /** Physical cluster name (= the region plan's `clusterName`). */
  readonly clusterName: pulumi.Output<string>;
  /** Security group EKS creates for the control plane and nodes to share. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** Role every managed node group's instances assume. */
  readonly nodeRole: aws.iam.Role;
  /** The node role's policy attachments; node groups wait for them (nodes without the CNI policy never turn Ready). */
  readonly nodeRolePolicies: readonly aws.iam.RolePolicyAttachment[];
  /** IRSA: the cluster's OIDC issuer URL and its IAM identity provider. */
  readonly oidcIssuer: pulumi.Output<string>;
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  /** KMS key that envelope-encrypts Kubernetes secrets. */
  readonly secretsKey: aws.kms.Key;
  /** Access entries of the declared principals and the deployer's 443 path. */
  readonly access: EksClusterAccess;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:EksCluster", name, {}, opts);
    const { plan, region, network, provider } = args;
    const logRetentionDays = args.logRetentionDays ?? 90;
    const child = { parent: this, provider };
    // The public endpoint admits the region's own list and the deployer's public egress ranges, nothing else.
    const publicAccessCidrs = [...new Set([...network.publicAccessCidrs, ...(plan.deployer?.publicCidrs ?? [])])];
    const publicAccess = publicAccessCidrs.length > 0;

    this.secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `Envelope encryption of Kubernetes secrets in ${region.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      // Losing this key makes every Kubernetes Secret of the cluster unreadable.
      { ...child, ...statefulOptions(plan) },
    );
    new aws.kms.Alias(`${name}-secrets-alias`, { name: `alias/${region.clusterName}-eks-secrets`, targetKeyId: this.secretsKey.keyId }, child);

    const clusterRole = new aws.iam.Role(`${name}-cluster-role`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")) }, child);
    const clusterPolicies = CLUSTER_ROLE_POLICIES.map(
      (policy) => new aws.iam.RolePolicyAttachment(`${name}-cluster-${policy}`, { role: clusterRole.name, policyArn: managedPolicyArn(region.region, policy) }, child),
    );
    const encryptionPolicy = new aws.iam.RolePolicy(
      `${name}-cluster-encryption`,
      { role: clusterRole.id, policy: this.secretsKey.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))) },
      child,
    );

    // EKS creates this group itself, with no retention, unless it already exists.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, { name: `/aws/eks/${region.clusterName}/cluster`, retentionInDays: logRetentionDays }, child);

    this.cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: region.clusterName,
        version: plan.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: [...args.subnetIds],
          endpointPrivateAccess: true,
          endpointPublicAccess: publicAccess,
          ...(publicAccess ? { publicAccessCidrs } : {}),
        },
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: network.serviceCidr },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.secretsKey.arn } },
        enabledClusterLogTypes: [...EKS_LOG_TYPES],
        // With declared principals, access is exactly their access entries (EksClusterAccess): the
        // creator gets no implicit admin, so rotating the deploy role locks no one out. Without a
        // deployer the creator's bootstrap admin is the only way in (the deploy-path policies flag it).
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: plan.deployer?.aws === undefined },
        // The managed add-ons replace the self-managed defaults; installing both would race.
        bootstrapSelfManagedAddons: false,
        // At the end of standard support EKS upgrades STANDARD clusters by itself; production stays on its
        // pinned version (paying for extended support) until the config moves it, other tiers take the upgrade.
        upgradePolicy: { supportType: plan.tier === "production" ? "EXTENDED" : "STANDARD" },
        deletionProtection: plan.tier === "production",
        tags: { Name: region.clusterName },
      },
      {
        ...child,
        dependsOn: [...clusterPolicies, encryptionPolicy, logGroup],
        // ForceNew in the provider, and EKS never reports it back (terraform-provider-aws
        // internal/service/eks/cluster.go, schema `bootstrap_cluster_creator_admin_permissions`:
        // ForceNew, Default true; read sets it from config, containers-roadmap#185): a later change
        // must not replace the cluster, so only creation decides it.
        ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
      },
    );
    this.clusterName = this.cluster.name;
    this.access = new EksClusterAccess(`${name}-access`, { region, deployer: plan.deployer, cluster: this.cluster, provider }, { parent: this });
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    this.oidcIssuer = this.cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? "");
    // IAM trusts EKS issuers through its own CA store, so no thumbprint is pinned (it would only go stale).
    this.oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: this.oidcIssuer, clientIdLists: ["sts.amazonaws.com"] }, child);

    this.nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, child);
    this.nodeRolePolicies = NODE_ROLE_POLICIES.map(
      (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: this.nodeRole.name, policyArn: managedPolicyArn(region.region, policy) }, child),
    );

    this.registerOutputs({ clusterName: this.clusterName, oidcProviderArn: this.oidcProvider.arn });
  }
}
