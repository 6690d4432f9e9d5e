/**
 * The deploy-path rules on hand-built graphs: each flags its break (with the
 * message a reviewer reads) and passes the fixed shape; and each passes the
 * real program's prod, staging and dev synth, which they must judge exactly
 * as a `pulumi stack export` of the same stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fromRecorded } from "../policies/model/load";
import { ResourceGraph } from "../policies/model/graph";
import {
  DEPLOY_PATH_RULES,
  clusterAccessDeclared,
  clusterApiReachable,
  controlPlaneNotPublic,
  imdsNotReachableFromPods,
  networkPolicyEnforced,
  peerPodTrafficIntact,
} from "../policies/rules/deploy-path";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";
import { awsRegion, environment } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";

const eks = (i: Record<string, any>, vpc: Record<string, unknown>) => ({ ...i, vpcConfig: { ...i.vpcConfig, ...vpc } });

describe("deploy-path rules on hand-built graphs", () => {
  it.each(DEPLOY_PATH_RULES.map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule)).toEqual([]);
  });

  it("control-plane-not-public judges the union of public ranges: the split world is flagged, narrow ranges pass", () => {
    const split = awsEnvironment().edit("prod-use1-eks", (i) => eks(i, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }));
    expect(findings(split, controlPlaneNotPublic)).toEqual([
      ["prod-use1-eks", "EKS cluster prod-use1-eks: the public API endpoint admits 3,702,390,784 public addresses (publicAccessCidrs 0.0.0.0/1 and 128.0.0.0/1), at least a /8: the whole internet in effect; list only the deployer's egress ranges or set endpointPublicAccess: false"],
    ]);
    // A public endpoint with no list is 0.0.0.0/0 (the provider's default).
    expect(findings(awsEnvironment().edit("prod-use1-eks", (i) => eks(i, { endpointPublicAccess: true })), controlPlaneNotPublic)).toHaveLength(1);
    expect(findings(awsEnvironment().edit("prod-use1-eks", (i) => eks(i, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })), controlPlaneNotPublic)).toEqual([]);
    const sg = awsEnvironment().edit("prod-usw2-api-deployer", (i) => ({ ...i, cidrIpv4: "0.0.0.0/0" }));
    expect(findings(sg, controlPlaneNotPublic)).toEqual([
      ["prod-usw2-api-deployer", "EKS cluster prod-usw2-eks: its cluster security group admits 443 from 0.0.0.0/0 (3,702,390,784 public addresses, at least a /8): the API is open to the internet through the private endpoint's ENIs; admit only the deployer's private ranges"],
    ]);
  });

  it("control-plane-not-public flags a GKE control plane open to 0.0.0.0/0, to every GCP address, or with no authorized networks", () => {
    const g = gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "0.0.0.0/0" }], gcpPublicCidrsAccessEnabled: true } }));
    expect(findings(g, controlPlaneNotPublic)).toEqual([
      ["staging-usc1-gke", "GKE cluster staging-usc1-gke: masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled admits every Google Cloud public address (any customer's VM); set it to false"],
      ["staging-usc1-gke", "GKE cluster staging-usc1-gke: master authorized networks 0.0.0.0/0 admit 3,702,390,784 public addresses, at least a /8: the whole internet in effect; list only the deployer's and operators' ranges"],
    ]);
    const none = gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, masterAuthorizedNetworksConfig: undefined }));
    expect(findings(none, controlPlaneNotPublic).map((f) => f[1])).toEqual([
      "GKE cluster staging-usc1-gke: the public IP endpoint has no master authorized networks, so it admits 0.0.0.0/0; set masterAuthorizedNetworksConfig with the deployer's ranges (or enablePrivateEndpoint: true)",
    ]);
    // A private endpoint is not on the internet whatever its list says.
    expect(findings(g.edit("staging-usc1-gke", (i) => ({ ...i, privateClusterConfig: { enablePrivateEndpoint: true } })), controlPlaneNotPublic)).toEqual([]);
  });

  it("cluster-api-reachable flags a private-only EKS API with no 443 path and a GKE API nothing outside reaches", () => {
    expect(findings(awsEnvironment().remove("prod-usw2-api-deployer"), clusterApiReachable)).toEqual([
      ["prod-usw2-eks", "EKS cluster prod-usw2-eks: the endpoint is private-only and nothing opens 443 on its cluster security group (which admits only itself), so no deployer — CI runner or in-VPC host — can reach the API and the first Kubernetes resource fails; add 443 from the deployer's private range (aws.vpc.SecurityGroupIngressRule on vpcConfig.clusterSecurityGroupId) or publicAccessCidrs"],
    ]);
    const g = gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: false } }, masterAuthorizedNetworksConfig: { cidrBlocks: [], gcpPublicCidrsAccessEnabled: false } }));
    expect(findings(g, clusterApiReachable).map((f) => f[0])).toEqual(["staging-usc1-gke"]);
    // Authorized deployer ranges alone are a path.
    expect(findings(g.edit("staging-usc1-gke", (i) => ({ ...i, masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "10.0.96.0/24" }] } })), clusterApiReachable)).toEqual([]);
  });

  it("cluster-access-declared flags the creator's bootstrap admin and a cluster no access entry names", () => {
    const b = awsEnvironment()
      .edit("prod-euw1-eks", (i) => ({ ...i, accessConfig: { authenticationMode: "API" } }))
      .remove("prod-usw2-access-deploy")
      .remove("prod-usw2-access-preview");
    expect(findings(b, clusterAccessDeclared)).toEqual([
      ["prod-usw2-eks", "EKS cluster prod-usw2-eks: no access entry with an access-policy association names it, so only the creator can use the API (the PR preview role gets 401); add an access entry and association for the deploy and preview roles"],
      ["prod-euw1-eks", "EKS cluster prod-euw1-eks: bootstrapClusterCreatorAdminPermissions is true (the provider's default is true), so whoever created it holds an admin no config shows and rotating that role locks it out; create clusters with false and grant the declared principals access entries"],
    ]);
  });

  it("peer-pod-traffic-intact flags SNAT towards a peer VPC and a peer whose ICMP frag-needed is dropped; external SNAT passes", () => {
    const b = awsEnvironment()
      .edit("prod-use1-vpc-cni", (i) => ({ ...i, configurationValues: JSON.stringify({ enableNetworkPolicy: "true", env: { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: "10.1.0.0/16" } }) }))
      .remove("prod-usw2-icmp-euw1");
    expect(findings(b, peerPodTrafficIntact)).toEqual([
      ["prod-use1-vpc-cni", "EKS cluster prod-use1-eks: vpc-cni source-NATs pod traffic to 10.2.0.0/16 (peer VPCs outside its own range) to the node's address, so peer datacenters see node IPs instead of the pod IPs ScyllaDB broadcasts; add them to env.AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS in the add-on's configurationValues"],
      ["prod-usw2-eks", "EKS cluster prod-usw2-eks: its cluster security group drops ICMP fragmentation-needed (type 3) from 10.2.0.0/16; pods send 9001-byte frames, peering carries 1500, and without that ICMP path-MTU discovery black-holes large packets: admit ICMP type 3 code 4 from each peer VPC"],
    ]);
    const external = awsEnvironment().edit("prod-use1-vpc-cni", (i) => ({ ...i, configurationValues: JSON.stringify({ enableNetworkPolicy: "true", env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: "true" } }) }));
    expect(findings(external, peerPodTrafficIntact)).toEqual([]);
  });

  it("network-policy-enforced flags policies an engine ignores and a ScyllaDB namespace without any", () => {
    const b = awsEnvironment().edit("prod-usw2-vpc-cni", (i) => ({ ...i, configurationValues: "{}" }));
    expect(findings(b, networkPolicyEnforced)).toEqual([
      ["prod-usw2-scylla-cql", 'cluster prod-usw2-eks runs vpc-cni without enableNetworkPolicy: "true", so its 2 NetworkPolicy object(s) (scylla-cql and scylla-inter-node) are accepted and ignored'],
    ]);
    const g = gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, datapathProvider: undefined })).remove("staging-usc1-scylla-cql").remove("staging-usc1-scylla-inter-node");
    expect(findings(g, networkPolicyEnforced)).toEqual([
      ["staging-usc1-scylla", "ScyllaCluster scylla in cluster staging-usc1-gke: namespace scylla has no NetworkPolicy, so any pod can reach CQL, inter-node and the Manager agent API; declare policies for scylla"],
    ]);
    // Calico (legacy datapath with network policy on) enforces too.
    const calico = gcpEnvironment().edit("staging-usc1-gke", (i) => ({ ...i, datapathProvider: undefined, networkPolicy: { enabled: true } }));
    expect(findings(calico, networkPolicyEnforced)).toEqual([]);
  });

  it("imds-not-reachable-from-pods flags hop limit 2, IMDSv1 and a node group without a launch template", () => {
    const b = awsEnvironment()
      .edit("prod-use1-scylla-lt", (i) => ({ ...i, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }))
      .edit("prod-euw1-system-lt", (i) => ({ ...i, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }))
      .edit("prod-usw2-system", (i) => ({ ...i, launchTemplate: undefined }));
    b.find("prod-usw2-system").propertyDependencies.launchTemplate = [];
    const found = findings(b, imdsNotReachableFromPods);
    expect(found.filter((f) => f[0] === "prod-use1-scylla-lt")).toHaveLength(3);
    expect(found).toContainEqual(["prod-euw1-system-lt", "launch template prod-euw1-system-lt (node group prod-euw1-system) has IMDS hop limit 2; pods sit one hop behind the node, so anything above 1 lets them take the node role's credentials: set httpPutResponseHopLimit: 1"]);
    expect(found).toContainEqual(["prod-usw2-system", "node group prod-usw2-system has no launch template the graph can see, so its nodes take EKS's default metadata options (hop limit 2: pods reach IMDS); give it a launch template with httpTokens \"required\" and httpPutResponseHopLimit 1"]);
  });
});

describe("deploy-path rules on the real program's synth", () => {
  const graphs: Record<string, ResourceGraph> = {};
  beforeAll(async () => {
    for (const stack of ["prod", "staging", "dev"]) graphs[stack] = new ResourceGraph(fromRecorded((await synthStack(stack)).resources));
  });

  it.each(["prod", "staging", "dev"])("%s: passes every deploy-path rule", (stack) => {
    for (const rule of DEPLOY_PATH_RULES) expect(rule.check(graphs[stack]!, {}), rule.name).toEqual([]);
  });

  it("an environment declaring no deployer is flagged as creator-only and unreachable", async () => {
    const bare = new ResourceGraph(fromRecorded((await synthStack("bare", environment([awsRegion("use1", "us-east-1", 0)], { environment: { name: "bare", tier: "production" } }))).resources));
    expect(clusterAccessDeclared.check(bare, {}).map((f) => f.message.split(":")[1]!.trim().split(" ")[0])).toEqual(["bootstrapClusterCreatorAdminPermissions", "no"]);
    expect(clusterApiReachable.check(bare, {})).toHaveLength(1);
  });
});
