/**
 * Keyspace replication as ScyllaDB 2026.1 accepts changing it, as pure data:
 * the stepping rule the replication Job applies at run time (from the live
 * `system_schema.keyspaces`, so any replay converges), and the same rule here
 * for the rehearsal, the runbooks and the region-loss clean-up commands.
 *
 * Rules (scylladb/scylladb, tag scylla-2026.1.3):
 * - tablet keyspaces: one ALTER may change the RF of one DC by one
 *   (cql3/statements/alter_keyspace_statement.cc:89-107, "Only one DC's RF can
 *   be changed at a time and not by more than 1"); every DC already in the map
 *   must be named, a leaving one with RF 0 (cql3/statements/ks_prop_defs.cc:120-128,
 *   "Attempted to implicitly drop replicas"); entries at 0 are then dropped
 *   (ks_prop_defs.cc:255-259). The ALTER returns once the tablets moved
 *   (cql3/query_processor.cc:1107-1117), and another RF change of the keyspace
 *   is refused while one is ongoing (alter_keyspace_statement.cc:166-169).
 * - vnode keyspaces: one ALTER to the declared map; the new DC then rebuilds
 *   its nodes from an existing DC and is repaired.
 * - every DC named must exist in the topology
 *   (locator/network_topology_strategy.cc:279-298 validate_options).
 */
import type { EnvironmentPlan, KeyspacePlan, RegionPlan } from "./types";

export type ReplicationMap = Readonly<Record<string, number>>;

/** System keyspaces that must follow user keyspaces into (and out of) a DC (vnode keyspaces, alterable). */
export const SYSTEM_KEYSPACES = ["system_distributed", "system_traces"] as const;

/** One keyspace the procedure converges, and the map it converges to. */
export interface KeyspaceTarget {
  readonly name: string;
  readonly tablets: boolean;
  /** Declared RF per DC; DCs absent here step to 0. */
  readonly target: ReplicationMap;
}

/** What the next statement for a keyspace is, given its live map (`undefined` = the keyspace does not exist). */
export type ReplicationStep =
  | { readonly kind: "create"; readonly keyspace: string; readonly statement: string; readonly map: ReplicationMap }
  | { readonly kind: "alter"; readonly keyspace: string; readonly statement: string; readonly map: ReplicationMap };

const sortedEntries = (m: ReplicationMap) => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function replicationMap(replication: ReplicationMap): string {
  const entries = sortedEntries(replication).map(([dc, rf]) => `'${dc}': ${rf}`);
  return `{'class': 'NetworkTopologyStrategy'${entries.map((e) => `, ${e}`).join("")}}`;
}

export function alterKeyspace(name: string, replication: ReplicationMap): string {
  return `ALTER KEYSPACE "${name}" WITH replication = ${replicationMap(replication)};`;
}

export function createKeyspace(ks: { readonly name: string; readonly tablets: boolean }, replication: ReplicationMap): string {
  return `CREATE KEYSPACE IF NOT EXISTS "${ks.name}" WITH replication = ${replicationMap(replication)} AND tablets = {'enabled': ${ks.tablets}};`;
}

/** The map ScyllaDB stores: entries at 0 dropped (ks_prop_defs.cc:255-259). */
export function storedMap(m: ReplicationMap): ReplicationMap {
  return Object.fromEntries(sortedEntries(m).filter(([, rf]) => rf > 0));
}

export function sameMap(a: ReplicationMap, b: ReplicationMap): boolean {
  return replicationMap(storedMap(a)) === replicationMap(storedMap(b));
}

/**
 * The next statement that moves `live` toward `ks.target`, or undefined when
 * it is there. Tablets: raise first (the lowest-named DC below its target goes
 * up by one), then lower (the lowest-named DC above its target goes down by
 * one), naming every DC of the live map. A DC is never lowered below its
 * target, so a replay from any intermediate map cannot drop a replica of a
 * DC that stays.
 */
