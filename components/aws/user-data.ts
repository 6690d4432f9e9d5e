/**
 * Launch-template user data for EKS managed node groups on AL2023. With no
 * custom AMI, EKS merges its own nodeadm `NodeConfig` (cluster name, endpoint,
 * CA) with ours, so ours carries only kubelet settings, in a MIME multipart
 * part of type `application/node.eks.aws` (the only user-data format nodeadm
 * reads next to EKS's own part).
 *
 * @see https://awslabs.github.io/amazon-eks-ami/nodeadm/
 */
import { stringify } from "yaml";
import type { ScyllaNodePlan } from "../plan";
import type { Architecture } from "../plan/sizing";

export const MIME_BOUNDARY = "==SCYLLA-HA-BOUNDARY==";
export const NODEADM_CONTENT_TYPE = "application/node.eks.aws";

/** The part of a nodeadm `NodeConfig` we set. */
export interface NodeConfig {
  readonly apiVersion: "node.eks.aws/v1alpha1";
  readonly kind: "NodeConfig";
  readonly spec: {
    readonly kubelet: {
      /** A KubeletConfiguration fragment; nodeadm merges it over its defaults. */
      readonly config: KubeletConfigFragment;
    };
  };
}

export interface KubeletConfigFragment {
  readonly cpuManagerPolicy: "static";
  readonly reservedSystemCPUs?: string;
  readonly systemReserved?: Readonly<Record<string, string>>;
}

/**
 * How the kubelet reserves CPU on a Scylla node, given the planner's split
 * (`scylla.resources.cpu` whole CPUs for ScyllaDB, the rest is headroom).
 *
 * The static CPU manager refuses to start without a CPU reservation, and the
 * headroom must also hold the Manager agent sidecar (500m) and the per-node
 * DaemonSets (CNI, kube-proxy, CSI, node tuning). So about half the headroom
 * is reserved as whole CPUs (`reservedSystemCPUs`, which replaces the CPU part
 * of kube-/system-reserved and keeps those CPUs out of the exclusive pool), and
 * the other half stays allocatable. On x86 instances a CPU and its
 * hyper-thread sibling are `n` and `n + vcpus/2`, so pairs are reserved as one
 * physical core; Graviton has one thread per core. With a single CPU of
 * headroom (nodes of 4 vCPUs or fewer) no whole CPU can be spared: a 100m
 * system reservation satisfies the CPU manager (it still keeps one CPU out of
 * the exclusive pool) while allocatable loses only 100m. `systemReserved` is
 * used there, not `kubeReserved`, because nodeadm computes kube-reserved from
 * the instance's pod density and a partial override would drop its memory part.
 */
export function kubeletCpuReservation(node: Pick<ScyllaNodePlan, "vcpus" | "arch" | "resources">): KubeletConfigFragment {
  const scyllaCpus = Number(node.resources.cpu);
  if (!Number.isInteger(scyllaCpus) || scyllaCpus < 1 || scyllaCpus >= node.vcpus) {
    throw new Error(`Scylla CPUs ${node.resources.cpu} must be a whole number below the node's ${node.vcpus} vCPUs`);
  }
  const reserved = Math.floor((node.vcpus - scyllaCpus) / 2);
  if (reserved === 0) return { cpuManagerPolicy: "static", systemReserved: { cpu: "100m" } };
  return { cpuManagerPolicy: "static", reservedSystemCPUs: reservedCpuSet(reserved, node.vcpus, node.arch) };
}

/** The first `count` logical CPUs, taken a whole core at a time where cores have two threads. */
export function reservedCpuSet(count: number, vcpus: number, arch: Architecture): string {
  const cpus: number[] = [];
  for (let core = 0; cpus.length < count; core++) {
    cpus.push(core);
    if (arch === "x86_64" && vcpus > 1 && cpus.length < count) cpus.push(core + vcpus / 2);
  }
  return cpus.sort((a, b) => a - b).join(",");
}

export function scyllaNodeConfig(node: Pick<ScyllaNodePlan, "vcpus" | "arch" | "resources">): NodeConfig {
  return { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { kubelet: { config: kubeletCpuReservation(node) } } };
}

/** A MIME multipart document holding one nodeadm `NodeConfig` part. */
export function renderUserData(config: NodeConfig): string {
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
    "",
    `--${MIME_BOUNDARY}`,
    `Content-Type: ${NODEADM_CONTENT_TYPE}`,
    "",
    "---",
    stringify(config).trimEnd(),
    "",
    `--${MIME_BOUNDARY}--`,
    "",
  ].join("\n");
}

/** EC2 takes launch-template user data base64-encoded. */
export function encodeUserData(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
