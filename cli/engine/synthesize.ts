/**
 * Runs the real program in-process under the offline engine, in preview mode
 * by default, and returns what it registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan } from "../../components/plan";
import { readStackConfigFile, stackConfigPath, environmentFromFlatConfig } from "../../stacks/config";
import { PROJECT } from "../../components/plan/schema";
import { program } from "../../stacks/program";
import { MockEngine, type EngineOptions } from "./mock-engine";
import type { RecordedResource } from "./recorded";

export interface SynthOptions {
  /** Stack (environment) name. */
  readonly stack: string;
  /**
   * Config file to use instead of `stacks/Pulumi.<stack>.yaml`.
   * @default - the committed stack file.
   */
  readonly configFile?: string;
  /**
   * Flat `project:key → value` config to use instead of a file (tests).
   * @default - read from `configFile`.
   */
  readonly config?: Record<string, string>;
  /**
   * The stack's previous outputs (what its last update exported), for the rollout guards.
   * @default - none: the stack's first update.
   */
  readonly previousOutputs?: Record<string, unknown>;
  /** @default true */
  readonly preview?: boolean;
  /** @default false */
  readonly strict?: boolean;
  readonly computedOutputs?: EngineOptions["computedOutputs"];
  /**
   * Capture stack traces while the program runs. The Pulumi runtime records a
   * stack on every promise it creates, for its leak report only; formatted
   * through tsx's source maps that is most of a synth's CPU time. The CLIs turn
   * it off (a crash then prints its message without frames); tests keep it.
   * Ignored when PULUMI_DEBUG_PROMISE_LEAKS is set, since that report needs them.
   * @default true
   */
  readonly captureStacks?: boolean;
}

export interface SynthResult {
  readonly stack: string;
  readonly plan: EnvironmentPlan;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
}

/**
 * Validates the stack's config first (throwing `ConfigError` before any
 * resource exists), then runs the program. One run per process: the Pulumi
 * runtime keeps its stack in global state.
 */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const file = options.configFile ?? stackConfigPath(options.stack);
  const flat = options.config ?? readStackConfigFile(file);
  environmentFromFlatConfig(flat, file, options.stack);
  pulumi.runtime.setAllConfig(flat);

  const engine = new MockEngine({
    project: PROJECT,
    stack: options.stack,
    preview: options.preview ?? true,
    strict: options.strict ?? false,
    ...(options.computedOutputs ? { computedOutputs: options.computedOutputs } : {}),
    ...(options.previousOutputs ? { stackOutputs: { [options.stack]: options.previousOutputs } } : {}),
  });
  engine.install();
  let plan: EnvironmentPlan | undefined;
  // A program error (e.g. a refused rollout step) is caught inside the stack and rethrown after
  // settling: thrown through the Stack component it would also reject every promise the
  // component holds, which Node reports as unhandled rejections.
  let failure: unknown;
  const stackTraceLimit = Error.stackTraceLimit;
  if (options.captureStacks === false && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        const result = await program();
        plan = result.plan;
        return result.outputs;
      } catch (err) {
        failure = err;
        return {};
      }
    });
    await engine.settle();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (failure !== undefined) throw failure;
  // At preview the outputs promise resolves to undefined as soon as any output is unknown; the
  // recorded root Stack holds the known part, exactly as the export does.
  const root = engine.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return { stack: options.stack, plan: plan!, resources: engine.resources, outputs: root?.outputs ?? {} };
}
