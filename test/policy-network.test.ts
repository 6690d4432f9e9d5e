import { describe, expect, it } from "vitest";
import { NETWORK_RULES, cidrsDisjoint, natGatewayPerZone, privateRoutesViaZonalNat, s3GatewayEndpoint, vpcPeeringMesh } from "../policies/rules/network";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

describe("network rules", () => {
  it.each(NETWORK_RULES.map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule)).toEqual([]);
  });

  it("nat-gateway-per-zone flags a zone with private subnets and no NAT gateway of its own", () => {
    const b = awsEnvironment().remove("prod-use1-nat-us-east-1b").edit("prod-use1-private-us-east-1b-default", (i) => ({ ...i, natGatewayId: "prod-use1-nat-us-east-1a-id" }));
    b.find("prod-use1-private-us-east-1b-default").propertyDependencies.natGatewayId = [b.find("prod-use1-nat-us-east-1a").urn];
    expect(findings(b, natGatewayPerZone)).toEqual([
      ["prod-use1-private-us-east-1b", "zone us-east-1b has private subnets (prod-use1-private-us-east-1b) but no NAT gateway of its own (the NAT gateways sit in us-east-1a and us-east-1c); losing that zone cuts egress for us-east-1b: add a NAT gateway in a public subnet of us-east-1b or use a regional NAT gateway"],
    ]);
  });

  it("nat-gateway-per-zone accepts one regional NAT gateway for the whole VPC", () => {
    const b = awsEnvironment().remove("prod-use1-nat-us-east-1a", "prod-use1-nat-us-east-1b", "prod-use1-nat-us-east-1c");
    const nat = b.add("aws:ec2/natGateway:NatGateway", "prod-use1-nat", { availabilityMode: "regional", vpcId: "prod-use1-vpc-id" }, { provider: b.ref("prod-use1-aws"), deps: { vpcId: [b.ref("prod-use1-vpc")] } });
    for (const z of ["a", "b", "c"]) b.find(`prod-use1-private-us-east-1${z}-default`).propertyDependencies.natGatewayId = [nat.urn];
    expect(findings(b, natGatewayPerZone)).toEqual([]);
    expect(findings(b, privateRoutesViaZonalNat)).toEqual([]);
  });

  it("nat-gateway-per-zone flags a GCP region without Cloud NAT", () => {
    expect(findings(gcpEnvironment().remove("staging-usc1-nat"), natGatewayPerZone)).toEqual([
      ["staging-usc1-subnet", "subnetwork staging-usc1-subnet in us-central1 has no Cloud NAT in its region; private nodes cannot pull images or reach remote backup buckets: add a gcp.compute.RouterNat on a router in us-central1"],
    ]);
  });

  it("private-routes-via-zonal-nat flags a default route through another zone's NAT gateway", () => {
    const b = awsEnvironment();
    b.find("prod-use1-private-us-east-1b-default").propertyDependencies.natGatewayId = [b.find("prod-use1-nat-us-east-1a").urn];
    expect(findings(b, privateRoutesViaZonalNat)).toEqual([
      ["prod-use1-private-us-east-1b-default", "route prod-use1-private-us-east-1b-default sends 0.0.0.0/0 of private subnet prod-use1-private-us-east-1b (us-east-1b) through NAT gateway prod-use1-nat-us-east-1a in us-east-1a; losing us-east-1a cuts egress for us-east-1b: route each zone through its own zone's NAT gateway"],
    ]);
  });

  it("private-routes-via-zonal-nat flags missing associations, missing default routes, inline routes and non-NAT targets", () => {
    const b = awsEnvironment().remove("prod-use1-private-us-east-1a-assoc", "prod-use1-private-us-east-1b-default");
    b.edit("prod-use1-private-us-east-1c-rt", (i) => ({ ...i, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw" }] }));
    b.find("prod-use1-private-us-east-1c-default").propertyDependencies.natGatewayId = [];
    expect(findings(b, privateRoutesViaZonalNat)).toEqual([
      ["prod-use1-private-us-east-1c-rt", "route table prod-use1-private-us-east-1c-rt declares inline routes; inline routes and aws.ec2.Route resources overwrite each other: declare every route as an aws.ec2.Route"],
      ["prod-use1-private-us-east-1a", "private subnet prod-use1-private-us-east-1a (us-east-1a) has no route table association, so it uses the VPC's main route table: associate it with its zone's private route table"],
      ["prod-use1-private-us-east-1b-rt", "route table prod-use1-private-us-east-1b-rt of private subnet prod-use1-private-us-east-1b has no default route (0.0.0.0/0); add an aws.ec2.Route to the NAT gateway of us-east-1b"],
      ["prod-use1-private-us-east-1c-default", "route prod-use1-private-us-east-1c-default sends 0.0.0.0/0 of private subnet prod-use1-private-us-east-1c somewhere other than a NAT gateway; private subnets reach the internet only through the NAT gateway of their zone"],
    ]);
  });

  it("s3-gateway-endpoint flags a VPC without the endpoint and an endpoint missing a private route table", () => {
    expect(findings(awsEnvironment().remove("prod-usw2-s3"), s3GatewayEndpoint)).toEqual([
      ["prod-usw2-vpc", "prod-usw2-vpc (us-west-2) has private subnets but no S3 gateway endpoint (com.amazonaws.us-west-2.s3); backup traffic would go through NAT: add an aws.ec2.VpcEndpoint of type Gateway for com.amazonaws.us-west-2.s3"],
    ]);
    const b = awsEnvironment();
    b.find("prod-usw2-s3").propertyDependencies.routeTableIds = [b.find("prod-usw2-private-us-west-2a-rt").urn];
    expect(findings(b, s3GatewayEndpoint)).toEqual([
      ["prod-usw2-s3", "S3 gateway endpoint prod-usw2-s3 is not attached to private route table(s) prod-usw2-private-us-west-2b-rt and prod-usw2-private-us-west-2c-rt; add them to routeTableIds"],
    ]);
  });

  it("vpc-peering-mesh flags an unpeered pair of VPCs", () => {
    const b = awsEnvironment().remove("prod-use1-euw1-peering", "prod-use1-euw1-accepter");
    for (const r of b.resources.filter((x) => /-to-(euw1|use1)$/.test(x.urn) && /prod-(use1|euw1)-private/.test(x.urn))) b.remove(r.urn.split("::").pop()!);
    expect(findings(b, vpcPeeringMesh)).toEqual([
      ["prod-use1-vpc", "VPCs prod-use1-vpc (us-east-1) and prod-euw1-vpc (eu-west-1) are not peered, so their ScyllaDB datacenters cannot reach each other: add an aws.ec2.VpcPeeringConnection between them"],
    ]);
  });

  it("vpc-peering-mesh flags a wrong peer region, a missing accepter and a missing peer route", () => {
    const b = awsEnvironment().remove("prod-use1-usw2-accepter", "prod-usw2-private-us-west-2c-rt-to-use1").edit("prod-use1-usw2-peering", (i) => ({ ...i, peerRegion: "us-west-1" }));
    expect(findings(b, vpcPeeringMesh)).toEqual([
      ["prod-use1-usw2-peering", "peering prod-use1-usw2-peering targets region us-west-1 but VPC prod-usw2-vpc is in us-west-2; set peerRegion to the peer VPC's region"],
      ["prod-use1-usw2-peering", "peering prod-use1-usw2-peering has no aws.ec2.VpcPeeringConnectionAccepter, so it stays pending: accept it in us-west-2"],
      ["prod-usw2-private-us-west-2c-rt", "private route table prod-usw2-private-us-west-2c-rt has no route to prod-use1-vpc's CIDR 10.0.0.0/16 through peering prod-use1-usw2-peering; add an aws.ec2.Route with vpcPeeringConnectionId"],
    ]);
  });

  it("cidrs-disjoint flags overlapping VPC and service ranges", () => {
    const b = awsEnvironment().edit("prod-usw2-vpc", (i) => ({ ...i, cidrBlock: "10.0.128.0/17" })).edit("prod-euw1-eks", (i) => ({ ...i, kubernetesNetworkConfig: { serviceIpv4Cidr: "10.2.0.0/16" } }));
    expect(findings(b, cidrsDisjoint)).toEqual([
      ["prod-usw2-vpc", "VPC range 10.0.128.0/17 of prod-usw2-vpc overlaps VPC range 10.0.0.0/16 of prod-use1-vpc; traffic between them cannot be routed: use disjoint ranges"],
      ["prod-euw1-eks", "service range 10.2.0.0/16 of prod-euw1-eks overlaps VPC range 10.2.0.0/16 of prod-euw1-vpc; traffic between them cannot be routed: use disjoint ranges"],
    ]);
    expect(findings(gcpEnvironment().edit("staging-usc1-subnet", (i) => ({ ...i, ipCidrRange: "10.48.0.0/20" })), cidrsDisjoint)).toEqual([
      ["staging-usc1-subnet", "secondary range pods 10.48.0.0/14 of staging-usc1-subnet overlaps node range 10.48.0.0/20 of staging-usc1-subnet; traffic between them cannot be routed: use disjoint ranges"],
    ]);
  });
});
