/**
 * The `deployer` section: where Pulumi runs from and as whom. Bad input exits
 * with every problem named by field before any resource; the committed
 * environments carry it; the plan splits the ranges into private and public.
 */
import { describe, expect, it } from "vitest";
import { planDeployer, planEnvironment } from "../components/plan";
import { loadStackConfigFile, stackConfigPath } from "../stacks/config";
import { parseEnvironmentConfig } from "../stacks/validate";
import { awsRegion, environment, gcpRegion, configProblems } from "./helpers/fixtures";

const problems = configProblems;

const AWS_IDS = {
  accountId: "123456789012",
  deployRoleArn: "arn:aws:iam::123456789012:role/deploy",
  previewRoleArn: "arn:aws:iam::123456789012:role/ci/preview",
};
const GCP_IDS = {
  deployMember: "serviceAccount:deploy@scylla-ha-test.iam.gserviceaccount.com",
  previewMember: "serviceAccount:preview@scylla-ha-test.iam.gserviceaccount.com",
};
const aws = (deployer: unknown, regions = [awsRegion("use1", "us-east-1", 0)]) => environment(regions, { deployer });

describe("deployer config", () => {
  it("accepts private and public ranges with AWS identities, defaults break-glass to none and plans the split", () => {
    const config = parseEnvironmentConfig(aws({ networks: ["10.0.96.0/24", "203.0.113.0/24"], awsIam: AWS_IDS }));
    expect(config.deployer).toEqual({ networks: ["10.0.96.0/24", "203.0.113.0/24"], awsIam: { ...AWS_IDS, breakGlassArns: [] } });
    expect(planEnvironment(config).deployer).toEqual({
      privateCidrs: ["10.0.96.0/24"],
      publicCidrs: ["203.0.113.0/24"],
      aws: { ...AWS_IDS, breakGlassArns: [] },
    });
  });

  it("is optional: no deployer, no deployer plan", () => {
    expect(planEnvironment(parseEnvironmentConfig(environment())).deployer).toBeUndefined();
    expect(planDeployer(undefined)).toBeUndefined();
  });

  it("refuses the internet split in two halves, naming the field", () => {
    expect(problems(aws({ networks: ["0.0.0.0/1", "128.0.0.0/1"], awsIam: AWS_IDS }))).toEqual([
      'deployer.networks[0]: straddles private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10) and public space; list the private runner network and the public egress ranges separately (got "0.0.0.0/1")',
      'deployer.networks[1]: straddles private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10) and public space; list the private runner network and the public egress ranges separately (got "128.0.0.0/1")',
      'deployer.networks: admit 3,702,390,784 public addresses together, at least a /8 (16,777,216 addresses): that is the internet, not a deployer; list the runners\' own egress ranges or a private runner network (got ["0.0.0.0/1","128.0.0.0/1"])',
    ]);
  });

  it("refuses a region list that only together with the deployer ranges covers a /8", () => {
    // Public halves of a /8 that are each clean public space; every /8 piece counts.
    expect(problems(aws({ networks: ["44.0.0.0/9", "44.128.0.0/9"], awsIam: AWS_IDS }))[0]).toMatch(/^deployer\.networks: admit 16,777,216 public addresses together/);
    // Each half alone admits less than a /8 of public space; their union is a /8 minus nothing non-public.
    const region = awsRegion("use1", "us-east-1", 0, { publicAccessCidrs: ["44.0.0.0/9"] });
    expect(problems(aws({ networks: ["44.128.0.0/9"], awsIam: AWS_IDS }, [region]))).toEqual([
      'regions[0].publicAccessCidrs: with deployer.networks admit 16,777,216 public addresses to the EKS API, at least a /8 (16,777,216 addresses): that is the whole internet (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0); list only your operators\' and runners\' ranges (got ["44.0.0.0/9"])',
    ]);
  });

  it("reports every problem at once: bad, straddling and overlapping ranges, malformed and repeated ARNs", () => {
    const found = problems(
      aws({
        networks: ["10.0.0.0/33", "172.0.0.0/11", "10.1.0.0/16", "10.1.2.0/24"],
        awsIam: {
          accountId: "1234",
          deployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/session",
          previewRoleArn: "arn:aws-cn:iam::123456789012:role/preview",
          breakGlassArns: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice"],
        },
      }),
    );
    expect(found).toEqual([
      'deployer.awsIam.accountId: must be a 12-digit AWS account id (got "1234")',
    ]);
    const found2 = problems(
      aws({
        networks: ["10.0.0.0/33", "172.0.0.0/11", "10.1.0.0/16", "10.1.2.0/24"],
        awsIam: {
          ...AWS_IDS,
          deployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/session",
          previewRoleArn: "arn:aws-cn:iam::123456789012:role/preview",
          breakGlassArns: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice"],
        },
      }),
    );
    expect(found2).toEqual([
      'deployer.networks[0]: has a prefix length above 32 (got "10.0.0.0/33")',
      'deployer.networks[1]: straddles private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10) and public space; list the private runner network and the public egress ranges separately (got "172.0.0.0/11")',
      'deployer.networks[3]: overlaps deployer.networks[2] (10.1.0.0/16); list each deployer range once (got "10.1.2.0/24")',
      'deployer.awsIam.deployRoleArn: is not an IAM role ARN like arn:aws:iam::123456789012:role/scylla-ha-deploy (an assumed-role session ARN does not work in an access entry) (got "arn:aws:sts::123456789012:assumed-role/deploy/session")',
      'deployer.awsIam.previewRoleArn: is in partition aws-cn but the regions are in aws (got "arn:aws-cn:iam::123456789012:role/preview")',
      'deployer.awsIam.breakGlassArns[1]: names the same principal as deployer.awsIam.breakGlassArns[0]; each principal gets one access entry, so each must be distinct (got "arn:aws:iam::123456789012:user/alice")',
    ]);
  });

  it("requires the identity section of each cloud in use, and GCP members of the right shape", () => {
    expect(problems(aws({ networks: ["10.0.96.0/24"] }))).toEqual([
      "deployer.awsIam: is required: the environment has AWS regions, whose EKS clusters grant access only to the roles declared here",
    ]);
    const gcp = environment([gcpRegion("usc1", "us-central1", 40)], {
      deployer: { networks: ["203.0.113.0/24"], gcpIam: { deployMember: "deploy@example.com", previewMember: "deploy@example.com" } },
    });
    expect(problems(gcp)).toEqual([
      'deployer.gcpIam.deployMember: is not an IAM member like serviceAccount:deploy@my-project.iam.gserviceaccount.com (got "deploy@example.com")',
      'deployer.gcpIam.previewMember: is not an IAM member like serviceAccount:deploy@my-project.iam.gserviceaccount.com (got "deploy@example.com")',
      'deployer.gcpIam.previewMember: must differ from deployer.gcpIam.deployMember: the preview identity is granted less (got "deploy@example.com")',
    ]);
    expect(problems(environment([gcpRegion("usc1", "us-central1", 40)], { deployer: { networks: ["203.0.113.0/24"], gcpIam: GCP_IDS } }))).toEqual([]);
  });

  it("is declared by every committed environment, production on a private runner network only", () => {
    const prod = planEnvironment(loadStackConfigFile(stackConfigPath("prod")));
    expect(prod.deployer).toMatchObject({ privateCidrs: ["10.0.96.0/24", "10.1.96.0/24"], publicCidrs: [] });
    expect(prod.deployer?.aws?.breakGlassArns).toHaveLength(1);
    expect(planEnvironment(loadStackConfigFile(stackConfigPath("staging"))).deployer?.gcp).toBeDefined();
    expect(planEnvironment(loadStackConfigFile(stackConfigPath("dev"))).deployer).toMatchObject({ publicCidrs: ["203.0.113.0/24"] });
  });
});
