/**
 * What a region's cloud part hands the Kubernetes layer: a provider for its
 * cluster and the resources that must exist before anything is scheduled.
 * The Kubernetes layer is cloud-agnostic apart from small per-cloud parts it
 * picks by the region plan's `cloud`.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface ClusterHandle {
  /**
   * Provider for the region's cluster. Its `clusterIdentifier` is the region
   * plan's `clusterName`, which keeps it stable across kubeconfig rotations
   * and is how the offline synth maps Kubernetes objects to regions.
   */
  readonly provider: k8s.Provider;
  /** Node pools and add-ons that in-cluster workloads must wait for. */
  readonly dependsOn: readonly pulumi.Resource[];
  /**
   * The cloud identity of the region's ScyllaDB pods, for the Manager agent's
   * backups. Bucket names are plan data (`region.backup`); this carries what
   * only the cloud layer knows.
   * @default - none: the agents get no workload identity (test clusters).
   */
  readonly backupIdentity?: BackupIdentity;
}

export interface BackupIdentity {
  /**
   * Annotations for the ScyllaCluster's `metadata.annotations`; the operator
   * copies them onto the `<cluster>-member` ServiceAccount the pods run as
   * (scylladb/scylla-operator#1697): `eks.amazonaws.com/role-arn` (IRSA) or
   * `iam.gke.io/gcp-service-account` (GKE Workload Identity). Known at preview.
   */
  readonly annotations: Readonly<Record<string, pulumi.Input<string>>>;
  /** The identity's grants on the environment's buckets, which a backup needs in place. */
  readonly dependsOn: readonly pulumi.Resource[];
}
