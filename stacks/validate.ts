/**
 * Turns raw config into a validated `EnvironmentConfig`, or one `ConfigError`
 * listing every problem — each with the field path, the bad value and what is
 * allowed — before any resource exists. Policies reuse `formatIssue` so a
 * rule and a config error read the same.
 */
import type { z } from "zod";
import { type Cidr, formatCidr, overlaps, parseCidr } from "../components/plan/cidr";
import { GCP_SYSTEM_MACHINE_HINT, describeSupportedTypes, instanceType, isSystemMachineType } from "../components/plan/sizing";
import { knownZoneRegions, zonesOf } from "../components/plan/zones";
import { GKE_MAX_PODS_PER_NODE, GKE_NODE_POD_RANGE_PREFIX } from "../components/gcp/gke-settings";
import { type AwsRegionConfig, type EnvironmentConfig, type RegionConfig, environmentSchema } from "../components/plan/schema";
import { backupIssues, isRegionName } from "./validate-backups";
import { deployerIssues } from "./validate-deployer";
import { cronProblem } from "./validate-cron";
import { environmentIssues } from "./validate-environment";
export { isCron } from "./validate-cron";
export { PRODUCTION_LIKE_WORDS, isProductionLike } from "./validate-environment";
import { scyllaIssues } from "./validate-scylla";

export interface ConfigIssue {
  /** Field path, e.g. `regions[1].cidr`. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[], source = "environment config") {
    super(
      `Invalid ${source} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const got = issue.value === undefined ? "" : ` (got ${JSON.stringify(issue.value)})`;
  return `${issue.path}: ${issue.message}${got}`;
}

/**
 * Parses and validates raw config; throws `ConfigError` with every problem found.
 * `stack` is the Pulumi stack the config belongs to; when given,
 * `environment.name` must equal it.
 */
export function parseEnvironmentConfig(raw: unknown, source?: string, stack?: string): EnvironmentConfig {
  const parsed = environmentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap(fromZodIssue), source);
  const issues = [...environmentIssues(raw, parsed.data, stack), ...crossFieldIssues(parsed.data)];
  if (issues.length > 0) throw new ConfigError(issues, source);
  return parsed.data;
}

export function pathOf(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`))
    .join("");
}

function fromZodIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = pathOf(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      return [
        input === undefined
          ? { path, message: `is required (expected ${issue.expected})` }
          : { path, message: `must be ${issue.expected}`, value: input },
      ];
    case "invalid_value":
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`, value: input }];
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = (issue as { options?: unknown[] }).options ?? [];
      if (discriminator) {
        const value = (input as Record<string, unknown> | undefined)?.[discriminator];
        return [{ path, message: `must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}`, value }];
      }
      return [{ path, message: issue.message, value: input }];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: pathOf([...issue.path, key]),
        message: "is not a known field (see docs/config.md for the allowed fields)",
      }));
    case "too_small":
      return [{ path, message: boundMessage("at least", issue.minimum, issue.origin), value: input }];
    case "too_big":
      return [{ path, message: boundMessage("at most", issue.maximum, issue.origin), value: input }];
    default:
      return [{ path, message: issue.message, value: input }];
  }
}

function boundMessage(word: string, bound: number | bigint, origin: string): string {
  if (origin === "array") return `must list ${word} ${bound} item${Number(bound) === 1 ? "" : "s"}`;
  if (origin === "string") return `must be ${word} ${bound} characters long`;
  return `must be ${word} ${bound}`;
}

/** Zone names are `<region><letter>` on AWS and `<region>-<letter>` on GCP. */
function zoneFormOf(cloud: RegionConfig["cloud"], region: string, zone: string): boolean {
  return zone.startsWith(region) && (cloud === "aws" ? /^[a-z]$/ : /^-[a-z]$/).test(zone.slice(region.length));
}

/** The replication factor a region must hold: the largest declared for it, or ScyllaDB's usual 3. */
export function requiredReplicas(config: EnvironmentConfig, regionKey: string): { rf: number; keyspace?: string } {
  let best: { rf: number; keyspace?: string } = { rf: config.scylla.keyspaces.length === 0 ? 3 : 0 };
  for (const ks of config.scylla.keyspaces) {
    const rf = ks.replication[regionKey] ?? ks.replicationFactor;
    if (rf > best.rf) best = { rf, keyspace: ks.name };
  }
  return best;
}

