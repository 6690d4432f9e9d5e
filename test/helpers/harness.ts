/**
 * The one shared test harness. It runs programs and components under the
 * offline engine in strict mode: duplicate URNs and default providers fail
 * the test, unknown invoke tokens throw, and `settle()` waits for every
 * registration before anything is asserted.
 */
import * as pulumi from "@pulumi/pulumi";
import { inject } from "vitest";
import { MockEngine, type EngineOptions } from "../../cli/engine/mock-engine";
import type { RecordedResource } from "../../cli/engine/recorded";
import { type SynthResult, synthesize } from "../../cli/engine/synthesize";
import { PROJECT } from "../../components/plan/schema";
import { cachedSynth } from "./synth-cache";

export type { RecordedResource };

export interface Recording {
  readonly engine: MockEngine;
  /** Waits for every pending registration; throws on duplicates or default providers. */
  settle(): Promise<readonly RecordedResource[]>;
}

/** Installs a strict engine for building components directly in a test. */
export function mockEngine(options: Partial<EngineOptions> = {}): Recording {
  const engine = new MockEngine({ project: PROJECT, stack: "test", preview: false, strict: true, ...options });
  engine.install();
  return {
    engine,
    async settle() {
      await engine.settle();
      return engine.resources;
    },
  };
}

/**
 * Runs the real program for a committed stack, or for an in-memory config, in
 * strict preview mode; `previousOutputs` stands for the stack's last update.
 * A committed stack with neither comes from the run's shared synth (one per
 * environment per `vitest run`, see synth-cache.ts), a fresh copy each call.
 * Warnings the program logs are not printed; they are in `result.warnings`.
 */
export async function synthStack(stack: string, config?: Record<string, unknown>, previousOutputs?: Record<string, unknown>): Promise<SynthResult> {
  if (!config && !previousOutputs) {
    const cached = await cachedSynth(inject("synthCache"), stack);
    if (cached) return cached;
  }
  return synthesize({
    stack,
    strict: true,
    preview: true,
    // Stacks on every promise the runtime creates are for its leak report only, and cost most of
    // a synth's time; assertion failures keep theirs (the limit is restored after the program).
    captureStacks: false,
    echoWarnings: false,
    ...(config ? { config: flatten(config) } : {}),
    ...(previousOutputs ? { previousOutputs } : {}),
  });
}

/** `{environment: {...}, regions: [...]}` → the flat `project:key → JSON` map the CLI hands a program. */
export function flatten(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, JSON.stringify(v)]));
}

/** Resolves an Output's value (known values only). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => (resolve(v), v)));
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function named(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = ofType(resources, type).map((r) => r.name).join(", ") || "none";
    throw new Error(`no ${type} named ${name}; registered: ${names}`);
  }
  return found;
}

/** The resource a URN names. */
export function byUrn(resources: readonly RecordedResource[], urn: string): RecordedResource {
  const found = resources.find((r) => r.urn === urn);
  if (!found) throw new Error(`no resource with URN ${urn}`);
  return found;
}

/** The provider resource behind a `urn::id` reference. */
export function providerOf(resources: readonly RecordedResource[], resource: RecordedResource): RecordedResource {
  const ref = resource.provider ?? "";
  const urn = ref.slice(0, ref.lastIndexOf("::"));
  return byUrn(resources, urn);
}
