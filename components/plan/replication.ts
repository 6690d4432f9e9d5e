/**
 * The data work of a rollout step, as plain steps the Kubernetes Jobs run
 * (and the runbooks print). Every step is idempotent: re-running an ALTER to
 * the same map is a no-op, a rebuild streams again, a repair converges.
 *
 * vnode keyspaces: one ALTER adding the new DC, then `nodetool rebuild` from
 * an existing DC on each new node, then a repair. Tablet keyspaces: ScyllaDB
 * moves tablets itself but accepts only one RF step per DC per ALTER, so the
 * new DC's RF rises 1, 2, … to its target with no rebuild.
 */
import type { EnvironmentPlan, KeyspacePlan, RegionPlan } from "./types";

export type ReplicationStep =
  | { readonly kind: "cql"; readonly keyspace: string; readonly statement: string }
  | { readonly kind: "rebuild"; readonly datacenter: string; readonly sourceDatacenter: string }
  | { readonly kind: "repair"; readonly keyspace: string }
  | { readonly kind: "removenode"; readonly datacenter: string };

/** System keyspaces that must follow user keyspaces into (and out of) a DC. */
export const SYSTEM_KEYSPACES = ["system_distributed", "system_traces"] as const;

export function replicationMap(replication: Readonly<Record<string, number>>): string {
  const entries = Object.entries(replication)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dc, rf]) => `'${dc}': ${rf}`);
  return `{'class': 'NetworkTopologyStrategy', ${entries.join(", ")}}`;
}

export function alterKeyspace(name: string, replication: Readonly<Record<string, number>>): string {
  return `ALTER KEYSPACE "${name}" WITH replication = ${replicationMap(replication)};`;
}

export function createKeyspace(ks: KeyspacePlan, replication: Readonly<Record<string, number>>): string {
  const tablets = ks.tablets ? " AND tablets = {'enabled': true}" : " AND tablets = {'enabled': false}";
  return `CREATE KEYSPACE IF NOT EXISTS "${ks.name}" WITH replication = ${replicationMap(replication)}${tablets};`;
}

/** System keyspaces get the DC's rack count (at most 3) in every DC that holds replicas. */
function systemReplication(plan: EnvironmentPlan): Record<string, number> {
  return Object.fromEntries(
    plan.regions.filter((r) => r.holdsReplicas && !r.lost).map((r) => [r.datacenter, Math.min(3, r.racks.length)]),
  );
}

/**
 * Steps that give `region`'s DC its replicas. The source of rebuilds is the
 * first other DC already holding replicas (the seed order), so the oldest,
 * fully repaired copy streams to the new DC.
 */
export function replicationSteps(plan: EnvironmentPlan, region: RegionPlan): ReplicationStep[] {
  if (!region.holdsReplicas || region.lost) return [];
  const dc = region.datacenter;
  const source = plan.regions.find((r) => r.holdsReplicas && !r.lost && r.datacenter !== dc)?.datacenter;
  const steps: ReplicationStep[] = [];
  const vnodeKeyspaces: string[] = [];

  for (const ks of plan.keyspaces) {
    const target = ks.replication[dc];
    if (target === undefined) continue;
    steps.push({ kind: "cql", keyspace: ks.name, statement: createKeyspace(ks, ks.replication) });
    if (ks.tablets && source) {
      for (let rf = 1; rf <= target; rf++) {
        steps.push({ kind: "cql", keyspace: ks.name, statement: alterKeyspace(ks.name, { ...ks.replication, [dc]: rf }) });
      }
    } else {
      steps.push({ kind: "cql", keyspace: ks.name, statement: alterKeyspace(ks.name, ks.replication) });
      vnodeKeyspaces.push(ks.name);
    }
  }
  const system = systemReplication(plan);
  for (const name of SYSTEM_KEYSPACES) {
    steps.push({ kind: "cql", keyspace: name, statement: alterKeyspace(name, system) });
    vnodeKeyspaces.push(name);
  }
  // The first DC of a new cluster has nothing to stream from.
  if (source) {
    steps.push({ kind: "rebuild", datacenter: dc, sourceDatacenter: source });
    for (const name of vnodeKeyspaces) steps.push({ kind: "repair", keyspace: name });
  }
  return steps;
}

/**
 * Clean-up after a region is lost: drop its DC from every keyspace, remove
 * its dead nodes from the ring (Raft needs a majority of the remaining
 * nodes), then repair what is left.
 */
export function regionLossSteps(plan: EnvironmentPlan, region: RegionPlan): ReplicationStep[] {
  if (!region.lost) return [];
  const steps: ReplicationStep[] = [];
  for (const ks of plan.keyspaces) {
    steps.push({ kind: "cql", keyspace: ks.name, statement: alterKeyspace(ks.name, ks.replication) });
  }
  const system = systemReplication(plan);
  for (const name of SYSTEM_KEYSPACES) steps.push({ kind: "cql", keyspace: name, statement: alterKeyspace(name, system) });
  steps.push({ kind: "removenode", datacenter: region.datacenter });
  for (const ks of plan.keyspaces) steps.push({ kind: "repair", keyspace: ks.name });
  return steps;
}

/** How Scylla Manager names an operator-registered cluster: `<namespace>/<name>`. */
export function managerClusterName(plan: EnvironmentPlan): string {
  return `${plan.scylla.namespace}/${plan.scylla.clusterName}`;
}

/** A step as the shell command a person (or a Job) runs; `managerCluster` as `managerClusterName` gives it. */
export function stepCommand(step: ReplicationStep, managerCluster: string): string {
  switch (step.kind) {
    case "cql":
      return `cqlsh -e ${JSON.stringify(step.statement)}`;
    case "rebuild":
      return `nodetool rebuild -- ${step.sourceDatacenter}   # on every node of ${step.datacenter}`;
    case "repair":
      return `sctool repair -c ${managerCluster} --keyspace ${step.keyspace}`;
    case "removenode":
      return `nodetool status | awk '/^Datacenter: ${step.datacenter}$/{f=1;next} /^Datacenter:/{f=0} f && /^DN/{print $(NF-1)}' | xargs -r -n1 nodetool removenode`;
    default: {
      const unreachable: never = step;
      throw new Error(`unhandled step ${JSON.stringify(unreachable)}`);
    }
  }
}
