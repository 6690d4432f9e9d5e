/**
 * Failure-domain analysis: for each zone, region, cluster, NAT gateway…,
 * whether the database survives losing it (LOCAL_QUORUM in every surviving
 * DC, a Raft majority of nodes, a backup copy of every DC's data outside it).
 * The report already carries the result; the analysis itself is a later
 * issue, so for now no domain is evaluated.
 */
import type { ResourceGraph } from "../model/graph";

export interface FailureDomain {
  /** `<cloud>:<region>[:<zone>]`, or a resource name for NAT gateways and clusters. */
  readonly domain: string;
  readonly kind: "zone" | "region" | "cluster" | "nat" | "bucket" | "manager" | "monitoring";
  readonly survives: boolean;
  /** Degradations that break none of the survival conditions (backups paused, egress lost…). */
  readonly effects: readonly string[];
}

export function analyseFailureDomains(_graph: ResourceGraph): FailureDomain[] {
  return [];
}
