/**
 * What keeps the offline tools fast without changing their answers: the CLIs
 * synthesize without capturing stack traces (same resources, limit restored),
 * and the benchmark's generated environments are valid configs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scaledEnvironmentYaml, shapeFor } from "../cli/bench/generate";
import { synthesize } from "../cli/engine/synthesize";
import { loadStackConfigFile } from "../stacks/config";

describe("offline tools' speed settings", () => {
  it("synthesizes the same resources without stack capture, and restores the stack trace limit", async () => {
    const limit = Error.stackTraceLimit;
    const fast = await synthesize({ stack: "dev", captureStacks: false, echoWarnings: false });
    expect(Error.stackTraceLimit).toBe(limit);
    const full = await synthesize({ stack: "dev", echoWarnings: false });
    expect(fast.resources.map((r) => [r.urn, r.inputs])).toEqual(full.resources.map((r) => [r.urn, r.inputs]));
    expect(fast.resources).toHaveLength(full.resources.length);
    expect(fast.warnings).toEqual(full.warnings);
    expect(fast.resources.length).toBeGreaterThan(100);
  });

  it.each([1, 4, 16])("generates a valid %i× prod environment for the benchmark", (factor) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-config-")), `Pulumi.bench${factor}x.yaml`);
    fs.writeFileSync(file, scaledEnvironmentYaml(`bench${factor}x`, shapeFor(factor)));
    const config = loadStackConfigFile(file);
    const shape = shapeFor(factor);
    expect([config.regions.length, config.regions.map((r) => r.zones.length)]).toEqual([shape.regions, Array(shape.regions).fill(shape.zonesPerRegion)]);
  });
});