interface NamedRange {
  readonly path: string;
  readonly text: string;
  readonly cidr: Cidr;
}

function crossFieldIssues(config: EnvironmentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ranges: NamedRange[] = [];
  const regionKeys = new Set(config.regions.map((r) => r.key));

  const range = (path: string, text: string, minPrefix: number, maxPrefix: number, why?: string, space: AddressSpace = INTERNAL_SPACE): Cidr | undefined => {
    const parsed = parseCidr(text);
    if (typeof parsed === "string") {
      issues.push({ path, message: `${parsed}`, value: text });
    } else if (parsed.prefix < minPrefix || parsed.prefix > maxPrefix) {
      const allowed = minPrefix === maxPrefix ? `must be a /${minPrefix}` : `prefix length must be between /${minPrefix} and /${maxPrefix}`;
      issues.push({ path, message: `${allowed}${why ? ` (${why})` : ""}`, value: text });
    } else if (!space.ranges.some((p) => contains(p, parsed))) {
      issues.push({ path, message: `must lie in ${space.description}`, value: text });
    } else {
      ranges.push({ path, text, cidr: parsed });
      return parsed;
    }
    return undefined;
  };

  const firstCloud = config.regions[0]?.cloud;
  const firstGcp = config.regions.findIndex((r) => r.cloud === "gcp");
  const seen = { key: new Map<string, string>(), region: new Map<string, string>(), dc: new Map<string, string>() };
  const unique = (kind: keyof typeof seen, value: string, path: string, what: string) => {
    const first = seen[kind].get(value);
    if (first) issues.push({ path, message: `duplicates ${first}; every region needs a distinct ${what}`, value });
    else seen[kind].set(value, path);
  };

  config.regions.forEach((region, i) => {
    const at = (field: string) => `regions[${i}].${field}`;
    unique("key", region.key, at("key"), "key");
    unique("region", `${region.cloud}:${region.region}`, at("region"), "cloud region (one datacenter per region)");
    unique("dc", region.datacenter ?? region.region, at("datacenter"), "datacenter name");

    if (region.cloud !== firstCloud) {
      issues.push({
        path: at("cloud"),
        message: `cannot mix with ${firstCloud} regions: cross-cloud links (site-to-site VPN) are not built yet; keep one cloud per environment`,
        value: region.cloud,
      });
    }
    if (!isRegionName(region.cloud, region.region)) {
      const example = region.cloud === "aws" ? "us-east-1" : "us-central1";
      issues.push({ path: at("region"), message: `is not a ${region.cloud} region name like ${example}`, value: region.region });
    }
    // A region the zone table lists gets its real zones checked; any other region (a new one, or
    // the benchmark's synthetic ones) only the zone name's form, since a guessed list would refuse real zones.
    const realZones = zonesOf(region.cloud, region.region);
    const zones = new Set<string>();
    region.zones.forEach((zone, z) => {
      if (zones.has(zone)) issues.push({ path: at(`zones[${z}]`), message: "is listed twice; one rack per distinct zone", value: zone });
      zones.add(zone);
      if (realZones !== undefined && !realZones.includes(zone)) {
        issues.push({ path: at(`zones[${z}]`), message: `is not a zone of ${region.region}; its zones are ${realZones.join(", ")}`, value: zone });
      } else if (realZones === undefined && !zoneFormOf(region.cloud, region.region, zone)) {
        const form = region.cloud === "aws" ? `${region.region}a` : `${region.region}-a`;
        issues.push({
          path: at(`zones[${z}]`),
          message: `is not a zone of ${region.region} (zones look like ${form}; components/plan/zones.ts lists the real zones of ${knownZoneRegions(region.cloud).join(", ")})`,
          value: zone,
        });
      }
    });

    const required = requiredReplicas(config, region.key);
    if (region.zones.length < required.rf) {
      const why = required.keyspace ? `keyspace ${required.keyspace} has replication factor ${required.rf}` : `the default replication factor is ${required.rf}`;
      issues.push({
        path: at("zones"),
        message: `lists ${region.zones.length} zone(s) but ${why}; one rack per zone needs at least ${required.rf} zones to keep LOCAL_QUORUM when a zone fails`,
        value: region.zones,
      });
    }

    const type = instanceType(region.cloud, region.scylla.instanceType);
    if (!type) {
      const allowed = describeSupportedTypes(region.cloud);
      issues.push({
        path: at("scylla.instanceType"),
        message: `has no local NVMe in the sizing table; ScyllaDB nodes need one of: ${allowed}`,
        value: region.scylla.instanceType,
      });
    }

    switch (region.cloud) {
      case "aws":
        issues.push(...awsRegionIssues(config, region, at));
        range(at("cidr"), region.cidr, 16, 20, "an AWS VPC is at most a /16, and eight per-zone blocks are carved from it");
        range(at("serviceCidr"), region.serviceCidr, 12, 24, "EKS accepts service ranges from /12 to /24", RFC1918_SPACE);
        break;
      case "gcp": {
        const system = region.system.instanceType;
        if (system !== undefined && !isSystemMachineType("gcp", system)) {
          issues.push({ path: at("system.instanceType"), message: `is not a Compute Engine machine type like n2-standard-4 (${GCP_SYSTEM_MACHINE_HINT})`, value: system });
        }
        range(at("cidr"), region.cidr, 8, 24);
        const pods = range(at("podCidr"), region.podCidr, 8, 21);
        range(at("masterCidr"), region.masterCidr, 28, 28, "GKE gives the private control plane exactly 16 addresses");
        region.publicAccessCidrs.forEach((c, n) => {
          const parsed = parseCidr(c);
          if (typeof parsed === "string") issues.push({ path: at(`publicAccessCidrs[${n}]`), message: parsed, value: c });
        });
        const first = config.regions[firstGcp];
        if (first?.cloud === "gcp" && first !== region && region.project !== first.project) {
          issues.push({
            path: at("project"),
            message: `must equal regions[${firstGcp}].project (${first.project}): every GCP region joins the environment's one global VPC, which lives in one project (Shared VPC is not built)`,
            value: region.project,
          });
        }
        // Each node takes a /24 of the pod range (110 pods per node); a pool
        // migration (the only safe upgrade path for local-SSD pools) briefly doubles the nodes.
        const nodes = region.zones.length * (region.system.nodesPerZone + region.scylla.nodesPerRack);
        if (pods && 2 ** (GKE_NODE_POD_RANGE_PREFIX - pods.prefix) < 2 * nodes) {
          issues.push({
            path: at("podCidr"),
            message: `holds pod ranges for ${2 ** (GKE_NODE_POD_RANGE_PREFIX - pods.prefix)} nodes (a /${GKE_NODE_POD_RANGE_PREFIX} each at ${GKE_MAX_PODS_PER_NODE} pods per node) but the region plans ${nodes} nodes and needs room for ${2 * nodes} while a node pool is migrated`,
            value: region.podCidr,
          });
        }
        range(at("serviceCidr"), region.serviceCidr, 8, 24);
        const count = region.scylla.localSsdCount;
        if (type && count !== undefined && !type.diskCounts.includes(count)) {
          issues.push({
            path: at("scylla.localSsdCount"),
            message: `${type.name} accepts ${type.diskCounts.join(", ")} local SSDs`,
            value: count,
          });
        }
        break;
      }
      default: {
        const unreachable: never = region;
        throw new Error(`unhandled cloud in ${JSON.stringify(unreachable)}`);
      }
    }
  });

  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length; b++) {
      const [x, y] = [ranges[a]!, ranges[b]!];
      if (overlaps(x.cidr, y.cidr)) {
        issues.push({
          path: y.path,
          message: `overlaps ${x.path} (${formatCidr(x.cidr)}); node, pod and service ranges of all regions must be disjoint because pod traffic is routed between regions`,
          value: y.text,
        });
      }
    }
  }

  const managerRegion = config.manager.region;
  if (managerRegion !== undefined && !regionKeys.has(managerRegion)) {
    issues.push({ path: "manager.region", message: `must be one of the region keys: ${[...regionKeys].join(", ")}`, value: managerRegion });
  }
  // Manager's backup and repair tasks are declared on the ScyllaCluster next to it.
  const managerConfig = config.regions.find((r) => r.key === (managerRegion ?? config.regions[0]?.key));
  if (managerConfig?.phase === "infrastructure") {
    issues.push({
      path: "manager.region",
      message: `names region ${managerConfig.key}, which has no datacenter in its infrastructure phase; Scylla Manager needs a region with a datacenter (set manager.region)`,
      value: managerConfig.key,
    });
  }

  const keyspaceNames = new Set<string>();
  config.scylla.keyspaces.forEach((ks, k) => {
    const at = `scylla.keyspaces[${k}]`;
    if (keyspaceNames.has(ks.name)) issues.push({ path: `${at}.name`, message: "is declared twice", value: ks.name });
    keyspaceNames.add(ks.name);
    for (const [key, rf] of Object.entries(ks.replication)) {
      const region = config.regions.find((r) => r.key === key);
      if (!region) {
        issues.push({ path: `${at}.replication.${key}`, message: `names no region; region keys are: ${[...regionKeys].join(", ")}`, value: rf });
      }
    }
    if (ks.tablets) {
      for (const region of config.regions) {
        const rf = ks.replication[region.key] ?? ks.replicationFactor;
        if (rf !== 0 && rf !== region.zones.length) {
          issues.push({
            path: `${at}.replication.${region.key}`,
            message: `tablet keyspaces need a replication factor equal to the ${region.zones.length} racks of ${region.key}`,
            value: rf,
          });
        }
      }
    }
  });

  const cron = cronProblem(config.backups.schedule);
  if (cron !== undefined) issues.push({ path: "backups.schedule", message: cron, value: config.backups.schedule });
  issues.push(...scyllaIssues(config));
  issues.push(...backupIssues(config));
  issues.push(...deployerIssues(config));
  return issues;
}

