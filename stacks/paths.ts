/**
 * The project's root directory, found from wherever this module runs: the
 * TypeScript sources (`stacks/`) or their compiled copy (`dist/stacks/`). Files
 * the tools read at run time (stack configs, policy configs, package.json)
 * stay in the source tree, so both must resolve them there.
 */
import * as fs from "node:fs";
import * as path from "node:path";

function findRoot(start: string): string {
  // Pulumi.yaml marks the project root; policies/ has a package.json of its own, so that cannot.
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}: cannot find the project root`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);

export const STACKS_DIR = path.join(PROJECT_ROOT, "stacks");

/** The committed environments (one `stacks/Pulumi.<env>.yaml` each); reads no config, loads no schema. */
export function committedStacks(): string[] {
  return fs
    .readdirSync(STACKS_DIR)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
