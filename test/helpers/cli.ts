/**
 * Runs `scylla-ha` as a user would: a fresh process through bin/scylla-ha.js,
 * which runs the compiled dist/ only when it is newer than every source and the
 * sources through tsx otherwise, so a test never sees stale code.
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
      [path.join(ROOT, "bin", "scylla-ha.js"), ...args],
      { cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
