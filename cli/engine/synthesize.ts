/**
 * Runs the real program in-process under the offline engine, in preview mode
 * by default, and returns what it registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan } from "../../components/plan";
import { readStackConfigFile, stackConfigPath, environmentFromFlatConfig, withEncryptedStandIns } from "../../stacks/config";
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
   * through tsx's source maps that is most of a synth's CPU time. The CLIs and the
   * test harness turn it off (a crash inside the program then has no frames).
   * Ignored when PULUMI_DEBUG_PROMISE_LEAKS is set, since that report needs them.
   * @default true
   */
  readonly captureStacks?: boolean;
  /**
   * Print the program's warnings (`pulumi.log.warn`) as they happen, as the Pulumi CLI would.
   * Either way they are returned in `warnings`; tests turn the printing off and assert on them.
   * @default true
   */
  readonly echoWarnings?: boolean;
  /**
   * Where one-line notes go (e.g. a `secure:` value that cannot be decrypted offline).
   * @default - written to stderr
   */
  readonly onNote?: (note: string) => void;
}

export interface SynthResult {
  readonly stack: string;
  readonly plan: EnvironmentPlan;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** What the program logged with `pulumi.log.warn`, in order, without the `warning: [runtime] ` prefix. */
  readonly warnings: readonly string[];
  /** Keys whose value was `secure: v1:…` and ran with a stand-in. */
  readonly encryptedKeys: readonly string[];
}

/**
 * Validates the stack's config first (throwing `ConfigError` before any
 * resource exists), then runs the program. One run per process: the Pulumi
 * runtime keeps its stack in global state.
 */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const file = options.configFile ?? stackConfigPath(options.stack);
  const { flat, encrypted } = withEncryptedStandIns(options.config ?? readStackConfigFile(file));
  environmentFromFlatConfig(flat, file, options.stack);
  // Marked secret, as the CLI marks `secure:` keys: getSecret wraps them and they never render in clear.
  pulumi.runtime.setAllConfig(flat, encrypted);
  const note = options.onNote ?? ((n: string) => process.stderr.write(`${n}\n`));
  for (const key of encrypted) note(`note: ${key} is secret (secure: v1:…) and not decryptable here; rendered with a stand-in`);

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
  const warnings: string[] = [];
  const restoreWarn = captureWarnings(warnings, options.echoWarnings ?? true);
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
    restoreWarn();
  }
  if (failure !== undefined) throw failure;
  // At preview the outputs promise resolves to undefined as soon as any output is unknown; the
  // recorded root Stack holds the known part, exactly as the export does.
  const root = engine.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return { stack: options.stack, plan: plan!, resources: engine.resources, outputs: root?.outputs ?? {}, warnings, encryptedKeys: encrypted };
}

const RUNTIME_WARNING = /^warning: \[runtime\] ([\s\S]*)$/;

/**
 * With no engine connected, `pulumi.log.warn` writes `warning: [runtime] <message>` through
 * `console.warn` (@pulumi/pulumi 3.248.0, log/index.js:75-83); that is the one place to catch
 * the program's warnings. Other console output passes through untouched.
 */
function captureWarnings(into: string[], echo: boolean): () => void {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const match = args.length === 1 && typeof args[0] === "string" ? RUNTIME_WARNING.exec(args[0]) : null;
    if (match) into.push(match[1]!);
    if (!match || echo) original(...args);
  };
  return () => {
    console.warn = original;
  };
}
