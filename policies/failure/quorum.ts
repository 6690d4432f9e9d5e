/**
 * Replica and quorum arithmetic (NetworkTopologyStrategy, worst case over
 * partitions). Pure functions over plain numbers, tested with tables.
 *
 * - With at least as many racks as replicas, each replica sits on its own
 *   rack, and some partition has a replica on every rack a failure hits.
 * - With fewer racks than replicas, every rack holds one replica and the
 *   rest follow ring order, so the hit racks can hold all but one replica
 *   per surviving rack (bounded by their node count).
 * - LOCAL_QUORUM needs ⌊RF/2⌋+1 replicas of the DC; QUORUM ⌊ΣRF/2⌋+1 of all
 *   DCs; EACH_QUORUM a local quorum in every DC; Raft a majority of all nodes.
 */

export interface RackState {
  /** Nodes the rack runs (`members`). */
  readonly nodes: number;
  /** The failure takes (some of) its nodes, or it never runs at all. */
  readonly hit: boolean;
}

export function quorumOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Worst-case replicas of one partition a DC loses; `racks` are the racks in the ring (members > 0). */
export function replicasLost(rf: number, racks: readonly RackState[]): number {
  const replicas = Math.min(rf, racks.reduce((n, r) => n + r.nodes, 0));
  const hit = racks.filter((r) => r.hit);
  if (hit.length === 0) return 0;
  if (racks.length >= replicas) return Math.min(hit.length, replicas);
  const hitNodes = hit.reduce((n, r) => n + r.nodes, 0);
  return Math.min(replicas - (racks.length - hit.length), hitNodes);
}

export interface LocalQuorum {
  readonly rf: number;
  /** Replicas a partition still has in the DC (worst case). */
  readonly alive: number;
  readonly needed: number;
  readonly holds: boolean;
}

export function localQuorum(rf: number, racks: readonly RackState[]): LocalQuorum {
  const replicas = Math.min(rf, racks.reduce((n, r) => n + r.nodes, 0));
  const alive = replicas - replicasLost(rf, racks);
  const needed = quorumOf(rf);
  return { rf, alive, needed, holds: alive >= needed };
}

/** QUORUM over every DC of a keyspace: `perDc` is each DC's RF and replicas left (0 for a lost DC). */
export function globalQuorum(perDc: readonly { rf: number; alive: number }[]): { alive: number; total: number; needed: number; holds: boolean } {
  const total = perDc.reduce((n, d) => n + d.rf, 0);
  const alive = perDc.reduce((n, d) => n + d.alive, 0);
  const needed = quorumOf(total);
  return { alive, total, needed, holds: total > 0 && alive >= needed };
}

export function raftMajority(total: number, lost: number): { alive: number; needed: number; holds: boolean } {
  const needed = quorumOf(total);
  return { alive: total - lost, needed, holds: total === 0 || total - lost >= needed };
}

export interface Keyspace {
  readonly name: string;
  readonly tablets: boolean;
  /** DC name → replication factor (positive integers only). */
  readonly replication: Readonly<Record<string, number>>;
}

/** `keyspaces.json` of the scylla-ha-keyspaces ConfigMap; `undefined` when it is not a usable document. */
export function parseKeyspaces(text: unknown): Keyspace[] | undefined {
  if (typeof text !== "string") return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc)) return undefined;
  return doc.flatMap((k) => {
    if (typeof k !== "object" || k === null || typeof (k as { name?: unknown }).name !== "string") return [];
    const { name, tablets, replication } = k as { name: string; tablets?: unknown; replication?: unknown };
    const rf = Object.entries(typeof replication === "object" && replication !== null ? replication : {}).filter(
      (e): e is [string, number] => typeof e[1] === "number" && Number.isInteger(e[1]) && e[1] > 0,
    );
    return [{ name, tablets: tablets === true, replication: Object.fromEntries(rf) }];
  });
}
