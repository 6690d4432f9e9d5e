/**
 * The ScyllaDB simulator for tests: the typed handle lives in cli/simulator.ts
 * (`scylla-ha rehearse` runs the same world), plus the script linter.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export * from "../../../cli/simulator";

/**
 * `<shell> -n` and shellcheck on a script, for the shell that runs it (`sh` is
 * checked as POSIX sh, as dash runs it); returns their combined complaints (empty when clean).
 */
export function lintScript(script: string, shell: "bash" | "sh" = "bash"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lint-"));
  const file = path.join(dir, "script.sh");
  fs.writeFileSync(file, script);
  const syntax = spawnSync(shell === "sh" ? "dash" : "bash", ["-n", file], { encoding: "utf8" });
  const check = spawnSync("shellcheck", [`--shell=${shell}`, "--severity=style", file], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  if (check.error) throw new Error(`shellcheck is not installed (apt-get install -y shellcheck): ${check.error.message}`);
  return [syntax.status === 0 ? "" : syntax.stderr, check.status === 0 ? "" : check.stdout].join("").trim();
}
