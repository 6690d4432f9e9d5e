/**
 * Exposure of the data plane: no path from the internet to CQL, inter-node,
 * agent or Manager ports. Sources are judged by the union of the public
 * address space they admit (policies/model/cidr.ts), so `0.0.0.0/1` +
 * `128.0.0.0/1` across two rules is caught like `0.0.0.0/0`. The control
 * plane endpoints (EKS publicAccessCidrs, GKE authorized networks) are judged
 * by their own rules.
 */
import { isPublicIpv6, isWorldWide, publicAddressCount } from "../model/cidr";
import { type IngressRule, SCYLLA_PORTS, awsIngressRules, covers, gcpIngressRules } from "../model/firewall";
import { type ResourceGraph, arr, num, rec, str, strings } from "../model/graph";
import { k8sObjects, metaOf } from "../model/topology";
import { type Finding, list, stackRule } from "../rule";
import { countText } from "../model/text";

const PORTS = Object.keys(SCYLLA_PORTS).map(Number);
const portName = (p: number) => `${p} (${SCYLLA_PORTS[p]})`;

function describeCount(n: number, cidrs: readonly string[]): string {
  return isWorldWide(cidrs) ? `${countText(n)} public addresses — the internet in effect` : `${countText(n)} public address(es)`;
}

/** Rules grouped by what they protect: a security group, or a GCP network and target tag. */
function groups(rules: readonly IngressRule[]): Map<string, { label: string; rules: IngressRule[] }> {
  const out = new Map<string, { label: string; rules: IngressRule[] }>();
  const put = (key: string, label: string, r: IngressRule) => {
    const g = out.get(key) ?? { label, rules: [] };
    g.rules.push(r);
    out.set(key, g);
  };
  const tags = new Set(rules.flatMap((r) => r.targetTags));
  for (const r of rules) {
    const target = r.target?.urn ?? r.resource.urn;
    const name = r.target?.name ?? r.resource.name;
    if (r.resource.type.startsWith("aws:")) put(target, `security group ${name}`, r);
    // A GCP rule without target tags applies to every instance, so it joins every tag's group.
    else for (const tag of r.targetTags.length ? r.targetTags : ["*", ...tags]) put(`${target}#${tag}`, tag === "*" ? `every instance of network ${name}` : `instances tagged ${tag} in network ${name}`, r);
  }
  return out;
}

export const dataPortsNotPublic = stackRule<{ maxPublicAddresses: number }>({
  name: "data-ports-not-public",
  description: "No security group or firewall admits public (internet-routable) sources to ScyllaDB's CQL, inter-node, agent or Manager ports; the sources of all rules guarding a port are judged together, by the public addresses they admit.",
  severity: "critical",
  remediation: "Admit only private ranges (the peer VPCs, pod and node ranges, a VPN) to ScyllaDB ports; reach CQL from outside through a private link or VPN, never a public source range.",
  configSchema: { properties: { maxPublicAddresses: { type: "integer", minimum: 0, default: 0 } } },
  *check(graph, { maxPublicAddresses }): Iterable<Finding> {
    const reported = new Set<string>();
    for (const { label, rules } of groups([...awsIngressRules(graph), ...gcpIngressRules(graph)]).values()) {
      const exposed = new Map<string, { ports: number[]; cidrs: string[]; rules: Set<string>; urn: string }>();
      for (const port of PORTS) {
        const guarding = rules.filter((r) => covers(r, port));
        const cidrs = [...new Set(guarding.flatMap((r) => r.cidrs))];
        const v6 = cidrs.filter(isPublicIpv6);
        const count = publicAddressCount(cidrs);
        if (count <= maxPublicAddresses && v6.length === 0) continue;
        const publicRules = guarding.filter((r) => publicAddressCount(r.cidrs) > 0 || r.cidrs.some(isPublicIpv6));
        const key = publicRules.map((r) => r.resource.urn).sort().join("|");
        const entry = exposed.get(key) ?? { ports: [], cidrs, rules: new Set(publicRules.map((r) => r.resource.name)), urn: publicRules[0]!.resource.urn };
        entry.ports.push(port);
        exposed.set(key, entry);
      }
      for (const [key, e] of exposed) {
        // An untagged GCP rule joins every tag's group: report the same rules and ports once.
        if (reported.has(`${key}@${e.ports.join(",")}`)) continue;
        reported.add(`${key}@${e.ports.join(",")}`);
        const publicCidrs = e.cidrs.filter((c) => publicAddressCount([c]) > 0 || isPublicIpv6(c));
        const v4 = publicAddressCount(e.cidrs);
        const v6 = e.cidrs.filter(isPublicIpv6);
        const what = [v4 > maxPublicAddresses ? describeCount(v4, e.cidrs) : undefined, v6.length ? "public IPv6 space" : undefined].filter((x): x is string => !!x).join(" and ");
        yield {
          urn: e.urn,
          message: `${label} admits ${what} (${list(publicCidrs)}, through ${list([...e.rules].sort())}) to ScyllaDB port(s) ${list(e.ports.map(portName))}; the data plane must not be reachable from the internet: admit only private ranges`,
        };
      }
    }
  },
});

