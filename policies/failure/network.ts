/**
 * Egress of private subnets: which NAT gateway each private subnet's default
 * route leads to, and whether it reaches object storage without NAT (an S3
 * gateway endpoint on its route table; Private Google Access on a GCP
 * subnetwork). Built in one pass over routes, associations and endpoints.
 */
import { type ResourceGraph, arr, rec, str } from "../model/graph";
import { AWS, GCP, awsSubnets } from "../model/topology";
import type { GraphResource } from "../model/types";
import { natZone } from "../rules/network";
import type { Nat } from "./domain";

export interface NatInfo extends Nat {
  readonly resource: GraphResource;
  /** Private subnets whose default route goes through it. */
  readonly subnets: SubnetInfo[];
}

export interface SubnetInfo {
  readonly resource: GraphResource;
  readonly region: string | undefined;
  /** `undefined` for a regional GCP subnetwork. */
  readonly zone: string | undefined;
  /** Route tables of an AWS subnet (names, for reports). */
  readonly routeTables: readonly string[];
  /** The NAT its default route uses; `undefined` when it has no default route through NAT. */
  readonly nat: NatInfo | undefined;
  /** Regions whose S3 it reaches through a gateway endpoint on its route table. */
  readonly s3Regions: ReadonlySet<string>;
  /** Private Google Access: GCS without NAT. */
  readonly googleAccess: boolean;
}

export interface Egress {
  readonly nats: NatInfo[];
  /** Private subnets (AWS) and subnetworks (GCP) by URN. */
  readonly subnets: Map<string, SubnetInfo>;
}

const ANYWHERE = "0.0.0.0/0";

export function egressOf(graph: ResourceGraph): Egress {
  const nats = new Map<string, NatInfo>();
  for (const n of graph.ofType(AWS.nat)) {
    const regional = n.props.availabilityMode === "regional";
    nats.set(n.urn, { resource: n, region: graph.regionOf(n), zone: regional ? undefined : natZone(graph, n), subnets: [] });
  }
  for (const n of graph.ofType(GCP.routerNat)) nats.set(n.urn, { resource: n, region: graph.regionOf(n), zone: undefined, subnets: [] });

  // Route table → the NAT of its default route; route table → regions of the S3 gateway endpoints on it.
  const defaultNat = new Map<string, NatInfo>();
  for (const route of graph.ofType(AWS.route)) {
    if (route.props.destinationCidrBlock !== ANYWHERE) continue;
    const nat = graph.linked(route, "natGatewayId", AWS.nat)[0];
    const table = graph.linked(route, "routeTableId", AWS.routeTable)[0];
    if (nat && table) defaultNat.set(table.urn, nats.get(nat.urn)!);
  }
  const s3 = new Map<string, Set<string>>();
  for (const e of graph.ofType(AWS.endpoint)) {
    const region = /^com\.amazonaws\.([a-z0-9-]+)\.s3$/.exec(str(e.props.serviceName) ?? "")?.[1];
    if (e.props.vpcEndpointType !== "Gateway" || !region) continue;
    for (const t of graph.linked(e, "routeTableIds", AWS.routeTable)) s3.set(t.urn, new Set([...(s3.get(t.urn) ?? []), region]));
  }

  const subnets = new Map<string, SubnetInfo>();
  for (const s of awsSubnets(graph).filter((x) => x.role === "private")) {
    const tables = graph.linking(s.resource, "subnetId", AWS.association).flatMap((a) => graph.linked(a, "routeTableId", AWS.routeTable));
    const nat = tables.map((t) => defaultNat.get(t.urn)).find((n) => n !== undefined);
    const info: SubnetInfo = {
      resource: s.resource,
      region: s.region,
      zone: s.zone,
      routeTables: tables.map((t) => t.name),
      nat,
      s3Regions: new Set(tables.flatMap((t) => [...(s3.get(t.urn) ?? [])])),
      googleAccess: false,
    };
    subnets.set(s.resource.urn, info);
    nat?.subnets.push(info);
  }

  // Cloud NAT serves subnetworks of its own region only.
  const cloudNats = new Map<string | undefined, NatInfo[]>();
  for (const n of graph.ofType(GCP.routerNat).map((x) => nats.get(x.urn)!)) cloudNats.set(n.region, [...(cloudNats.get(n.region) ?? []), n]);
  for (const s of graph.ofType(GCP.subnetwork)) {
    const region = graph.regionOf(s);
    const nat = (cloudNats.get(region) ?? []).find((n) => {
      const mode = str(n.resource.props.sourceSubnetworkIpRangesToNat) ?? "";
      if (mode.startsWith("ALL_SUBNETWORKS")) return true;
      return graph.linked(n.resource, "subnetworks").some((x) => x.urn === s.urn) || arr(n.resource.props.subnetworks).some((x) => rec(x).name === s.name);
    });
    const info: SubnetInfo = { resource: s, region, zone: undefined, routeTables: [], nat, s3Regions: new Set(), googleAccess: s.props.privateIpGoogleAccess === true };
    subnets.set(s.urn, info);
    nat?.subnets.push(info);
  }
  return { nats: [...nats.values()], subnets };
}

/** Can a node in this subnet reach the bucket without NAT? */
export function privatePath(subnet: SubnetInfo, provider: string, bucketRegion: string | undefined): boolean {
  if (provider === "s3") return bucketRegion !== undefined && subnet.s3Regions.has(bucketRegion);
  if (provider === "gcs") return subnet.googleAccess;
  return false;
}
