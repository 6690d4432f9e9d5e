/**
 * IAM documents and managed-policy ARNs for the AWS side, as plain data so
 * they are reviewed and unit-tested as JSON rather than read out of resources.
 */

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly Service: string } | { readonly Federated: string } | "*";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;
}

/** The IAM partition of a region; GovCloud regions live in their own partition. */
export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** An AWS managed policy ARN in the region's partition (`service-role/…` names keep their path). */
export function managedPolicyArn(region: string, policy: string): string {
  return `arn:${partitionOf(region)}:iam::aws:policy/${policy}`;
}

/** Managed policies of the EKS cluster role. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;

/**
 * Managed policies of the node role. The CNI policy sits on the node role
 * (not IRSA) because the VPC CNI must assign pod addresses before any
 * identity webhook is reachable; SSM gives break-glass shell access without
 * SSH keys or open ports.
 */
export const NODE_ROLE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonSSMManagedInstanceCore",
] as const;

/** Managed policy of the EBS CSI controller (used by Prometheus and Manager volumes, not by Scylla data). */
export const EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy";

/**
 * Who may make a service assume a role on our behalf: our account, and where
 * the service acts for one resource, that resource. Without these the service
 * principal would assume the role for any customer's resource that names its
 * ARN (the confused-deputy problem; IAM user guide, "The confused deputy
 * problem", which names `aws:SourceAccount` and `aws:SourceArn`).
 */
export interface TrustSource {
  /** Our 12-digit account (`deployer.awsIam.accountId`). */
  readonly account: string;
  /** ARN (wildcards allowed, matched with ArnLike) of the resource the service acts for. */
  readonly arn?: string;
}

function sourceCondition(source: TrustSource | undefined): Pick<PolicyStatement, "Condition"> {
  if (!source) return {};
  return {
    Condition: {
      StringEquals: { "aws:SourceAccount": source.account },
      ...(source.arn ? { ArnLike: { "aws:SourceArn": source.arn } } : {}),
    },
  };
}

/**
 * Trust policy letting an AWS service assume a role.
 * @param source - pins the service to our account/resource; absent when no account is declared.
 */
export function serviceTrustPolicy(service: string, source?: TrustSource): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...sourceCondition(source) }],
  };
}

/**
 * Trust policy for EKS Pod Identity: the agent assumes the role and tags the
 * session with the pod's identity. EKS sets `aws:SourceAccount` and
 * `aws:SourceArn` (the cluster ARN) on the request (EKS user guide, "Create
 * the IAM role for EKS Pod Identity", confused-deputy conditions).
 */
export function podIdentityTrustPolicy(source?: TrustSource): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], ...sourceCondition(source) }],
  };
}

/** `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
export function eksClusterArn(region: string, account: string, clusterName: string): string {
  return `arn:${partitionOf(region)}:eks:${region}:${account}:cluster/${clusterName}`;
}

/** Every flow log of the account in the region (the log's id is unknown before it exists). */
export function flowLogArnPattern(region: string, account: string): string {
  return `arn:${partitionOf(region)}:ec2:${region}:${account}:vpc-flow-log/*`;
}

/**
 * Lets the cluster role use the secrets-encryption key. AmazonEKSClusterPolicy
 * has no KMS permissions, and envelope encryption needs these on the key.
 */
export function clusterEncryptionPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ClusterEncryption", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn },
    ],
  };
}

/** What VPC Flow Logs needs to write into one CloudWatch log group. */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DeliverFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
    ],
  };
}
