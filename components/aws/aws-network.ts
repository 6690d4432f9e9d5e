/**
 * One region's VPC: a public and a private subnet per zone, a NAT gateway per
 * zone (or one, when the plan says so) and one private route table per zone
 * whose default route leaves through the NAT of that same zone — so losing a
 * zone never cuts another zone's egress. S3 is reached through a gateway
 * endpoint, keeping backups off the NATs entirely.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsNetworkPlan, RegionPlan } from "../plan";
import { CQL_PORTS } from "../plan/ports";
import { cidrSlug } from "../plan";
import { flowLogArnPattern, flowLogsDeliveryPolicy, serviceTrustPolicy } from "./iam-policies";

export interface AwsNetworkArgs {
  /** The region plan (zones, names, cluster name). */
  readonly region: RegionPlan;
  /** The region's AWS network plan: VPC range and carved per-zone subnets. */
  readonly network: AwsNetworkPlan;
  /** The region's explicit AWS provider; every child uses it. */
  readonly provider: aws.Provider;
  /**
   * Days VPC flow logs are kept in CloudWatch Logs.
   * @default 30
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Account the flow-logs role trusts the service for (`aws:SourceAccount`/`aws:SourceArn`).
   * @default - no source condition (no deployer account declared)
   */
  readonly accountId?: string;
  /**
   * Private ranges of CQL clients outside the environment (`scylla.clientCidrs`): admitted on the
   * CQL ports of the Scylla node security group, and nothing else.
   * @default []
   */
  readonly clientCidrs?: readonly string[];
}

