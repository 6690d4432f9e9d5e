/**
 * Runs `scylla-ha` as a user would, in a fresh process, from the TypeScript
 * sources (never the dist/ build, which may predate the code under test).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `scylla-ha <args…>`; resolves with the exit code instead of rejecting on a non-zero one. */
export function runCli(args: readonly string[], options: { readonly cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "cli", "main.ts"), ...args],
      { cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
