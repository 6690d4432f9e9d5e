/** Tiny `--flag value` parser shared by the offline tools; unknown flags are errors. */
import { parseArgs } from "node:util";

export class UsageError extends Error {}

export function parseFlags<T extends Record<string, { type: "string" | "boolean"; multiple?: boolean }>>(
  argv: readonly string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}
