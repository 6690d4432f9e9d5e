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
}
