/**
 * Cross-field rules for the `deployer` section and for every source range that
 * opens a control plane to the internet: ARN and member shapes, one identity
 * section per cloud in use, deployer ranges that are valid, disjoint and not
 * world-wide, and per-region `publicAccessCidrs` that, joined with the
 * deployer's public ranges, stay below a /8 of the internet. Called by
 * `validate.ts`, which owns the issue format.
 */
import { partitionOf } from "../components/aws/iam-policies";
import { formatCidr, overlaps, parseCidr } from "../components/plan/cidr";
import { deployerRangeKind } from "../components/plan/deployer";
import { publicAddressCount, WORLD_WIDE_ADDRESSES } from "../policies/model/cidr";
import type { EnvironmentConfig } from "../components/plan/schema";
import type { ConfigIssue } from "./validate";
import { countText } from "../policies/model/text";

/**
 * An IAM role ARN (`arn:<partition>:iam::<account>:role[/<path>]/<name>`). EKS access entries take the
 * role ARN, never an `assumed-role` session ARN (EKS user guide, "Create access entries").
 */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** A role or user ARN (break-glass principals may be IAM users). */
export const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** A GCP IAM member naming one principal. */
export const GCP_MEMBER = /^(serviceAccount|user|group):[^\s@:]+@[a-z0-9.-]+\.[a-z]{2,}$/;

const WORLD = `a /8 (${countText(WORLD_WIDE_ADDRESSES)} addresses)`;

export function deployerIssues(config: EnvironmentConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const deployer = config.deployer;
  const clouds = new Set(config.regions.map((r) => r.cloud));
  const deployerPublic: string[] = [];
  /** Every deployer range with public addresses in it (straddling ones too), for the world-wide sum. */
  const exposed: string[] = [];

  if (deployer) {
    const parsed: Array<{ path: string; text: string; cidr: NonNullable<Exclude<ReturnType<typeof parseCidr>, string>> }> = [];
    deployer.networks.forEach((text, n) => {
      const path = `deployer.networks[${n}]`;
      const cidr = parseCidr(text);
      if (typeof cidr === "string") {
        issues.push({ path, message: cidr, value: text });
        return;
      }
      const kind = deployerRangeKind(text);
      if (kind !== "private") exposed.push(text);
      if (kind === "mixed") {
        issues.push({
          path,
          message: "straddles private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10) and public space; list the private runner network and the public egress ranges separately",
          value: text,
        });
        return;
      }
      const clash = parsed.find((p) => overlaps(p.cidr, cidr));
      if (clash) {
        issues.push({ path, message: `overlaps ${clash.path} (${formatCidr(clash.cidr)}); list each deployer range once`, value: text });
        return;
      }
      parsed.push({ path, text, cidr });
      if (kind === "public") deployerPublic.push(text);
    });
    const count = publicAddressCount(exposed);
    if (count >= WORLD_WIDE_ADDRESSES) {
      issues.push({
        path: "deployer.networks",
        message: `admit ${countText(count)} public addresses together, at least ${WORLD}: that is the internet, not a deployer; list the runners' own egress ranges or a private runner network`,
        value: exposed,
      });
    }

    if (clouds.has("aws")) {
      if (!deployer.awsIam) {
        issues.push({ path: "deployer.awsIam", message: "is required: the environment has AWS regions, whose EKS clusters grant access only to the roles declared here" });
      } else {
        const a = deployer.awsIam;
        const partition = partitionOf(config.regions.find((r) => r.cloud === "aws")!.region);
        const arn = (path: string, value: string, pattern: RegExp, what: string) => {
          const m = pattern.exec(value);
          if (!m) issues.push({ path, message: `is not ${what} like arn:aws:iam::123456789012:role/scylla-ha-deploy (an assumed-role session ARN does not work in an access entry)`, value });
          else if (m[1] !== partition) issues.push({ path, message: `is in partition ${m[1]} but the regions are in ${partition}`, value });
        };
        arn("deployer.awsIam.deployRoleArn", a.deployRoleArn, ROLE_ARN, "an IAM role ARN");
        arn("deployer.awsIam.previewRoleArn", a.previewRoleArn, ROLE_ARN, "an IAM role ARN");
        a.breakGlassArns.forEach((v, i) => arn(`deployer.awsIam.breakGlassArns[${i}]`, v, PRINCIPAL_ARN, "an IAM role or user ARN"));
        // One principal has one access entry per cluster; a second entry for it is refused by EKS.
        const seen = new Map<string, string>();
        const principals: Array<[string, string]> = [
          ["deployer.awsIam.deployRoleArn", a.deployRoleArn],
          ["deployer.awsIam.previewRoleArn", a.previewRoleArn],
          ...a.breakGlassArns.map((v, i): [string, string] => [`deployer.awsIam.breakGlassArns[${i}]`, v]),
        ];
        for (const [path, value] of principals) {
          const first = seen.get(value);
          if (first) issues.push({ path, message: `names the same principal as ${first}; each principal gets one access entry, so each must be distinct`, value });
          else seen.set(value, path);
        }
      }
    }
    if (clouds.has("gcp")) {
      if (!deployer.gcpIam) {
        issues.push({ path: "deployer.gcpIam", message: "is required: the environment has GCP regions, whose clusters grant the preview principal access only when it is declared here" });
      } else {
        for (const field of ["deployMember", "previewMember"] as const) {
          const value = deployer.gcpIam[field];
          if (!GCP_MEMBER.test(value)) {
            issues.push({ path: `deployer.gcpIam.${field}`, message: "is not an IAM member like serviceAccount:deploy@my-project.iam.gserviceaccount.com", value });
          }
        }
        if (deployer.gcpIam.deployMember === deployer.gcpIam.previewMember) {
          issues.push({ path: "deployer.gcpIam.previewMember", message: "must differ from deployer.gcpIam.deployMember: the preview identity is granted less", value: deployer.gcpIam.previewMember });
        }
      }
    }
  }

  // What a public control-plane endpoint admits is the region's own list plus the deployer's public ranges.
  config.regions.forEach((region, i) => {
    const own = region.publicAccessCidrs.filter((c) => typeof parseCidr(c) !== "string");
    if (own.length === 0) return;
    const admitted = [...own, ...deployerPublic];
    const count = publicAddressCount(admitted);
    if (count >= WORLD_WIDE_ADDRESSES) {
      issues.push({
        path: `regions[${i}].publicAccessCidrs`,
        message: `${deployerPublic.length ? "with deployer.networks " : ""}admit ${countText(count)} public addresses to the ${region.cloud === "aws" ? "EKS" : "GKE"} API, at least ${WORLD}: that is the whole internet (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0); list only your operators' and runners' ranges`,
        value: region.publicAccessCidrs,
      });
    }
  });
  return issues;
}