/**
 * Annotations that make a LoadBalancer internal. AWS: the load balancer
 * controller's `aws-load-balancer-scheme: internal`, and the older
 * `aws-load-balancer-internal`, which the in-tree provider treats as true
 * for any value but "false" (kubernetes/website#15771). GKE:
 * `networking.gke.io/load-balancer-type: Internal` (and its older
 * `cloud.google.com/` spelling) or the internal load balancer class (GKE
 * "LoadBalancer Service parameters").
 */
function isInternal(service: Record<string, unknown>): boolean {
  const annotations = rec(rec(service.metadata).annotations);
  const a = (k: string) => str(annotations[k]);
  const legacyAws = a("service.beta.kubernetes.io/aws-load-balancer-internal");
  return (
    a("service.beta.kubernetes.io/aws-load-balancer-scheme") === "internal" ||
    (legacyAws !== undefined && legacyAws !== "false" && a("service.beta.kubernetes.io/aws-load-balancer-scheme") !== "internet-facing") ||
    a("networking.gke.io/load-balancer-type")?.toLowerCase() === "internal" ||
    a("cloud.google.com/load-balancer-type")?.toLowerCase() === "internal" ||
    str(rec(service.spec).loadBalancerClass) === "networking.gke.io/l4-regional-internal"
  );
}

function sourceRanges(service: Record<string, unknown>): string[] {
  const fromSpec = strings(rec(service.spec).loadBalancerSourceRanges);
  const annotation = str(rec(rec(service.metadata).annotations)["service.beta.kubernetes.io/load-balancer-source-ranges"]);
  return [...fromSpec, ...(annotation ? annotation.split(",").map((s) => s.trim()) : [])];
}

export const loadBalancersNotPublic = stackRule<{ maxPublicAddresses: number }>({
  name: "loadbalancers-not-public",
  description: "A LoadBalancer Service in front of a ScyllaDB, agent or Manager port is internal (its cloud's internal annotation or class) or restricts loadBalancerSourceRanges to private ranges.",
  severity: "critical",
  remediation: "Annotate the Service service.beta.kubernetes.io/aws-load-balancer-scheme: internal (EKS) or networking.gke.io/load-balancer-type: Internal (GKE), or set spec.loadBalancerSourceRanges to private ranges only.",
  configSchema: { properties: { maxPublicAddresses: { type: "integer", minimum: 0, default: 0 } } },
  *check(graph: ResourceGraph, { maxPublicAddresses }): Iterable<Finding> {
    for (const svc of k8sObjects(graph, "core", "Service")) {
      const body = svc.props;
      const spec = rec(body.spec);
      if (spec.type !== "LoadBalancer" || isInternal(body)) continue;
      const ports = arr(spec.ports).map(rec).flatMap((p) => [num(p.port), num(p.targetPort)]).filter((p): p is number => p !== undefined && SCYLLA_PORTS[p] !== undefined);
      if (ports.length === 0) continue;
      const ranges = sourceRanges(body);
      const count = ranges.length === 0 ? Number.POSITIVE_INFINITY : publicAddressCount(ranges);
      const v6 = ranges.filter(isPublicIpv6);
      if (count <= maxPublicAddresses && v6.length === 0) continue;
      const id = `Service ${metaOf(svc).namespace}/${metaOf(svc).name ?? svc.name}`;
      const admitted = count > maxPublicAddresses ? describeCount(count, ranges) : `public IPv6 space (${list(v6)})`;
      const why = ranges.length === 0 ? "no internal annotation and no loadBalancerSourceRanges, so its cloud gives it a public address open to everyone" : `no internal annotation, and loadBalancerSourceRanges ${list(ranges)} admit ${admitted}`;
      yield { urn: svc.urn, message: `LoadBalancer ${id} exposes ScyllaDB port(s) ${list([...new Set(ports)].sort((a, b) => a - b).map(portName))} with ${why}; make it internal or restrict its source ranges to private space` };
    }
  },
});

export const EXPOSURE_RULES = [dataPortsNotPublic, loadBalancersNotPublic];
