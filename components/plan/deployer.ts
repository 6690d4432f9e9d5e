/**
 * The deployer as plan data: which of its source ranges arrive privately
 * (through a VPC, so they need the API's private endpoint and a security-group
 * or authorized-network rule) and which arrive from the internet (so they need
 * the public endpoint, narrowed to exactly them), and the identities that get
 * cluster access. Pure: no Pulumi imports.
 */
import type { DeployerConfig } from "./schema";
import { type Cidr, mustParseCidr, overlaps, parseCidr } from "./cidr";

/** Ranges a deployer can only come from through private routing (RFC 1918 and RFC 6598 shared space). */
export const PRIVATE_DEPLOYER_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

export interface DeployerPlan {
  /** Deployer ranges routed privately: admitted on 443 of every cluster's private endpoint. */
  readonly privateCidrs: readonly string[];
  /** Deployer ranges on the internet: the only sources admitted on public endpoints. */
  readonly publicCidrs: readonly string[];
  readonly aws?: {
    readonly accountId: string;
    readonly deployRoleArn: string;
    readonly previewRoleArn: string;
    readonly breakGlassArns: readonly string[];
  };
  readonly gcp?: {
    readonly deployMember: string;
    readonly previewMember: string;
  };
}

const contains = (outer: Cidr, inner: Cidr) => inner.prefix >= outer.prefix && overlaps(outer, inner);

/** `private` inside a private range, `public` clear of all of them, `mixed` when it straddles (config refuses that). */
export function deployerRangeKind(text: string): "private" | "public" | "mixed" | "invalid" {
  const cidr = parseCidr(text);
  if (typeof cidr === "string") return "invalid";
  const privates = PRIVATE_DEPLOYER_RANGES.map(mustParseCidr);
  if (privates.some((p) => contains(p, cidr))) return "private";
  if (privates.some((p) => overlaps(p, cidr))) return "mixed";
  return "public";
}

export function planDeployer(config: DeployerConfig | undefined): DeployerPlan | undefined {
  if (!config) return undefined;
  return {
    privateCidrs: config.networks.filter((c) => deployerRangeKind(c) === "private"),
    publicCidrs: config.networks.filter((c) => deployerRangeKind(c) === "public"),
    ...(config.awsIam ? { aws: { ...config.awsIam, breakGlassArns: [...config.awsIam.breakGlassArns] } } : {}),
    ...(config.gcpIam ? { gcp: { ...config.gcpIam } } : {}),
  };
}
