/**
 * Who may use one EKS cluster's API and from where: an access entry and a
 * cluster-scoped access-policy association for each declared principal
 * (deploy role, preview role, break-glass admins), and 443 on the EKS-created
 * cluster security group from each private deployer range. That group admits
 * only itself (EKS user guide, "Amazon EKS security group requirements"), so
 * without the rule even a runner inside the VPC is refused; with it, a runner
 * in one region's VPC reaches every region's private endpoint across the
 * peering mesh.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeployerPlan, RegionPlan } from "../plan";
import { cidrSlug } from "../plan";
import { partitionOf } from "./iam-policies";

/**
 * The access policy every declared principal gets, cluster-wide.
 *
 * The preview role gets it too, on purpose. pulumi-kubernetes v4 previews with
 * server-side apply, i.e. a PATCH with `dryRun=All` for every object, and the
 * Kubernetes API authorizes a dry-run exactly like the real request
 * ("Dry-run authorization: authorization for dry-run and non-dry-run requests
 * is identical", Kubernetes API concepts, "Dry-run"). The stack writes
 * cluster-scoped objects (CRDs through the operator charts, ClusterRoles,
 * webhook configurations, NodeConfig, StorageClasses), which AmazonEKSViewPolicy,
 * AmazonEKSEditPolicy and AmazonEKSAdminPolicy (the `view`/`edit`/`admin`
 * user-facing roles) do not cover. So the least policy a dry-run preview of
 * this stack passes with is AmazonEKSClusterAdminPolicy; what keeps the preview
 * role from writing is who can assume it (the trusted PR workflow only,
 * docs/aws.md "Deploy path"), not its Kubernetes rights.
 */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** `arn:<partition>:eks::aws:cluster-access-policy/<name>` (EKS user guide, "Review access policy permissions"). */
export function accessPolicyArn(region: string, policy: string): string {
  return `arn:${partitionOf(region)}:eks::aws:cluster-access-policy/${policy}`;
}

export interface DeclaredPrincipal {
  /** Stable key in resource names. */
  readonly key: string;
  readonly arn: string;
}

/** Each declared principal under a stable key: `deploy`, `preview`, `break-glass-<name>`. */
export function declaredPrincipals(deployer: DeployerPlan | undefined): DeclaredPrincipal[] {
  const ids = deployer?.aws;
  if (!ids) return [];
  return [
    { key: "deploy", arn: ids.deployRoleArn },
    { key: "preview", arn: ids.previewRoleArn },
    ...ids.breakGlassArns.map((arn) => ({ key: `break-glass-${arn.split("/").pop()!.toLowerCase()}`, arn })),
  ];
}

export interface EksClusterAccessArgs {
  /** The region plan (partition, names). */
  readonly region: RegionPlan;
  /** The deployer; without one the component creates nothing (the creator keeps its bootstrap admin). */
  readonly deployer: DeployerPlan | undefined;
  /** The cluster; entries name it, so they wait for it. */
  readonly cluster: aws.eks.Cluster;
  /** The region's explicit AWS provider; every child uses it. */
  readonly provider: aws.Provider;
}

export class EksClusterAccess extends pulumi.ComponentResource {
  /** Access entries by principal key. */
  readonly entries: Readonly<Record<string, aws.eks.AccessEntry>>;
  /** Access-policy associations by principal key. */
  readonly associations: Readonly<Record<string, aws.eks.AccessPolicyAssociation>>;
  /** 443 on the cluster security group, by deployer range. */
  readonly apiIngress: Readonly<Record<string, aws.vpc.SecurityGroupIngressRule>>;

  constructor(name: string, args: EksClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:EksClusterAccess", name, {}, opts);
    const { region, cluster, provider } = args;
    const child = { parent: this, provider };
    const entries: Record<string, aws.eks.AccessEntry> = {};
    const associations: Record<string, aws.eks.AccessPolicyAssociation> = {};
    for (const p of declaredPrincipals(args.deployer)) {
      const entry = new aws.eks.AccessEntry(`${name}-${p.key}`, { clusterName: cluster.name, principalArn: p.arn, type: "STANDARD" }, child);
      entries[p.key] = entry;
      associations[p.key] = new aws.eks.AccessPolicyAssociation(
        `${name}-${p.key}-admin`,
        {
          clusterName: cluster.name,
          // From the entry, so the association waits for it (EKS refuses associations for principals without one).
          principalArn: entry.principalArn,
          policyArn: accessPolicyArn(region.region, CLUSTER_ADMIN_POLICY),
          accessScope: { type: "cluster" },
        },
        child,
      );
    }
    this.entries = entries;
    this.associations = associations;

    const apiIngress: Record<string, aws.vpc.SecurityGroupIngressRule> = {};
    for (const cidr of args.deployer?.privateCidrs ?? []) {
      apiIngress[cidr] = new aws.vpc.SecurityGroupIngressRule(
        `${name}-api-${cidrSlug(cidr)}`,
        {
          securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
          cidrIpv4: cidr,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: `Kubernetes API of ${region.clusterName} from the deployer network ${cidr}`,
        },
        child,
      );
    }
    this.apiIngress = apiIngress;
    this.registerOutputs({});
  }
}