export function nextStep(ks: KeyspaceTarget, live: ReplicationMap | undefined): ReplicationStep | undefined {
  if (live === undefined) {
    const map = storedMap(ks.target);
    return { kind: "create", keyspace: ks.name, statement: createKeyspace(ks, map), map };
  }
  if (sameMap(live, ks.target)) return undefined;
  if (!ks.tablets) {
    const map = storedMap(ks.target);
    return { kind: "alter", keyspace: ks.name, statement: alterKeyspace(ks.name, map), map };
  }
  const dcs = [...new Set([...Object.keys(live), ...Object.keys(ks.target)])].sort();
  const want = (dc: string) => ks.target[dc] ?? 0;
  const have = (dc: string) => live[dc] ?? 0;
  const raise = dcs.find((dc) => have(dc) < want(dc));
  const lower = raise === undefined ? dcs.find((dc) => have(dc) > want(dc)) : undefined;
  const moved = (raise ?? lower)!;
  const next: Record<string, number> = {};
  for (const dc of Object.keys(live)) next[dc] = have(dc);
  next[moved] = have(moved) + (raise !== undefined ? 1 : -1);
  return { kind: "alter", keyspace: ks.name, statement: alterKeyspace(ks.name, next), map: next };
}

/** Every statement from `live` to the target, in order (what the Job runs when nothing fails). */
export function stepsFrom(ks: KeyspaceTarget, live: ReplicationMap | undefined): ReplicationStep[] {
  const steps: ReplicationStep[] = [];
  let current = live;
  for (let step = nextStep(ks, current); step; step = nextStep(ks, current)) {
    steps.push(step);
    current = storedMap(step.map);
    if (steps.length > 64) throw new Error(`replication of ${ks.name} does not converge (bug)`);
  }
  return steps;
}

/** System keyspaces get the DC's rack count (at most 3) in every DC that holds replicas. */
export function systemReplication(plan: EnvironmentPlan): Record<string, number> {
  return Object.fromEntries(
    plan.regions.filter((r) => r.holdsReplicas && !r.lost).map((r) => [r.datacenter, Math.min(3, r.racks.length)]),
  );
}

/** Every keyspace the procedure converges: the declared ones, then the system ones. */
export function keyspaceTargets(plan: EnvironmentPlan): KeyspaceTarget[] {
  const system = systemReplication(plan);
  return [
    ...plan.keyspaces.map((ks: KeyspacePlan) => ({ name: ks.name, tablets: ks.tablets, target: ks.replication })),
    ...SYSTEM_KEYSPACES.map((name) => ({ name, tablets: false, target: system })),
  ];
}

/** How Scylla Manager names an operator-registered cluster: `<namespace>/<name>`. */
export function managerClusterName(plan: EnvironmentPlan): string {
  return `${plan.scylla.namespace}/${plan.scylla.clusterName}`;
}

/**
 * Clean-up after a region is lost, as commands a person runs from a surviving
 * DC (docs/runbooks/region-loss.md): step the lost DC out of every keyspace
 * from its declared RF (tablets: one step per ALTER, down to 0), remove its
 * dead nodes, then repair through Manager.
 */
export function regionLossCommands(plan: EnvironmentPlan, region: RegionPlan): string[] {
  if (!region.lost) return [];
  const dc = region.datacenter;
  const declared = new Map(plan.keyspaces.map((ks) => [ks.name, ks.declared[dc] ?? 0]));
  const commands: string[] = [];
  for (const ks of keyspaceTargets(plan)) {
    const rf = declared.get(ks.name) ?? Math.min(3, region.racks.length);
    for (const step of stepsFrom(ks, storedMap({ ...ks.target, [dc]: rf }))) commands.push(`cqlsh -e ${JSON.stringify(step.statement)}`);
  }
  commands.push(
    `nodetool status | awk '/^Datacenter: ${dc}$/{f=1;next} /^Datacenter:/{f=0} f && /^DN/{print $(NF-1)}' | xargs -r -n1 nodetool removenode`,
  );
  commands.push(`sctool repair -c ${managerClusterName(plan)}`);
  return commands;
}