interface AddressSpace {
  readonly ranges: readonly Cidr[];
  readonly description: string;
}

const space = (cidrs: readonly string[], why: string): AddressSpace => ({
  ranges: cidrs.map((c) => parseCidr(c) as Cidr),
  description: `${cidrs.slice(0, -1).join(", ")} or ${cidrs[cidrs.length - 1]} (${why})`,
});

/**
 * EKS takes a service range only inside RFC 1918 space (EKS API reference,
 * KubernetesNetworkConfigRequest.serviceIpv4Cidr: "Within one of the following
 * private IP address blocks: 10.0.0.0/8, 172.16.0.0/12, or 192.168.0.0/16").
 */
const RFC1918_SPACE = space(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], "an EKS requirement");

/**
 * Node, pod and control-plane ranges: RFC 1918 plus the RFC 6598 shared
 * address space 100.64.0.0/10. Both clouds accept 100.64/10 (AWS VPC CIDR
 * blocks, and EKS's custom-networking guide uses it for pods; the VPC "Valid
 * ranges" list that Compute Engine subnet primary and secondary ranges (GKE
 * nodes, pods, services) refer to includes it) and no internet host is
 * ever addressed from it, so routing pods there never shadows a public
 * destination — which any other public range would, for every pod of the
 * environment. The policies count it as non-public too (policies/model/cidr.ts).
 */
