/**
 * What lives in, or depends on, each failure domain — racks, node pools,
 * subnets, NAT gateways, control planes, Manager, Prometheus, buckets —
 * indexed once by region and zone so listing a domain's dependents is a
 * lookup.
 */
import type { Failure } from "./domain";
import type { FailureModel } from "./model";
import type { Placed } from "./placement";

export class Dependents {
  private readonly byZone = new Map<string, Set<string>>();
  private readonly byRegion = new Map<string, Set<string>>();
  private readonly byResource = new Map<string, Set<string>>();

  constructor(model: FailureModel) {
    const add = (map: Map<string, Set<string>>, key: string | undefined, what: string) => {
      if (key === undefined) return;
      const set = map.get(key) ?? new Set<string>();
      set.add(what);
      map.set(key, set);
    };
    const zone = (region: string | undefined, z: string | undefined, what: string) => add(this.byZone, region && z ? `${region}|${z}` : undefined, what);
    const region = (r: string | undefined, what: string) => add(this.byRegion, r, what);
    const resource = (urn: string | undefined, what: string) => add(this.byResource, urn, what);
    const placed = (w: Placed, label: string) => {
      for (const s of w.slots) zone(w.region, s.zone, label);
      resource(w.cluster, label);
      region(w.region, label);
    };

    for (const c of model.clusters) {
      region(c.region, `control plane ${c.resource.name}`);
      zone(c.region, c.zone, `control plane ${c.resource.name} (zonal)`);
    }
    for (const dc of model.dcs) {
      region(dc.region, `datacenter ${dc.name} (${dc.nodes} nodes)`);
      resource(dc.cluster?.resource.urn, `datacenter ${dc.name}`);
      for (const r of dc.racks) for (const s of r.placed.slots) zone(dc.region, s.zone, `rack ${dc.name}/${r.name}`);
    }
    for (const p of model.pools) {
      const name = `node pool ${p.view.resource.name}`;
      resource(p.view.cluster?.urn, name);
      for (const s of p.slots) {
        zone(p.view.region, s.zone, name);
        for (const sub of s.subnets) if (sub.nat) resource(sub.nat.resource.urn, name);
      }
    }
    for (const s of model.egress.subnets.values()) zone(s.region, s.zone, `private subnet ${s.resource.name}`);
    for (const n of model.egress.nats) {
      zone(n.region, n.zone, `NAT gateway ${n.resource.name}`);
      region(n.region, `NAT gateway ${n.resource.name}`);
      for (const s of n.subnets) {
        for (const t of s.routeTables) resource(n.resource.urn, `route table ${t}`);
        resource(n.resource.urn, `private subnet ${s.resource.name}`);
      }
    }
    for (const m of model.manager) placed(m, `Scylla Manager (${m.what})`);
    if (model.managerFallback) region(model.managerFallback.region, `Scylla Manager (with ${model.managerFallback.what})`);
    for (const p of model.prometheus) placed(p, p.what);
    for (const dc of model.dcs) {
      for (const l of dc.backups) for (const p of l.places) region(p.region, `bucket ${p.bucket}${p.multiRegion ? " (multi-region)" : ""}`);
    }
  }

  of(f: Failure): string[] {
    const set = f.kind === "zone" ? this.byZone.get(`${f.region}|${f.zone}`) : f.kind === "region" ? this.byRegion.get(f.region) : this.byResource.get(f.urn ?? "");
    return [...(set ?? [])];
  }
}
