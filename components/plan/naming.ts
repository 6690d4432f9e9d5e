/**
 * Stable names. Logical (Pulumi) names are keyed by environment, region key
 * and zone — never by list position — so reordering config never renames a
 * resource (a rename is a replacement, and a replaced Scylla node pool loses
 * its local NVMe data).
 */

export const SCYLLA_NAMESPACE = "scylla";

export function regionName(environment: string, regionKey: string): string {
  return `${environment}-${regionKey}`;
}

export function rackResourceName(environment: string, regionKey: string, zone: string): string {
  return `${regionName(environment, regionKey)}-${zone}`;
}

/** The zone's own letter(s): `us-east-1a` → `a`, `us-central1-b` → `b`. */
export function zoneSuffix(region: string, zone: string): string {
  return zone.slice(region.length).replace(/^-/, "");
}

/**
 * Node pool names are per cluster, so the zone letter keeps them short and
 * unique. Both clouds use them the same way: the physical pool / node group is
 * named by it (the AWS system group by it as a prefix, since that group is
 * replaceable), and its logical name is `<region resource>-<pool name>`
 * (`prod-use1-scylla-a`, `prod-usc1-system`).
 */
export function rackPoolName(region: string, zone: string): string {
  return `scylla-${zoneSuffix(region, zone)}`;
}

export const SYSTEM_POOL_NAME = "system";

/**
 * The ServiceAccount the operator creates for a ScyllaCluster's pods (Scylla
 * and the Manager agent sidecar); cloud identities for backups bind to it.
 */
export function memberServiceAccount(clusterName: string): string {
  return `${clusterName}-member`;
}

/** A CIDR as part of a logical name (`10.0.96.0/24` → `10-0-96-0-24`): one rule per range keeps a stable name. */
export function cidrSlug(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}
