/**
 * Failure-domain analysis: for every zone, region, Kubernetes control plane
 * and NAT gateway, what still works when that one thing is gone. A domain
 * `survives` when every surviving DC keeps LOCAL_QUORUM for every keyspace,
 * a Raft majority of all nodes remains, and every DC's data keeps a backup
 * copy outside it; degradations that break none of these are `effects`.
 * Reads the resource graph only (see model.ts); the result is cached per
 * graph, so the check and both stack policies share one analysis.
 */
import type { ResourceGraph } from "../model/graph";
import { DataIndex, type Item, dataVerdict } from "./data";
import { Dependents } from "./dependents";
import { deployPathEffects } from "./deploy-path";
import type { DomainKind, Failure } from "./domain";
import { Links, linkFailures } from "./links";
import { type FailureModel, buildModel } from "./model";
import { ZoneReplicas } from "./replicas";
import { type Effect, Services } from "./services";
import { byText } from "../model/text";

export type { DomainKind };

export interface FailureDomain {
  /** `<cloud>:<region>[:<zone>]`, or the resource name of a control plane or NAT gateway. */
  readonly domain: string;
  readonly kind: DomainKind;
  readonly survives: boolean;
  /** Why it does not survive; empty when it does. */
  readonly causes: readonly string[];
  /** Degradations that break none of the survival conditions (backups paused, egress lost…). */
  readonly effects: readonly string[];
  /** What the evaluation assumed where the graph is silent (RF, buckets outside the stack). */
  readonly assumptions: readonly string[];
  /** What lives in or depends on the domain. */
  readonly dependents: readonly string[];
}

/** One domain's result plus the findings the stack policies report. */
export interface DomainResult {
  readonly domain: FailureDomain;
  /** LOCAL_QUORUM lost in a DC; for a region, QUORUM lost everywhere. */
  readonly quorum: readonly Item[];
  /** A backup copy lost, or a degradation that spreads beyond the failed domain. */
  readonly spreads: readonly Item[];
}

export interface FailureAnalysis {
  readonly results: readonly DomainResult[];
  readonly domains: readonly FailureDomain[];
}

/** Every single failure worth evaluating, region by region: the region, its zones, control planes, NAT gateways; then every link between two datacenters' regions. */
export function failuresOf(model: FailureModel): Failure[] {
  const out: Failure[] = [];
  for (const r of model.regions) {
    const cloud = r.cloud ?? "unknown";
    out.push({ kind: "region", id: `${cloud}:${r.region}`, cloud: r.cloud, region: r.region });
    for (const zone of r.zones) out.push({ kind: "zone", id: `${cloud}:${r.region}:${zone}`, cloud: r.cloud, region: r.region, zone });
    for (const c of model.clusters.filter((x) => x.region === r.region)) out.push({ kind: "cluster", id: c.resource.name, cloud: r.cloud, region: r.region, urn: c.resource.urn });
    const nats = model.egress.nats.filter((n) => n.region === r.region).sort((a, b) => byText(a.resource.name, b.resource.name));
    for (const n of nats) out.push({ kind: "nat", id: n.resource.name, cloud: r.cloud, region: r.region, urn: n.resource.urn });
  }
  return [...out, ...linkFailures(model)];
}

function evaluateAll(graph: ResourceGraph): FailureAnalysis {
  const model = buildModel(graph);
  const data = new DataIndex(model);
  const services = new Services(model);
  const dependents = new Dependents(model);
  const dcsOfCluster = (urn: string) => model.dcs.filter((d) => d.cluster?.resource.urn === urn);
  const links = new Links(graph, model);
  const replicas = new ZoneReplicas(graph, model);
  const results = failuresOf(model).map((f): DomainResult => {
    if (f.kind === "link") {
      const v = links.evaluate(f);
      const assumptions = model.keyspaceAssumption ? [model.keyspaceAssumption] : [];
      return {
        domain: { domain: f.id, kind: "link", survives: v.causes.length === 0, causes: [...v.causes], effects: [...v.effects], assumptions, dependents: [`datacenters in ${f.region} and ${f.peer ?? "?"}`] },
        quorum: [],
        spreads: [],
      };
    }
    const verdict = dataVerdict(data, f);
    const backups = services.backupCopies(f);
    const local = data.byRegion.get(f.region) ?? [];
    const effects: Effect[] = [
      ...verdict.effects.map((e) => ({ ...e, breach: false })),
      ...services.controlPlanes(f, (c) => dcsOfCluster(c.resource.urn)),
      ...services.manager(f),
      ...services.monitoring(f, local),
      ...services.egress(f),
      ...services.agents(f, local),
      ...replicas.effects(f).map((text) => ({ text, breach: false })),
      ...deployPathEffects(graph, f),
    ];
    const causes = [...verdict.causes, ...backups];
    const assumptions = [
      ...(model.keyspaceAssumption ? [model.keyspaceAssumption] : []),
      ...(f.kind === "region" ? services.externalBuckets : []),
    ];
    return {
      domain: {
        domain: f.id,
        kind: f.kind as DomainKind,
        survives: causes.length === 0,
        causes: causes.map((c) => c.text),
        effects: effects.map((e) => e.text),
        assumptions,
        dependents: dependents.of(f),
      },
      quorum: verdict.quorum,
      spreads: [...backups, ...effects.filter((e) => e.breach)],
    };
  });
  return { results, domains: results.map((r) => r.domain) };
}

const cache = new WeakMap<ResourceGraph, FailureAnalysis>();

export function analyse(graph: ResourceGraph): FailureAnalysis {
  let analysis = cache.get(graph);
  if (!analysis) cache.set(graph, (analysis = evaluateAll(graph)));
  return analysis;
}

export function analyseFailureDomains(graph: ResourceGraph): FailureDomain[] {
  return [...analyse(graph).domains];
}
