/** Network rules: egress that survives a zone, the S3 path, the inter-region mesh, disjoint ranges. */
import { type ResourceGraph, T, rec, str } from "../model/graph";
import { parseRange, overlaps } from "../model/cidr";
import { AWS, GCP, awsSubnets, type SubnetView } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";

const ANYWHERE = "0.0.0.0/0";

/** Private subnets grouped by VPC (by region where a subnet names no VPC). */
function privateSubnetsByNetwork(graph: ResourceGraph): Map<string, SubnetView[]> {
  const out = new Map<string, SubnetView[]>();
  for (const s of awsSubnets(graph).filter((x) => x.role === "private")) {
    const key = s.vpc?.urn ?? `region:${s.region ?? "?"}`;
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return out;
}

function natNetworkKey(graph: ResourceGraph, nat: GraphResource): string {
  const subnet = graph.linked(nat, "subnetId", AWS.subnet)[0];
  const vpc = graph.linked(nat, "vpcId", AWS.vpc)[0] ?? (subnet ? graph.linked(subnet, "vpcId", AWS.vpc)[0] : undefined);
  return vpc?.urn ?? `region:${graph.regionOf(nat) ?? "?"}`;
}

function isRegionalNat(nat: GraphResource): boolean {
  return nat.props.availabilityMode === "regional";
}

/** The zone of a zonal NAT gateway: that of the subnet it sits in. */
export function natZone(graph: ResourceGraph, nat: GraphResource): string | undefined {
  return str(graph.linked(nat, "subnetId", AWS.subnet)[0]?.props.availabilityZone);
}

export const natGatewayPerZone = stackRule({
  name: "nat-gateway-per-zone",
  description: "Every zone with private subnets has its own NAT gateway (or the VPC has a regional NAT gateway); every GCP region with a subnetwork has Cloud NAT.",
  severity: "high",
  remediation: "Create one aws.ec2.NatGateway in a public subnet of each zone that has private subnets (natGateways: perZone), or a regional NAT gateway (availabilityMode: regional); on GCP add a gcp.compute.RouterNat in the region.",
  *check(graph): Iterable<Finding> {
    const nats = graph.ofType(AWS.nat);
    for (const [key, subnets] of privateSubnetsByNetwork(graph)) {
      const here = nats.filter((n) => natNetworkKey(graph, n) === key);
      if (here.some(isRegionalNat)) continue;
      const covered = new Set(here.map((n) => natZone(graph, n)));
      const zones = [...new Set(subnets.map((s) => s.zone))].sort();
      for (const zone of zones) {
        if (zone === undefined || covered.has(zone)) continue;
        const inZone = subnets.filter((s) => s.zone === zone);
        const where = here.length ? `the NAT gateways sit in ${list([...covered].filter((z): z is string => !!z).sort())}` : "the network has no NAT gateway";
        yield {
          urn: inZone[0]!.resource.urn,
          message: `zone ${zone} has private subnets (${list(inZone.map((s) => s.resource.name))}) but no NAT gateway of its own (${where}); losing that zone cuts egress for ${zone}: add a NAT gateway in a public subnet of ${zone} or use a regional NAT gateway`,
        };
      }
    }
    const natRegions = new Set(graph.ofType(GCP.routerNat).map((n) => graph.regionOf(n)));
    for (const subnet of graph.ofType(GCP.subnetwork)) {
      const region = graph.regionOf(subnet);
      if (natRegions.has(region)) continue;
      yield {
        urn: subnet.urn,
        message: `subnetwork ${subnet.name} in ${region ?? "an unknown region"} has no Cloud NAT in its region; private nodes cannot pull images or reach remote backup buckets: add a gcp.compute.RouterNat on a router in ${region ?? "that region"}`,
      };
    }
  },
});

export const privateRoutesViaZonalNat = stackRule({
  name: "private-routes-via-zonal-nat",
  description: "Every private subnet's route table sends 0.0.0.0/0 to a NAT gateway in the subnet's own zone (or to a regional NAT gateway), through aws.ec2.Route resources.",
  severity: "high",
  remediation: "Give each zone its own private route table, associate it with that zone's private subnets, and add an aws.ec2.Route 0.0.0.0/0 → the NAT gateway of the same zone; declare routes as aws.ec2.Route resources, not inline.",
  *check(graph): Iterable<Finding> {
    const reported = new Set<string>();
    for (const table of graph.ofType(AWS.routeTable)) {
      if (Array.isArray(table.props.routes) && table.props.routes.length > 0) {
        yield { urn: table.urn, message: `route table ${table.name} declares inline routes; inline routes and aws.ec2.Route resources overwrite each other: declare every route as an aws.ec2.Route` };
      }
    }
    for (const subnet of awsSubnets(graph).filter((s) => s.role === "private")) {
      const tables = graph.linking(subnet.resource, "subnetId", AWS.association).flatMap((a) => graph.linked(a, "routeTableId", AWS.routeTable));
      if (tables.length === 0) {
        yield { urn: subnet.resource.urn, message: `private subnet ${subnet.resource.name} (${subnet.zone ?? "zone unknown"}) has no route table association, so it uses the VPC's main route table: associate it with its zone's private route table` };
        continue;
      }
      for (const table of tables) {
        const defaults = graph.linking(table, "routeTableId", AWS.route).filter((r) => r.props.destinationCidrBlock === ANYWHERE);
        if (defaults.length === 0) {
          if (!reported.has(table.urn)) yield { urn: table.urn, message: `route table ${table.name} of private subnet ${subnet.resource.name} has no default route (${ANYWHERE}); add an aws.ec2.Route to the NAT gateway of ${subnet.zone ?? "its zone"}` };
          reported.add(table.urn);
          continue;
        }
        for (const route of defaults) {
          const nat = graph.linked(route, "natGatewayId", AWS.nat)[0];
          if (!nat) {
            yield { urn: route.urn, message: `route ${route.name} sends ${ANYWHERE} of private subnet ${subnet.resource.name} somewhere other than a NAT gateway; private subnets reach the internet only through the NAT gateway of their zone` };
            continue;
          }
          if (isRegionalNat(nat)) continue;
          const zone = natZone(graph, nat);
          if (zone !== subnet.zone) {
            yield {
              urn: route.urn,
              message: `route ${route.name} sends ${ANYWHERE} of private subnet ${subnet.resource.name} (${subnet.zone ?? "zone unknown"}) through NAT gateway ${nat.name} in ${zone ?? "an unknown zone"}; losing ${zone ?? "that zone"} cuts egress for ${subnet.zone ?? "this zone"}: route each zone through its own zone's NAT gateway`,
            };
          }
        }
      }
    }
  },
});

function privateTables(graph: ResourceGraph, subnets: readonly SubnetView[]): GraphResource[] {
  const tables = new Set(subnets.flatMap((s) => graph.linking(s.resource, "subnetId", AWS.association).flatMap((a) => graph.linked(a, "routeTableId", AWS.routeTable))));
  return [...tables];
}

export const s3GatewayEndpoint = stackRule({
  name: "s3-gateway-endpoint",
  description: "Every AWS network with private subnets has an S3 gateway endpoint attached to all its private route tables, so backups do not depend on NAT.",
  severity: "medium",
  remediation: "Create an aws.ec2.VpcEndpoint with vpcEndpointType \"Gateway\", serviceName com.amazonaws.<region>.s3 and routeTableIds listing every private route table.",
  *check(graph): Iterable<Finding> {
    for (const [key, subnets] of privateSubnetsByNetwork(graph)) {
      const region = subnets[0]!.region;
      const service = `com.amazonaws.${region}.s3`;
      const tables = privateTables(graph, subnets);
      const endpoints = graph.ofType(AWS.endpoint).filter((e) => {
        const vpc = graph.linked(e, "vpcId", AWS.vpc)[0];
        return (vpc ? vpc.urn === key : `region:${graph.regionOf(e) ?? "?"}` === key) && e.props.serviceName === service && e.props.vpcEndpointType === "Gateway";
      });
      const subject = graph.get(key) ?? subnets[0]!.resource;
      if (endpoints.length === 0) {
        yield { urn: subject.urn, message: `${subject.name} (${region ?? "region unknown"}) has private subnets but no S3 gateway endpoint (${service}); backup traffic would go through NAT: add an aws.ec2.VpcEndpoint of type Gateway for ${service}` };
        continue;
      }
      const attached = new Set(endpoints.flatMap((e) => graph.linked(e, "routeTableIds", AWS.routeTable).map((t) => t.urn)));
      const missing = tables.filter((t) => !attached.has(t.urn));
      if (missing.length > 0) {
        yield { urn: endpoints[0]!.urn, message: `S3 gateway endpoint ${endpoints[0]!.name} is not attached to private route table(s) ${list(missing.map((t) => t.name))}; add them to routeTableIds` };
      }
    }
  },
});

export const vpcPeeringMesh = stackRule({
  name: "vpc-peering-mesh",
  description: "Every pair of the environment's AWS VPCs is peered (connection, accepter) and every private route table routes the peer's CIDR through that peering.",
  severity: "high",
  remediation: "For each pair of regions add an aws.ec2.VpcPeeringConnection (peerVpcId, peerRegion), an aws.ec2.VpcPeeringConnectionAccepter in the peer region, and an aws.ec2.Route to the peer VPC's CIDR in every private route table on both sides.",
  *check(graph): Iterable<Finding> {
    const vpcs = graph.ofType(AWS.vpc);
    const peerings = graph.ofType(AWS.peering);
    const subnets = awsSubnets(graph).filter((s) => s.role === "private");
    for (let i = 0; i < vpcs.length; i++) {
      for (let j = i + 1; j < vpcs.length; j++) {
        const a = vpcs[i]!;
        const b = vpcs[j]!;
        const peering = peerings.find((p) => {
          const ends = [graph.linked(p, "vpcId", AWS.vpc)[0]?.urn, graph.linked(p, "peerVpcId", AWS.vpc)[0]?.urn];
          return ends.includes(a.urn) && ends.includes(b.urn);
        });
        if (!peering) {
          yield { urn: a.urn, message: `VPCs ${a.name} (${graph.regionOf(a) ?? "?"}) and ${b.name} (${graph.regionOf(b) ?? "?"}) are not peered, so their ScyllaDB datacenters cannot reach each other: add an aws.ec2.VpcPeeringConnection between them` };
          continue;
        }
        yield* checkPeering(graph, peering, a, b, subnets);
      }
    }
  },
});

function* checkPeering(graph: ResourceGraph, peering: GraphResource, a: GraphResource, b: GraphResource, subnets: readonly SubnetView[]): Iterable<Finding> {
  const requester = graph.linked(peering, "vpcId", AWS.vpc)[0];
  const accepterVpc = requester?.urn === a.urn ? b : a;
  const peerRegion = str(peering.props.peerRegion) ?? graph.regionOf(peering);
  if (peerRegion !== graph.regionOf(accepterVpc)) {
    yield { urn: peering.urn, message: `peering ${peering.name} targets region ${peerRegion ?? "?"} but VPC ${accepterVpc.name} is in ${graph.regionOf(accepterVpc) ?? "?"}; set peerRegion to the peer VPC's region` };
  }
  const accepted = graph.linking(peering, "vpcPeeringConnectionId", AWS.peeringAccepter).length > 0 || peering.props.autoAccept === true;
  if (!accepted) {
    yield { urn: peering.urn, message: `peering ${peering.name} has no aws.ec2.VpcPeeringConnectionAccepter, so it stays pending: accept it in ${graph.regionOf(accepterVpc) ?? "the peer region"}` };
  }
  const routes = graph.linking(peering, "vpcPeeringConnectionId", AWS.route);
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const cidr = str(to.props.cidrBlock);
    const tables = privateTables(graph, subnets.filter((s) => s.vpc?.urn === from.urn));
    for (const table of tables) {
      const ok = routes.some((r) => graph.linked(r, "routeTableId", AWS.routeTable).some((t) => t.urn === table.urn) && (cidr === undefined || r.props.destinationCidrBlock === cidr));
      if (!ok) yield { urn: table.urn, message: `private route table ${table.name} has no route to ${to.name}'s CIDR ${cidr ?? "(unknown)"} through peering ${peering.name}; add an aws.ec2.Route with vpcPeeringConnectionId` };
    }
  }
}

