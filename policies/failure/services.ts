/**
 * What keeps the database operable under a failure: Scylla Manager (backups
 * and repairs), each datacenter's Prometheus, the egress of private subnets,
 * the agents' path to their backup buckets, and backup copies outside the
 * failed domain. Degradations are `effects`; `breach` marks those that
 * spread beyond what failed (a zone taking another zone's egress, Manager or
 * monitoring that cannot move) — the ones a policy reports.
 */
import { list } from "../rule";
import type { Item } from "./data";
import { type Failure, controlPlaneDown, natDown, regionDown, zoneDown } from "./domain";
import { type ClusterInfo, type DcInfo, type FailureModel } from "./model";
import { type NatInfo, type SubnetInfo, privatePath } from "./network";
import { type Placed, zonesOf } from "./placement";
import { placeDown } from "./backups";

export interface Effect extends Item {
  readonly breach: boolean;
}

export type State = "ok" | "paused" | "down" | "lost" | "never";

/** A placed workload under a failure (worst case: its pods sit in the failed zone if they can). */
export function stateOf(f: Failure, w: Placed, cp: ClusterInfo | undefined): State {
  if (regionDown(f, w.region)) return "lost";
  if (w.slots.length === 0) return "never";
  const zones = zonesOf(w.slots);
  const hit = zones.filter((z) => zoneDown(f, w.region, z));
  if (hit.length === 0) return "ok";
  if (hit.length === zones.length) return "down";
  if (w.spread && Math.min(w.replicas, zones.length) > hit.length) return "ok";
  return controlPlaneDown(f, cp) ? "down" : "paused";
}

/** `NAT gateway x in us-east-1a`, `Cloud NAT x`. */
function natLabel(nat: NatInfo): string {
  return nat.resource.type.endsWith(":RouterNat") ? `Cloud NAT ${nat.resource.name}` : `NAT gateway ${nat.resource.name}${nat.zone ? ` in ${nat.zone}` : ""}`;
}

const RANK: Record<State, number> = { never: 0, ok: 1, paused: 2, down: 3, lost: 4 };

function where(w: Placed): string {
  const pools = [...new Set(w.slots.map((s) => s.pool.resource.name))];
  const zones = zonesOf(w.slots).filter((z): z is string => z !== undefined);
  return `node pool${pools.length > 1 ? "s" : ""} ${list(pools)} in ${list(zones) || "unknown zones"}`;
}

export class Services {
  private readonly clusters: Map<string, ClusterInfo>;
  private readonly natsByZone = new Map<string, NatInfo[]>();
  private readonly natsByUrn = new Map<string, NatInfo>();
  private readonly clustersByRegion = new Map<string | undefined, ClusterInfo[]>();
  /** Node pools with nodes in a subnet. */
  private readonly poolsBySubnet = new Map<SubnetInfo, Set<string>>();
  private readonly unbacked: Item[];
  /** DCs whose every backup copy is in one region: region → DCs. */
  private readonly fatalRegion = new Map<string, DcInfo[]>();
  /** Backup buckets the stack does not create (assumed, not checked). */
  readonly externalBuckets: string[];

  constructor(readonly model: FailureModel) {
    this.clusters = new Map(model.clusters.map((c) => [c.resource.urn, c]));
    for (const n of model.egress.nats) {
      const key = `${n.region}|${n.zone ?? ""}`;
      this.natsByZone.set(key, [...(this.natsByZone.get(key) ?? []), n]);
      this.natsByUrn.set(n.resource.urn, n);
    }
    for (const c of model.clusters) this.clustersByRegion.set(c.region, [...(this.clustersByRegion.get(c.region) ?? []), c]);
    for (const p of model.pools) {
      for (const s of p.slots.flatMap((sl) => sl.subnets)) this.poolsBySubnet.set(s, new Set([...(this.poolsBySubnet.get(s) ?? []), p.view.resource.name]));
    }
    this.unbacked = model.dcs
      .filter((dc) => dc.backups.length === 0)
      .map((dc) => ({ text: `datacenter ${dc.name} has no backup: no Scylla Manager backup task with a location covers it`, urn: dc.view.resource.urn }));
    const external = new Set<string>();
    for (const dc of model.dcs) {
      const places = dc.backups.flatMap((l) => [...l.places]);
      for (const l of dc.backups) if (!l.resource) external.add(`bucket ${l.bucket} (backups of ${dc.name}) is not in this stack, so where its copies live is not checked`);
      const regions = new Set(places.map((p) => p.region));
      const [only] = [...regions];
      if (places.length > 0 && regions.size === 1 && only !== undefined && !places.some((p) => p.multiRegion)) this.fatalRegion.set(only, [...(this.fatalRegion.get(only) ?? []), dc]);
    }
    this.externalBuckets = [...external];
  }

