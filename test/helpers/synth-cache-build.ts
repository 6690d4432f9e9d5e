/**
 * Child process of test/global-setup.ts (`node --import tsx synth-cache-build.ts <dir>`):
 * synthesizes each committed environment exactly as `synthStack` would, one file each.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { synthesize } from "../../cli/engine/synthesize";
import { errorFile, resultFile } from "./synth-cache";

async function buildCache(dir: string, stacks: readonly string[]): Promise<void> {
  for (const stack of stacks) {
    try {
      const result = await synthesize({ stack, strict: true, preview: true, captureStacks: false, echoWarnings: false });
      // Written whole, then renamed: a reader never sees half a file.
      fs.writeFileSync(`${resultFile(dir, stack)}.tmp`, JSON.stringify(result));
      fs.renameSync(`${resultFile(dir, stack)}.tmp`, resultFile(dir, stack));
    } catch (err) {
      fs.writeFileSync(errorFile(dir, stack), String((err as Error).stack ?? err));
    }
  }
}

const dir = process.argv[2]!;
const stacks = JSON.parse(fs.readFileSync(path.join(dir, "stacks.json"), "utf8")) as string[];
buildCache(dir, stacks).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`synth cache: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
