/**
 * Reachability between datacenters: for each ordered pair (from → to) and
 * each ScyllaDB port, does a connection get through? It needs a route both
 * ways (VPC peering accepted, with routes to the peer's range in the private
 * route tables on both sides; one GCP network routes between its regions by
 * itself) and an ingress rule on the receiving nodes (the security groups of
 * the Scylla pools' launch templates; GCP firewall rules of the network whose
 * target tags match the Scylla pools) admitting the sender's whole range.
 * Pods on EKS (VPC CNI) take VPC addresses; on GKE they take the subnet's
 * secondary ranges, which firewall sources must include.
 */
import { coveredBy } from "./cidr";
import { AGENT_PORT, INTER_DC_PORTS, type IngressRule, SG, awsIngressRules, covers, gcpIngressRules } from "./firewall";
import { type Cloud, type ResourceGraph, arr, rec, str, strings } from "./graph";
import { AWS, GCP, type DatacenterView, awsSubnets, datacenters, nodePools } from "./topology";
import type { GraphResource } from "./types";

export interface Endpoint {
  readonly dc: DatacenterView;
  readonly name: string;
  readonly region: string | undefined;
  readonly cloud: Cloud | undefined;
  /** The VPC (AWS) or VPC network (GCP) the datacenter's nodes live in. */
  readonly network: GraphResource | undefined;
  /** Source ranges its nodes and pods send from. */
  readonly ranges: readonly string[];
  /** Security groups on its Scylla nodes (AWS). */
  readonly groups: readonly GraphResource[];
  /** Network tags on its Scylla nodes (GCP). */
  readonly tags: readonly string[];
}

export function endpoints(graph: ResourceGraph): Endpoint[] {
  const pools = nodePools(graph);
  return datacenters(graph).map((dc): Endpoint => {
    const cluster = dc.k8sCluster;
    const cloud = cluster ? graph.cloudOf(cluster) : undefined;
    const name = dc.datacenter ?? dc.resource.name;
    const mine = pools.filter((p) => p.role === "scylla" && cluster !== undefined && p.cluster?.urn === cluster.urn);
    if (cloud === "aws" && cluster) {
      const subnet = graph.linked(cluster, "vpcConfig", AWS.subnet)[0];
      const network = subnet ? graph.linked(subnet, "vpcId", AWS.vpc)[0] : undefined;
      const groups = mine.flatMap((p) => graph.linked(p.resource, "launchTemplate", AWS.launchTemplate)).flatMap((lt) => graph.linked(lt, "vpcSecurityGroupIds", SG));
      return { dc, name, region: dc.region, cloud, network, ranges: strings([network?.props.cidrBlock]), groups: [...new Set(groups)], tags: [] };
    }
    if (cloud === "gcp" && cluster) {
      const network = graph.linked(cluster, "network")[0];
      const subnet = graph.linked(cluster, "subnetwork", GCP.subnetwork)[0];
      // Nodes send from the subnet's primary range, pods from the cluster's pod range (a named secondary range, or its own CIDR); the services range is never a source.
      const policy = rec(cluster.props.ipAllocationPolicy);
      const podRangeName = str(policy.clusterSecondaryRangeName);
      const secondary = arr(subnet?.props.secondaryIpRanges).map(rec);
      const pods = podRangeName ? secondary.find((r) => r.rangeName === podRangeName)?.ipCidrRange : policy.clusterIpv4CidrBlock;
      const ranges = strings([subnet?.props.ipCidrRange, pods]);
      const tags = [...new Set(mine.flatMap((p) => strings(rec(p.resource.props.nodeConfig).tags)))];
      return { dc, name, region: dc.region, cloud, network, ranges, groups: [], tags };
    }
    return { dc, name, region: dc.region, cloud, network: undefined, ranges: [], groups: [], tags: [] };
  });
}

