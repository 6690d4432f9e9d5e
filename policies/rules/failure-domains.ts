/**
 * Stack policies over the failure-domain analysis (policies/failure): the
 * database keeps quorum through any single zone or region failure, and no
 * single failure spreads — takes a datacenter's last backup copy, or stops
 * egress, Scylla Manager or monitoring beyond the failed domain.
 */
import { type DomainResult, analyse } from "../failure";
import type { Item } from "../failure/data";
import type { ResourceGraph } from "../model/graph";
import { type Finding, either, stackRule } from "../rule";

/** One finding per distinct problem, naming every domain whose loss alone causes it. */
function grouped(graph: ResourceGraph, pick: (r: DomainResult) => readonly Item[]): Finding[] {
  const byText = new Map<string, { urn?: string; domains: string[] }>();
  for (const r of analyse(graph).results) {
    for (const item of pick(r)) {
      const entry = byText.get(item.text) ?? { ...(item.urn ? { urn: item.urn } : {}), domains: [] };
      entry.domains.push(`${r.domain.kind} ${r.domain.domain}`);
      byText.set(item.text, entry);
    }
  }
  return [...byText].map(([text, { urn, domains }]) => ({ ...(urn ? { urn } : {}), message: `losing ${either(domains)}: ${text}` }));
}

export const noSingleFailureLosesQuorum = stackRule({
  name: "no-single-failure-loses-quorum",
  description: "Losing any single zone keeps LOCAL_QUORUM in every datacenter for every keyspace, and losing any single region leaves some datacenter able to serve QUORUM.",
  severity: "critical",
  remediation: "Pin each rack to its own zone with a node pool in that zone only (racks per DC ≥ the largest RF), keep RF per DC ≤ its racks, and run at least three regions so a region loss keeps QUORUM.",
  *check(graph): Iterable<Finding> {
    yield* grouped(graph, (r) => (r.domain.kind === "zone" || r.domain.kind === "region" ? r.quorum : []));
  },
});

export const singleFailureContained = stackRule({
  name: "single-failure-contained",
  description: "No single failure takes a datacenter's last backup copy, and no zone, NAT gateway or control-plane failure stops anything beyond itself: other zones' egress, Scylla Manager, each datacenter's monitoring and its backups keep working.",
  severity: "high",
  remediation: "Route each zone through its own NAT gateway, run Scylla Manager and Prometheus on a multi-zone pool (Prometheus with ≥ 2 replicas spread over zones) in a cluster with a regional control plane, give agents a private path to storage (S3 gateway endpoint, Private Google Access), and replicate backup buckets to another region.",
  *check(graph): Iterable<Finding> {
    yield* grouped(graph, (r) => r.spreads);
  },
});

export const FAILURE_DOMAIN_RULES = [noSingleFailureLosesQuorum, singleFailureContained];
