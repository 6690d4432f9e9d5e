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

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** Trust policy for EKS Pod Identity: the agent assumes the role and tags the session with the pod's identity. */
export function podIdentityTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  };
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
