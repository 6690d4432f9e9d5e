/**
 * Reachability between datacenters: every pair reaches each other, both
 * ways, on inter-node 7000/7001, CQL 9042/9142 and the shard-aware
 * 19042/19142 (drivers that fail over to a remote DC connect there), and
 * Manager's cluster reaches every agent on 10001. A missing link is a
 * partition from the first day; a half-open one (one direction only) breaks
 * gossip just as surely. The failure analysis reports each link as a
 * failure domain of its own.
 */
import { SCYLLA_PORTS } from "../model/firewall";
import { type Link, links, managerRegionOf } from "../model/reachability";
import type { ResourceGraph } from "../model/graph";
import { type Finding, list, stackRule } from "../rule";
import { managerInstalls } from "./management";

const ports = (ps: readonly number[]) => list(ps.map((p) => `${p} (${SCYLLA_PORTS[p]})`));

/** Every link of the environment with its problems, or none; shared with the failure analysis. */
export function brokenLinks(graph: ResourceGraph): { link: Link; problems: string[]; halfOpen: boolean }[] {
  const out: { link: Link; problems: string[]; halfOpen: boolean }[] = [];
  for (const link of links(graph, managerRegionOf(graph, managerInstalls(graph)))) {
    const { a, b } = link;
    const problems: string[] = [];
    if (link.route) problems.push(`no route: ${link.route}`);
    if (link.closedAB.length) problems.push(`${a.name} → ${b.name} blocked on ${ports(link.closedAB)} (no ingress rule on ${b.name}'s Scylla nodes admits ${list([...a.ranges]) || "its range"})`);
    if (link.closedBA.length) problems.push(`${b.name} → ${a.name} blocked on ${ports(link.closedBA)} (no ingress rule on ${a.name}'s Scylla nodes admits ${list([...b.ranges]) || "its range"})`);
    if (problems.length) out.push({ link, problems, halfOpen: !link.route && (link.closedAB.length === 0) !== (link.closedBA.length === 0) });
  }
  return out;
}

export const dcReachability = stackRule({
  name: "dc-reachability",
  description: "Every pair of datacenters is routed (peering accepted, routes both ways) and admits the other's nodes and pods on 7000/7001, 9042/9142 and 19042/19142 in both directions; Scylla Manager's cluster reaches every agent on 10001.",
  severity: "critical",
  remediation: "Peer the networks and route each peer's range from every private route table; on each side's Scylla nodes admit the other side's VPC (EKS) or subnet and pod ranges (GKE) on every ScyllaDB port, and the agent port from Manager's region.",
  *check(graph): Iterable<Finding> {
    for (const { link, problems, halfOpen } of brokenLinks(graph)) {
      const shape = halfOpen ? "is half-open" : "is broken";
      yield {
        urn: link.b.dc.resource.urn,
        message: `the link between datacenters ${link.a.name} and ${link.b.name} ${shape}: ${problems.join("; ")}; the datacenters are partitioned from the start and never form one cluster: open every ScyllaDB port both ways`,
      };
    }
  },
});

export const REACHABILITY_RULES = [dcReachability];
