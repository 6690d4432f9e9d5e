/**
 * An in-process stand-in for the Pulumi engine, built on the SDK's mock
 * monitor. It records every registration with the fields the engine keeps in
 * state — parent, provider, dependencies, propertyDependencies, protect,
 * retainOnDelete — taken from the full registration request (the public
 * `Mocks.newResource` hook sees only type, name and inputs). It is stricter
 * than the SDK's mocks where the real engine is: duplicate URNs fail, and in
 * strict mode so does any custom resource on a default provider.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "./recorded";
import { RESOURCE_SIG, SECRET_SIG, SECRET_VALUE, UNKNOWN } from "./recorded";
import { awsZones, gcpZones } from "./zones";

// The SDK exports these at runtime but not in its public typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => MonitorLike };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: ProtoStruct): Record<string, unknown>;
  serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RegisterResourceResponse } = require("@pulumi/pulumi/proto/resource_pb") as {
  RegisterResourceResponse: new () => ProtoResponse & { setUrn(urn: string): void; setId(id: string): void; setObject(object: ProtoStruct): void };
};
// The SDK's own copy of google-protobuf, whichever node_modules it sits in: a message only accepts its own Struct.
const { Struct } = createRequire(require.resolve("@pulumi/pulumi"))("google-protobuf/google/protobuf/struct_pb") as {
  Struct: new () => ProtoStruct;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  waitForRPCs(): Promise<void>;
};

type Callback = (err: Error | null, response?: ProtoResponse) => void;
interface ProtoStruct { toJavaScript(): Record<string, unknown> }
interface ProtoResponse { getUrn(): string; getId(): string; getObject(): ProtoStruct | undefined }
interface RegisterRequest {
  getImportid(): string; getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getObject(): ProtoStruct | undefined;
  getProtect(): boolean; getDependenciesList(): string[]; getProvider(): string;
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getRetainondelete(): boolean; getDeletedwith(): string; getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[]; getDeletebeforereplace(): boolean;
  getAliasesList(): AliasProto[];
}
interface AliasProto {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}
interface ReadRequest {
  getType(): string; getName(): string; getParent(): string; getId(): string; getProvider(): string;
  getProperties(): ProtoStruct | undefined; getDependenciesList(): string[];
}
interface ReadResponse { getUrn(): string; getProperties(): ProtoStruct | undefined }
interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  /** The SDK mock's own URN scheme and its table of registered state (runtime/mocks.js, used by its invoke and read paths). */
  newUrn(parent: string, type: string, name: string): string;
  resources: Map<string, { urn: string; id: string | null; state: Record<string, unknown> }>;
  readResource(req: ReadRequest, cb: (err: Error | null, response?: ReadResponse) => void): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): ProtoStruct | undefined }, cb: (err: Error | null, r?: unknown) => void): void;
}

export interface EngineOptions {
  readonly project: string;
  readonly stack: string;
  /** Preview mode: outputs the cloud computes stay unknown, as in a first `pulumi preview`. */
  readonly preview: boolean;
  /** Fail on custom resources that would use a default provider (tests); synth records them for the policies. */
  readonly strict: boolean;
  /** Outputs a StackReference to `<org>/<project>/<stack>` reads, by stack name. @default - none (a first update). */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Extra outputs a test wants a resource type to report (non-preview runs). */
  readonly computedOutputs?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

type InvokeHandler = (inputs: Record<string, unknown>, provider: Record<string, unknown>) => Record<string, unknown>;

const ACCOUNT_ID = "123456789012";
const ORGANIZATION = "organization";

/** Answers for the invokes the program makes; any other token is an error, so a new look-up gets a fixture on purpose. */
const INVOKES: Record<string, InvokeHandler> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, p) => {
    const names = awsZones(String(p.region));
    return { names, zoneIds: names.map((_, n) => `${String(p.region).slice(0, 3)}-az${n + 1}`), id: String(p.region) };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
  "aws:index/getRegion:getRegion": (_i, p) => ({ name: p.region, region: p.region, id: p.region }),
  "aws:ssm/getParameter:getParameter": (i) => ({ name: i.name, value: "ami-0123456789abcdef0", type: "String", id: i.name }),
  "gcp:compute/getZones:getZones": (i, p) => ({ names: gcpZones(String(i.region ?? p.region)), id: String(i.region ?? p.region) }),
  "gcp:organizations/getProject:getProject": (i, p) => ({ projectId: i.projectId ?? p.project, number: "123456789012", id: String(p.project) }),
  "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": (i, p) => {
    const emailAddress = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com";
    return { emailAddress, member: `serviceAccount:${emailAddress}`, project: i.project ?? p.project, id: emailAddress };
  },
};

