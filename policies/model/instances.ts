/**
 * What a node offers pods: the machine figures the clouds publish and the
 * kubelet reservations EKS and GKE subtract from them. Policies keep their
 * own copy of these figures (they never import the planner), so the capacity
 * rules also judge an export written by some other program.
 *
 * AWS figures: EC2 instance-type specifications (vCPUs, GiB), with the pod
 * density nodeadm computes from the instance's ENI limits
 * (awslabs/amazon-eks-ami v20260724, nodeadm/internal/kubelet/eni_max_pods.go:75
 * `defaultMaxENIs * (ipv4AddressesPerInterface - 1) + 2`, over the figures in
 * nodeadm/internal/kubelet/instance-info.jsonl). GCP figures: the Compute
 * Engine machine-family pages.
 */
import { parseQuantity } from "./quantity";

export interface Machine {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Pods per node nodeadm configures on AL2023 (AWS only). */
  readonly maxPods?: number;
}

type Row = readonly [name: string, vcpus: number, memoryGiB: number, maxPods?: number];

const AWS_ROWS: readonly Row[] = [
  ["i3.large", 2, 15.25, 29], ["i3.xlarge", 4, 30.5, 58], ["i3.2xlarge", 8, 61, 58], ["i3.4xlarge", 16, 122, 234], ["i3.8xlarge", 32, 244, 234], ["i3.16xlarge", 64, 488, 737],
  ["i3en.large", 2, 16, 29], ["i3en.xlarge", 4, 32, 58], ["i3en.2xlarge", 8, 64, 58], ["i3en.3xlarge", 12, 96, 58], ["i3en.6xlarge", 24, 192, 234], ["i3en.12xlarge", 48, 384, 234], ["i3en.24xlarge", 96, 768, 737],
  ["i4i.large", 2, 16, 29], ["i4i.xlarge", 4, 32, 58], ["i4i.2xlarge", 8, 64, 58], ["i4i.4xlarge", 16, 128, 234], ["i4i.8xlarge", 32, 256, 234], ["i4i.12xlarge", 48, 384, 234], ["i4i.16xlarge", 64, 512, 737], ["i4i.24xlarge", 96, 768, 437], ["i4i.32xlarge", 128, 1024, 737],
  ["i7i.large", 2, 16, 29], ["i7i.xlarge", 4, 32, 58], ["i7i.2xlarge", 8, 64, 58], ["i7i.4xlarge", 16, 128, 234], ["i7i.8xlarge", 32, 256, 234], ["i7i.12xlarge", 48, 384, 234], ["i7i.16xlarge", 64, 512, 737], ["i7i.24xlarge", 96, 768, 737], ["i7i.48xlarge", 192, 1536, 737],
  ["i8g.large", 2, 16, 29], ["i8g.xlarge", 4, 32, 58], ["i8g.2xlarge", 8, 64, 58], ["i8g.4xlarge", 16, 128, 234], ["i8g.8xlarge", 32, 256, 234], ["i8g.12xlarge", 48, 384, 234], ["i8g.16xlarge", 64, 512, 737], ["i8g.24xlarge", 96, 768, 737], ["i8g.48xlarge", 192, 1536, 737],
  // General-purpose types for system pools.
  ["m5.large", 2, 8, 29], ["m5.xlarge", 4, 16, 58], ["m5.2xlarge", 8, 32, 58], ["m5.4xlarge", 16, 64, 234],
  ["m6i.large", 2, 8, 29], ["m6i.xlarge", 4, 16, 58], ["m6i.2xlarge", 8, 32, 58], ["m6i.4xlarge", 16, 64, 234],
  ["m7i.large", 2, 8, 29], ["m7i.xlarge", 4, 16, 58], ["m7i.2xlarge", 8, 32, 58], ["m7i.4xlarge", 16, 64, 234],
  ["m7g.large", 2, 8, 29], ["m7g.xlarge", 4, 16, 58], ["m7g.2xlarge", 8, 32, 58], ["m7g.4xlarge", 16, 64, 234],
  ["c7i.large", 2, 4, 29], ["c7i.xlarge", 4, 8, 58], ["c7i.2xlarge", 8, 16, 58], ["c7i.4xlarge", 16, 32, 234],
  ["r7i.large", 2, 16, 29], ["r7i.xlarge", 4, 32, 58], ["r7i.2xlarge", 8, 64, 58], ["r7i.4xlarge", 16, 128, 234],
];

const GCP_ROWS: readonly Row[] = [
  ...[2, 4, 8, 16, 32, 48, 64, 80, 96].map((v): Row => [`n2-highmem-${v}`, v, v * 8]),
  ["n2-highmem-128", 128, 864],
  ...[2, 4, 8, 16, 32, 48, 64, 80, 96, 128].map((v): Row => [`n2-standard-${v}`, v, v * 4]),
  ["z3-highmem-8-highlssd", 8, 64], ["z3-highmem-16-highlssd", 16, 128], ["z3-highmem-22-highlssd", 22, 176], ["z3-highmem-32-highlssd", 32, 256],
  ["z3-highmem-44-highlssd", 44, 352], ["z3-highmem-88", 88, 704], ["z3-highmem-176", 176, 1408],
  ["e2-standard-2", 2, 8], ["e2-standard-4", 4, 16], ["e2-standard-8", 8, 32], ["e2-standard-16", 16, 64],
];

