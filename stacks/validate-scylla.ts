/**
 * What ScyllaDB, Scylla Operator and Scylla Manager themselves would refuse:
 * versions outside the support matrix of the pinned operator and Manager,
 * and keyspace names ScyllaDB keeps for itself. Called by `validate.ts`,
 * which owns the issue format.
 */
import { type Cidr, mustParseCidr, overlaps, parseCidr } from "../components/plan/cidr";
import { SCYLLA_MANAGER_IMAGE } from "../components/scylla/versions";
import type { EnvironmentConfig } from "../components/plan/schema";
import type { ConfigIssue } from "./validate";

/**
 * ScyllaDB minors both pinned components support. Scylla Operator v1.21.1
 * lists "2025.1, 2025.3 - 2026.1" (docs/source/reference/releases.md, "Support
 * matrix", at v1.21.1); Scylla Manager 3.10, which this stack runs
 * (SCYLLA_MANAGER_IMAGE), lists "2025.1, 2025.4, 2026.1"
 * (docs/source/compatibility-matrix.rst at v3.10.1). The intersection:
 */
export const SUPPORTED_SCYLLA_MINORS = ["2025.1", "2025.4", "2026.1"] as const;

/**
 * The agent runs next to every ScyllaDB node and talks to the Manager server;
 * Manager upgrades server and agents together to one version
 * (docs/source/upgrade/index.rst at v3.10.1), so the agent's minor is the
 * server's. Scylla Operator v1.21.1 pins both at 3.10.1
 * (assets/config/config.yaml, `scyllaDBManagerVersion`/`scyllaDBManagerAgentVersion`).
 */
export const SUPPORTED_AGENT_MINOR = /:(\d+\.\d+)\.\d+$/.exec(SCYLLA_MANAGER_IMAGE)![1]!;

/**
 * Keyspace names ScyllaDB keeps for itself (scylladb at scylla-2026.1.3):
 * `system` and `system_schema` are not user-modifiable
 * (cql3/statements/create_keyspace_statement.cc:60, replica/distributed_loader.cc:40);
 * the internal ones are system_distributed, system_distributed_everywhere,
 * system_auth, system_traces and system_replicated_keys
 * (replica/distributed_loader.cc:48-56) — all under the `system` prefix, which
 * we reserve whole; `audit` holds the audit log (audit/audit_cf_storage_helper.cc:22);
 * Alternator keeps each table in a keyspace `alternator_<table>`
 * (alternator/executor.hh:181). Names are compared lowercased, as ScyllaDB does.
 */
const RESERVED_KEYSPACE = /^(system.*|audit|alternator_.*)$/;

const minorOf = (version: string) => version.split(".").slice(0, 2).join(".");

/** Where CQL clients may come from: RFC 1918 and RFC 6598 shared space, never public addresses. */
const CLIENT_SPACE: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(mustParseCidr);
const within = (outer: Cidr, inner: Cidr) => inner.prefix >= outer.prefix && overlaps(outer, inner);

export function scyllaIssues(config: EnvironmentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { version, agentVersion, keyspaces } = config.scylla;
  if (!(SUPPORTED_SCYLLA_MINORS as readonly string[]).includes(minorOf(version))) {
    issues.push({
      path: "scylla.version",
      message: `is outside the support matrix of Scylla Operator v1.21.1 and Scylla Manager ${SUPPORTED_AGENT_MINOR}; use a ${SUPPORTED_SCYLLA_MINORS.map((m) => `${m}.x`).join(", ")} release`,
      value: version,
    });
  }
  if (minorOf(agentVersion) !== SUPPORTED_AGENT_MINOR) {
    issues.push({
      path: "scylla.agentVersion",
      message: `must be a ${SUPPORTED_AGENT_MINOR}.x release to match the Scylla Manager server this stack runs (${SCYLLA_MANAGER_IMAGE})`,
      value: agentVersion,
    });
  }
  const seen = new Map<string, number>();
  config.scylla.clientCidrs.forEach((text, n) => {
    const path = `scylla.clientCidrs[${n}]`;
    const parsed = parseCidr(text);
    if (typeof parsed === "string") issues.push({ path, message: parsed, value: text });
    else if (!CLIENT_SPACE.some((space) => within(space, parsed))) {
      issues.push({ path, message: "must be a private range (10/8, 172.16/12, 192.168/16 or 100.64/10): CQL is never opened to public addresses", value: text });
    } else if (seen.has(text)) issues.push({ path, message: `duplicates scylla.clientCidrs[${seen.get(text)}]`, value: text });
    seen.set(text, seen.get(text) ?? n);
  });
  keyspaces.forEach((ks, k) => {
    if (RESERVED_KEYSPACE.test(ks.name.toLowerCase())) {
      issues.push({
        path: `scylla.keyspaces[${k}].name`,
        message: "is reserved by ScyllaDB (system*, audit, alternator_*); pick another name",
        value: ks.name,
      });
    }
  });
  return issues;
}
