/**
 * IAM and bucket policy documents of the backup layer, as plain data: the
 * TLS-only bucket policy, the Manager agent's least-privilege policy and its
 * IRSA trust, and the S3 replication role's policy.
 */
import { type PolicyDocument, partitionOf } from "./iam-policies";

/** Bucket-level actions the Manager agent needs (upstream docs; scylla-operator reference §6.3). */
export const AGENT_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"] as const;
/** Object-level actions the Manager agent needs. */
export const AGENT_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;
/** SSE-KMS: reading needs Decrypt, writing needs GenerateDataKey (and Encrypt for single-part uploads). */
export const AGENT_KMS_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/** ARN of an S3 bucket; bucket ARNs carry neither region nor account. */
export function s3BucketArn(region: string, bucket: string): string {
  return `arn:${partitionOf(region)}:s3:::${bucket}`;
}

/** The S3 endpoint host of a region, as KMS reports it in `kms:ViaService`. */
export function s3ServiceHost(region: string): string {
  return `s3.${region}.${partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;
}

/** Refuses every request that does not come over TLS, whoever makes it. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** What the Manager agent may do: exactly the listed actions, on exactly the given buckets and their keys. */
export function agentBackupPolicy(bucketArns: readonly string[], keyArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "BackupBuckets", Effect: "Allow", Action: [...AGENT_BUCKET_ACTIONS], Resource: [...bucketArns] },
      { Sid: "BackupObjects", Effect: "Allow", Action: [...AGENT_OBJECT_ACTIONS], Resource: bucketArns.map((arn) => `${arn}/*`) },
      { Sid: "BackupKeys", Effect: "Allow", Action: [...AGENT_KMS_ACTIONS], Resource: [...keyArns] },
    ],
  };
}

export interface IrsaSubject {
  /** ARN of the cluster's IAM OIDC identity provider. */
  readonly oidcProviderArn: string;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`). */
  readonly issuerUrl: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * IRSA trust: only the one ServiceAccount of the one cluster, and only tokens
 * minted for STS. Without the `sub` condition any pod of the cluster could
 * assume the role.
 */
export function irsaTrustPolicy(subject: IrsaSubject): PolicyDocument {
  const issuer = subject.issuerUrl.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: subject.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${subject.namespace}:${subject.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

export interface ReplicationSide {
  readonly region: string;
  readonly bucketArn: string;
  readonly keyArn: string;
}

/**
 * The S3 replication role: read the source's versions, write replicas into the
 * destination, decrypt with the source key and encrypt with the replica key —
 * each key only through S3 in its own region and only for its own bucket (the
 * encryption context is the bucket ARN with S3 Bucket Keys, the object ARN without).
 */
export function replicationRolePolicy(source: ReplicationSide, destination: ReplicationSide, objectLock: boolean): PolicyDocument {
  const kmsScope = (side: ReplicationSide) => ({
    StringEquals: { "kms:ViaService": s3ServiceHost(side.region) },
    StringLike: { "kms:EncryptionContext:aws:s3:arn": [side.bucketArn, `${side.bucketArn}/*`] },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: source.bucketArn },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: [
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionTagging",
          // Object Lock retention travels with each replicated version.
          ...(objectLock ? ["s3:GetObjectRetention", "s3:GetObjectLegalHold"] : []),
        ],
        Resource: `${source.bucketArn}/*`,
      },
      { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: `${destination.bucketArn}/*` },
      { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: source.keyArn, Condition: kmsScope(source) },
      { Sid: "EncryptReplicas", Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: destination.keyArn, Condition: kmsScope(destination) },
    ],
  };
}