interface NamedRange {
  readonly cidr: string;
  readonly what: string;
  readonly resource: GraphResource;
}

function rangesOf(graph: ResourceGraph): NamedRange[] {
  const out: NamedRange[] = [];
  const add = (resource: GraphResource, what: string, cidr: unknown) => {
    if (typeof cidr === "string" && parseRange(cidr)) out.push({ cidr, what, resource });
  };
  for (const v of graph.ofType(AWS.vpc)) add(v, "VPC range", v.props.cidrBlock);
  for (const c of graph.ofType(T.eksCluster)) add(c, "service range", rec(c.props.kubernetesNetworkConfig).serviceIpv4Cidr);
  for (const s of graph.ofType(GCP.subnetwork)) {
    add(s, "node range", s.props.ipCidrRange);
    for (const r of Array.isArray(s.props.secondaryIpRanges) ? s.props.secondaryIpRanges : []) add(s, `secondary range ${String(rec(r).rangeName ?? "")}`.trim(), rec(r).ipCidrRange);
  }
  for (const c of graph.ofType(T.gkeCluster)) {
    const policy = rec(c.props.ipAllocationPolicy);
    add(c, "pod range", policy.clusterIpv4CidrBlock);
    add(c, "service range", policy.servicesIpv4CidrBlock);
  }
  return out;
}

export const cidrsDisjoint = stackRule({
  name: "cidrs-disjoint",
  description: "No two VPC, node, pod or service ranges of the environment overlap (pod IPs are routed between regions).",
  severity: "critical",
  remediation: "Give every region its own non-overlapping VPC/subnet, pod and service ranges; a range cannot change in place, so pick new ranges before the region is created.",
  *check(graph): Iterable<Finding> {
    const ranges = rangesOf(graph);
    for (let i = 0; i < ranges.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = ranges[j]!;
        const b = ranges[i]!;
        if (a.resource === b.resource && a.cidr === b.cidr && a.what === b.what) continue;
        if (overlaps(parseRange(a.cidr)!, parseRange(b.cidr)!)) {
          yield { urn: b.resource.urn, message: `${b.what} ${b.cidr} of ${b.resource.name} overlaps ${a.what} ${a.cidr} of ${a.resource.name}; traffic between them cannot be routed: use disjoint ranges` };
        }
      }
    }
  },
});

export const NETWORK_RULES = [natGatewayPerZone, privateRoutesViaZonalNat, s3GatewayEndpoint, vpcPeeringMesh, cidrsDisjoint];
