/**
 * The flags every command that synthesizes shares (`synth`, `check --stack`,
 * `rehearse`): `--stack`, `--config`, `--previous`, checked the same way
 * before anything runs. Loads no Pulumi SDK.
 */
import * as fs from "node:fs";
import type { SynthResult } from "./engine/synthesize";
import { committedStacks } from "../stacks/paths";
import { UsageError, committedStack, stackName } from "./args";

/** What a synth runs from, as `--stack`, `--config` and `--previous` give it; the same guards for every command that synthesizes. */
export interface SynthInputs {
  readonly stack: string;
  readonly configFile?: string;
  readonly previousOutputs?: Record<string, unknown>;
}

/** Checks the flags (a committed stack unless --config names a file; --previous a stack export) before anything runs. */
export function synthInputs(flags: { readonly stack: string; readonly config?: string | undefined; readonly previous?: string | undefined }): SynthInputs {
  const stack = flags.config ? stackName(flags.stack) : committedStack(flags.stack, committedStacks());
  if (flags.config && !isFile(flags.config)) throw new UsageError(`--config ${flags.config}: no such file`);
  const previousOutputs = flags.previous ? readPreviousOutputs(flags.previous) : undefined;
  return { stack, ...(flags.config ? { configFile: flags.config } : {}), ...(previousOutputs ? { previousOutputs } : {}) };
}

function isFile(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isFile();
}

/**
 * A previous deployment's outputs, from a stack export (the root Stack
 * resource's outputs — `pulumi stack export` or an earlier synth) so a
 * rollout step can be checked offline against the state it starts from.
 */
export function readPreviousOutputs(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--previous ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: { deployment?: { resources?: Array<{ type?: unknown; outputs?: Record<string, unknown> }> } } | null;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new UsageError(`--previous ${file} is not JSON (${(err as Error).message}); expected a stack export (pulumi stack export or an earlier synth)`);
  }
  const resources = doc?.deployment?.resources;
  const root = Array.isArray(resources) ? resources.find((r) => r?.type === "pulumi:pulumi:Stack") : undefined;
  if (!root) throw new UsageError(`--previous ${file} is not a stack export: it has no pulumi:pulumi:Stack resource`);
  return root.outputs ?? {};
}


/** A synth a command ran: its result and what the program said on the way, as lines for the command's stderr. */
export type CommandSynth = { readonly ok: true; readonly result: SynthResult; readonly diagnostics: string } | { readonly ok: false; readonly message: string };

/**
 * Runs the synth for a command. Notes (a `secure:` value not decryptable here) and the
 * program's warnings come back in `diagnostics`, worded as the Pulumi CLI prints them, so a
 * command returns all it says instead of writing to the console behind its caller's back;
 * a refused config comes back as its message. The SDKs load only now.
 */
export async function synthForCommand(inputs: SynthInputs): Promise<CommandSynth> {
  const { synthesize } = await import("./engine/synthesize.js");
  const { ConfigError } = await import("../stacks/validate.js");
  const notes: string[] = [];
  try {
    const result = await synthesize({ ...inputs, captureStacks: false, echoWarnings: false, onNote: (note) => notes.push(note) });
    const lines = [...notes, ...result.warnings.map((w) => `warning: ${w}`)];
    return { ok: true, result, diagnostics: lines.map((l) => `${l}\n`).join("") };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, message: err.message };
    throw err;
  }
}
