/**
 * The deploy path under a region failure: the region-loss procedure is a
 * `pulumi up` against the survivors, so a deployer network that lives only in
 * the lost region's VPC is reported as an effect of that region's loss.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { analyseFailureDomains } from "../policies/failure";
import { ResourceGraph } from "../policies/model/graph";
import { fromRecorded } from "../policies/model/load";
import { AWS_DEPLOYER, environment, threeAwsRegions } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";

const domains = (r: SynthResult) => analyseFailureDomains(new ResourceGraph(fromRecorded(r.resources)));
const deployEffects = (r: SynthResult, domain: string) => domains(r).find((d) => d.domain === domain)!.effects.filter((e) => e.includes("pulumi up"));

describe("the deploy path when a region is lost", () => {
  let oneRunner: SynthResult;
  let prod: SynthResult;
  beforeAll(async () => {
    oneRunner = await synthStack("test", environment(threeAwsRegions(), { deployer: AWS_DEPLOYER }));
    prod = await synthStack("prod");
  }, 120_000);

  it("names every surviving cluster a runner inside the lost region's VPC alone could reach", () => {
    expect(deployEffects(oneRunner, "aws:us-east-1")).toEqual(
      ["test-usw2-eks", "test-euw1-eks"].map(
        (c) => `the API of ${c} admits deployers only from 10.0.96.0/24, inside us-east-1's VPC: with the region lost no \`pulumi up\` reaches it, and the region-loss procedure needs one (declare a deployer range in a second region)`,
      ),
    );
    // An effect, not a breach: data, quorum and backups are intact.
    expect(domains(oneRunner).find((d) => d.domain === "aws:us-east-1")!.survives).toBe(true);
    expect(deployEffects(oneRunner, "aws:us-west-2")).toEqual([]);
  });

  it("reports nothing for prod, whose runners sit in two regions", () => {
    for (const d of domains(prod).filter((x) => x.kind === "region")) expect(d.effects.filter((e) => e.includes("pulumi up")), d.domain).toEqual([]);
  });
});
