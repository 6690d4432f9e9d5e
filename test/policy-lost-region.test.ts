/**
 * A region declared `lost` is degraded on purpose: `check` reports what the
 * loss explains as advisory (exit 0), and the same findings stay mandatory
 * when nothing declares the loss.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { defaultPackConfig } from "../policies/config";
import { ResourceGraph } from "../policies/model/graph";
import { fromRecorded } from "../policies/model/load";
import { LOST_DATACENTERS } from "../policies/model/lost";
import { ALL_POLICIES } from "../policies/rules/all";
import { evaluate } from "../policies/runner";
import { AWS_DEPLOYER, environment, threeAwsRegions } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";

const [use1, usw2, euw1] = threeAwsRegions();

describe("a lost region passes its own gate", () => {
  let lost: SynthResult;
  beforeAll(async () => {
    const before = await synthStack("test", environment([use1, usw2, euw1], { deployer: AWS_DEPLOYER }));
    lost = await synthStack("test", environment([{ ...use1, phase: "lost" }, usw2, euw1], { deployer: AWS_DEPLOYER }), before.outputs);
  }, 120_000);

  const violations = (resources: SynthResult["resources"]) => evaluate(new ResourceGraph(fromRecorded(resources)), ALL_POLICIES, defaultPackConfig(ALL_POLICIES));

  it("reports what the loss explains as degraded advisories, and nothing mandatory", () => {
    const v = violations(lost.resources);
    expect(v.filter((x) => x.enforcementLevel === "mandatory")).toEqual([]);
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.degraded === true && x.message.startsWith("degraded (datacenter us-east-1 declared lost"))).toBe(true);
    expect(v.map((x) => x.policy)).toContain("scylla-backup-task");
  });

  it("keeps the same findings mandatory when no resource declares the loss", () => {
    const undeclared = lost.resources.map((r) => {
      const meta = r.inputs.metadata as { name?: string } | undefined;
      if (r.type !== "kubernetes:core/v1:ConfigMap" || meta?.name !== LOST_DATACENTERS.name) return r;
      const drop = (props: Record<string, unknown>) => {
        const { [LOST_DATACENTERS.key]: _dropped, ...data } = (props.data ?? {}) as Record<string, string>;
        return { ...props, data };
      };
      return { ...r, inputs: drop(r.inputs), outputs: drop(r.outputs) };
    });
    const v = violations(undeclared);
    expect(v.filter((x) => x.enforcementLevel === "mandatory").map((x) => x.policy).sort()).toEqual(violations(lost.resources).map((x) => x.policy).sort());
    expect(v.some((x) => x.degraded)).toBe(false);
  });

  it("a healthy environment is untouched: nothing degraded", () => {
    // The surviving regions declare no lost DC once use1 is rebuilt; here the plain three-region prod.
    expect(lost.resources.some((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.data as Record<string, string> | undefined)?.[LOST_DATACENTERS.key] === '["us-east-1"]')).toBe(true);
  });
});
