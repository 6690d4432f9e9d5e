/**
 * Storage-optimised instance types we support for ScyllaDB nodes, with the
 * figures the clouds publish (vCPUs, memory, local NVMe disks). ScyllaDB wants
 * its data on local NVMe; network disks are not offered here on purpose.
 *
 * AWS figures: the EC2 "storage optimized instances" specification tables
 * (instance store sizes in decimal GB). GCP figures: the Compute Engine
 * machine-family pages (memory in GiB, local SSD 375 GiB per disk; Z3 Titanium
 * SSD 3 TiB per disk, bundled with the machine type).
 */

export type Cloud = "aws" | "gcp";
export type Architecture = "x86_64" | "arm64";

export interface InstanceType {
  readonly cloud: Cloud;
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly arch: Architecture;
  /** Size of one local NVMe disk in GiB. */
  readonly diskGiB: number;
  /**
   * Local NVMe disk counts the machine type accepts. AWS and Z3 bundle a fixed
   * number (one entry); GCP N2 lets you choose from a published list.
   */
  readonly diskCounts: readonly number[];
}

const GB = 1e9 / 2 ** 30;
const gbToGiB = (gb: number) => Math.floor(gb * GB);

type AwsRow = readonly [size: string, vcpus: number, memoryGiB: number, disks: number, diskGB: number];

function awsFamily(family: string, arch: Architecture, rows: readonly AwsRow[]): InstanceType[] {
  return rows.map(([size, vcpus, memoryGiB, disks, diskGB]) => ({
    cloud: "aws",
    name: `${family}.${size}`,
    vcpus,
    memoryGiB,
    arch,
    diskGiB: gbToGiB(diskGB),
    diskCounts: [disks],
  }));
}

const AWS_TYPES: InstanceType[] = [
  ...awsFamily("i3", "x86_64", [
    ["large", 2, 15.25, 1, 475],
    ["xlarge", 4, 30.5, 1, 950],
    ["2xlarge", 8, 61, 1, 1900],
    ["4xlarge", 16, 122, 2, 1900],
    ["8xlarge", 32, 244, 4, 1900],
    ["16xlarge", 64, 488, 8, 1900],
  ]),
  ...awsFamily("i3en", "x86_64", [
    ["large", 2, 16, 1, 1250],
    ["xlarge", 4, 32, 1, 2500],
    ["2xlarge", 8, 64, 2, 2500],
    ["3xlarge", 12, 96, 1, 7500],
    ["6xlarge", 24, 192, 2, 7500],
    ["12xlarge", 48, 384, 4, 7500],
    ["24xlarge", 96, 768, 8, 7500],
  ]),
  ...awsFamily("i4i", "x86_64", [
    ["large", 2, 16, 1, 468],
    ["xlarge", 4, 32, 1, 937],
    ["2xlarge", 8, 64, 1, 1875],
    ["4xlarge", 16, 128, 1, 3750],
    ["8xlarge", 32, 256, 2, 3750],
    ["12xlarge", 48, 384, 3, 3750],
    ["16xlarge", 64, 512, 4, 3750],
    ["24xlarge", 96, 768, 6, 3750],
    ["32xlarge", 128, 1024, 8, 3750],
  ]),
  ...awsFamily("i7i", "x86_64", [
    ["large", 2, 16, 1, 468],
    ["xlarge", 4, 32, 1, 937],
    ["2xlarge", 8, 64, 1, 1875],
    ["4xlarge", 16, 128, 1, 3750],
    ["8xlarge", 32, 256, 2, 3750],
    ["12xlarge", 48, 384, 3, 3750],
    ["16xlarge", 64, 512, 4, 3750],
    ["24xlarge", 96, 768, 6, 3750],
    ["48xlarge", 192, 1536, 12, 3750],
  ]),
  ...awsFamily("i8g", "arm64", [
    ["large", 2, 16, 1, 468],
    ["xlarge", 4, 32, 1, 937],
    ["2xlarge", 8, 64, 1, 1875],
    ["4xlarge", 16, 128, 1, 3750],
    ["8xlarge", 32, 256, 2, 3750],
    ["12xlarge", 48, 384, 3, 3750],
    ["16xlarge", 64, 512, 4, 3750],
    ["24xlarge", 96, 768, 6, 3750],
  ]),
];

/** GCP N2 local SSD counts by vCPU band (Compute Engine local SSD documentation). */
function n2LocalSsdCounts(vcpus: number): number[] {
  if (vcpus <= 10) return [1, 2, 4, 8, 16, 24];
  if (vcpus <= 20) return [2, 4, 8, 16, 24];
  if (vcpus <= 40) return [4, 8, 16, 24];
  if (vcpus <= 80) return [8, 16, 24];
  return [16, 24];
}

const N2_HIGHMEM: ReadonlyArray<readonly [vcpus: number, memoryGiB: number]> = [
  [2, 16], [4, 32], [8, 64], [16, 128], [32, 256], [48, 384], [64, 512], [80, 640], [96, 768], [128, 864],
];

const Z3_HIGHMEM: ReadonlyArray<readonly [suffix: string, vcpus: number, memoryGiB: number, disks: number]> = [
  ["8-highlssd", 8, 64, 2],
  ["16-highlssd", 16, 128, 4],
  ["22-highlssd", 22, 176, 6],
  ["32-highlssd", 32, 256, 8],
  ["44-highlssd", 44, 352, 12],
  ["88", 88, 704, 12],
  ["176", 176, 1408, 12],
];

