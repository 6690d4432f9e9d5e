/**
 * Data under a failure: for every datacenter, which racks lose nodes (a rack
 * is hit when any zone it can run in fails, or when it fits no node pool at
 * all), LOCAL_QUORUM per keyspace, QUORUM and EACH_QUORUM across DCs, and
 * the Raft majority of all nodes. DCs outside the failure's region keep
 * their precomputed baseline, so a domain costs only what lives in it.
 */
import { list } from "../rule";
import { type Failure, NOTHING, regionDown, zoneDown } from "./domain";
import type { DcInfo, FailureModel, RackInfo } from "./model";
import { zonesOf } from "./placement";
import { type LocalQuorum, type RackState, globalQuorum, localQuorum, raftMajority } from "./quorum";

export interface Item {
  readonly text: string;
  /** The resource at fault, for policy findings. */
  readonly urn?: string;
}

export interface DcOutcome {
  readonly dc: DcInfo;
  /** The DC's region is gone. */
  readonly lost: boolean;
  readonly hit: readonly RackInfo[];
  /** Racks that fit no node pool: never up. */
  readonly never: readonly RackInfo[];
  readonly ring: readonly RackInfo[];
  readonly keyspaces: readonly { readonly keyspace: string; readonly lq: LocalQuorum }[];
  readonly nodesLost: number;
  /** Nodes of racks that run (Raft group0 members). */
  readonly nodesRunning: number;
}

export function dcOutcome(f: Failure, dc: DcInfo): DcOutcome {
  const lost = regionDown(f, dc.region);
  const ring = dc.racks.filter((r) => r.placed.slots.length > 0);
  const never = dc.racks.filter((r) => r.placed.slots.length === 0);
  const hit = ring.filter((r) => lost || r.placed.slots.some((s) => zoneDown(f, dc.region, s.zone)));
  const states: RackState[] = ring.map((r) => ({ nodes: r.nodes, hit: hit.includes(r) }));
  const keyspaces = dc.keyspaces.map((k) => ({ keyspace: k.keyspace, lq: lost ? { rf: k.rf, alive: 0, needed: Math.floor(k.rf / 2) + 1, holds: false } : localQuorum(k.rf, states) }));
  // Racks that never run never joined Raft group0: they count neither in the total nor as lost.
  const nodesLost = hit.reduce((n, r) => n + r.nodes, 0);
  return { dc, lost, hit, never, ring, keyspaces, nodesLost, nodesRunning: ring.reduce((n, r) => n + r.nodes, 0) };
}

/** Baseline outcomes (nothing failed) and per-region lists, computed once. */
export class DataIndex {
  readonly baseline: Map<DcInfo, DcOutcome>;
  readonly byRegion = new Map<string | undefined, DcInfo[]>();
  /** Raft group0 members: nodes of every rack that runs. */
  readonly raftMembers: number;
  /** keyspace → DCs replicating it. */
  private readonly keyspaces = new Map<string, DcInfo[]>();

  constructor(readonly model: FailureModel) {
    this.baseline = new Map(model.dcs.map((dc) => [dc, dcOutcome(NOTHING, dc)]));
    this.raftMembers = [...this.baseline.values()].reduce((n, o) => n + o.nodesRunning, 0);
    for (const dc of model.dcs) {
      this.byRegion.set(dc.region, [...(this.byRegion.get(dc.region) ?? []), dc]);
      for (const k of dc.keyspaces) this.keyspaces.set(k.keyspace, [...(this.keyspaces.get(k.keyspace) ?? []), dc]);
    }
  }

  /** Outcomes of the DCs the failure can touch (those of its region); the rest are at baseline. */
  local(f: Failure): DcOutcome[] {
    return f.kind === "none" ? [] : (this.byRegion.get(f.region) ?? []).map((dc) => dcOutcome(f, dc));
  }

  outcome(dc: DcInfo, local: readonly DcOutcome[]): DcOutcome {
    return local.find((o) => o.dc === dc) ?? this.baseline.get(dc)!;
  }

  raft(local: readonly DcOutcome[]) {
    return raftMajority(this.raftMembers, local.reduce((n, o) => n + o.nodesLost, 0));
  }

  /** QUORUM for each keyspace a local DC replicates (the others cannot change). */
  quorum(local: readonly DcOutcome[]) {
    const names = [...new Set(local.flatMap((o) => o.keyspaces.map((k) => k.keyspace)))];
    return names.map((keyspace) => {
      const perDc = (this.keyspaces.get(keyspace) ?? []).map((dc) => {
        const lq = this.outcome(dc, local).keyspaces.find((k) => k.keyspace === keyspace)!.lq;
        return { dc, rf: lq.rf, alive: lq.alive, holds: lq.holds };
      });
      return { keyspace, ...globalQuorum(perDc), without: perDc.filter((d) => !d.holds).map((d) => d.dc.name) };
    });
  }
}

