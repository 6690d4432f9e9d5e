/**
 * Pure rendering of the local NVMe storage stack: the NodeConfig that turns a
 * Scylla node's instance-store disks into one XFS RAID0 at
 * /var/lib/persistent-volumes, the ScyllaDB local CSI driver that carves
 * project-quota volumes out of it, and the StorageClasses. Facts from the
 * operator's EKS/GKE examples and local-csi-driver manifests (v1.21.1).
 */
import type { Cloud } from "../plan";
import { DEDICATED_TOLERATION, SCYLLA_NODE_LABELS } from "./placement";
import { LOCAL_CSI_DRIVER_IMAGES } from "./versions";

export const CSI_DRIVER_NAME = "local.csi.scylladb.com";
export const CSI_NAMESPACE = "local-csi-driver";
export const PERSISTENT_VOLUMES_DIR = "/var/lib/persistent-volumes";
export const RAID_NAME = "nvmes";
/** Network-disk StorageClass for the system pool (Prometheus, Manager's small database). */
export const SYSTEM_STORAGE_CLASS = "scylla-ha-system";

const NVME_NAME = "^/dev/nvme\\d+n\\d+$";

/**
 * Which block devices join the RAID. On EKS the root EBS volume is an NVMe
 * device too, so the instance-store model string must match as well. On GKE
 * (N2 + local NVMe SSD) the boot disk is SCSI, so the name is enough.
 */
export function nvmeDeviceMatch(cloud: Cloud): { nameRegex: string; modelRegex?: string } {
  switch (cloud) {
    case "aws":
      return { modelRegex: "Amazon EC2 NVMe Instance Storage", nameRegex: NVME_NAME };
    case "gcp":
      return { nameRegex: NVME_NAME };
    default: {
      const unreachable: never = cloud;
      throw new Error(`unhandled cloud ${String(unreachable)}`);
    }
  }
}

/** Sysctls from the operator's production checklist (`fs.nr_open` also bounds RLIMIT_NOFILE). */
export const SCYLLA_SYSCTLS: ReadonlyArray<{ readonly name: string; readonly value: string }> = [
  { name: "fs.aio-max-nr", value: "30000000" },
  { name: "fs.file-max", value: "9223372036854775807" },
  { name: "fs.nr_open", value: "1073741816" },
  { name: "fs.inotify.max_user_instances", value: "1200" },
  { name: "vm.swappiness", value: "1" },
  { name: "vm.vfs_cache_pressure", value: "2000" },
];

/**
 * NodeConfig placement must select exactly the nodes the racks land on: the
 * Scylla label plus the dedicated toleration (the racks add only the zone).
 */
export function nodeConfigSpec(cloud: Cloud) {
  const device = `/dev/md/${RAID_NAME}`;
  return {
    placement: { nodeSelector: { ...SCYLLA_NODE_LABELS }, tolerations: [{ ...DEDICATED_TOLERATION }] },
    localDiskSetup: {
      raids: [{ name: RAID_NAME, type: "RAID0", RAID0: { devices: nvmeDeviceMatch(cloud) } }],
      filesystems: [{ device, type: "xfs" }],
      // prjquota: the CSI driver enforces volume sizes with XFS project quotas. discard: online TRIM keeps NVMe write latency flat.
      mounts: [{ device, mountPoint: PERSISTENT_VOLUMES_DIR, unsupportedOptions: ["prjquota", "discard"] }],
    },
    sysctls: SCYLLA_SYSCTLS.map((s) => ({ ...s })),
  };
}

