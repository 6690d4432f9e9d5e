/**
 * The deploy path: every cluster API is reachable by a declared deployer and
 * usable by declared identities, no control plane is open to the internet,
 * pod traffic crosses peering with its addresses and its path-MTU signals,
 * NetworkPolicy is enforced where it is declared, and no pod reaches IMDS.
 * Rebuilt from resources only: clusters link to their access entries, add-ons
 * and security-group rules through property dependencies (or plain names
 * known at preview), never through ids.
 */
import { isWorldWide, publicAddressCount } from "../model/cidr";
import { type ResourceGraph, T, arr, num, rec, str, strings } from "../model/graph";
import { AWS, k8sObjects, metaOf } from "../model/topology";
import type { GraphResource } from "../model/types";
import { type Finding, list, stackRule } from "../rule";
import { countText } from "../model/text";

const DP = {
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  addon: "aws:eks/addon:Addon",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
} as const;

const WORLD = "0.0.0.0/0";

/** Resources that name `cluster` in `prop`: through a property dependency, or by the plain cluster name. */
function naming(graph: ResourceGraph, cluster: GraphResource, prop: string, type: string): GraphResource[] {
  const name = str(cluster.props.name);
  return graph.ofType(type).filter((r) => (r.propertyDependencies[prop] ?? []).includes(cluster.urn) || (name !== undefined && r.props[prop] === name));
}

/** Ingress on the EKS-created cluster security group (linked to the cluster it came from, or by its id once known). */
export function clusterSgIngress(graph: ResourceGraph, cluster: GraphResource): GraphResource[] {
  const sgId = str(rec(cluster.props.vpcConfig).clusterSecurityGroupId);
  return graph.ofType(DP.ingress, DP.sgRule).filter((r) => {
    if (r.type === DP.sgRule && r.props.type !== "ingress") return false;
    return (r.propertyDependencies.securityGroupId ?? []).includes(cluster.urn) || (sgId !== undefined && r.props.securityGroupId === sgId);
  });
}

/** CIDRs a rule admits (both rule types). */
export function ruleCidrs(r: GraphResource): string[] {
  return r.type === DP.ingress ? strings([r.props.cidrIpv4]) : strings(r.props.cidrBlocks);
}

/** Whether a rule admits TCP 443. */
export function admits443(r: GraphResource): boolean {
  const protocol = String(r.props.ipProtocol ?? r.props.protocol ?? "");
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "tcp" && protocol !== "6") return false;
  const from = num(r.props.fromPort);
  const to = num(r.props.toPort);
  return from !== undefined && to !== undefined && from <= 443 && 443 <= to;
}

function vpcCniOf(graph: ResourceGraph, cluster: GraphResource): GraphResource | undefined {
  return naming(graph, cluster, "clusterName", DP.addon).find((a) => a.props.addonName === "vpc-cni");
}

/** The add-on's `configurationValues` JSON, or `{}` (EKS defaults). */
function addonValues(addon: GraphResource | undefined): Record<string, unknown> {
  const text = addon?.props.configurationValues;
  if (typeof text !== "string") return {};
  try {
    return rec(JSON.parse(text));
  } catch {
    return {};
  }
}

function gkePublic(cluster: GraphResource): boolean {
  return rec(cluster.props.privateClusterConfig).enablePrivateEndpoint !== true;
}

function dnsExternal(cluster: GraphResource): boolean {
  return rec(rec(cluster.props.controlPlaneEndpointsConfig).dnsEndpointConfig).allowExternalTraffic === true;
}

function gkeAuthorized(cluster: GraphResource): string[] {
  return arr(rec(cluster.props.masterAuthorizedNetworksConfig).cidrBlocks).map((b) => str(rec(b).cidrBlock)).filter((c): c is string => c !== undefined);
}