/** Tags every subnet needs so EKS and the load-balancer controllers can discover it. */
export function subnetTags(clusterName: string, tier: "public" | "private"): Record<string, string> {
  return {
    [`kubernetes.io/cluster/${clusterName}`]: "shared",
    [tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
  };
}

/** The zone whose NAT gateway serves `zone`: its own, or the single shared one. */
export function natZoneFor(network: AwsNetworkPlan, zone: string): string {
  const first = network.subnets[0]?.zone;
  if (first === undefined) throw new Error("an AWS network plan needs at least one zone");
  return network.natGateways === "single" ? first : zone;
}

export class AwsNetwork extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly cidr: string;
  /** Private subnets by zone (nodes, pods, the EKS control-plane ENIs). */
  readonly privateSubnets: Readonly<Record<string, aws.ec2.Subnet>>;
  /** Public subnets by zone (NAT gateways and internet-facing load balancers only). */
  readonly publicSubnets: Readonly<Record<string, aws.ec2.Subnet>>;
  /** NAT gateways by the zone they live in. */
  readonly natGateways: Readonly<Record<string, aws.ec2.NatGateway>>;
  /** Private route tables by zone; peering adds routes to every one of them. */
  readonly privateRouteTables: Readonly<Record<string, aws.ec2.RouteTable>>;
  /**
   * Security group for ScyllaDB nodes, attached next to the EKS cluster
   * security group. It starts empty: cross-region peering adds the ScyllaDB
   * ports from each peer's range. Deliberately not tagged
   * `kubernetes.io/cluster/<name>` — load-balancer controllers expect exactly
   * one such group per node ENI (the cluster security group).
   */
  readonly scyllaSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:Network", name, {}, opts);
    const { region, network, provider } = args;
    const flowLogRetentionDays = args.flowLogRetentionDays ?? 30;
    const child = { parent: this, provider };
    const tags = (suffix: string, extra: Record<string, string> = {}) => ({ Name: `${region.clusterName}-${suffix}`, ...extra });

    this.cidr = network.vpcCidr;
    // The EKS private endpoint is resolved through the VPC's DNS, which needs both flags.
    this.vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: network.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") }, child);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: tags("igw") }, child);

    const publicSubnets: Record<string, aws.ec2.Subnet> = {};
    const privateSubnets: Record<string, aws.ec2.Subnet> = {};
    for (const s of network.subnets) {
      publicSubnets[s.zone] = new aws.ec2.Subnet(
        `${name}-public-${s.zone}`,
        { vpcId: this.vpc.id, availabilityZone: s.zone, cidrBlock: s.publicCidr, mapPublicIpOnLaunch: false, tags: tags(`public-${s.zone}`, subnetTags(region.clusterName, "public")) },
        child,
      );
      privateSubnets[s.zone] = new aws.ec2.Subnet(
        `${name}-private-${s.zone}`,
        { vpcId: this.vpc.id, availabilityZone: s.zone, cidrBlock: s.privateCidr, tags: tags(`private-${s.zone}`, subnetTags(region.clusterName, "private")) },
        child,
      );
    }
    this.publicSubnets = publicSubnets;
    this.privateSubnets = privateSubnets;

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: this.vpc.id, tags: tags("public") }, child);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, child);
    for (const s of network.subnets) {
      new aws.ec2.RouteTableAssociation(`${name}-public-rta-${s.zone}`, { subnetId: publicSubnets[s.zone]!.id, routeTableId: publicRoutes.id }, child);
    }

    const natGateways: Record<string, aws.ec2.NatGateway> = {};
    for (const zone of new Set(network.subnets.map((s) => natZoneFor(network, s.zone)))) {
      const eip = new aws.ec2.Eip(`${name}-nat-eip-${zone}`, { domain: "vpc", tags: tags(`nat-${zone}`) }, child);
      // A NAT gateway placed before the internet gateway is attached comes up without a route out.
      natGateways[zone] = new aws.ec2.NatGateway(
        `${name}-nat-${zone}`,
        { subnetId: publicSubnets[zone]!.id, allocationId: eip.id, connectivityType: "public", tags: tags(`nat-${zone}`) },
        { ...child, dependsOn: [igw] },
      );
    }
    this.natGateways = natGateways;

    const privateRouteTables: Record<string, aws.ec2.RouteTable> = {};
    for (const s of network.subnets) {
      const table = new aws.ec2.RouteTable(`${name}-private-rt-${s.zone}`, { vpcId: this.vpc.id, tags: tags(`private-${s.zone}`) }, child);
      new aws.ec2.Route(
        `${name}-private-${s.zone}-default`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[natZoneFor(network, s.zone)]!.id },
        child,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-rta-${s.zone}`, { subnetId: privateSubnets[s.zone]!.id, routeTableId: table.id }, child);
      privateRouteTables[s.zone] = table;
    }
    this.privateRouteTables = privateRouteTables;

    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: this.vpc.id,
        vpcEndpointType: "Gateway",
        serviceName: `com.amazonaws.${region.region}.s3`,
        routeTableIds: network.subnets.map((s) => privateRouteTables[s.zone]!.id),
        tags: tags("s3"),
      },
      child,
    );

    this.scyllaSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-scylla-nodes`,
      {
        vpcId: this.vpc.id,
        description: `ScyllaDB nodes of ${region.clusterName}: ScyllaDB ports from peered regions`,
        revokeRulesOnDelete: true,
        tags: tags("scylla-nodes"),
      },
      child,
    );

    for (const cidr of args.clientCidrs ?? []) {
      for (const port of CQL_PORTS) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-cql-client-${cidrSlug(cidr)}-${port}`,
          {
            securityGroupId: this.scyllaSecurityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `CQL ${port} from declared clients ${cidr}`,
          },
          child,
        );
      }
    }

    this.flowLogs(name, region, flowLogRetentionDays, args.accountId, child);
    this.registerOutputs({ vpcId: this.vpc.id });
  }

  /**
   * Flow logs go to CloudWatch Logs rather than S3: they are read during
   * incidents (why is cross-region Scylla traffic REJECTed?) with Logs
   * Insights in seconds, expire by retention with no lifecycle rules, and add
   * no second bucket that would need its own versioning, encryption and
   * public-access policy next to the backup bucket.
   */
  private flowLogs(name: string, region: RegionPlan, retentionInDays: number, accountId: string | undefined, child: pulumi.CustomResourceOptions): void {
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs-group`, { name: `/aws/vpc/${region.clusterName}/flow-logs`, retentionInDays }, child);
    const role = new aws.iam.Role(`${name}-flow-logs-role`, { assumeRolePolicy: JSON.stringify(
          serviceTrustPolicy("vpc-flow-logs.amazonaws.com", accountId ? { account: accountId, arn: flowLogArnPattern(region.region, accountId) } : undefined),
        ) }, child);
    const delivery = new aws.iam.RolePolicy(
      `${name}-flow-logs-policy`,
      { role: role.id, policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))) },
      child,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      { vpcId: this.vpc.id, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, maxAggregationInterval: 60 },
      { ...child, dependsOn: [delivery] },
    );
  }
}