/**
 * Attributes the cloud computes inside an object the program also sets. A
 * first preview cannot know them, but an object echoed back from the inputs
 * would make them look known and absent, so preview marks them unknown.
 */
const PREVIEW_COMPUTED_NESTED: Record<string, Record<string, readonly string[]>> = {
  "aws:eks/cluster:Cluster": { vpcConfig: ["clusterSecurityGroupId", "vpcId"] },
  // GKE computes the DNS endpoint's name (`<id>.<region>.gke.goog`) inside the block that enables it.
  "gcp:container/cluster:Cluster": { controlPlaneEndpointsConfig: ["dnsEndpointConfig.endpoint"] },
};

export class MockEngine implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly errors: string[] = [];
  private readonly byTypeName = new Set<string>();
  private readonly providerInputs = new Map<string, Record<string, unknown>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: EngineOptions) {}

  /** Installs this engine as the Pulumi runtime's monitor. */
  install(): void {
    // "organization" is what the engine reports on self-managed (DIY) backends.
    pulumi.runtime.setMocks(this, this.options.project, this.options.stack, this.options.preview, ORGANIZATION);
    settings.setMockOptions(this.monitor(), this.options.project, this.options.stack, this.options.preview, ORGANIZATION);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = String(args.inputs.name);
      const outputs = this.options.stackOutputs?.[name.split("/").pop()!] ?? {};
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    const extra = this.options.preview ? {} : { ...deployComputed(args.type, args.name, args.inputs), ...(this.options.computedOutputs?.(args.type, args.name, args.inputs) ?? {}) };
    // Every custom resource gets a plausible id; cloud-computed attributes are left out so they stay unknown at preview.
    const id = args.custom === false ? undefined : (args.id || `${args.name}-id`);
    return { id, state: { ...args.inputs, ...extra, ...(this.options.preview ? previewComputed(args.type, args.inputs) : {}) } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const handler = INVOKES[args.token];
    if (!handler) {
      const message = `no fixture for invoke ${args.token}; add one to cli/engine/mock-engine.ts`;
      this.errors.push(message);
      throw new Error(message);
    }
    const provider = (args.provider && this.providerInputs.get(args.provider)) || {};
    return handler(args.inputs, provider);
  }

  /** Waits until every registration the program started has been answered. */
  async settle(): Promise<void> {
    for (;;) {
      await settings.waitForRPCs();
      if (this.pending.size === 0) break;
      await Promise.all([...this.pending]);
    }
    if (this.errors.length > 0) throw new Error(`offline engine:\n  - ${this.errors.join("\n  - ")}`);
  }

  private monitor(): MonitorLike {
    const monitor = new MockMonitor(this);
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResource = (req, cb) => {
      const key = `${req.getType()}::${req.getName()}`;
      // Recorded rather than thrown into the SDK (where it would surface as a flood of
      // unhandled rejections); settle() fails with every such error at once.
      if (this.byTypeName.has(key)) {
        this.errors.push(`duplicate resource ${key}: the engine rejects two resources with one URN; name children by a stable key`);
      }
      this.byTypeName.add(key);
      const isProvider = req.getType().startsWith("pulumi:providers:");
      if (this.options.strict && req.getCustom() && !isProvider && req.getProvider() === "") {
        this.errors.push(`${key} uses a default provider; pass an explicit provider (default providers are disabled)`);
      }
      const done = this.register(monitor, req).then(
        ({ response, inputs, outputs }) => {
          this.record(req, response, inputs, outputs, isProvider);
          cb(null, response);
        },
        (err: Error) => cb(err, undefined),
      );
      this.track(done);
      return done;
    };
    // Reads (`Resource.get`, StackReference) are state the update depends on; the export lists them as external.
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
      const done = read(req, (err, response) => {
        if (!err && response) {
          this.resources.push({
            urn: response.getUrn(),
            type: req.getType(),
            name: req.getName(),
            custom: true,
            external: true,
            id: req.getId(),
            ...(req.getParent() ? { parent: req.getParent() } : {}),
            ...(req.getProvider() ? { provider: req.getProvider() } : {}),
            inputs: plain(req.getProperties()?.toJavaScript() ?? {}),
            outputs: plain(response.getProperties()?.toJavaScript() ?? {}),
            dependencies: [...new Set(req.getDependenciesList())],
            propertyDependencies: {},
            protect: false,
            retainOnDelete: false,
            replaceOnChanges: [],
            ignoreChanges: [],
            deleteBeforeReplace: false,
          });
        }
        cb(err, response);
      });
      this.track(done);
      return done;
    };
    monitor.registerResourceOutputs = (req, cb) => {
      const recorded = this.resources.find((r) => r.urn === req.getUrn());
      if (recorded) recorded.outputs = plain(req.getOutputs()?.toJavaScript() ?? {});
      registerOutputs(req, cb);
    };
    return monitor;
  }

  /**
   * `MockMonitor.registerResource` (@pulumi/pulumi 3.248.0 runtime/mocks.js:91-110)
   * with each side converted once: it turns the request's Struct into objects,
   * and the state into a Struct the SDK turns straight back into objects
   * (runtime/resource.js:533 only calls `toJavaScript()` on it), and the
   * recording read both again — three of those four conversions were half
   * of a synth's protobuf time. The state the SDK receives is the same
   * serialized object, handed over without the round trip.
   */
  private async register(monitor: MonitorLike, req: RegisterRequest): Promise<{ response: ProtoResponse; inputs: Record<string, unknown>; outputs: Record<string, unknown> }> {
    const raw = req.getObject()?.toJavaScript() ?? {};
    // The SDK's own deserializer, fed the objects already converted (it only calls `toJavaScript()`, rpc.js:180-182).
    const inputs = rpc.deserializeProperties({ toJavaScript: () => raw });
    const result = await this.newResource({
      type: req.getType(),
      name: req.getName(),
      inputs,
      provider: req.getProvider(),
      custom: req.getCustom(),
      id: req.getImportid(),
    });
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    const state = await rpc.serializeProperties("", result.state);
    monitor.resources.set(urn, { urn, id: result.id ?? null, state });
    const response = new RegisterResourceResponse();
    response.setUrn(urn);
    response.setId(result.id || "");
    // Handing over the recorded object itself is safe: `deserializeProperty` builds new arrays
    // and objects all the way down (runtime/rpc.js:622-640, 735-748), so the SDK never holds it.
    const object = new Struct();
    object.toJavaScript = () => state;
    response.setObject(object);
    return { response, inputs: raw, outputs: state };
  }

  private record(req: RegisterRequest, response: ProtoResponse, rawInputs: Record<string, unknown>, rawOutputs: Record<string, unknown>, isProvider: boolean): void {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, prop) => {
      propertyDependencies[prop] = [...deps.getUrnsList()];
    });
    const inputs = plain(rawInputs);
    const id = response.getId() || undefined;
    const recorded: RecordedResource = {
      urn: response.getUrn(),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(id && req.getCustom() ? { id } : {}),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(req.getCustom() && !isProvider ? { provider: req.getProvider() } : {}),
      inputs,
      outputs: plain(rawOutputs),
      dependencies: [...new Set(req.getDependenciesList())],
      propertyDependencies,
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete(),
      ...(req.getDeletedwith() ? { deletedWith: req.getDeletedwith() } : {}),
      replaceOnChanges: req.getReplaceonchangesList(),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ...this.aliasesOf(req),
    };
    this.resources.push(recorded);
    if (isProvider && id) this.providerInputs.set(`${recorded.urn}::${id}`, inputs);
  }

  /**
   * The URNs a registration's aliases stand for, resolved as the engine does:
   * an alias spec inherits every part it leaves out (stack, project, type,
   * name, parent) from the resource, and a type is qualified by the parent's
   * whole type chain, the root Stack excluded (@pulumi/pulumi 3.248.0
   * resource.js `createUrn`). The SDK mock's own URNs keep only the nearest
   * parent type (runtime/mocks.js `newUrn`), so the chain is rebuilt from the
   * recorded parents rather than read off the parent's mock URN.
   */
  private aliasesOf(req: RegisterRequest): { aliases?: string[] } {
    const qualifiedType = (urn: string): string => {
      const r = this.resources.find((x) => x.urn === urn);
      if (!r || r.type === "pulumi:pulumi:Stack") return "";
      const parent = r.parent ? qualifiedType(r.parent) : "";
      return parent ? `${parent}$${r.type}` : r.type;
    };
    const aliases = req.getAliasesList().map((alias) => {
      const spec = alias.getSpec();
      if (!spec) return alias.getUrn();
      const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
      const chain = parent ? qualifiedType(parent) : "";
      const type = spec.getType() || req.getType();
      const stack = spec.getStack() || this.options.stack;
      const project = spec.getProject() || this.options.project;
      return `urn:pulumi:${stack}::${project}::${chain ? `${chain}$${type}` : type}::${spec.getName() || req.getName()}`;
    });
    return aliases.length > 0 ? { aliases } : {};
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/**
 * Nested attributes a deployment always gets back and the program reads inside
 * an `apply` (so an absent value would be a lie the real engine never tells).
 * GKE reports the DNS endpoint on every cluster ("always present",
 * ControlPlaneEndpointsConfig.DNSEndpointConfig.endpoint).
 */
function deployComputed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type !== "gcp:container/cluster:Cluster") return {};
  const block = (inputs.controlPlaneEndpointsConfig ?? {}) as Record<string, unknown>;
  const dns = (block.dnsEndpointConfig ?? {}) as Record<string, unknown>;
  const endpoint = `gke-${name.replace(/[^a-z0-9]/g, "")}.${String(inputs.location ?? "global")}.gke.goog`;
  return { controlPlaneEndpointsConfig: { ...block, dnsEndpointConfig: { ...dns, endpoint } } };
}