export const controlPlaneNotPublic = stackRule({
  name: "control-plane-not-public",
  description: "No EKS or GKE control plane admits the internet: judged by the union of public addresses its source lists admit (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0), on the EKS public endpoint, on 443 of the EKS cluster security group and on GKE's IP endpoints.",
  severity: "critical",
  remediation: "List only the deployer's and operators' ranges (below a /8 of public space together) in publicAccessCidrs, cluster-security-group rules and GKE master authorized networks; keep gcpPublicCidrsAccessEnabled false. Reach GKE from anywhere through its IAM-gated DNS endpoint instead.",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const vpc = rec(c.props.vpcConfig);
      if (vpc.endpointPublicAccess !== false) {
        const cidrs = Array.isArray(vpc.publicAccessCidrs) && vpc.publicAccessCidrs.length > 0 ? strings(vpc.publicAccessCidrs) : [WORLD];
        if (isWorldWide(cidrs)) {
          yield { urn: c.urn, message: `EKS cluster ${c.name}: the public API endpoint admits ${countText(publicAddressCount(cidrs))} public addresses (publicAccessCidrs ${list(cidrs)}), at least a /8: the whole internet in effect; list only the deployer's egress ranges or set endpointPublicAccess: false` };
        }
      }
      const open = clusterSgIngress(graph, c).filter(admits443);
      const cidrs = open.flatMap(ruleCidrs);
      if (isWorldWide(cidrs)) {
        yield { urn: open[0]!.urn, message: `EKS cluster ${c.name}: its cluster security group admits 443 from ${list(cidrs)} (${countText(publicAddressCount(cidrs))} public addresses, at least a /8): the API is open to the internet through the private endpoint's ENIs; admit only the deployer's private ranges` };
      }
    }
    for (const c of graph.ofType(T.gkeCluster)) {
      if (!gkePublic(c)) continue;
      const config = c.props.masterAuthorizedNetworksConfig;
      if (config === undefined || config === null) {
        yield { urn: c.urn, message: `GKE cluster ${c.name}: the public IP endpoint has no master authorized networks, so it admits 0.0.0.0/0; set masterAuthorizedNetworksConfig with the deployer's ranges (or enablePrivateEndpoint: true)` };
        continue;
      }
      if (rec(config).gcpPublicCidrsAccessEnabled === true) {
        yield { urn: c.urn, message: `GKE cluster ${c.name}: masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled admits every Google Cloud public address (any customer's VM); set it to false` };
      }
      const cidrs = gkeAuthorized(c);
      if (isWorldWide(cidrs)) {
        yield { urn: c.urn, message: `GKE cluster ${c.name}: master authorized networks ${list(cidrs)} admit ${countText(publicAddressCount(cidrs))} public addresses, at least a /8: the whole internet in effect; list only the deployer's and operators' ranges` };
      }
    }
  },
});

export const clusterApiReachable = stackRule({
  name: "cluster-api-reachable",
  description: "Every cluster API has a path from outside the cluster for the deployer: on EKS a public endpoint limited to declared ranges or 443 on the cluster security group; on GKE the DNS endpoint with external traffic or authorized networks.",
  severity: "critical",
  remediation: "Declare deployer.networks: private runner ranges get 443 on every EKS cluster security group, public egress ranges get publicAccessCidrs; on GKE enable controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic and point the kubeconfig at it.",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const vpc = rec(c.props.vpcConfig);
      const publicPath = vpc.endpointPublicAccess !== false;
      const sgPath = clusterSgIngress(graph, c).some((r) => admits443(r) && ruleCidrs(r).length > 0);
      if (!publicPath && !sgPath) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: the endpoint is private-only and nothing opens 443 on its cluster security group (which admits only itself), so no deployer — CI runner or in-VPC host — can reach the API and the first Kubernetes resource fails; add 443 from the deployer's private range (aws.vpc.SecurityGroupIngressRule on vpcConfig.clusterSecurityGroupId) or publicAccessCidrs` };
      }
    }
    for (const c of graph.ofType(T.gkeCluster)) {
      const authorized = gkeAuthorized(c);
      const open = gkePublic(c) && (c.props.masterAuthorizedNetworksConfig === undefined || c.props.masterAuthorizedNetworksConfig === null);
      if (!dnsExternal(c) && authorized.length === 0 && !open) {
        yield { urn: c.urn, message: `GKE cluster ${c.name}: no authorized network lists a deployer range and the DNS-based endpoint refuses external traffic, so nothing outside the cluster's own subnet reaches the API; enable controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic (IAM-gated) or authorize the deployer's ranges` };
      }
    }
  },
});