const GCP_TYPES: InstanceType[] = [
  ...N2_HIGHMEM.map(([vcpus, memoryGiB]): InstanceType => ({
    cloud: "gcp",
    name: `n2-highmem-${vcpus}`,
    vcpus,
    memoryGiB,
    arch: "x86_64",
    diskGiB: 375,
    diskCounts: n2LocalSsdCounts(vcpus),
  })),
  ...Z3_HIGHMEM.map(([suffix, vcpus, memoryGiB, disks]): InstanceType => ({
    cloud: "gcp",
    name: `z3-highmem-${suffix}`,
    vcpus,
    memoryGiB,
    arch: "x86_64",
    diskGiB: 3 * 1024,
    diskCounts: [disks],
  })),
];

const BY_NAME = new Map<string, InstanceType>(
  [...AWS_TYPES, ...GCP_TYPES].map((t) => [`${t.cloud}:${t.name}`, t]),
);

export function instanceType(cloud: Cloud, name: string): InstanceType | undefined {
  return BY_NAME.get(`${cloud}:${name}`);
}

export function supportedInstanceTypes(cloud: Cloud): readonly InstanceType[] {
  return cloud === "aws" ? AWS_TYPES : GCP_TYPES;
}

/** The supported types grouped by family, for error messages: `i4i.{large,xlarge,2xlarge}`. */
export function describeSupportedTypes(cloud: Cloud): string {
  const families = new Map<string, string[]>();
  for (const t of supportedInstanceTypes(cloud)) {
    const [family, size] = cloud === "aws" ? t.name.split(".") : [t.name.replace(/-[^-]+(-highlssd)?$/, ""), t.name.replace(/^.*?highmem-/, "")];
    families.set(family!, [...(families.get(family!) ?? []), size!]);
  }
  const sep = cloud === "aws" ? "." : "-";
  return [...families].map(([family, sizes]) => `${family}${sep}{${sizes.join(",")}}`).join(", ");
}

/**
 * Machine types the system pool may use. Any general-purpose shape works
 * there, so this checks the form, not a table: EC2 `<family>.<size>`; Compute
 * Engine predefined `<series>-<standard|highmem|highcpu>-<vCPUs>` of a
 * general-purpose or compute-optimised series (Compute Engine "Machine
 * families resource and comparison guide"). Shared-core (e2-micro…) and
 * custom types are left out: too small, or sized outside the table.
 */
const SYSTEM_MACHINE: Readonly<Record<Cloud, RegExp>> = {
  aws: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
  gcp: /^(e2|n1|n2|n2d|n4|n4d|c2|c2d|c3|c3d|c4|c4a|c4d|t2a|t2d)-(standard|highmem|highcpu)-\d+$/,
};

export const GCP_SYSTEM_MACHINE_HINT =
  "<series>-<standard|highmem|highcpu>-<vCPUs> of series e2, n1, n2, n2d, n4, n4d, c2, c2d, c3, c3d, c4, c4a, c4d, t2a or t2d";

export function isSystemMachineType(cloud: Cloud, name: string): boolean {
  return SYSTEM_MACHINE[cloud].test(name);
}

/** Default system-pool machine per cloud: 4 vCPU / 16 GiB holds operators, webhooks, Manager and Prometheus. */
export const DEFAULT_SYSTEM_INSTANCE_TYPE: Readonly<Record<Cloud, string>> = {
  aws: "m7i.xlarge",
  gcp: "n2-standard-4",
};

export interface ContainerResources {
  /** Whole CPUs (a string of digits) or millicores for the agent. */
  readonly cpu: string;
  readonly memory: string;
}

export interface ScyllaSizing {
  /** The `scylla` container: integer CPUs so the static CPU manager pins them. */
  readonly scylla: ContainerResources;
  /** The `scylla-manager-agent` sidecar; requests == limits keeps the pod Guaranteed. */
  readonly agent: ContainerResources;
  /** Capacity requested from the local CSI driver, in GiB. */
  readonly storageGiB: number;
  /** Local NVMe disks the node gets (GCP asks for a count; AWS bundles them). */
  readonly diskCount: number;
}

/** The agent sidecar is small and fixed: it idles except while uploading backups. */
export const AGENT_RESOURCES: ContainerResources = { cpu: "500m", memory: "512Mi" };

/**
 * Derives the Scylla pod's resources from the node it owns. ScyllaDB's guide
 * asks for at least two CPUs of headroom on real nodes for the kubelet, the
 * OS and the per-node DaemonSets (CSI driver, CNI, node exporter); tiny dev
 * nodes keep one. Memory keeps 15% for the same plus 1 GiB for the agent;
 * storage keeps 10% of the RAID0 array for XFS metadata and compaction slack.
 */
export function scyllaSizing(type: InstanceType, diskCount: number): ScyllaSizing {
  const reservedCpus = type.vcpus <= 4 ? 1 : type.vcpus <= 32 ? 2 : 4;
  const cpus = Math.max(1, type.vcpus - reservedCpus);
  const memoryGiB = Math.max(1, Math.floor(type.memoryGiB * 0.85) - 1);
  const storageGiB = Math.floor(type.diskGiB * diskCount * 0.9);
  return {
    scylla: { cpu: String(cpus), memory: `${memoryGiB}Gi` },
    agent: AGENT_RESOURCES,
    storageGiB,
    diskCount,
  };
}