/** A copy of `obj` with the value at `path` (dotted, into nested objects) replaced by the unknown marker. */
function withUnknown(obj: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  if (rest.length === 0) return { ...obj, [head]: UNKNOWN };
  const inner = obj[head];
  return { ...obj, [head]: withUnknown(inner !== null && typeof inner === "object" && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest) };
}

function previewComputed(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const nested = PREVIEW_COMPUTED_NESTED[type] ?? {};
  const out: Record<string, unknown> = {};
  for (const [field, computed] of Object.entries(nested)) {
    const value = inputs[field];
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    out[field] = computed.reduce((obj, path) => withUnknown(obj, path.split(".")), value as Record<string, unknown>);
  }
  return out;
}

/**
 * Wire form → stack-export form: unknowns are dropped from objects (a first
 * preview does not know them) and kept as the unknown marker inside arrays so
 * lengths stay true; secrets stay wrapped as `{sig, value}` (the wire form,
 * in memory only: the export writes them as ciphertext, the manifests redact
 * them — see `secrets.ts`); resource references collapse to the referenced id
 * (or URN for components).
 */
export function plain(value: unknown): Record<string, unknown> {
  return convert(value) as Record<string, unknown>;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === UNKNOWN ? UNKNOWN : convert(v)));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG] === SECRET_VALUE) return { [SECRET_SIG]: SECRET_VALUE, value: convert(obj.value) };
  if (obj[SECRET_SIG] === RESOURCE_SIG) return (obj.id as string | undefined) || obj.urn;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === UNKNOWN) continue;
    out[k] = convert(v);
  }
  return out;
}
