/**
 * The resource graph every rule reads: resources by URN and type, and the
 * links the engine records — parent, provider and property dependencies.
 * Regions come from providers (and a Kubernetes provider's region from the
 * cluster its kubeconfig was built from), never from ids or ARNs.
 */
import { stackFromUrn } from "./load";
import { type GraphResource, UNKNOWN } from "./types";

export type Cloud = "aws" | "gcp";

export const T = {
  awsProvider: "pulumi:providers:aws",
  gcpProvider: "pulumi:providers:gcp",
  k8sProvider: "pulumi:providers:kubernetes",
  eksCluster: "aws:eks/cluster:Cluster",
  gkeCluster: "gcp:container/cluster:Cluster",
} as const;

const CLUSTER_TYPES: readonly string[] = [T.eksCluster, T.gkeCluster];

export class ResourceGraph {
  readonly resources: readonly GraphResource[];
  /** Stack name taken from the URNs; `undefined` for an empty graph. */
  readonly stack: string | undefined;
  private readonly byUrn = new Map<string, GraphResource>();
  private readonly byType = new Map<string, GraphResource[]>();
  private readonly regions = new Map<string, string | undefined>();
  private reverse: Map<string, Map<string, GraphResource[]>> | undefined;

  constructor(resources: readonly GraphResource[]) {
    this.resources = resources;
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
    this.stack = resources.length > 0 ? stackFromUrn(resources[0]!.urn) : undefined;
  }

  get(urn: string | undefined): GraphResource | undefined {
    return urn === undefined ? undefined : this.byUrn.get(urn);
  }

  ofType(...types: string[]): GraphResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /** Resources whose type matches (e.g. every `kubernetes:*` object). */
  matching(test: (type: string) => boolean): GraphResource[] {
    return [...this.byType.entries()].filter(([t]) => test(t)).flatMap(([, list]) => list);
  }

  providerOf(r: GraphResource): GraphResource | undefined {
    return this.get(r.provider);
  }

  /** Resources that property `prop` of `r` was computed from, optionally of the given types. */
  linked(r: GraphResource, prop: string, ...types: string[]): GraphResource[] {
    const urns = r.propertyDependencies[prop] ?? [];
    return urns.map((u) => this.byUrn.get(u)).filter((x): x is GraphResource => x !== undefined && (types.length === 0 || types.includes(x.type)));
  }

  /** Resources whose property `prop` was computed from `target`. */
  linking(target: GraphResource, prop: string, ...types: string[]): GraphResource[] {
    const sources = this.reverseIndex().get(target.urn)?.get(prop) ?? [];
    return types.length === 0 ? [...sources] : sources.filter((r) => types.includes(r.type));
  }

  /** target URN → property → resources whose property names it; built once, so `linking` costs no scan. */
  private reverseIndex(): Map<string, Map<string, GraphResource[]>> {
    if (this.reverse) return this.reverse;
    const index = new Map<string, Map<string, GraphResource[]>>();
    for (const r of this.resources) {
      for (const [prop, urns] of Object.entries(r.propertyDependencies)) {
        for (const urn of urns) {
          let byProp = index.get(urn);
          if (!byProp) index.set(urn, (byProp = new Map()));
          const list = byProp.get(prop);
          if (list) list.push(r);
          else byProp.set(prop, [r]);
        }
      }
    }
    return (this.reverse = index);
  }

  /** The cloud a resource (or its provider) belongs to. */
  cloudOf(r: GraphResource): Cloud | undefined {
    if (r.type.startsWith("aws:") || r.type === T.awsProvider) return "aws";
    if (r.type.startsWith("gcp:") || r.type === T.gcpProvider) return "gcp";
    if (r.type.startsWith("kubernetes:") || r.type === T.k8sProvider) {
      const cluster = this.clusterOf(r);
      return cluster ? this.cloudOf(cluster) : undefined;
    }
    return undefined;
  }

  /**
   * The cloud region a resource lives in: an AWS resource's own `region`
   * argument or its provider's; a GCP resource's `region`/`location` or its
   * provider's; a Kubernetes object's cluster's region.
   */
  regionOf(r: GraphResource): string | undefined {
    if (!this.regions.has(r.urn)) {
      this.regions.set(r.urn, undefined); // guards against provider/kubeconfig cycles
      this.regions.set(r.urn, this.computeRegion(r));
    }
    return this.regions.get(r.urn);
  }

  private computeRegion(r: GraphResource): string | undefined {
    const own = str(r.props.region);
    if (r.type === T.awsProvider || r.type === T.gcpProvider) return own;
    if (r.type.startsWith("aws:")) return own ?? this.providerRegion(r);
    if (r.type.startsWith("gcp:")) {
      if (own) return own;
      const location = str(r.props.location);
      // A bucket's location is a region, a dual-region or a multi-region (`US`); a cluster's may be a zone.
      if (location) return r.type === "gcp:storage/bucket:Bucket" ? location.toLowerCase() : gcpRegionOfLocation(location);
      return this.providerRegion(r);
    }
    if (r.type.startsWith("kubernetes:") || r.type === T.k8sProvider) {
      const cluster = this.clusterOf(r);
      return cluster ? this.regionOf(cluster) : undefined;
    }
    return undefined;
  }

  private providerRegion(r: GraphResource): string | undefined {
    const p = this.providerOf(r);
    return p ? this.regionOf(p) : undefined;
  }

  /**
   * The EKS/GKE cluster behind a Kubernetes provider or object: the cluster
   * the provider's kubeconfig was built from (its property dependencies).
   */
  clusterOf(r: GraphResource): GraphResource | undefined {
    if (CLUSTER_TYPES.includes(r.type)) return r;
    const provider = r.type === T.k8sProvider ? r : r.type.startsWith("kubernetes:") ? this.providerOf(r) : undefined;
    if (!provider) return undefined;
    return this.linked(provider, "kubeconfig", ...CLUSTER_TYPES)[0];
  }

  /** A custom resource that names no provider, or the engine's default one. */
  usesDefaultProvider(r: GraphResource): boolean {
    // `pulumi:*` types (providers, StackReference) are the engine's own and take no cloud provider.
    if (!r.custom || r.type.startsWith("pulumi:")) return false;
    if (!r.provider) return true;
    return /^default(_\d+_\d+_\d+.*)?$/.test(this.get(r.provider)?.name ?? r.provider.split("::").pop() ?? "");
  }

  /** The stack's root URN, for findings about the stack as a whole. */
  get rootUrn(): string | undefined {
    return this.ofType("pulumi:pulumi:Stack")[0]?.urn ?? this.resources[0]?.urn;
  }
}

/** `us-central1-a` → `us-central1`; a region stays as it is. */
export function gcpRegionOfLocation(location: string): string {
  return isGcpZone(location) ? location.replace(/-[a-z]$/, "") : location;
}

export function isGcpZone(location: string): boolean {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location);
}

/** `us-east-1a` → `us-east-1`. */
export function awsRegionOfZone(zone: string): string {
  return zone.replace(/[a-z]$/, "");
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

export function rec(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function strings(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === "string" && v !== "" && v !== UNKNOWN);
}

/** Reads a dotted path through plain objects. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
