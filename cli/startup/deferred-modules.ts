/**
 * Parts of `@pulumi/pulumi` the offline tools never call, loaded only if
 * something touches them. Its index loads all of them eagerly, and they are
 * most of what the SDK costs to load: the closure serializer pulls in the
 * TypeScript compiler and npm's Arborist (≈ 1,000 modules together), the
 * Automation API and the provider server their own protobuf and gRPC stubs.
 * Deferred, `@pulumi/pulumi` loads in 0.13 s instead of 0.41 s here
 * (docs/benchmarks.md).
 *
 * Each deferred module is replaced by a proxy that loads the real one on its
 * first use and forwards everything to it, so code that does use them still
 * works (test/cli-startup.test.ts serializes a function and reaches the
 * Automation API through the proxies). Only the CLI installs this; `pulumi up`
 * and the tests load the SDK as it ships.
 */
import Module from "node:module";

interface Deferral {
  /** The requiring file, relative to node_modules, and the request it makes there. */
  readonly from: string;
  readonly request: string;
  /**
   * Exports the parent reads as soon as it has the module (a re-export such as
   * `exports.f = m.f`); each is answered with a function that loads the module
   * when called.
   */
  readonly eagerFunctions: readonly string[];
  /** Where @pulumi/pulumi 3.248.0 makes the request, and what the module is for. */
  readonly why: string;
}

/** The value every deferred module's `__esModule` has: all are compiled TypeScript (tsc's `__importStar` reads it first). */
const ES_MODULE = true;

export const DEFERRALS: readonly Deferral[] = [
  {
    from: "@pulumi/pulumi/index.js",
    request: "./automation",
    eagerFunctions: [],
    why: "index.js:37 — the Automation API (LocalWorkspace, its YAML, semver and gRPC event stubs)",
  },
  {
    from: "@pulumi/pulumi/index.js",
    request: "./provider",
    eagerFunctions: [],
    why: "index.js:45 — the provider server (provider_pb.js alone is 435 KB of protobuf stubs)",
  },
  {
    from: "@pulumi/pulumi/runtime/index.js",
    request: "./closure/serializeClosure",
    eagerFunctions: ["serializeFunctionAsync", "serializeFunction"],
    why: "runtime/index.js:19-21 — function serialization, which loads the TypeScript compiler (closure/parseFunction.js:25)",
  },
  {
    from: "@pulumi/pulumi/runtime/index.js",
    request: "./closure/codePaths",
    eagerFunctions: ["computeCodePaths"],
    why: "runtime/index.js:22-23 — code paths of a serialized function, which loads @npmcli/arborist (closure/codePaths.js:29)",
  },
];

const NODE_MODULES = "/node_modules/";
let installed = false;

/** The deferrals that took effect in this process, by `from` and `request`; the tests read it. */
export const deferred: string[] = [];

function lazyModule(load: () => object, eagerFunctions: readonly string[]): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(
    {},
    {
      get(_, key) {
        if (real === undefined && key === "__esModule") return ES_MODULE;
        if (real === undefined && typeof key === "string" && eagerFunctions.includes(key)) {
          return (...args: unknown[]) => (Reflect.get(target(), key) as (...a: unknown[]) => unknown)(...args);
        }
        return Reflect.get(target(), key);
      },
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor(_, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // The proxy's own target is an empty object: a non-configurable answer would break the Proxy invariants.
        return descriptor && { ...descriptor, configurable: true };
      },
      set: (_, key, value) => Reflect.set(target(), key, value),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    },
  );
}

/** Installs the deferrals for the rest of this process. Idempotent. */
export function deferUnusedSdkModules(): void {
  if (installed) return;
  installed = true;
  const loader = Module as unknown as { _load(request: string, parent: Module | undefined, isMain: boolean): unknown };
  const load = loader._load;
  const requests = new Set(DEFERRALS.map((d) => d.request));
  loader._load = function loadOrDefer(request, parent, isMain) {
    // The request string is checked first: this runs for every require of the process.
    if (!requests.has(request) || !parent?.filename) return load.call(this, request, parent, isMain);
    const at = parent.filename.lastIndexOf(NODE_MODULES);
    const from = at < 0 ? "" : parent.filename.slice(at + NODE_MODULES.length).replaceAll("\\", "/");
    const deferral = DEFERRALS.find((d) => d.request === request && d.from === from);
    if (!deferral) return load.call(this, request, parent, isMain);
    deferred.push(`${deferral.from} ${deferral.request}`);
    return lazyModule(() => load.call(loader, request, parent, isMain) as object, deferral.eagerFunctions);
  };
}
