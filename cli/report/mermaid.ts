/**
 * The topology diagram of the PR comment, built from the resource graph (not
 * the plan): regions → zones → racks and node pools, NAT gateways, buckets.
 */
import type { ResourceGraph } from "../../policies/model/graph";
import { AWS, GCP, datacenters, distinct, nodePools, regionsOf } from "../../policies/model/topology";
import { natZone } from "../../policies/rules/network";
import { mermaidText } from "./escape";
import { byText } from "../../policies/model/text";

interface Box {
  readonly zones: Map<string, string[]>;
  readonly loose: string[];
  readonly cloud: string;
}

export function topologyDiagram(graph: ResourceGraph): string {
  const regions = new Map<string, Box>();
  const box = (region: string | undefined, cloud = ""): Box => {
    const key = region ?? "unknown region";
    if (!regions.has(key)) regions.set(key, { zones: new Map(), loose: [], cloud });
    return regions.get(key)!;
  };
  for (const { region, cloud } of regionsOf(graph)) box(region, cloud);
  let n = 0;
  const nodes = new Map<string, string>();
  const edges: string[] = [];
  const node = (label: string, shape: "box" | "round" | "cyl" = "box") => {
    const id = `n${n++}`;
    const text = mermaidText(label);
    nodes.set(id, shape === "round" ? `${id}("${text}")` : shape === "cyl" ? `${id}[("${text}")]` : `${id}["${text}"]`);
    return id;
  };
  const put = (region: string | undefined, zone: string | undefined, id: string) => {
    const b = box(region);
    if (!zone) b.loose.push(id);
    else b.zones.set(zone, [...(b.zones.get(zone) ?? []), id]);
  };

  const poolIds = new Map<string, string>();
  for (const p of nodePools(graph)) {
    const id = node(`${p.role === "scylla" ? "Scylla pool" : p.role === "system" ? "system pool" : "pool"} ${p.resource.name}${p.zones.length > 1 ? ` (${p.zones.length} zones)` : ""}`);
    put(p.region, p.zones.length === 1 ? p.zones[0] : undefined, id);
    if (p.zones.length === 1) poolIds.set(`${p.cluster?.urn ?? p.region}|${p.zones[0]}`, id);
  }
  for (const dc of datacenters(graph)) {
    for (const rack of dc.racks) {
      const zone = rack.zones?.length === 1 ? rack.zones[0] : undefined;
      const id = node(`rack ${rack.name} · ${dc.datacenter ?? "?"} · ${rack.members} node(s)`, "round");
      put(dc.region, zone, id);
      const pool = poolIds.get(`${dc.k8sCluster?.urn ?? dc.region}|${zone}`);
      if (pool) edges.push(`${id} --> ${pool}`);
    }
  }
  for (const nat of graph.ofType(AWS.nat)) {
    const regional = nat.props.availabilityMode === "regional";
    put(graph.regionOf(nat), regional ? undefined : natZone(graph, nat), node(`${regional ? "regional NAT" : "NAT"} ${nat.name}`));
  }
  for (const nat of graph.ofType(GCP.routerNat)) put(graph.regionOf(nat), undefined, node(`Cloud NAT ${nat.name}`));
  for (const b of graph.ofType(AWS.bucket, GCP.bucket)) put(graph.regionOf(b), undefined, node(`bucket ${b.name}`, "cyl"));

  const lines = ["flowchart TB"];
  let s = 0;
  for (const [region, b] of [...regions].sort(([a], [c]) => byText(a, c))) {
    lines.push(`  subgraph s${s++}["${mermaidText([b.cloud, region].filter(Boolean).join(" "))}"]`);
    for (const zone of distinct([...b.zones.keys()])) {
      lines.push(`    subgraph s${s++}["${mermaidText(zone)}"]`);
      for (const id of b.zones.get(zone)!) lines.push(`      ${nodes.get(id)}`);
      lines.push("    end");
    }
    for (const id of b.loose) lines.push(`    ${nodes.get(id)}`);
    if (b.zones.size === 0 && b.loose.length === 0) lines.push(`    e${s}["no zonal resources yet"]`);
    lines.push("  end");
  }
  if (regions.size === 0) lines.push('  empty["no regions in this stack"]');
  lines.push(...edges.map((e) => `  ${e}`));
  return lines.join("\n");
}
