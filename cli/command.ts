/**
 * The shape every subcommand of `scylla-ha` has. A command is one entry in
 * `commands.ts`: its help text lives there, its code in its own module, loaded
 * only when it runs (so `--help`, `--version` and the other commands never pay
 * for the Pulumi SDKs a synth needs).
 */
export interface CommandResult {
  /** Process exit code: 0 success, 1 a finding (check: a mandatory violation), 2 unusable input or usage. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Command {
  /** The word after `scylla-ha` (and after `npm run`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What `--help` prints: usage line, flags, exit codes. */
  readonly help: string;
  /** Runs with the arguments after the command name; throws `UsageError` for bad arguments. */
  readonly run: (argv: readonly string[]) => Promise<CommandResult>;
}

export const ok = (stdout: string, stderr = ""): CommandResult => ({ code: 0, stdout, stderr });

/** Exit 2 with a one-line reason, prefixed by the command. */
export const refused = (command: string, message: string): CommandResult => ({ code: 2, stdout: "", stderr: `${command}: ${message}\n` });

/** A `UsageError`'s result: its reason plus where the flags are explained. */
export const usageFailure = (command: string, err: Error): CommandResult => refused(command, `${err.message} (see scylla-ha ${command} --help)`);
