/**
 * Ports clients use to reach ScyllaDB: CQL 9042 and its TLS twin 9142, and the
 * shard-aware ports 19042/19142 that drivers with shard awareness connect to
 * (ScyllaDB `native_shard_aware_transport_port`, `_ssl`). Shared by the
 * NetworkPolicy and the clouds' rules for declared client ranges.
 */
export const CQL_PORTS = [9042, 9142, 19042, 19142] as const;
