/**
 * The order the Kubernetes layer builds regions in. A DC's ScyllaCluster
 * depends on the one it bootstraps after, which must therefore be built first —
 * even when config order puts it later (a re-added first region waits for a DC
 * further down); otherwise the roles region goes first, then plan order.
 */
import { describe, expect, it } from "vitest";
import type { RegionPlan } from "../components/plan";
import { buildOrder } from "../components/scylla/scylla-layer";

const region = (key: string, bootstrapAfter?: string) => ({ key, ...(bootstrapAfter ? { bootstrapAfter } : {}) }) as unknown as RegionPlan;
const order = (regions: RegionPlan[], rolesKey?: string) => buildOrder(regions, rolesKey).map((r) => r.key);

describe("buildOrder", () => {
  it.each([
    { name: "plan order when nothing waits", regions: [region("a"), region("b"), region("c")], roles: undefined, want: ["a", "b", "c"] },
    { name: "the roles region first when free", regions: [region("a"), region("b"), region("c")], roles: "b", want: ["b", "a", "c"] },
    { name: "a fresh chain keeps its order", regions: [region("a"), region("b", "a"), region("c", "b")], roles: "a", want: ["a", "b", "c"] },
    // use1 re-added after a loss: it bootstraps after usw2, later in config order.
    { name: "a DC after the one it waits for, whatever config order says", regions: [region("use1", "usw2"), region("usw2"), region("euw1")], roles: "use1", want: ["usw2", "use1", "euw1"] },
    { name: "the roles region waits like any other", regions: [region("a", "c"), region("b"), region("c")], roles: "a", want: ["b", "c", "a"] },
    { name: "a wait on a region not built here is no wait", regions: [region("a", "gone"), region("b")], roles: undefined, want: ["a", "b"] },
  ])("$name", ({ regions, roles, want }) => {
    expect(order(regions, roles)).toEqual(want);
  });

  it("refuses regions that wait for each other", () => {
    expect(() => order([region("a", "b"), region("b", "a")])).toThrow("regions a, b wait for each other to bootstrap");
  });
});
