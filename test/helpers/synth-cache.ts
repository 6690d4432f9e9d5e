/**
 * One synth of each committed environment per test run, shared by every test
 * file: `test/global-setup.ts` starts `synth-cache-build.ts` in a child process
 * as the run begins (in parallel with the files that need no synth), which
 * writes `<dir>/<env>.json`; `synthStack(env)` waits for its file and parses a
 * fresh copy on every call. Any synth with its own config or previous outputs
 * still runs in the test's process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SynthResult } from "../../cli/engine/synthesize";

/** Written by global-setup when the build process ends, with its exit code. */
export const EXIT_MARKER = "exit";

export const resultFile = (dir: string, stack: string) => path.join(dir, `${stack}.json`);
export const errorFile = (dir: string, stack: string) => path.join(dir, `${stack}.error`);

/**
 * Test side: the shared result, or `undefined` when there is none to wait for (no cache in this
 * run, the environment is not in it, or the build failed — then the caller synthesizes itself
 * and any error surfaces in the test, where it belongs).
 */
export async function cachedSynth(dir: string | undefined, stack: string, timeoutMs = 180_000): Promise<SynthResult | undefined> {
  if (!dir || !fs.existsSync(path.join(dir, "stacks.json"))) return undefined;
  const stacks = JSON.parse(fs.readFileSync(path.join(dir, "stacks.json"), "utf8")) as string[];
  if (!stacks.includes(stack)) return undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(resultFile(dir, stack))) return JSON.parse(fs.readFileSync(resultFile(dir, stack), "utf8")) as SynthResult;
    if (fs.existsSync(errorFile(dir, stack)) || fs.existsSync(path.join(dir, EXIT_MARKER)) || Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
