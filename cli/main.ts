/**
 * `scylla-ha <command> [flags]` — the one entry point of the offline tools
 * (`npm run check|synth|bench` call it too). `--help` and `--version` are
 * answered here for every command, before its module is loaded; bad arguments
 * exit 2 with one line; anything else thrown is a bug and prints its stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/paths";
import { UsageError } from "./args";
import { type CommandResult, usageFailure } from "./command";
import { COMMANDS } from "./commands";
import { exitWhenIdle } from "./exit";

const HELP_FLAGS = new Set(["--help", "-h"]);

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: scylla-ha <command> [flags]     (or npm run <command> -- [flags])",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "`scylla-ha <command> --help` for a command's flags; `scylla-ha --version` for the version.",
    "",
  ].join("\n");
}

/** Runs one command line; never exits the process (tests call it in-process). */
export async function main(argv: readonly string[]): Promise<CommandResult> {
  const [name, ...rest] = argv;
  if (name === undefined) return { code: 2, stdout: "", stderr: overview() };
  if (HELP_FLAGS.has(name) || name === "help") return { code: 0, stdout: overview(), stderr: "" };
  if (name === "--version") return { code: 0, stdout: `${version()}\n`, stderr: "" };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    return { code: 2, stdout: "", stderr: `scylla-ha: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(", ")}\n` };
  }
  if (rest.some((a) => HELP_FLAGS.has(a))) return { code: 0, stdout: command.help, stderr: "" };
  if (rest.includes("--version")) return { code: 0, stdout: `${version()}\n`, stderr: "" };
  try {
    return await command.run(rest);
  } catch (err) {
    // Commands answer their own usage errors; this catches one a new command lets escape.
    if (err instanceof UsageError) return usageFailure(command.name, err);
    throw err;
  }
}

/** Process entry: prints the result and exits; an unexpected error is a bug (exit 3, stack printed). */
export function cli(argv: readonly string[]): void {
  main(argv).then(
    ({ code, stdout, stderr }) => {
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      exitWhenIdle(code);
    },
    (err) => {
      process.stderr.write(`scylla-ha ${argv[0] ?? ""}: internal error (a bug, please report it): ${(err as Error).stack ?? String(err)}\n`);
      exitWhenIdle(3);
    },
  );
}

if (require.main === module) cli(process.argv.slice(2));
