/**
 * The deploy path under a region failure. The region-loss procedure is a
 * `pulumi up` against the surviving clusters (docs/runbooks/region-loss.md), so
 * a surviving EKS cluster whose API only admits deployer ranges inside the lost
 * region's VPC (prod's runner subnet in use1, reached over peering) can no
 * longer be changed: the DR step itself is cut off. Not a survival condition —
 * the data and quorum are intact — but an effect the report must name.
 * Read from the resources: 443 rules on each cluster security group and the
 * public endpoint setting (rules/deploy-path.ts), and the failed region's VPCs.
 */
import { type Range, parseRange } from "../model/cidr";
import { type ResourceGraph, T, rec, strings } from "../model/graph";
import { AWS } from "../model/topology";
import { admits443, clusterSgIngress, ruleCidrs } from "../rules/deploy-path";
import { list } from "../rule";
import type { Failure } from "./domain";
import type { Effect } from "./services";

const inside = (inner: Range, outer: Range) => outer.first <= inner.first && inner.last <= outer.last;

export function deployPathEffects(graph: ResourceGraph, f: Failure): Effect[] {
  if (f.kind !== "region") return [];
  const lostVpcs = graph
    .ofType(AWS.vpc)
    .filter((v) => graph.regionOf(v) === f.region)
    .flatMap((v) => strings([v.props.cidrBlock]).map(parseRange).filter((r): r is Range => r !== undefined));
  if (lostVpcs.length === 0) return [];
  const out: Effect[] = [];
  for (const c of graph.ofType(T.eksCluster)) {
    if (graph.regionOf(c) === f.region) continue;
    // A public endpoint is reached from outside every VPC; whether its ranges survive is not in the graph.
    if (rec(c.props.vpcConfig).endpointPublicAccess !== false) continue;
    const sources = clusterSgIngress(graph, c).filter(admits443).flatMap(ruleCidrs);
    const ranges = sources.map(parseRange);
    if (ranges.length === 0 || ranges.some((r) => r === undefined || !lostVpcs.some((v) => inside(r, v)))) continue;
    out.push({
      text: `the API of ${c.name} admits deployers only from ${list([...new Set(sources)])}, inside ${f.region}'s VPC: with the region lost no \`pulumi up\` reaches it, and the region-loss procedure needs one (declare a deployer range in a second region)`,
      urn: c.urn,
      breach: false,
    });
  }
  return out;
}