const INTERNAL_SPACE = space(
  ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
  "private address space: RFC 1918, or RFC 6598 shared space; a public range would shadow real internet addresses for every pod",
);

function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && overlaps(outer, inner);
}


/** Rules only AWS regions have: EKS's own limits and the public endpoint's exposure. */
function awsRegionIssues(config: EnvironmentConfig, region: AwsRegionConfig, at: (field: string) => string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // With a replication factor of 2 or more the zone-count rule above already reports this.
  if (region.zones.length < 2 && requiredReplicas(config, region.key).rf < 2) {
    issues.push({ path: at("zones"), message: "must list at least 2 zones: EKS places its control plane in subnets of two or more zones", value: region.zones });
  }
  const system = region.system.instanceType;
  if (system !== undefined && !isSystemMachineType("aws", system)) {
    issues.push({ path: at("system.instanceType"), message: "is not an EC2 instance type like m7i.xlarge", value: system });
  }
  region.publicAccessCidrs.forEach((c, n) => {
    const parsed = parseCidr(c);
    // World-wide lists (by their union of public addresses, in every tier) are refused in validate-deployer.ts.
    if (typeof parsed === "string") issues.push({ path: at(`publicAccessCidrs[${n}]`), message: parsed, value: c });
  });
  return issues;
}
