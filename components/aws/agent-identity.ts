/**
 * The Manager agent's AWS identity in one region, without static keys: an
 * IAM role that only the ScyllaDB member ServiceAccount of this region's EKS
 * cluster can assume (IRSA), allowed exactly the agent's S3 actions on this
 * environment's backup buckets and the use of their keys. The agent writes its
 * own DC's bucket and reads any of them when a DC is restored.
 *
 * The role reaches the pods through an annotation on the ScyllaCluster, which
 * the operator copies onto the member ServiceAccount (scylladb/scylla-operator#1697).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type EnvironmentPlan, type RegionPlan, memberServiceAccount } from "../plan";
import type { AwsBackupBucket } from "./backup-bucket";
import { agentBackupPolicy, irsaTrustPolicy } from "./backup-policies";
import { partitionOf } from "./iam-policies";

/** The IRSA annotation the EKS pod identity webhook reads on a ServiceAccount. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** The agent role's name: fixed, so its ARN (and the annotation) is known at preview. IAM names are per account, hence the cluster name. */
export function agentRoleName(clusterName: string): string {
  return `${clusterName}-scylla-agent`;
}

export interface AwsAgentIdentityArgs {
  /** The environment plan (ScyllaCluster name and namespace). */
  readonly plan: EnvironmentPlan;
  /** This region's plan (cluster name, region). */
  readonly region: RegionPlan;
  /** The region's explicit AWS provider. */
  readonly provider: aws.Provider;
  /** The cluster's OIDC issuer URL. */
  readonly oidcIssuer: pulumi.Input<string>;
  /** ARN of the cluster's IAM OIDC identity provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** Every backup bucket of the environment, replica-only ones included. */
  readonly buckets: readonly AwsBackupBucket[];
}

export class AwsAgentIdentity extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly policy: aws.iam.RolePolicy;
  /** Annotations for the ScyllaCluster (copied by the operator onto `<cluster>-member`). */
  readonly annotations: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsAgentIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:AgentIdentity", name, {}, opts);
    const { plan, region, provider } = args;
    const child = { parent: this, provider };
    const serviceAccount = memberServiceAccount(plan.scylla.clusterName);

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: agentRoleName(region.clusterName),
        description: `Scylla Manager agent of ${region.clusterName} (${plan.scylla.namespace}/${serviceAccount}): backups`,
        assumeRolePolicy: pulumi
          .all([args.oidcProviderArn, args.oidcIssuer])
          .apply(([oidcProviderArn, issuerUrl]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn, issuerUrl, namespace: plan.scylla.namespace, serviceAccount })),
          ),
      },
      child,
    );
    this.policy = new aws.iam.RolePolicy(
      `${name}-backups`,
      {
        role: this.role.id,
        policy: pulumi
          .all([pulumi.all(args.buckets.map((b) => b.arn)), pulumi.all(args.buckets.map((b) => b.key.arn))])
          .apply(([buckets, keys]) => JSON.stringify(agentBackupPolicy(buckets, keys))),
      },
      child,
    );

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const arn = pulumi.all([account, this.role.name]).apply(([id, role]) => `arn:${partitionOf(region.region)}:iam::${id}:role/${role}`);
    this.annotations = { [IRSA_ROLE_ANNOTATION]: arn };
    this.registerOutputs({ roleArn: arn });
  }
}
