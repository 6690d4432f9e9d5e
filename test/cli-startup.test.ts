/**
 * What the launcher does before a command runs (cli/startup/): the V8 code
 * cache never runs bytecode of a source that changed, and the deferred SDK
 * modules are not loaded until used, yet still work when used. Each case runs
 * in its own process: both hooks patch Node's module loader for good.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFERRALS } from "../cli/startup/deferred-modules";
import { main } from "../cli/main";
import { ROOT, runCli } from "./helpers/cli";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "startup-"));

/** Runs a CommonJS probe (under tsx when it loads TypeScript) and parses what it prints. */
function probe<T>(dir: string, name: string, source: string, options: { readonly tsx?: boolean } = {}): T {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return JSON.parse(execFileSync(process.execPath, [...(options.tsx ? ["--import", "tsx"] : []), file], { cwd: ROOT, encoding: "utf8" })) as T;
}

describe("compile cache", () => {
  // Transpiled once to plain CommonJS, so each probe is a bare `node` (a tsx start per probe was most of this file's time).
  let COMPILE_CACHE: string;
  beforeAll(() => {
    const source = fs.readFileSync(path.join(ROOT, "cli", "startup", "compile-cache.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    const file = path.join(tmp(), "compile-cache.js");
    fs.writeFileSync(file, outputText);
    COMPILE_CACHE = JSON.stringify(file);
  });

  /** Enables the cache in `cacheDir`, requires `module.js` from `dir`, prints its exports and its outcome. */
  const run = (dir: string, cacheDir: string) =>
    probe<{ mode: string; value: unknown; outcome: string; file: string }>(
      dir,
      "probe.cjs",
      `const cc = require(${COMPILE_CACHE});
       const mode = cc.enableCompileCache(${JSON.stringify(cacheDir)});
       const file = ${JSON.stringify(path.join(dir, "module.js"))};
       Promise.resolve(require(file).value).then((value) => {
         process.stdout.write(JSON.stringify({ mode, value, outcome: cc.compileCacheStats().outcomes.get(file), file: cc.cacheFile(${JSON.stringify(cacheDir)}) }));
       });`,
    );

  it("compiles from source, then from the bytecode it kept, with the module's require, __dirname and exports intact", () => {
    const dir = tmp();
    const cache = path.join(dir, "cache");
    fs.writeFileSync(path.join(dir, "dep.js"), "module.exports = 20;\n");
    fs.writeFileSync(
      path.join(dir, "module.js"),
      `exports.value = { sum: require("./dep") + 22, dep: require.resolve("./dep"), file: __filename, main: require.main === process.mainModule, cached: require.resolve("./dep") in require.cache, self: module.exports === exports && this === exports };\n`,
    );
    const expected = { sum: 42, dep: path.join(dir, "dep.js"), file: path.join(dir, "module.js"), main: true, cached: true, self: true };
    const first = run(dir, cache);
    expect(first).toMatchObject({ mode: "vm-script", value: expected, outcome: "miss" });
    expect(fs.readdirSync(cache)).toEqual([path.basename(first.file)]);
    expect(run(dir, cache)).toMatchObject({ mode: "vm-script", value: expected, outcome: "hit" });
  });

  it("never runs the bytecode of a source that changed, even when its length did not (V8 checks only the length)", () => {
    const dir = tmp();
    const cache = path.join(dir, "cache");
    fs.writeFileSync(path.join(dir, "module.js"), "exports.value = 41;\n");
    expect(run(dir, cache).value).toBe(41);
    expect(run(dir, cache)).toMatchObject({ value: 41, outcome: "hit" });
    fs.writeFileSync(path.join(dir, "module.js"), "exports.value = 42;\n");
    expect(run(dir, cache)).toMatchObject({ value: 42, outcome: "miss" });
    expect(run(dir, cache)).toMatchObject({ value: 42, outcome: "hit" });
  });

  it("leaves a module with a dynamic import to Node, which keeps import() working", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "module.js"), 'exports.value = import("node:path").then((p) => p.sep);\n');
    expect(run(dir, path.join(dir, "cache"))).toMatchObject({ mode: "vm-script", value: path.sep, outcome: "bypassed" });
  });

  it("keeps what the latest run loaded when the cache is full, dropping what no recent run did", () => {
    const dir = tmp();
    const cache = path.join(dir, "cache");
    const capped = (name: string, maxBytes: number) =>
      probe<{ outcome: string; file: string }>(
        dir,
        "capped.cjs",
        `const cc = require(${COMPILE_CACHE});
         cc.enableCompileCache(${JSON.stringify(cache)}, { maxBytes: ${maxBytes} });
         const file = ${JSON.stringify(dir)} + "/${name}.js";
         require(file);
         process.stdout.write(JSON.stringify({ outcome: cc.compileCacheStats().outcomes.get(file), file: cc.cacheFile(${JSON.stringify(cache)}) }));`,
      );
    const body = Array.from({ length: 40 }, (_, i) => `exports.f${i} = (x) => x * ${i} + ${i};`).join("\n");
    for (const name of ["a", "b"]) fs.writeFileSync(path.join(dir, `${name}.js`), `${body}\nexports.name = "${name}";\n`);
    // A cap that holds one module's bytecode and not two.
    const first = capped("a", 1 << 30);
    const one = fs.statSync(first.file).size;
    const cap = Math.floor(one * 1.5);
    expect(capped("a", cap).outcome).toBe("hit");
    expect(capped("b", cap).outcome).toBe("miss");
    expect(capped("b", cap).outcome).toBe("hit");
    expect(capped("a", cap).outcome).toBe("miss");
  });

  it("starts over from a damaged or foreign cache file instead of failing", () => {
    const dir = tmp();
    const cache = path.join(dir, "cache");
    fs.writeFileSync(path.join(dir, "module.js"), "exports.value = 7;\n");
    const { file } = run(dir, cache);
    fs.writeFileSync(file, "not a cache");
    expect(run(dir, cache)).toMatchObject({ value: 7, outcome: "miss" });
    expect(run(dir, cache)).toMatchObject({ value: 7, outcome: "hit" });
  });
});

