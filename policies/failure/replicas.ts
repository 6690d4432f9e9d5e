/**
 * Replicated platform workloads counted per zone: with a hard zone spread a
 * zone takes at most ⌈replicas / zones⌉ of them; without one, every replica
 * may sit in the failed zone. Reported as effects of each zone failure.
 */
import { type ResourceGraph, num, rec } from "../model/graph";
import { helmWorkloads } from "../model/helm";
import { k8sObjects, metaOf } from "../model/topology";
import { replicatedWorkloads } from "../rules/replicated";
import { PLATFORM_NAMESPACES } from "../rules/scylla-cluster";
import type { Failure } from "./domain";
import type { FailureModel } from "./model";
import { spreadsOverZones } from "./placement";

interface Counted {
  readonly what: string;
  readonly region: string | undefined;
  readonly replicas: number;
  readonly spread: boolean;
}

export class ZoneReplicas {
  private readonly items: Counted[];

  constructor(graph: ResourceGraph, private readonly model: FailureModel) {
    const helm = helmWorkloads(graph).filter((w) => !w.singleton).map((w) => ({ what: w.what, region: graph.regionOf(w.release), replicas: w.replicas, spread: spreadsOverZones(w.podSpec) }));
    const deployments = k8sObjects(graph, "apps", "Deployment")
      .filter((d) => PLATFORM_NAMESPACES.includes(metaOf(d).namespace))
      .map((d) => {
        const spec = rec(d.props.spec);
        return { what: `Deployment ${metaOf(d).namespace}/${metaOf(d).name ?? d.name}`, region: graph.regionOf(d), replicas: num(spec.replicas) ?? 1, spread: spreadsOverZones(rec(rec(spec.template).spec)) };
      });
    const others = replicatedWorkloads(graph, PLATFORM_NAMESPACES).map((w) => ({ what: w.what, region: graph.regionOf(w.resource), replicas: w.replicas, spread: w.spread }));
    this.items = [...helm, ...deployments, ...others].filter((w) => w.replicas >= 2);
  }

  effects(f: Failure): string[] {
    if (f.kind !== "zone") return [];
    const zones = Math.max(1, this.model.regions.find((r) => r.region === f.region)?.zones.length ?? 1);
    const here = this.items.filter((w) => w.region === f.region);
    if (here.length === 0) return [];
    const lost = (w: Counted) => (w.spread ? Math.ceil(w.replicas / zones) : w.replicas);
    const wiped = here.filter((w) => lost(w) >= w.replicas);
    const kept = here.length - wiped.length;
    const out = [`replicated platform workloads in ${f.region}, counted per zone: ${kept} of ${here.length} keep at least one replica (each loses at most ⌈replicas / ${zones}⌉)`];
    for (const w of wiped) out.push(`${w.what} may lose all ${w.replicas} replicas with ${f.zone ?? f.id}: nothing keeps them in different zones`);
    return out;
  }
}