/** What the csi-provisioner sidecar needs in node-deployment mode with storage capacity tracking. */
export const CSI_PROVISIONER_RULES = [
  { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create", "delete", "patch"] },
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "update"] },
  { apiGroups: ["storage.k8s.io"], resources: ["storageclasses", "csinodes"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["list", "watch", "create", "update", "patch"] },
  { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots", "volumesnapshotcontents"], verbs: ["get", "list"] },
  { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["storage.k8s.io"], resources: ["csistoragecapacities"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
  // Walking the owner chain of CSIStorageCapacity objects.
  { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get"] },
];

export const CSI_LABELS = { "app.kubernetes.io/name": "local-csi-driver" } as const;

const kubeletPluginDir = `/var/lib/kubelet/plugins/${CSI_DRIVER_NAME}`;
const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** The driver's DaemonSet pod template: only on Scylla nodes, tolerating their taint. */
export function csiDaemonSetSpec(serviceAccountName: string) {
  const socket = { name: "plugin-dir", mountPath: "/csi" };
  return {
    selector: { matchLabels: { ...CSI_LABELS } },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: { ...CSI_LABELS } },
      spec: {
        serviceAccountName,
        nodeSelector: { "kubernetes.io/os": "linux", ...SCYLLA_NODE_LABELS },
        tolerations: [{ ...DEDICATED_TOLERATION }],
        priorityClassName: "system-node-critical",
        containers: [
          {
            name: "local-csi-driver",
            image: LOCAL_CSI_DRIVER_IMAGES.driver,
            securityContext: { privileged: true },
            args: ["--listen=/csi/csi.sock", "--node-name=$(NODE_NAME)", `--volumes-dir=${PERSISTENT_VOLUMES_DIR}`, "--v=2"],
            env: [fieldEnv("NODE_NAME", "spec.nodeName")],
            ports: [{ name: "healthz", containerPort: 9809, protocol: "TCP" }],
            livenessProbe: { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 10, timeoutSeconds: 3, periodSeconds: 2, failureThreshold: 5 },
            volumeMounts: [
              { name: "kubelet-dir", mountPath: "/var/lib/kubelet", mountPropagation: "Bidirectional" },
              socket,
              { name: "volumes-dir", mountPath: PERSISTENT_VOLUMES_DIR },
            ],
          },
          {
            name: "csi-driver-registrar",
            image: LOCAL_CSI_DRIVER_IMAGES.registrar,
            args: ["--csi-address=/csi/csi.sock", `--kubelet-registration-path=${kubeletPluginDir}/csi.sock`],
            volumeMounts: [socket, { name: "registration-dir", mountPath: "/registration" }],
          },
          {
            name: "liveness-probe",
            image: LOCAL_CSI_DRIVER_IMAGES.livenessProbe,
            args: ["--csi-address=/csi/csi.sock", "--health-port=9809", "--v=2"],
            volumeMounts: [socket],
          },
          {
            name: "csi-provisioner",
            image: LOCAL_CSI_DRIVER_IMAGES.provisioner,
            args: [
              "--csi-address=/csi/csi.sock",
              "--v=2",
              "--node-deployment",
              "--feature-gates=Topology=true",
              "--immediate-topology=false",
              "--enable-capacity",
              "--capacity-ownerref-level=0",
              "--capacity-poll-interval=30s",
              "--default-fstype=xfs",
            ],
            env: [fieldEnv("NAMESPACE", "metadata.namespace"), fieldEnv("POD_NAME", "metadata.name"), fieldEnv("NODE_NAME", "spec.nodeName")],
            volumeMounts: [socket],
          },
        ],
        volumes: [
          { name: "kubelet-dir", hostPath: { path: "/var/lib/kubelet", type: "Directory" } },
          { name: "plugin-dir", hostPath: { path: `${kubeletPluginDir}/`, type: "DirectoryOrCreate" } },
          { name: "registration-dir", hostPath: { path: "/var/lib/kubelet/plugins_registry/", type: "Directory" } },
          { name: "volumes-dir", hostPath: { path: PERSISTENT_VOLUMES_DIR, type: "Directory" } },
        ],
      },
    },
  };
}

/**
 * The system pool's disks: the cloud's own CSI driver (the EBS CSI add-on on
 * EKS, built in on GKE), zonal, bound where the pod lands.
 */
export function systemStorageClass(cloud: Cloud): { provisioner: string; parameters: Record<string, string> } {
  switch (cloud) {
    case "aws":
      return { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" } };
    case "gcp":
      return { provisioner: "pd.csi.storage.gke.io", parameters: { type: "pd-balanced", "csi.storage.k8s.io/fstype": "ext4" } };
    default: {
      const unreachable: never = cloud;
      throw new Error(`unhandled cloud ${String(unreachable)}`);
    }
  }
}

/** Pods of the CSI namespace allowed at system-node-critical priority: one per node, with room for a pool migration. */
export const CRITICAL_PODS_QUOTA = 1000;

/** ResourceQuota spec admitting the driver's system-node-critical pods (see local-storage.ts). */
export function criticalPodsQuotaSpec() {
  return {
    hard: { pods: String(CRITICAL_PODS_QUOTA) },
    scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["system-node-critical"] }] },
  };
}
