#!/usr/bin/env node
/*
 * Launcher of `scylla-ha` (and of `npm run check|synth|bench`). It runs the
 * JavaScript that `npm ci` compiled (`prepare` → `npm run build` → dist/), which
 * starts in a fraction of the time tsx needs to transpile the project on every
 * start. When a TypeScript source is newer than that build (an edit, a
 * checkout), or SCYLLA_HA_FROM_SOURCE=1, it runs the sources through tsx
 * instead, so an answer never comes from stale code. Compiled runs keep a V8
 * code cache and defer the SDK modules no command uses (cli/startup/).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["cli", "stacks", "components", "policies"];
const STAMP = path.join(ROOT, "dist", ".built");
/**
 * Bytecode of the modules the last runs compiled. `SCYLLA_HA_COMPILE_CACHE=off`
 * runs without it; a directory there keeps it elsewhere (the bench times a
 * first run with an empty one).
 */
const COMPILE_CACHE = process.env.SCYLLA_HA_COMPILE_CACHE || path.join(ROOT, "node_modules", ".cache", "scylla-ha", "compile");

/** Newest modification time of a TypeScript source or of the build settings; a few ms for the whole tree. */
function newestSource() {
  let newest = 0;
  for (const file of ["tsconfig.json", "tsconfig.build.json"]) newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  for (const dir of SOURCE_DIRS) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function buildIsCurrent() {
  if (process.env.SCYLLA_HA_FROM_SOURCE === "1") return false;
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  return built >= newestSource();
}

const argv = process.argv.slice(2);
// A command lives about a second; by default V8 starts optimizing hot functions with TurboFan
// after 66 KiB of bytecode budget (v8 flag-definitions.h `interrupt_budget`), and on 2 cores that
// background work cost more than it won back: 8× the budget took check --stack prod from 0.86 s to
// 0.80 s (CPU 1.26 s to 1.00 s) and synth of 16× prod from 13.3 s to 12.2 s (docs/benchmarks.md).
require("node:v8").setFlagsFromString("--interrupt-budget=540672");
if (buildIsCurrent()) {
  // Both before anything loads the SDKs: see cli/startup/compile-cache.ts and deferred-modules.ts.
  if (process.env.SCYLLA_HA_COMPILE_CACHE !== "off") {
    require(path.join(ROOT, "dist", "cli", "startup", "compile-cache.js")).enableCompileCache(COMPILE_CACHE);
  }
  require(path.join(ROOT, "dist", "cli", "startup", "deferred-modules.js")).deferUnusedSdkModules();
  require(path.join(ROOT, "dist", "cli", "main.js")).cli(argv);
} else {
  // A note for a person at a terminal; scripts and CI read stderr for the command's own messages.
  if (process.env.SCYLLA_HA_FROM_SOURCE !== "1" && process.stderr.isTTY) {
    process.stderr.write("scylla-ha: sources changed since the last build, running them through tsx (slower); `npm run build` compiles them again\n");
  }
  // What `node --import tsx` loads: both the require and the ESM hooks (the CLI loads each
  // command with import(), which goes through the ESM loader).
  import("tsx").then(() => {
    require(path.join(ROOT, "cli", "startup", "deferred-modules.ts")).deferUnusedSdkModules();
    require(path.join(ROOT, "cli", "main.ts")).cli(argv);
  });
}
