/**
 * Links between datacenters as failure domains: a cut link (peering deleted,
 * a route or rule withdrawn) partitions the two sides while both stay up.
 * Each side keeps LOCAL_QUORUM; what they lose is cross-DC replication
 * between them, any request that needs both, Scylla Manager's reach to the
 * far side's agents, and — when the remaining links cannot join a majority
 * of nodes — Raft. A link the reachability rules already find broken is a
 * partition before anything fails, reported as such.
 */
import type { ResourceGraph } from "../model/graph";
import { managerRegionOf } from "../model/reachability";
import { brokenLinks } from "../rules/reachability";
import { managerInstalls } from "../rules/management";
import type { Failure } from "./domain";
import type { FailureModel } from "./model";

export const linkId = (a: string, b: string) => `link:${[a, b].sort().join("~")}`;

/** One failure per pair of datacenter regions. */
export function linkFailures(model: FailureModel): Failure[] {
  const regions = [...new Set(model.dcs.map((d) => d.region).filter((r): r is string => r !== undefined))].sort();
  const out: Failure[] = [];
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) out.push({ kind: "link", id: linkId(regions[i]!, regions[j]!), cloud: undefined, region: regions[i]!, peer: regions[j]! });
  }
  return out;
}

export interface LinkVerdict {
  readonly causes: readonly string[];
  readonly effects: readonly string[];
}

export class Links {
  private readonly broken: Map<string, string[]>;
  private readonly managerRegion: string | undefined;

  constructor(graph: ResourceGraph, private readonly model: FailureModel) {
    this.broken = new Map(brokenLinks(graph).filter((b) => b.link.a.region && b.link.b.region).map((b) => [linkId(b.link.a.region!, b.link.b.region!), b.problems]));
    this.managerRegion = managerRegionOf(graph, managerInstalls(graph));
  }

  /** Regions still joined once `cut` (and every link already broken) is gone. */
  private connected(a: string, b: string, cut: string): boolean {
    const id = linkId(a, b);
    return id !== cut && !this.broken.has(id);
  }

  evaluate(f: Failure): LinkVerdict {
    const a = f.region;
    const b = f.peer!;
    const causes: string[] = [];
    const effects: string[] = [];
    const already = this.broken.get(f.id);
    if (already) causes.push(`${a} and ${b} are partitioned before anything fails (${already.join("; ")}): the datacenters never form one cluster`);
    const nodes = new Map<string, number>();
    for (const dc of this.model.dcs) if (dc.region) nodes.set(dc.region, (nodes.get(dc.region) ?? 0) + dc.nodes);
    const total = [...nodes.values()].reduce((x, y) => x + y, 0);
    // A Raft leader needs a direct link to a majority of the nodes.
    const best = Math.max(0, ...[...nodes.keys()].map((x) => (nodes.get(x) ?? 0) + [...nodes.keys()].filter((y) => y !== x && this.connected(x, y, f.id)).reduce((n, y) => n + (nodes.get(y) ?? 0), 0)));
    if (total > 0 && best * 2 <= total) causes.push(`with ${a} and ${b} cut apart no datacenter reaches a majority of the ${total} nodes (best ${best}): schema and topology changes (Raft) stop`);
    effects.push(`${a} and ${b} stop replicating to each other: each keeps LOCAL_QUORUM, writes between them wait in hints and need a repair after a long cut, and requests needing both (QUORUM, EACH_QUORUM) fail`);
    for (const [here, there] of [[a, b], [b, a]] as const) {
      if (this.managerRegion === here) effects.push(`Scylla Manager in ${here} cannot reach ${there}'s agents on 10001: backups and repairs of ${there} fail until the link returns`);
    }
    return { causes, effects };
  }
}
