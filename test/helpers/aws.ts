/**
 * Look-ups over recorded AWS resources, linking them the way the policies do:
 * by ids known at preview (the offline engine's `<name>-id`), parents and
 * providers — never through the plan.
 */
import { type RecordedResource, byUrn, ofType, providerOf } from "./harness";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  kmsKey: "aws:kms/key:Key",
  kmsAlias: "aws:kms/alias:Alias",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  awsProvider: "pulumi:providers:aws",
  k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** The resource whose id (as recorded at preview) is `id`. */
export function byId(resources: readonly RecordedResource[], id: unknown): RecordedResource {
  const found = resources.find((r) => r.custom && r.id === id);
  if (!found) throw new Error(`no resource with id ${String(id)}`);
  return found;
}

/** The region a resource's explicit provider targets. */
export function regionOf(resources: readonly RecordedResource[], resource: RecordedResource): string {
  return String(providerOf(resources, resource).inputs.region);
}

/** Resources of one type whose provider targets `region`. */
export function inRegion(resources: readonly RecordedResource[], type: string, region: string): RecordedResource[] {
  return ofType(resources, type).filter((r) => regionOf(resources, r) === region);
}

/** The zone of the subnet with the given id. */
export function zoneOfSubnet(resources: readonly RecordedResource[], subnetId: unknown): string {
  const subnet = byId(resources, subnetId);
  if (subnet.type !== T.subnet) throw new Error(`${String(subnetId)} is a ${subnet.type}, not a subnet`);
  return String(subnet.inputs.availabilityZone);
}

/** The private subnets a route table is associated with. */
export function subnetsOfRouteTable(resources: readonly RecordedResource[], table: RecordedResource): RecordedResource[] {
  return ofType(resources, T.association)
    .filter((a) => a.inputs.routeTableId === table.id)
    .map((a) => byId(resources, a.inputs.subnetId));
}

/** Routes of a route table. */
export function routesOf(resources: readonly RecordedResource[], table: RecordedResource): RecordedResource[] {
  return ofType(resources, T.route).filter((r) => r.inputs.routeTableId === table.id);
}

/** Private route tables: those associated with subnets tagged for internal load balancers. */
export function privateRouteTables(resources: readonly RecordedResource[], region?: string): RecordedResource[] {
  const tables = region ? inRegion(resources, T.routeTable, region) : ofType(resources, T.routeTable);
  return tables.filter((t) => subnetsOfRouteTable(resources, t).some((s) => tagsOf(s)["kubernetes.io/role/internal-elb"] === "1"));
}

export function tagsOf(resource: RecordedResource): Record<string, string> {
  return (resource.inputs.tags ?? {}) as Record<string, string>;
}

/** The nearest ancestor of the given component type. */
export function ancestorOfType(resources: readonly RecordedResource[], resource: RecordedResource, type: string): RecordedResource | undefined {
  let parent = resource.parent;
  while (parent) {
    const r = byUrn(resources, parent);
    if (r.type === type) return r;
    parent = r.parent;
  }
  return undefined;
}

/** Count of recorded resources per type, sorted by type. */
export function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
