/**
 * Scylla node pool rules. A Scylla pool is one recognised by the Scylla node
 * label or the dedicated taint: one zone (it backs one rack), local NVMe,
 * static CPU manager, on-demand, and no automatic repair or upgrade (either
 * would replace a node and its local data without ScyllaDB knowing).
 */
import { type ResourceGraph, rec, str, strings } from "../model/graph";
import { AWS, LABELS, type NodePoolView, nodePools } from "../model/topology";
import { type Finding, list, stackRule } from "../rule";

const scyllaPools = (graph: ResourceGraph) => nodePools(graph).filter((p) => p.role === "scylla");
const kind = (p: NodePoolView) => (p.cloud === "aws" ? "node group" : "node pool");

export const scyllaPoolSingleZone = stackRule({
  name: "scylla-pool-single-zone",
  description: "Every Scylla node pool sits in exactly one zone (rack = zone = one pool).",
  severity: "critical",
  remediation: "Create one Scylla pool per zone: an EKS node group with subnets of that zone only, or a GKE node pool with nodeLocations: [<zone>].",
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      if (p.zones.length !== 1) {
        const where = p.zones.length === 0 ? "no zone the graph can see (EKS: subnetIds must come from aws.ec2.Subnet resources; GKE: set nodeLocations)" : `${p.zones.length} zones (${list([...p.zones])})`;
        yield { urn: p.resource.urn, message: `Scylla ${kind(p)} ${p.resource.name} spans ${where}; a rack's nodes must all be in its one zone, so each Scylla pool must have exactly one zone` };
      }
    }
  },
});

/** Instance families with local NVMe instance storage. */
const NVME_FAMILY = /^(i3|i3en|i4i|i4g|i7i|i7ie|i8g|i8ge|im4gn|is4gen|[cmr][5-8][a-z]*d[a-z]*|x2iedn|x2idn|z1d)\./;

function awsInstanceTypes(graph: ResourceGraph, p: NodePoolView): string[] {
  const template = graph.linked(p.resource, "launchTemplate", AWS.launchTemplate)[0];
  return [...strings(p.resource.props.instanceTypes), ...(str(template?.props.instanceType) ? [str(template?.props.instanceType)!] : [])];
}

export const scyllaPoolLocalNvme = stackRule({
  name: "scylla-pool-local-nvme",
  description: "Scylla pools use instances with local NVMe disks handed to the node as raw block devices (and, on GKE, an image with XFS).",
  severity: "high",
  remediation: "AWS: use a storage-optimised type such as i4i, i3en, i7i or i8g. GKE: set nodeConfig.localNvmeSsdBlockConfig.localSsdCount ≥ 1 on an N2/Z3-class machine and imageType UBUNTU_CONTAINERD.",
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      const name = p.resource.name;
      if (p.cloud === "aws") {
        const types = awsInstanceTypes(graph, p);
        if (types.length === 0) yield { urn: p.resource.urn, message: `Scylla node group ${name} declares no instance type (instanceTypes or its launch template's instanceType); pick a local-NVMe type such as i4i.2xlarge` };
        const bad = types.filter((t) => !NVME_FAMILY.test(t));
        if (bad.length > 0) yield { urn: p.resource.urn, message: `Scylla node group ${name} uses ${list(bad)}, which has no local NVMe storage; ScyllaDB data belongs on local NVMe: use a type such as i4i, i3en, i7i or i8g` };
        continue;
      }
      const config = rec(p.resource.props.nodeConfig);
      const machine = str(config.machineType) ?? "(default machine type)";
      const count = Number(rec(config.localNvmeSsdBlockConfig).localSsdCount ?? 0);
      if (!(count >= 1) && !machine.startsWith("z3-")) {
        yield { urn: p.resource.urn, message: `Scylla node pool ${name} (${machine}) has no local NVMe block devices (nodeConfig.localNvmeSsdBlockConfig.localSsdCount is ${count}); set localSsdCount ≥ 1` };
      }
      if (config.ephemeralStorageLocalSsdConfig !== undefined) {
        yield { urn: p.resource.urn, message: `Scylla node pool ${name} gives its local SSDs to the kubelet (ephemeralStorageLocalSsdConfig); use localNvmeSsdBlockConfig so NodeConfig can build the RAID for ScyllaDB` };
      }
      const image = str(config.imageType) ?? "COS_CONTAINERD (default)";
      if (!image.toUpperCase().startsWith("UBUNTU")) {
        yield { urn: p.resource.urn, message: `Scylla node pool ${name} runs image ${image}, which cannot format the XFS volumes ScyllaDB needs; set nodeConfig.imageType to UBUNTU_CONTAINERD` };
      }
    }
  },
});

function decodeUserData(value: unknown): string | undefined {
  const text = str(value);
  if (!text) return undefined;
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, "base64").toString("utf8") : text;
  return decoded;
}