/** Why a DC's racks lost replicas: which racks the failure hits and where they can run, racks that never run, RF above racks. */
export function rackReasons(f: Failure, o: DcOutcome, rf: number): string[] {
  const out = o.hit.map((r) => {
    const zones = zonesOf(r.placed.slots).filter((z): z is string => z !== undefined);
    const down = zones.filter((z) => zoneDown(f, o.dc.region, z));
    const pools = [...new Set(r.placed.slots.map((s) => s.pool.resource.name))];
    return zones.length > 1
      ? `rack ${r.name} can run in ${list(zones)} (node pool${pools.length > 1 ? "s" : ""} ${list(pools)}), so it may have every node in ${list(down)}`
      : `rack ${r.name} runs in ${zones[0] ?? o.dc.region ?? "?"}`;
  });
  for (const r of o.never) out.push(`rack ${r.name} fits no node pool${r.pinned.length ? ` in ${list([...r.pinned])}` : ""}, so it never runs`);
  if (o.ring.length < rf && o.ring.length > 0) out.push(`RF ${rf} on ${o.ring.length} running rack(s) puts more than one replica on a rack`);
  return out;
}

/** Survival causes and degradations from data: LOCAL_QUORUM, QUORUM, EACH_QUORUM, Raft. */
export function dataVerdict(idx: DataIndex, f: Failure): { causes: Item[]; quorum: Item[]; effects: Item[] } {
  const local = idx.local(f);
  const causes: Item[] = [];
  const quorum: Item[] = [];
  const effects: Item[] = [];
  for (const dc of idx.model.dcs) {
    const o = idx.outcome(dc, local);
    if (o.lost) continue;
    for (const { keyspace, lq } of o.keyspaces.filter((k) => !k.lq.holds)) {
      const item = { text: `datacenter ${dc.name} loses LOCAL_QUORUM for ${ksLabel(keyspace)}: ${lq.alive} of ${lq.rf} replicas left, ${lq.needed} needed (${rackReasons(f, o, lq.rf).join("; ") || "no rack runs"})`, urn: dc.view.resource.urn };
      causes.push(item);
      quorum.push(item);
    }
  }
  for (const o of local) {
    if (o.lost) {
      const others = idx.model.dcs.length > 1 ? "its clients must fail over to another datacenter" : "there is no other datacenter to fail over to";
      effects.push({ text: `datacenter ${o.dc.name} is lost with its region (${o.dc.nodes} nodes): ${others}` });
      continue;
    }
    const holding = o.keyspaces.filter((k) => k.lq.holds && k.lq.alive < Math.min(k.lq.rf, o.dc.nodes));
    if (o.hit.length > 0 && holding.length > 0) {
      const left = o.ring.filter((r) => !o.hit.includes(r)).map((r) => r.name);
      const groups = new Map<string, string[]>();
      for (const k of holding) groups.set(`${k.lq.alive} of ${k.lq.rf}`, [...(groups.get(`${k.lq.alive} of ${k.lq.rf}`) ?? []), k.keyspace]);
      const parts = [...groups].map(([n, names]) => `${n} replicas for ${ksLabel(...names)}`);
      effects.push({ text: `datacenter ${o.dc.name} keeps LOCAL_QUORUM on ${list(parts)}; racks ${list(left)} carry the load` });
    }
  }
  const raft = idx.raft(local);
  if (!raft.holds) causes.push({ text: `Raft loses its majority: ${raft.alive} of ${idx.raftMembers} nodes left, ${raft.needed} needed, so schema and topology changes (adding a datacenter included) stop` });
  else if (local.some((o) => o.lost)) effects.push({ text: `Raft keeps ${raft.alive} of ${idx.raftMembers} nodes (majority ${raft.needed}): schema and topology changes continue` });
  const eachQuorum = new Map<string, string[]>();
  for (const q of idx.quorum(local)) {
    if (!q.holds) {
      const item = { text: `no datacenter can serve QUORUM for ${ksLabel(q.keyspace)}: ${q.alive} of ${q.total} replicas left, ${q.needed} needed` };
      effects.push(item);
      if (f.kind === "region") quorum.push({ ...item, urn: local[0]?.dc.view.resource.urn });
    }
    if (q.without.length > 0 && q.total > 0) eachQuorum.set(list(q.without), [...(eachQuorum.get(list(q.without)) ?? []), q.keyspace]);
  }
  for (const [without, names] of eachQuorum) effects.push({ text: `EACH_QUORUM writes to ${ksLabel(...names)} fail while ${without} ${without.includes(" and ") ? "have" : "has"} no local quorum` });
  return { causes, quorum, effects };
}

/** `keyspace app`, `keyspaces app and sessions`, or `every keyspace` when none is declared. */
function ksLabel(...names: string[]): string {
  if (names.length === 1 && names[0] === "every keyspace") return "every keyspace";
  return `${names.length > 1 ? "keyspaces" : "keyspace"} ${list(names)}`;
}