const BY_NAME = new Map<string, Machine>([
  ...AWS_ROWS.map(([name, vcpus, memoryGiB, maxPods]) => [`aws:${name}`, { name, vcpus, memoryGiB, maxPods }] as const),
  ...GCP_ROWS.map(([name, vcpus, memoryGiB]) => [`gcp:${name}`, { name, vcpus, memoryGiB }] as const),
]);

export function machine(cloud: "aws" | "gcp", name: string): Machine | undefined {
  return BY_NAME.get(`${cloud}:${name}`);
}

/** CPU and memory in cores and bytes. */
export interface Amount {
  readonly cpu: number;
  readonly memory: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Tiered CPU reservation both clouds use: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four. */
function tieredCpuReserve(vcpus: number): number {
  const tiers: readonly [upTo: number, share: number][] = [[1, 0.06], [2, 0.01], [4, 0.005], [Infinity, 0.0025]];
  let reserved = 0;
  let from = 0;
  for (const [upTo, share] of tiers) {
    if (vcpus > from) reserved += (Math.min(vcpus, upTo) - from) * share;
    from = upTo;
  }
  return reserved;
}

/** The CPU part of the kubelet settings a node's user data carries (EKS). */
export interface KubeletCpu {
  /** `reservedSystemCPUs`: a CPU list such as `0,4` or `0-1`. */
  readonly reservedSystemCPUs?: string;
  /** `systemReserved.cpu`. */
  readonly systemReservedCpu?: string;
}

/** How many CPUs a cpuset list (`0,4`, `0-3,8`) names. */
export function cpuSetSize(list: string): number {
  let n = 0;
  for (const part of list.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    n += b === undefined ? 1 : b! - a! + 1;
  }
  return n;
}

/**
 * Allocatable CPU and memory of an EKS AL2023 node. nodeadm sets
 * kube-reserved CPU by the tiered formula and memory to `11 * maxPods + 255`
 * MiB, and a hard eviction threshold of 100Mi (awslabs/amazon-eks-ami
 * v20260724, nodeadm/internal/kubelet/config.go:111, :282-286, :410-444).
 * `reservedSystemCPUs` replaces the CPU part of kube- and system-reserved
 * (kubelet "Explicitly Reserved CPU List", kubernetes.io
 * reserve-compute-resources); `systemReserved.cpu` adds to kube-reserved.
 */
export function eksAllocatable(m: Machine, kubelet: KubeletCpu): Amount {
  const maxPods = m.maxPods ?? 110; // nodeadm's fallback, eni_max_pods.go:28
  const memory = m.memoryGiB * GiB - (11 * maxPods + 255) * MiB - 100 * MiB;
  if (kubelet.reservedSystemCPUs) return { cpu: m.vcpus - cpuSetSize(kubelet.reservedSystemCPUs), memory };
  const system = parseQuantity(kubelet.systemReservedCpu ?? "0") ?? 0;
  return { cpu: m.vcpus - tieredCpuReserve(m.vcpus) - system, memory };
}

/**
 * Allocatable CPU and memory of a GKE Standard node (GKE "Plan node sizes",
 * memory and CPU reservations): memory reserves 255 MiB below 1 GiB, else 25%
 * of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next
 * 112 and 2% above 128 GiB, plus a 100 MiB eviction threshold; CPU uses the
 * tiered formula.
 */
export function gkeAllocatable(m: Machine): Amount {
  const mem = m.memoryGiB;
  let reservedGiB: number;
  if (mem < 1) reservedGiB = 255 / 1024;
  else {
    const tiers: readonly [upTo: number, share: number][] = [[4, 0.25], [8, 0.2], [16, 0.1], [128, 0.06], [Infinity, 0.02]];
    reservedGiB = 0;
    let from = 0;
    for (const [upTo, share] of tiers) {
      if (mem > from) reservedGiB += (Math.min(mem, upTo) - from) * share;
      from = upTo;
    }
  }
  return { cpu: m.vcpus - tieredCpuReserve(m.vcpus), memory: (mem - reservedGiB) * GiB - 100 * MiB };
}

/** `6.5 CPU / 53.5 GiB` for messages. */
export function describeAmount(a: Amount): string {
  return `${Math.round(a.cpu * 1000) / 1000} CPU / ${Math.round((a.memory / GiB) * 100) / 100} GiB`;
}

/** Requests of a container's `resources` (limits where requests are absent, as the API server defaults them). */
export function requestsOf(resources: Record<string, unknown>): Amount {
  const req = (resources.requests ?? {}) as Record<string, unknown>;
  const lim = (resources.limits ?? {}) as Record<string, unknown>;
  return { cpu: parseQuantity(req.cpu ?? lim.cpu) ?? 0, memory: parseQuantity(req.memory ?? lim.memory) ?? 0 };
}

export function add(...xs: Amount[]): Amount {
  return xs.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
}