export const scyllaPoolStaticCpu = stackRule({
  name: "scylla-pool-static-cpu-manager",
  description: "Scylla pools run the kubelet with cpuManagerPolicy: static, so ScyllaDB's Guaranteed pods get pinned CPUs.",
  severity: "high",
  remediation: "EKS: give the node group a launch template whose userData holds a nodeadm NodeConfig with kubelet.config.cpuManagerPolicy: static. GKE: set nodeConfig.kubeletConfig.cpuManagerPolicy: static.",
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      const name = p.resource.name;
      if (p.cloud === "gcp") {
        const policy = rec(rec(p.resource.props.nodeConfig).kubeletConfig).cpuManagerPolicy;
        if (policy !== "static") yield { urn: p.resource.urn, message: `Scylla node pool ${name}: kubelet cpuManagerPolicy is ${JSON.stringify(policy ?? "none")}; set nodeConfig.kubeletConfig.cpuManagerPolicy: static` };
        continue;
      }
      const template = graph.linked(p.resource, "launchTemplate", AWS.launchTemplate)[0];
      const userData = decodeUserData(template?.props.userData);
      if (!template) {
        yield { urn: p.resource.urn, message: `Scylla node group ${name} has no launch template, so its kubelet runs the default (none) CPU manager; add an aws.ec2.LaunchTemplate whose nodeadm NodeConfig sets kubelet.config.cpuManagerPolicy: static` };
      } else if (!userData || !/cpuManagerPolicy["']?\s*:\s*["']?static\b/.test(userData)) {
        yield { urn: template.urn, message: `launch template ${template.name} of Scylla node group ${name}: userData ${userData ? "does not set" : "is missing or unknown at preview, so it cannot be shown to set"} kubelet.config.cpuManagerPolicy: static in a nodeadm NodeConfig; build userData from plain values and set it` };
      }
    }
  },
});

export const scyllaPoolLabelTaint = stackRule({
  name: "scylla-pool-label-taint",
  description: `Scylla pools carry the label ${LABELS.scyllaNode}=scylla and the taint ${LABELS.dedicatedTaint}=scyllaclusters:NoSchedule.`,
  severity: "high",
  remediation: `Set the node label ${LABELS.scyllaNode}: scylla (racks and NodeConfig select it) and the taint ${LABELS.dedicatedTaint}=scyllaclusters:NoSchedule (keeps other pods off).`,
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      const name = `Scylla ${kind(p)} ${p.resource.name}`;
      if (p.labels[LABELS.scyllaNode] !== "scylla") yield { urn: p.resource.urn, message: `${name} lacks the node label ${LABELS.scyllaNode}: scylla, so racks and NodeConfig do not select its nodes; add the label` };
      const ok = p.taints.some((t) => t.key === LABELS.dedicatedTaint && t.value === "scyllaclusters" && t.effect === "NoSchedule");
      if (!ok) yield { urn: p.resource.urn, message: `${name} lacks the taint ${LABELS.dedicatedTaint}=scyllaclusters:NoSchedule, so other pods can take its CPUs; add the taint` };
    }
  },
});

export const scyllaPoolOnDemand = stackRule({
  name: "scylla-pool-on-demand",
  description: "Scylla pools use on-demand capacity: a reclaimed spot node takes its local NVMe data with it.",
  severity: "critical",
  remediation: "EKS: capacityType ON_DEMAND (the default). GKE: leave nodeConfig.spot and nodeConfig.preemptible unset.",
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      const config = rec(p.resource.props.nodeConfig);
      const spot = p.cloud === "aws" ? p.resource.props.capacityType === "SPOT" : config.spot === true || config.preemptible === true;
      if (spot) yield { urn: p.resource.urn, message: `Scylla ${kind(p)} ${p.resource.name} uses spot/preemptible capacity; a reclaimed node loses its local NVMe data: use on-demand capacity` };
    }
  },
});

export const scyllaPoolNoAutoRepair = stackRule({
  name: "scylla-pool-no-auto-repair",
  description: "Scylla pools have automatic node repair and upgrade off: either replaces nodes (and their data) without ScyllaDB's node-replace procedure.",
  severity: "high",
  remediation: "EKS: leave nodeRepairConfig.enabled unset or false. GKE: set management.autoRepair: false and management.autoUpgrade: false (both default to true); upgrade by migrating racks to a new pool.",
  *check(graph): Iterable<Finding> {
    for (const p of scyllaPools(graph)) {
      const name = p.resource.name;
      if (p.cloud === "aws") {
        if (rec(p.resource.props.nodeRepairConfig).enabled === true) yield { urn: p.resource.urn, message: `Scylla node group ${name} has node auto repair on (nodeRepairConfig.enabled); set it to false` };
        continue;
      }
      const m = rec(p.resource.props.management);
      const on = [m.autoRepair !== false ? "autoRepair" : undefined, m.autoUpgrade !== false ? "autoUpgrade" : undefined].filter((x): x is string => !!x);
      if (on.length > 0) yield { urn: p.resource.urn, message: `Scylla node pool ${name} has management.${on.join(" and management.")} on (GKE defaults both to true); set ${on.map((x) => `${x}: false`).join(" and ")}` };
    }
  },
});

export const NODE_POOL_RULES = [scyllaPoolSingleZone, scyllaPoolLocalNvme, scyllaPoolStaticCpu, scyllaPoolLabelTaint, scyllaPoolOnDemand, scyllaPoolNoAutoRepair];