export const clusterAccessDeclared = stackRule({
  name: "cluster-access-declared",
  description: "Every EKS cluster is used through access entries with policy associations for the declared principals, not through the creator's implicit bootstrap admin.",
  severity: "high",
  remediation: "Set accessConfig.bootstrapClusterCreatorAdminPermissions: false at creation (ForceNew: keep it with ignoreChanges afterwards) and add an aws.eks.AccessEntry plus aws.eks.AccessPolicyAssociation for the deploy role, the preview role and break-glass admins (deployer.awsIam).",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const access = rec(c.props.accessConfig);
      if (access.authenticationMode === "CONFIG_MAP") {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: authenticationMode CONFIG_MAP ignores access entries; set it to API` };
      }
      const entries = naming(graph, c, "clusterName", DP.accessEntry);
      const associated = entries.filter((e) => {
        const principal = str(e.props.principalArn);
        return naming(graph, c, "clusterName", DP.accessPolicy).some((a) => (a.propertyDependencies.principalArn ?? []).includes(e.urn) || (principal !== undefined && a.props.principalArn === principal));
      });
      if (access.bootstrapClusterCreatorAdminPermissions !== false) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: bootstrapClusterCreatorAdminPermissions is ${JSON.stringify(access.bootstrapClusterCreatorAdminPermissions ?? true)} (the provider's default is true), so whoever created it holds an admin no config shows and rotating that role locks it out; create clusters with false and grant the declared principals access entries` };
      }
      if (associated.length === 0) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: no access entry with an access-policy association names it, so only the creator can use the API (the PR preview role gets 401); add an access entry and association for the deploy and preview roles` };
      }
    }
  },
});

/** The other AWS VPCs a VPC is peered with. */
function peersOf(graph: ResourceGraph, vpc: GraphResource): GraphResource[] {
  return graph.ofType(AWS.peering).flatMap((p) => {
    const ends = [graph.linked(p, "vpcId", AWS.vpc)[0], graph.linked(p, "peerVpcId", AWS.vpc)[0]];
    if (!ends.some((e) => e?.urn === vpc.urn)) return [];
    return ends.filter((e): e is GraphResource => e !== undefined && e.urn !== vpc.urn);
  });
}

/** The VPC of an EKS cluster: that of the subnets its vpcConfig came from. */
function vpcOf(graph: ResourceGraph, cluster: GraphResource): GraphResource | undefined {
  const subnet = graph.linked(cluster, "vpcConfig", AWS.subnet)[0];
  return subnet ? graph.linked(subnet, "vpcId", AWS.vpc)[0] : undefined;
}

export const peerPodTrafficIntact = stackRule({
  name: "peer-pod-traffic-intact",
  description: "Across VPC peering, pod traffic keeps its pod source address (vpc-cni excludes every peer VPC from SNAT, or SNAT is external) and path-MTU discovery works (ICMP type 3 admitted from every peer VPC on the cluster security group).",
  severity: "critical",
  remediation: "In the vpc-cni add-on's configurationValues set env.AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS to the peer VPC ranges, and add an ICMP type 3 (code 4 or all) ingress rule from each peer VPC on the cluster security group.",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const vpc = vpcOf(graph, c);
      if (!vpc) continue;
      const peers = peersOf(graph, vpc).map((p) => str(p.props.cidrBlock)).filter((x): x is string => x !== undefined);
      if (peers.length === 0) continue;
      const env = rec(addonValues(vpcCniOf(graph, c)).env);
      if (env.AWS_VPC_K8S_CNI_EXTERNALSNAT !== "true") {
        const excluded = String(env.AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        const missing = peers.filter((p) => !excluded.includes(p));
        if (missing.length > 0) {
          yield { urn: vpcCniOf(graph, c)?.urn ?? c.urn, message: `EKS cluster ${c.name}: vpc-cni source-NATs pod traffic to ${list(missing)} (peer VPCs outside its own range) to the node's address, so peer datacenters see node IPs instead of the pod IPs ScyllaDB broadcasts; add them to env.AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS in the add-on's configurationValues` };
        }
      }
      const icmp = clusterSgIngress(graph, c).filter((r) => {
        const protocol = String(r.props.ipProtocol ?? r.props.protocol ?? "");
        if (protocol === "-1") return true;
        return (protocol === "icmp" || protocol === "1") && num(r.props.fromPort) === 3 && [4, -1].includes(num(r.props.toPort) ?? NaN);
      });
      const admitted = new Set(icmp.flatMap(ruleCidrs));
      const blind = peers.filter((p) => !admitted.has(p) && !admitted.has(WORLD));
      if (blind.length > 0) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: its cluster security group drops ICMP fragmentation-needed (type 3) from ${list(blind)}; pods send 9001-byte frames, peering carries 1500, and without that ICMP path-MTU discovery black-holes large packets: admit ICMP type 3 code 4 from each peer VPC` };
      }
    }
  },
});