describe("deferred SDK modules", () => {
  it("each deferral names a require the installed @pulumi/pulumi really makes (an upgrade that moves it fails here)", () => {
    for (const d of DEFERRALS) {
      const source = fs.readFileSync(path.join(ROOT, "node_modules", d.from), "utf8");
      expect(source, `${d.from} requires ${d.request}`).toContain(`require("${d.request}")`);
      for (const name of d.eagerFunctions) expect(source, `${d.from} reads ${name} eagerly`).toMatch(new RegExp(`\\.${name}\\b`));
    }
  });

  it("keeps the TypeScript compiler, Arborist, the Automation API and the provider server unloaded, and each still works when used", () => {
    const out = probe<{ deferred: string[]; before: string[]; automation: string; provider: string; codePaths: string; serialized: string; after: string[] }>(
      tmp(),
      "probe.cjs",
      `const startup = require(${JSON.stringify(path.join(ROOT, "cli", "startup", "deferred-modules.ts"))});
       startup.deferUnusedSdkModules();
       const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules", "@pulumi", "pulumi"))});
       const HEAVY = ["typescript/", "@npmcli/arborist/", "@pulumi/pulumi/automation/", "@pulumi/pulumi/provider/", "@pulumi/pulumi/runtime/closure/"];
       const heavy = () => {
         const loaded = Object.keys(require.cache).map((k) => k.replaceAll(String.fromCharCode(92), "/").split("/node_modules/").slice(1).join("/"));
         return HEAVY.filter((prefix) => loaded.some((k) => k.startsWith(prefix)));
       };
       const before = heavy();
       const automation = typeof pulumi.automation.LocalWorkspace;
       const provider = typeof pulumi.provider.main;
       const codePaths = typeof pulumi.runtime.computeCodePaths;
       pulumi.runtime.serializeFunction(() => 6 * 7).then((s) => {
         process.stdout.write(JSON.stringify({ deferred: startup.deferred, before, automation, provider, codePaths, serialized: s.text, after: heavy() }));
       });`,
      { tsx: true },
    );
    expect(out.deferred).toEqual(DEFERRALS.map((d) => `${d.from} ${d.request}`));
    expect(out.before).toEqual([]);
    expect([out.automation, out.provider, out.codePaths]).toEqual(["function", "function", "function"]);
    expect(out.serialized).toContain("6 * 7");
    // Serializing a function needed the compiler; nothing asked for code paths, so Arborist stayed out.
    expect(out.after).toEqual(["typescript/", "@pulumi/pulumi/automation/", "@pulumi/pulumi/provider/", "@pulumi/pulumi/runtime/closure/"]);
  });

  it("does not change what a command answers: check --stack dev through the launcher equals the same check in-process, without the hooks", async () => {
    const [launched, inProcess] = await Promise.all([runCli(["check", "--stack", "dev", "--format", "json"]), main(["check", "--stack", "dev", "--format", "json"])]);
    expect(launched.code).toBe(inProcess.code);
    expect(JSON.parse(launched.stdout)).toEqual(JSON.parse(inProcess.stdout));
  });
});
