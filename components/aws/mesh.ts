/**
 * What crosses between regions: the pairs of a full mesh and the ScyllaDB
 * ports a peer may reach. Plain data, shared by the peering component, its
 * tests and the docs.
 */

export interface ScyllaPort {
  readonly port: number;
  readonly purpose: string;
}

/**
 * Exactly the ports another datacenter needs on ScyllaDB nodes: node-to-node
 * gossip and streaming, CQL for clients and cross-DC drivers, the Manager
 * agent API (Manager runs in one region and drives agents everywhere), and
 * the metrics Prometheus scrapes. JMX (7199) and Thrift (9160) stay closed.
 */
export const SCYLLA_PEER_PORTS: readonly ScyllaPort[] = [
  { port: 7000, purpose: "inter-node" },
  { port: 7001, purpose: "inter-node TLS" },
  { port: 9042, purpose: "CQL" },
  { port: 9142, purpose: "CQL TLS" },
  { port: 19042, purpose: "shard-aware CQL" },
  { port: 19142, purpose: "shard-aware CQL TLS" },
  { port: 10001, purpose: "Manager agent API" },
  { port: 9180, purpose: "ScyllaDB metrics" },
  { port: 5090, purpose: "Manager agent metrics" },
];

/** Every unordered pair, the earlier item first (it becomes the requester). */
export function meshPairs<T>(items: readonly T[]): Array<readonly [T, T]> {
  const pairs: Array<readonly [T, T]> = [];
  items.forEach((a, i) => items.slice(i + 1).forEach((b) => pairs.push([a, b] as const)));
  return pairs;
}
