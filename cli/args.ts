/** Flag parsing shared by the commands: unknown flags, missing values and bad names are usage errors (exit 2). */
import { parseArgs } from "node:util";

/** Bad arguments: the command exits 2 printing this one-line reason, never a stack trace. */
export class UsageError extends Error {}

type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

export function parseFlags<T extends FlagSpec>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // node:util's messages carry a hint about `--` that does not apply here; the first sentence is the reason.
    throw new UsageError((err as Error).message.split(/\. To specify/)[0]!);
  }
}

/**
 * A stack name as Pulumi allows it (letters, digits, `-`, `_`, `.`). It becomes part of file
 * paths (`stacks/Pulumi.<env>.yaml`, `<out>/<env>.export.json`), so a separator or `..` would
 * read or write outside the directories the user named.
 */
export function stackName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value) || value.includes("..")) {
    throw new UsageError(`--stack ${JSON.stringify(value)} is not a stack name: use letters, digits, '-', '_' and '.', with no path separators or '..'`);
  }
  return value;
}

/** `--stack` naming a committed environment: anything else lists the ones that exist. */
export function committedStack(value: string, committed: readonly string[]): string {
  stackName(value);
  if (!committed.includes(value)) {
    throw new UsageError(`unknown stack ${value}: the committed environments are ${committed.join(", ") || "none"} (stacks/Pulumi.<env>.yaml); give --config <file> for another`);
  }
  return value;
}

/** `<format>=<file>` pairs of a repeatable flag, each format one of `allowed`. */
export function formatTargets<F extends string>(flag: string, values: readonly string[] | undefined, allowed: readonly F[]): Array<{ format: F; file: string }> {
  return (values ?? []).map((value) => {
    const eq = value.indexOf("=");
    const format = value.slice(0, eq) as F;
    const file = value.slice(eq + 1);
    if (eq < 0 || !allowed.includes(format) || file === "") {
      throw new UsageError(`${flag} ${JSON.stringify(value)}: expected <format>=<file> with format one of ${allowed.join(", ")}`);
    }
    return { format, file };
  });
}