/** Whether a cluster enforces NetworkPolicy, and if not, why. */
function enforcement(graph: ResourceGraph, cluster: GraphResource): string | undefined {
  if (cluster.type === T.eksCluster) {
    const addon = vpcCniOf(graph, cluster);
    if (!addon) return "has no managed vpc-cni add-on the graph can see";
    return addonValues(addon).enableNetworkPolicy === "true" ? undefined : 'runs vpc-cni without enableNetworkPolicy: "true"';
  }
  if (str(cluster.props.datapathProvider) === "ADVANCED_DATAPATH") return undefined;
  if (rec(cluster.props.networkPolicy).enabled === true) return undefined;
  return "runs the legacy datapath without network policy enforcement (set datapathProvider: ADVANCED_DATAPATH)";
}

export const networkPolicyEnforced = stackRule({
  name: "network-policy-enforced",
  description: "NetworkPolicies are enforced where they are declared (vpc-cni enableNetworkPolicy on EKS, Dataplane V2 on GKE), and every cluster running ScyllaDB guards its namespace with at least one.",
  severity: "high",
  remediation: 'Set enableNetworkPolicy: "true" in the vpc-cni add-on\'s configurationValues, or datapathProvider: ADVANCED_DATAPATH on GKE; declare NetworkPolicies for the ScyllaDB namespace (CQL, inter-node, agent).',
  *check(graph): Iterable<Finding> {
    const policies = k8sObjects(graph, "networking.k8s.io", "NetworkPolicy");
    const scylla = k8sObjects(graph, "scylla.scylladb.com", "ScyllaCluster");
    for (const c of graph.ofType(T.eksCluster, T.gkeCluster)) {
      const here = policies.filter((p) => graph.clusterOf(p)?.urn === c.urn);
      const why = enforcement(graph, c);
      if (here.length > 0 && why) {
        yield { urn: here[0]!.urn, message: `cluster ${c.name} ${why}, so its ${here.length} NetworkPolicy object(s) (${list(here.map((p) => metaOf(p).name ?? p.name))}) are accepted and ignored` };
      }
      for (const sc of scylla.filter((s) => graph.clusterOf(s)?.urn === c.urn)) {
        const ns = metaOf(sc).namespace;
        if (!here.some((p) => metaOf(p).namespace === ns)) {
          yield { urn: sc.urn, message: `ScyllaCluster ${metaOf(sc).name ?? sc.name} in cluster ${c.name}: namespace ${ns} has no NetworkPolicy, so any pod can reach CQL, inter-node and the Manager agent API; declare policies for ${ns}` };
        }
      }
    }
  },
});

export const imdsNotReachableFromPods = stackRule({
  name: "imds-not-reachable-from-pods",
  description: "Every EKS node's launch template requires IMDSv2 with a PUT response hop limit of 1, so no pod (one hop behind the node) can take the node role's credentials.",
  severity: "high",
  remediation: 'Give every node group a launch template with metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }; give add-ons that asked IMDS for their region or identity those explicitly (EBS CSI controller.region, Pod Identity).',
  *check(graph): Iterable<Finding> {
    for (const group of graph.ofType(AWS.nodeGroup)) {
      const template = graph.linked(group, "launchTemplate", AWS.launchTemplate)[0];
      if (!template) {
        yield { urn: group.urn, message: `node group ${group.name} has no launch template the graph can see, so its nodes take EKS's default metadata options (hop limit 2: pods reach IMDS); give it a launch template with httpTokens "required" and httpPutResponseHopLimit 1` };
        continue;
      }
      const m = rec(template.props.metadataOptions);
      if (m.httpTokens !== "required") {
        yield { urn: template.urn, message: `launch template ${template.name} (node group ${group.name}) allows IMDSv1 (httpTokens ${JSON.stringify(m.httpTokens ?? "optional")}), which has no hop limit: any pod can read the node role's credentials; set httpTokens: "required"` };
      }
      if (num(m.httpPutResponseHopLimit) !== 1) {
        yield { urn: template.urn, message: `launch template ${template.name} (node group ${group.name}) has IMDS hop limit ${JSON.stringify(m.httpPutResponseHopLimit ?? null)}; pods sit one hop behind the node, so anything above 1 lets them take the node role's credentials: set httpPutResponseHopLimit: 1` };
      }
    }
  },
});

export const DEPLOY_PATH_RULES = [controlPlaneNotPublic, clusterApiReachable, clusterAccessDeclared, peerPodTrafficIntact, networkPolicyEnforced, imdsNotReachableFromPods];
