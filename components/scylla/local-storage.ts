/**
 * Step 3: local NVMe storage. The NodeConfig (operator-run node tuning and
 * RAID0 → XFS → /var/lib/persistent-volumes), the ScyllaDB local CSI driver
 * that provisions project-quota volumes on it, and the two StorageClasses:
 * `scylladb-local-xfs` for ScyllaDB and a network-disk class for the system
 * pool (Prometheus, the Manager's small database). All created directly.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { LOCAL_STORAGE_CLASS, SCYLLA_ALPHA_API_VERSION } from "./datacenter-spec";
import {
  CSI_DRIVER_NAME,
  CSI_LABELS,
  CSI_NAMESPACE,
  CSI_PROVISIONER_RULES,
  SYSTEM_STORAGE_CLASS,
  criticalPodsQuotaSpec,
  csiDaemonSetSpec,
  nodeConfigSpec,
  systemStorageClass,
} from "./storage-spec";

export const NODE_CONFIG_NAME = "scylla-nodes";
/** Reclaim policy of the local NVMe StorageClass; see the StorageClass below. */
export const LOCAL_RECLAIM_POLICY = "Delete";

export interface LocalStorageArgs extends ScyllaComponentArgs {
  /** The operator (and its CRDs) the NodeConfig needs. */
  readonly operatorsReady: readonly pulumi.Resource[];
}

export class LocalStorage extends pulumi.ComponentResource {
  readonly nodeConfig: k8s.apiextensions.CustomResource;
  readonly csiDriver: k8s.apps.v1.DaemonSet;
  /** Admits the driver's system-node-critical pods in its namespace (GKE). */
  readonly criticalQuota: k8s.core.v1.ResourceQuota;
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly systemStorageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: LocalStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:LocalStorage", name, {}, opts);
    const base = childOptions(this, args);
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);

    this.nodeConfig = new k8s.apiextensions.CustomResource(
      `${name}-node-config`,
      { apiVersion: SCYLLA_ALPHA_API_VERSION, kind: "NodeConfig", metadata: { name: NODE_CONFIG_NAME }, spec: nodeConfigSpec(args.region.cloud) },
      after(...args.operatorsReady),
    );

    const ns = new k8s.core.v1.Namespace(`${name}-local-csi-driver`, { metadata: { name: CSI_NAMESPACE, labels: { ...CSI_LABELS } } }, base);
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-local-csi-driver`,
      { metadata: { name: "local-csi-driver", namespace: CSI_NAMESPACE, labels: { ...CSI_LABELS } } },
      after(ns),
    );
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-local-csi-driver`,
      { metadata: { name: "scylla-ha:local-csi-driver", labels: { ...CSI_LABELS } }, rules: CSI_PROVISIONER_RULES },
      base,
    );
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-local-csi-driver`,
      {
        metadata: { name: "scylla-ha:local-csi-driver", labels: { ...CSI_LABELS } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "scylla-ha:local-csi-driver" },
        subjects: [{ kind: "ServiceAccount", name: "local-csi-driver", namespace: CSI_NAMESPACE }],
      },
      after(role, sa),
    );
    const driver = new k8s.storage.v1.CSIDriver(
      `${name}-local-csi-driver`,
      {
        metadata: { name: CSI_DRIVER_NAME },
        // Capacity tracking lets the scheduler place a Scylla pod only where its volume fits.
        spec: { attachRequired: false, podInfoOnMount: false, storageCapacity: true, volumeLifecycleModes: ["Persistent"] },
      },
      base,
    );
    // GKE admits system-node-critical pods outside kube-system only into a namespace with a
    // ResourceQuota whose scopeSelector names that PriorityClass (otherwise "insufficient quota to
    // match these scopes"); elsewhere the quota is inert. Kubernetes docs, "Limit Priority Class
    // consumption by default"; GKE documents the same rule for critical priority classes.
    this.criticalQuota = new k8s.core.v1.ResourceQuota(
      `${name}-local-csi-driver-critical`,
      { metadata: { name: "critical-pods", namespace: CSI_NAMESPACE, labels: { ...CSI_LABELS } }, spec: criticalPodsQuotaSpec() },
      after(ns),
    );
    // The hostPath it serves exists only once the NodeConfig has mounted the RAID.
    this.csiDriver = new k8s.apps.v1.DaemonSet(
      `${name}-local-csi-driver`,
      { metadata: { name: "local-csi-driver", namespace: CSI_NAMESPACE, labels: { ...CSI_LABELS } }, spec: csiDaemonSetSpec("local-csi-driver") },
      after(binding, driver, this.nodeConfig, this.criticalQuota),
    );

    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-${LOCAL_STORAGE_CLASS}`,
      {
        metadata: { name: LOCAL_STORAGE_CLASS },
        provisioner: CSI_DRIVER_NAME,
        // The volume is a directory on one node: bind only once the pod is scheduled there.
        volumeBindingMode: "WaitForFirstConsumer",
        // The operator replaces or scales down a member by deleting only its PVC (scylla-operator
        // v1.21.1 pkg/controller/scylladbdatacenter/sync_services.go:177,432). With Retain the
        // released volume keeps its share of the node's array and the replacement's claim stays
        // Pending; Delete returns the space (upstream's example StorageClass uses the default, Delete).
        reclaimPolicy: LOCAL_RECLAIM_POLICY,
        allowVolumeExpansion: false,
        parameters: { "csi.storage.k8s.io/fstype": "xfs" },
      },
      after(driver),
    );

    const system = systemStorageClass(args.region.cloud);
    this.systemStorageClass = new k8s.storage.v1.StorageClass(
      `${name}-${SYSTEM_STORAGE_CLASS}`,
      {
        metadata: { name: SYSTEM_STORAGE_CLASS },
        provisioner: system.provisioner,
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Delete",
        allowVolumeExpansion: true,
        parameters: system.parameters,
      },
      base,
    );
    this.registerOutputs({});
  }
}