/** Why packets cannot be routed between two datacenters' networks, or `undefined` when they can. */
export function routeProblem(graph: ResourceGraph, a: Endpoint, b: Endpoint, privateSubnets = awsSubnets(graph).filter((s) => s.role === "private")): string | undefined {
  if (!a.network || !b.network) return `the graph does not show the network of ${!a.network ? a.name : b.name}`;
  if (a.network.urn === b.network.urn) return undefined;
  if (a.cloud !== b.cloud) return `${a.name} (${a.cloud ?? "?"}) and ${b.name} (${b.cloud ?? "?"}) are in different clouds with no interconnect the graph shows`;
  if (a.cloud === "gcp") return `${a.name} and ${b.name} are in different VPC networks (${a.network.name}, ${b.network.name}) with no peering the rules model`;
  const peering = graph.ofType(AWS.peering).find((p) => {
    const ends = [graph.linked(p, "vpcId", AWS.vpc)[0]?.urn, graph.linked(p, "peerVpcId", AWS.vpc)[0]?.urn];
    return ends.includes(a.network!.urn) && ends.includes(b.network!.urn);
  });
  if (!peering) return `VPCs ${a.network.name} and ${b.network.name} are not peered`;
  if (!(graph.linking(peering, "vpcPeeringConnectionId", AWS.peeringAccepter).length > 0 || peering.props.autoAccept === true)) return `peering ${peering.name} is never accepted`;
  const routes = graph.linking(peering, "vpcPeeringConnectionId", AWS.route);
  const subnets = privateSubnets;
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const cidr = str(to.network!.props.cidrBlock);
    const tables = new Set(subnets.filter((s) => s.vpc?.urn === from.network!.urn).flatMap((s) => graph.linking(s.resource, "subnetId", AWS.association).flatMap((x) => graph.linked(x, "routeTableId", AWS.routeTable))));
    const missing = [...tables].filter((t) => !routes.some((r) => graph.linked(r, "routeTableId", AWS.routeTable).some((x) => x.urn === t.urn) && (cidr === undefined || r.props.destinationCidrBlock === cidr)));
    if (missing.length > 0) return `route table(s) ${missing.map((t) => t.name).join(", ")} of ${from.name} have no route to ${to.name}'s ${cidr ?? "range"} through peering ${peering.name}`;
  }
  return undefined;
}

function rulesInto(graph: ResourceGraph, to: Endpoint, all: { aws: IngressRule[]; gcp: IngressRule[] }): IngressRule[] {
  if (to.cloud === "aws") {
    const groups = new Set(to.groups.map((g) => g.urn));
    return all.aws.filter((r) => r.target !== undefined && groups.has(r.target.urn));
  }
  if (to.cloud === "gcp") return all.gcp.filter((r) => r.target?.urn === to.network?.urn && (r.targetTags.length === 0 || r.targetTags.some((t) => to.tags.includes(t))));
  return [];
}

/** Ports on which `to`'s Scylla nodes admit no rule covering all of `from`'s ranges. */
export function closedPorts(graph: ResourceGraph, from: Endpoint, to: Endpoint, ports: readonly number[], all = { aws: awsIngressRules(graph), gcp: gcpIngressRules(graph) }): number[] {
  if (from.ranges.length === 0) return [...ports];
  const rules = rulesInto(graph, to, all);
  return ports.filter((port) => !coveredBy(from.ranges, rules.filter((r) => covers(r, port)).flatMap((r) => r.cidrs)));
}

export interface Link {
  readonly a: Endpoint;
  readonly b: Endpoint;
  /** Why nothing is routed between them; `undefined` when routed. */
  readonly route: string | undefined;
  /** Ports closed a → b and b → a (inter-DC ports, and the agent port from Manager's side). */
  readonly closedAB: readonly number[];
  readonly closedBA: readonly number[];
}

/** Every pair of datacenters in different networks or regions, with what blocks each direction. */
export function links(graph: ResourceGraph, managerRegion: string | undefined): Link[] {
  const eps = endpoints(graph);
  const all = { aws: awsIngressRules(graph), gcp: gcpIngressRules(graph) };
  const privateSubnets = awsSubnets(graph).filter((s) => s.role === "private");
  const out: Link[] = [];
  for (let i = 0; i < eps.length; i++) {
    for (let j = i + 1; j < eps.length; j++) {
      const a = eps[i]!;
      const b = eps[j]!;
      const portsTo = (from: Endpoint): number[] => [...INTER_DC_PORTS, ...(managerRegion !== undefined && from.region === managerRegion ? [AGENT_PORT] : [])];
      out.push({ a, b, route: routeProblem(graph, a, b, privateSubnets), closedAB: closedPorts(graph, a, b, portsTo(a), all), closedBA: closedPorts(graph, b, a, portsTo(b), all) });
    }
  }
  return out;
}

/** The region of the cluster Scylla Manager runs in, from its Deployment or chart release. */
export function managerRegionOf(graph: ResourceGraph, installs: readonly GraphResource[]): string | undefined {
  const first = installs[0];
  if (!first) return undefined;
  const cluster = graph.clusterOf(first);
  return cluster ? graph.regionOf(cluster) : graph.regionOf(first);
}
