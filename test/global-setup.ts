/**
 * Starts the shared synth of every committed environment (test/helpers/synth-cache.ts)
 * in a child process and hands its directory to the test files; the files that
 * need no synth run meanwhile, so both cores work from the first second.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { committedStacks } from "../stacks/paths";
import { EXIT_MARKER } from "./helpers/synth-cache";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the shared synth results; see test/helpers/synth-cache.ts. */
    synthCache: string;
  }
}

let child: ChildProcess | undefined;
let dir: string | undefined;

export function setup(project: TestProject): void {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "scylla-synth-cache-"));
  // prod first: the most files wait for it.
  const stacks = committedStacks().sort((a, b) => Number(b === "prod") - Number(a === "prod"));
  fs.writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(stacks));
  const stderr: Buffer[] = [];
  child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "synth-cache-build.ts"), dir], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
  const at = dir;
  child.on("exit", (code) => {
    // A failed build is not a failed run: each test then synthesizes for itself and reports the error there.
    // A run can end (teardown removes the directory) before the build does: nobody is left to read the marker.
    if (fs.existsSync(at)) fs.writeFileSync(path.join(at, EXIT_MARKER), `${code}\n${Buffer.concat(stderr).toString()}`);
  });
  project.provide("synthCache", dir);
}

export function teardown(): void {
  if (child && child.exitCode === null) child.kill();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
