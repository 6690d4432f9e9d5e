/**
 * Links two AWS regions of one environment: an inter-region VPC peering
 * connection (requested from the earlier region in plan order, accepted in
 * the other with that region's provider), a route for the peer's range on
 * every private route table of both VPCs, and ingress for exactly the ScyllaDB
 * ports from the peer's range on each side's Scylla node security group.
 * Pods take VPC addresses (VPC CNI), so the peer VPC range is also the peer
 * pod range ScyllaDB broadcasts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionOptions } from "../lost-region";
import type { AwsRegion } from "./aws-region";
import { SCYLLA_PEER_PORTS, meshPairs } from "./mesh";

export interface AwsRegionPeeringArgs {
  /** The region that requests the connection (earlier in plan order). */
  readonly requester: AwsRegion;
  /** The region that accepts it. */
  readonly accepter: AwsRegion;
}

export class AwsRegionPeering extends pulumi.ComponentResource {
  readonly connection: aws.ec2.VpcPeeringConnection;
  readonly acceptance: aws.ec2.VpcPeeringConnectionAccepter;

  constructor(name: string, args: AwsRegionPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:Peering", name, {}, opts);
    const { requester, accepter } = args;
    const tags = { Name: name };

    // Cross-region peering cannot be auto-accepted by the requester: the accepter resource does it.
    this.connection = new aws.ec2.VpcPeeringConnection(
      `${name}-requester`,
      { vpcId: requester.network.vpc.id, peerVpcId: accepter.network.vpc.id, peerRegion: accepter.regionPlan.region, tags },
      { parent: this, provider: requester.provider },
    );
    this.acceptance = new aws.ec2.VpcPeeringConnectionAccepter(
      `${name}-accepter`,
      { vpcPeeringConnectionId: this.connection.id, autoAccept: true, tags },
      { parent: this, provider: accepter.provider },
    );

    for (const [side, peer] of [[requester, accepter], [accepter, requester]] as const) {
      const child = { parent: this, provider: side.provider };
      const key = side.regionPlan.key;
      // Routes to a connection that is still pending acceptance are rejected, hence the explicit wait.
      for (const [zone, table] of Object.entries(side.network.privateRouteTables)) {
        new aws.ec2.Route(
          `${name}-${key}-${zone}`,
          { routeTableId: table.id, destinationCidrBlock: peer.networkPlan.vpcCidr, vpcPeeringConnectionId: this.connection.id },
          { ...child, dependsOn: [this.acceptance] },
        );
      }
      for (const { port, purpose } of SCYLLA_PEER_PORTS) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-${key}-tcp-${port}`,
          {
            securityGroupId: side.network.scyllaSecurityGroup.id,
            cidrIpv4: peer.networkPlan.vpcCidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `ScyllaDB ${purpose} from ${peer.regionPlan.datacenter} (${peer.regionPlan.region})`,
          },
          child,
        );
      }
      // Path-MTU discovery: pods send 9001-byte frames (AWS_VPC_ENI_MTU) with DF set, inter-region
      // peering carries 1500, and the peer's router answers "fragmentation needed" (ICMP type 3,
      // code 4). Security groups drop that ICMP unless admitted, and large gossip/streaming packets
      // then vanish. The cluster security group is on every node, system and ScyllaDB alike
      // (Manager on a system node drives agents in the peer region). For ICMP, fromPort is the type
      // and toPort the code (aws.vpc.SecurityGroupIngressRule).
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${key}-icmp-frag-needed`,
        {
          securityGroupId: side.eks.clusterSecurityGroupId,
          cidrIpv4: peer.networkPlan.vpcCidr,
          ipProtocol: "icmp",
          fromPort: 3,
          toPort: 4,
          description: `ICMP fragmentation-needed from ${peer.regionPlan.datacenter} (${peer.regionPlan.region}) for path-MTU discovery`,
        },
        child,
      );
    }
    this.registerOutputs({ connectionId: this.connection.id });
  }
}

/** A full mesh between the given AWS regions (plan order decides requester and accepter). */
export function peerAwsRegions(regions: readonly AwsRegion[], parent: pulumi.Resource): AwsRegionPeering[] {
  return meshPairs(regions).map(
    ([requester, accepter]) =>
      new AwsRegionPeering(
        `${requester.regionPlan.name}-${accepter.regionPlan.key}`,
        { requester, accepter },
        // A link with a lost side is frozen with it: its accepter and routes live in the dead region.
        regionOptions(parent, requester.regionPlan, accepter.regionPlan),
      ),
  );
}
