/**
 * The scylla-operator v1.21 production checklist
 * (docs/source/deploy-scylladb/production-checklist.md at v1.21.1), as rules
 * wherever the graph shows the item. Items 2, 3, 7, 8 (QoS, static CPU
 * manager) and 11 are other rules of the pack; coredumps (item 5) live on
 * the host and cannot be seen before deploy; precomputed I/O properties
 * (item 10) are optional and not enforced.
 */
import { type ResourceGraph, arr, num, rec, str, strings } from "../model/graph";
import { SCYLLA_CLUSTER, type NodePoolView, datacenters, isManagerBackingCluster, k8sObjects, metaOf, nodePools } from "../model/topology";
import { type Finding, list, stackRule } from "../rule";
import { sameCluster } from "./scylla";

const VOLUMES_DIR = "/var/lib/persistent-volumes";
/** The value the checklist gives for fs.nr_open (item 4). */
const NR_OPEN = 1073741816;

function poolType(graph: ResourceGraph, p: NodePoolView): string | undefined {
  if (p.cloud === "gcp") return str(rec(p.resource.props.nodeConfig).machineType);
  const template = graph.linked(p.resource, "launchTemplate", "aws:ec2/launchTemplate:LaunchTemplate")[0];
  return strings(p.resource.props.instanceTypes)[0] ?? str(template?.props.instanceType);
}

/**
 * Instance families the operator recommends for dedicated ScyllaDB nodes
 * (docs/source/deploy-scylladb/before-you-deploy/set-up-dedicated-node-pools.md:26-38
 * at v1.21.1): EKS storage-optimised `i` families, GKE `n2-highmem` or
 * `z3-highmem` with local SSDs.
 */
const SUPPORTED: Readonly<Record<"aws" | "gcp", RegExp>> = {
  aws: /^i[0-9][a-z]*\.[0-9]*x?large$/,
  gcp: /^(n2-highmem|z3-highmem)-/,
};

export const scyllaProductionChecklist = stackRule<{ minNrOpen: number }>({
  name: "scylla-production-checklist",
  description: "The operator's production checklist where the graph shows it: no developer mode or overprovisioning, NodeConfig optimisations on with fs.nr_open raised and XFS online discard, a ScyllaDBMonitoring in every datacenter's cluster, and Scylla pools on the instance families the operator recommends.",
  severity: "high",
  remediation: "Remove developerMode and --overprovisioned/--developer-mode args; keep NodeConfig disableOptimizations false, add the fs.nr_open sysctl and the discard mount option; create a ScyllaDBMonitoring per datacenter cluster; use i-family (EKS) or n2-highmem/z3-highmem (GKE) machines for Scylla pools.",
  configSchema: { properties: { minNrOpen: { type: "integer", minimum: 1, default: NR_OPEN } } },
  *check(graph, { minNrOpen }): Iterable<Finding> {
    for (const sc of graph.ofType(SCYLLA_CLUSTER)) {
      const spec = rec(sc.props.spec);
      const what = isManagerBackingCluster(sc) ? `Scylla Manager's database ScyllaCluster ${metaOf(sc).namespace}/${metaOf(sc).name ?? sc.name}` : `ScyllaCluster ${sc.name}`;
      if (spec.developerMode === true) yield { urn: sc.urn, message: `${what} runs in developer mode, which skips the I/O and tuning checks and overprovisions CPUs; production runs with developerMode false` };
      const args = strings(spec.scyllaArgs ? [spec.scyllaArgs] : []).flatMap((a) => a.split(/\s+/));
      const bad = args.filter((a) => /^--developer-mode(=(1|true))?$/.test(a) || (/^--overprovisioned/.test(a) && a !== "--overprovisioned=0"));
      if (bad.length > 0) yield { urn: sc.urn, message: `${what} passes ${list(bad)} in scyllaArgs; the checklist wants ScyllaDB started with --overprovisioned=0 and no developer mode` };
    }
    const configs = k8sObjects(graph, "scylla.scylladb.com", "NodeConfig");
    for (const nc of configs) {
      const spec = rec(nc.props.spec);
      const name = metaOf(nc).name ?? nc.name;
      if (spec.disableOptimizations === true) yield { urn: nc.urn, message: `NodeConfig ${name} sets disableOptimizations: true, so Scylla nodes get no performance tuning; remove it` };
      const nrOpen = arr(spec.sysctls).map(rec).find((s) => s.name === "fs.nr_open");
      const value = num(nrOpen?.value);
      if (value === undefined || value < minNrOpen) yield { urn: nc.urn, message: `NodeConfig ${name} ${nrOpen ? `sets fs.nr_open to ${String(nrOpen.value)}` : "does not set fs.nr_open"}; ScyllaDB may fail to open files under load: set the sysctl fs.nr_open to at least ${minNrOpen}` };
      const mount = arr(rec(spec.localDiskSetup).mounts).map(rec).find((m) => m.mountPoint === VOLUMES_DIR);
      if (mount && !arr(mount.unsupportedOptions).includes("discard")) yield { urn: nc.urn, message: `NodeConfig ${name} mounts ${VOLUMES_DIR} without the discard option, so SSDs get no online TRIM and write latency drifts; add discard to unsupportedOptions` };
    }
    const monitors = k8sObjects(graph, "scylla.scylladb.com", "ScyllaDBMonitoring");
    for (const dc of datacenters(graph)) {
      if (!monitors.some((m) => sameCluster(graph, m, dc.resource))) {
        yield { urn: dc.resource.urn, message: `ScyllaCluster ${dc.resource.name} (datacenter ${dc.datacenter ?? "?"}) has no ScyllaDBMonitoring in its cluster, so nothing scrapes or alerts on it; create one` };
      }
    }
    for (const p of nodePools(graph).filter((x) => x.role === "scylla")) {
      const type = poolType(graph, p);
      if (type && !SUPPORTED[p.cloud].test(type)) {
        yield { urn: p.resource.urn, message: `Scylla ${p.cloud === "aws" ? "node group" : "node pool"} ${p.resource.name} uses ${type}, outside the families the operator recommends for ScyllaDB (${p.cloud === "aws" ? "storage-optimised i families such as i4i, i3en, i8g" : "n2-highmem or z3-highmem"}); use one of them` };
      }
    }
  },
});

export const PRODUCTION_RULES = [scyllaProductionChecklist];