  /** Why a workload that is down cannot come back by itself. */
  private whyDown(f: Failure, w: Placed): string {
    const elsewhere = zonesOf(w.slots).some((z) => !zoneDown(f, w.region, z));
    return elsewhere && controlPlaneDown(f, this.cpOf(w)) ? "the control plane that would reschedule it is down" : `it fits only ${where(w)}`;
  }

  cpOf(w: Placed): ClusterInfo | undefined {
    return w.cluster ? this.clusters.get(w.cluster) : undefined;
  }

  /** Every DC's data keeps a backup copy outside the failed domain (buckets are regional: only a region failure takes one). */
  backupCopies(f: Failure): Item[] {
    const out = [...this.unbacked];
    if (f.kind !== "region") return out;
    for (const dc of this.fatalRegion.get(f.region) ?? []) {
      const copies = dc.backups.flatMap((l) => l.places.filter((p) => placeDown(f, p)).map((p) => `${p.bucket} (${p.region})`));
      out.push({ text: `no backup copy of datacenter ${dc.name} survives: ${list([...new Set(copies)])} ${new Set(copies).size > 1 ? "are all" : "is"} in ${f.region}`, urn: dc.backups[0]?.resource?.urn ?? dc.view.resource.urn });
    }
    return out;
  }

  manager(f: Failure): Effect[] {
    const { manager, managerFallback } = this.model;
    if (manager.length === 0) {
      if (managerFallback && regionDown(f, managerFallback.region)) return [{ text: `Scylla Manager (with ${managerFallback.what}) is lost with ${f.region}: backups and repairs stop until it is rebuilt in a surviving region`, breach: false }];
      return [];
    }
    const all = manager.map((w) => ({ w, state: stateOf(f, w, this.cpOf(w)) }));
    // Racks of Manager's database count together: the group is as well off as its majority-th best rack.
    const groups = new Map<string, typeof all>();
    const states: typeof all = [];
    for (const s of all) {
      if (s.w.quorumGroup === undefined) states.push(s);
      else groups.set(s.w.quorumGroup, [...(groups.get(s.w.quorumGroup) ?? []), s]);
    }
    for (const racks of groups.values()) {
      const sorted = [...racks].sort((a, b) => RANK[a.state] - RANK[b.state]);
      states.push(sorted[Math.floor(sorted.length / 2)]!);
    }
    const worst = states.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a));
    const { w, state } = worst;
    switch (state) {
      case "lost":
        return [{ text: `Scylla Manager is lost with ${f.region}: backups and repairs of every datacenter stop until it is rebuilt in a surviving region (mark the region lost or move manager.region; the next update builds Manager there)`, urn: w.resource.urn, breach: false }];
      case "down":
        return [{ text: `Scylla Manager cannot run until ${f.id} returns (${w.what}: ${this.whyDown(f, w)}): backups and repairs of every datacenter stop`, urn: w.resource.urn, breach: true }];
      case "paused":
        return [{ text: `backups and repairs pause until ${w.what} is rescheduled out of ${f.zone ?? f.id}`, urn: w.resource.urn, breach: false }];
      default:
        return [];
    }
  }

  /** Each surviving DC of the failure's region keeps a Prometheus that is up (or comes back by itself). */
  monitoring(f: Failure, dcs: readonly DcInfo[]): Effect[] {
    const out: Effect[] = [];
    for (const dc of dcs) {
      if (regionDown(f, dc.region) || dc.monitoring.length === 0) continue;
      const states = dc.monitoring.map((p) => ({ p, state: stateOf(f, p, this.cpOf(p)) })).filter((s) => s.state !== "never");
      if (states.length === 0) continue;
      const best = states.reduce((a, b) => (RANK[b.state] < RANK[a.state] ? b : a));
      if (best.state === "down" || best.state === "lost") {
        out.push({ text: `datacenter ${dc.name} has no metrics or alerting until ${f.id} returns: ${list(states.map((s) => `${s.p.what}: ${this.whyDown(f, s.p)}`))}`, urn: best.p.resource.urn, breach: true });
      } else if (best.state === "paused") {
        out.push({ text: `metrics and alerting of datacenter ${dc.name} pause until ${best.p.what} is rescheduled out of ${f.zone ?? f.id}`, urn: best.p.resource.urn, breach: false });
      }
    }
    return out;
  }

  /** NAT gateways the failure takes (a zone's zonal ones; the failed NAT itself). */
  private natsDown(f: Failure): NatInfo[] {
    if (f.kind === "nat") return [this.natsByUrn.get(f.urn ?? "")].filter((n): n is NatInfo => n !== undefined);
    if (f.kind === "zone") return this.natsByZone.get(`${f.region}|${f.zone}`) ?? [];
    return [];
  }

  /** Private subnets outside the failed zone that lose their default route, and the node pools there that cannot add nodes. */
  egress(f: Failure): Effect[] {
    const out: Effect[] = [];
    for (const nat of this.natsDown(f)) {
      const cut = nat.subnets.filter((s) => !zoneDown(f, s.region, s.zone));
      if (cut.length === 0) continue;
      const zones = [...new Set(cut.map((s) => s.zone ?? s.region ?? "?"))];
      const pools = [...new Set(cut.flatMap((s) => [...(this.poolsBySubnet.get(s) ?? [])]))].sort();
      // A zonal NAT may only carry its own zone; a regional NAT (Cloud NAT, AWS regional) is one by design.
      const breach = nat.zone !== undefined && cut.some((s) => s.zone !== nat.zone);
      out.push({
        text: `${cut.length === 1 ? "private subnet" : "private subnets"} ${list(cut.map((s) => s.resource.name))} (${list(zones)}) lose${cut.length === 1 ? "s" : ""} ${cut.length === 1 ? "its" : "their"} default route through ${natLabel(nat)}${pools.length ? `; node pool${pools.length > 1 ? "s" : ""} ${list(pools)} cannot bring up nodes there` : ""}`,
        urn: nat.resource.urn,
        breach,
      });
    }
    return out;
  }

  /** Backups keep running only if every running node of a DC reaches its bucket: privately, or through a NAT that is still up. */
  agents(f: Failure, dcs: readonly DcInfo[]): Effect[] {
    if (f.kind !== "zone" && f.kind !== "nat") return [];
    const out: Effect[] = [];
    for (const dc of dcs) {
      for (const loc of dc.backups) {
        const bucketRegion = loc.places[0]?.region ?? dc.region;
        const blocked = new Set<SubnetInfo>();
        for (const rack of dc.racks) {
          for (const slot of rack.placed.slots) {
            if (zoneDown(f, dc.region, slot.zone)) continue;
            for (const s of slot.subnets) if (!privatePath(s, loc.provider, bucketRegion) && s.nat && natDown(f, s.nat)) blocked.add(s);
          }
        }
        if (blocked.size === 0) continue;
        const nats = [...new Set([...blocked].map((s) => natLabel(s.nat!)))];
        const via = loc.provider === "s3" ? `no S3 gateway endpoint for ${bucketRegion ?? "its region"}` : loc.provider === "gcs" ? "no Private Google Access" : "no private path";
        out.push({ text: `backups of datacenter ${dc.name} fail: Manager agents in ${list([...blocked].map((s) => s.resource.name))} cannot reach ${loc.bucket} (${list(nats)} down, ${via})`, urn: [...blocked][0]!.nat!.resource.urn, breach: true });
      }
    }
    return out;
  }

  /** A control plane's loss: zonal ones with their zone (a breach), any one on its own. */
  controlPlanes(f: Failure, dcsOf: (c: ClusterInfo) => readonly DcInfo[]): Effect[] {
    const out: Effect[] = [];
    for (const c of this.clustersByRegion.get(f.region) ?? []) {
      if (regionDown(f, c.region) || !controlPlaneDown(f, c)) continue;
      const dcs = dcsOf(c).map((d) => d.name);
      const scope = dcs.length ? ` datacenter ${list(dcs)}` : " its workloads";
      if (f.kind === "cluster") {
        out.push({ text: `the Kubernetes API of ${c.resource.name} is down: the operator stops reconciling${scope} and failed pods and nodes are not replaced; running ScyllaDB, Manager and Prometheus pods keep serving`, urn: c.resource.urn, breach: false });
      } else {
        out.push({ text: `the zonal control plane ${c.resource.name} (in ${c.zone}) is lost with the zone: nothing in${scope} is rescheduled or reconciled until it returns`, urn: c.resource.urn, breach: true });
      }
    }
    return out;
  }
}
