/**
 * Who may open a TCP connection to what: AWS security-group ingress (the
 * standalone `aws.vpc.SecurityGroupIngressRule`, the older
 * `aws.ec2.SecurityGroupRule` and inline `ingress` blocks) and GCP VPC
 * firewall rules, each reduced to (target, port range, source CIDRs). The
 * exposure and reachability rules both read these. Sources keep IPv4 and
 * IPv6 CIDRs side by side.
 */
import { type ResourceGraph, arr, num, rec, str, strings } from "./graph";
import type { GraphResource } from "./types";

/** The ports ScyllaDB, its Manager agent and Manager itself listen on. */
export const SCYLLA_PORTS: Readonly<Record<number, string>> = {
  7000: "inter-node",
  7001: "inter-node TLS",
  9042: "CQL",
  9142: "CQL TLS",
  19042: "shard-aware CQL",
  19142: "shard-aware CQL TLS",
  10001: "Manager agent API",
  5080: "Manager API",
  5443: "Manager API TLS",
};

/** Ports every pair of datacenters must reach each other on (the agent port is checked from Manager's cluster only). */
export const INTER_DC_PORTS = [7000, 7001, 9042, 9142, 19042, 19142] as const;
export const AGENT_PORT = 10001;

export const SG = "aws:ec2/securityGroup:SecurityGroup";
export const SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const GCP_FIREWALL = "gcp:compute/firewall:Firewall";

export interface IngressRule {
  /** The rule resource (the security group itself for an inline block). */
  readonly resource: GraphResource;
  /** The security group, or the GCP network the firewall rule belongs to. */
  readonly target: GraphResource | undefined;
  /** GCP target tags; empty means every instance of the network. AWS: empty. */
  readonly targetTags: readonly string[];
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly string[];
}

/** AWS protocol `-1`/`all` covers every port; `tcp`/`6` the given range. */
function tcpRange(protocol: unknown, from: unknown, to: unknown): [number, number] | undefined {
  const p = String(protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return [0, 65535];
  if (p !== "tcp" && p !== "6") return undefined;
  const f = num(from);
  const t = num(to) ?? f;
  return f === undefined || t === undefined ? undefined : [f, t];
}

export function awsIngressRules(graph: ResourceGraph): IngressRule[] {
  const out: IngressRule[] = [];
  for (const r of graph.ofType(SG_INGRESS)) {
    const range = tcpRange(r.props.ipProtocol, r.props.fromPort, r.props.toPort);
    const cidrs = strings([r.props.cidrIpv4, r.props.cidrIpv6]);
    if (range && cidrs.length) out.push({ resource: r, target: graph.linked(r, "securityGroupId", SG)[0], targetTags: [], fromPort: range[0], toPort: range[1], cidrs });
  }
  for (const r of graph.ofType(SG_RULE).filter((x) => x.props.type === "ingress")) {
    const range = tcpRange(r.props.protocol, r.props.fromPort, r.props.toPort);
    if (range) out.push({ resource: r, target: graph.linked(r, "securityGroupId", SG)[0], targetTags: [], fromPort: range[0], toPort: range[1], cidrs: [...strings(r.props.cidrBlocks), ...strings(r.props.ipv6CidrBlocks)] });
  }
  for (const sg of graph.ofType(SG)) {
    for (const block of arr(sg.props.ingress).map(rec)) {
      const range = tcpRange(block.protocol, block.fromPort, block.toPort);
      if (range) out.push({ resource: sg, target: sg, targetTags: [], fromPort: range[0], toPort: range[1], cidrs: [...strings(block.cidrBlocks), ...strings(block.ipv6CidrBlocks)] });
    }
  }
  return out;
}

/** GCP ingress firewall rules that allow TCP; a missing `ports` list allows every port. */
export function gcpIngressRules(graph: ResourceGraph): IngressRule[] {
  const out: IngressRule[] = [];
  for (const fw of graph.ofType(GCP_FIREWALL)) {
    if ((str(fw.props.direction) ?? "INGRESS") !== "INGRESS" || fw.props.disabled === true) continue;
    const network = graph.linked(fw, "network")[0];
    for (const allow of arr(fw.props.allows).map(rec)) {
      const protocol = String(allow.protocol ?? "").toLowerCase();
      if (protocol !== "tcp" && protocol !== "all" && protocol !== "6") continue;
      const ports = strings(allow.ports);
      const ranges = ports.length === 0 || protocol === "all" ? [[0, 65535]] : ports.map((p) => p.split("-").map(Number));
      for (const [from, to] of ranges) {
        out.push({ resource: fw, target: network, targetTags: strings(fw.props.targetTags), fromPort: from!, toPort: to ?? from!, cidrs: strings(fw.props.sourceRanges) });
      }
    }
  }
  return out;
}

export function covers(rule: IngressRule, port: number): boolean {
  return rule.fromPort <= port && port <= rule.toPort;
}
