/**
 * A V8 code cache for the CommonJS modules the offline tools load: ours in
 * dist/ and the ~1,100 files of the Pulumi SDKs. Compiling them took a fifth
 * of `check --stack prod` (docs/benchmarks.md); with the bytecode of the last
 * run, V8 only deserializes it.
 *
 * Node 22.1 ships this as `module.enableCompileCache()`, which is used where it
 * exists. Node 20 (the engines floor) has no public hook, so this one compiles
 * each module as `vm.Script` with the cached data, the way `Module.wrap`'s
 * wrapper is compiled by Node itself. Every entry carries the SHA-1 of the
 * source it was made from: V8 checks only the source's length
 * (`SerializedCodeData::SourceHash` in v8 src/snapshot/code-serializer.cc
 * returns `source->length()` and the module bit), so an edit or an upgraded
 * dependency that kept a file's length would otherwise run the old bytecode.
 *
 * Anything unusual falls back to Node's own compile: a source with `import(`
 * (a `vm.Script` restored from cached data has no dynamic-import callback on
 * Node 20: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), a syntax error (Node may
 * retry the file as an ES module), an unreadable or foreign cache file. The
 * cache is an optimization: failing to read or write it never fails a command.
 */
import { hash } from "node:crypto";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";

/**
 * What became of one module: compiled from cached bytecode (`hit`), from
 * source (`miss`: no entry, a changed source, or V8 rejected the entry), or
 * left to Node's own compile (`bypassed`: dynamic import, syntax Node must handle).
 */
export type Outcome = "hit" | "miss" | "bypassed";

/** What one process did with the cache; `compileCacheStats()` returns it. */
export interface CompileCacheStats {
  /** Which mechanism is active: Node's own (22.1+), this module's, or none. */
  readonly mode: "node" | "vm-script" | "off";
  /** Each module compiled since the cache was enabled (not kept in "node" mode). */
  readonly outcomes: ReadonlyMap<string, Outcome>;
}

interface Entry {
  readonly sha1: string;
  readonly data: Buffer;
}

/** The cache file: a 4-byte index length, the JSON index, then the entries' bytes. */
const FORMAT = 1;
/** The cache never grows past this by default; entries no recent run loaded go first. */
const MAX_BYTES = 64 * 1024 * 1024;

let mode: CompileCacheStats["mode"] = "off";
const outcomes = new Map<string, Outcome>();

export function compileCacheStats(): CompileCacheStats {
  return { mode, outcomes: new Map(outcomes) };
}

/**
 * The cache file of this V8 build and these flags: V8 rejects bytecode made by
 * another version or under other flags (`SerializedCodeData::SanityCheck`,
 * FLAGS_MISMATCH), so runs with different options keep separate files rather
 * than overwrite each other's.
 */
export function cacheFile(dir: string): string {
  const options = hash("sha1", `${process.execArgv.join(" ")}\0${process.env.NODE_OPTIONS ?? ""}`).slice(0, 8);
  return path.join(dir, `v8-${process.versions.v8}-${process.arch}-${options}.bin`);
}

function readCache(file: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let blob: Buffer;
  try {
    blob = fs.readFileSync(file);
  } catch {
    return entries;
  }
  try {
    const indexLength = blob.readUInt32LE(0);
    const index = JSON.parse(blob.subarray(4, 4 + indexLength).toString("utf8")) as {
      format: number;
      entries: [file: string, sha1: string, offset: number, length: number][];
    };
    if (index.format !== FORMAT) return entries;
    const base = 4 + indexLength;
    for (const [name, sha1, offset, length] of index.entries) {
      entries.set(name, { sha1, data: blob.subarray(base + offset, base + offset + length) });
    }
  } catch {
    entries.clear();
  }
  return entries;
}

/** Writes `entries`, this run's modules (`used`) first, so a full cache drops what no recent run loaded. */
function writeCache(file: string, entries: ReadonlyMap<string, Entry>, used: ReadonlySet<string>, maxBytes: number): void {
  const index: [string, string, number, number][] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  const ordered = [...entries].sort(([a], [b]) => Number(used.has(b)) - Number(used.has(a)));
  for (const [name, { sha1, data }] of ordered) {
    if (offset + data.length > maxBytes) continue;
    index.push([name, sha1, offset, data.length]);
    chunks.push(data);
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify({ format: FORMAT, entries: index }), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  // Written whole and renamed, so a concurrent run reads the old file or the new one, never half.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([length, header, ...chunks]));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/** The `require` Node hands a module (lib/internal/modules/helpers.js `makeRequireFunction`). */
function makeRequire(mod: Module): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const internals = Module as unknown as {
    _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
    _resolveLookupPaths(request: string, parent: Module): string[] | null;
    _extensions: NodeJS.RequireExtensions;
    _cache: NodeJS.Dict<Module>;
  };
  const resolve = ((request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = internals._extensions;
  require.cache = internals._cache;
  return require;
}

/**
 * Turns the cache on for the rest of this process, kept in `dir` (at most
 * `maxBytes` of bytecode, @default 64 MiB). Returns the mechanism used. Idempotent.
 */
export function enableCompileCache(dir: string, options: { readonly maxBytes?: number } = {}): CompileCacheStats["mode"] {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  if (mode !== "off") return mode;
  const builtIn = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (builtIn) {
    builtIn(dir);
    return (mode = "node");
  }
  const file = cacheFile(dir);
  const entries = readCache(file);
  const made: [filename: string, sha1: string, script: vm.Script][] = [];
  type Compile = (this: Module, content: string, filename: string) => unknown;
  const proto = Module.prototype as unknown as { _compile: Compile };
  const nodeCompile = proto._compile;

  proto._compile = function compileWithCache(this: Module, content: string, filename: string) {
    if (!filename.endsWith(".js") && !filename.endsWith(".cjs")) return nodeCompile.call(this, content, filename);
    if (content.includes("import(")) {
      outcomes.set(filename, "bypassed");
      return nodeCompile.call(this, content, filename);
    }
    const sha1 = hash("sha1", content);
    const entry = entries.get(filename);
    const cachedData = entry?.sha1 === sha1 ? entry.data : undefined;
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
      outcomes.set(filename, "bypassed");
      return nodeCompile.call(this, content, filename);
    }
    if (cachedData && !script.cachedDataRejected) {
      outcomes.set(filename, "hit");
    } else {
      outcomes.set(filename, "miss");
      made.push([filename, sha1, script]);
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
  };

  // At exit the scripts hold the bytecode of every function this run compiled, not just the top level.
  process.once("exit", () => {
    if (made.length === 0) return;
    for (const [filename, sha1, script] of made) {
      try {
        entries.set(filename, { sha1, data: script.createCachedData() });
      } catch {
        entries.delete(filename);
      }
    }
    writeCache(file, entries, new Set(outcomes.keys()), maxBytes);
  });
  return (mode = "vm-script");
}
