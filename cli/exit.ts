/**
 * Ends a CLI run once pending I/O is done. Exiting at once cuts short tsx's
 * asynchronous writes of its transform cache (leaving empty entries, so every
 * run transpiles the project again); the Pulumi runtime may hold handles open
 * after a synth, so an unref'd timer still ends the process if it lingers.
 */
export function exitWhenIdle(code: number, graceMs = 500): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}
