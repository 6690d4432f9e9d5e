/**
 * Backups as the analysis sees them: which buckets hold each datacenter's
 * backups (Manager backup tasks and their `[dc:]provider:bucket` locations),
 * where each bucket keeps copies (its region, S3 replication destinations,
 * GCS dual/multi-region locations, GCS transfer-job replicas), and where
 * Scylla Manager runs. Buckets the stack does not create are reported as
 * assumptions, not guessed.
 */
import { type ResourceGraph, arr, rec, str, strings } from "../model/graph";
import { AWS, GCP, SCYLLA_CLUSTER, isManagerBackingCluster, metaOf } from "../model/topology";
import type { GraphResource } from "../model/types";
import { includesDc, managerInstalls, tasks } from "../rules/management";
import { type Failure, regionDown } from "./domain";
import { type PodPlacement, podPlacement, rackPlacement, spreadsOverZones } from "./placement";

const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const TRANSFER_JOB = "gcp:storage/transferJob:TransferJob";

/** One place a bucket's objects live. */
export interface CopyPlace {
  readonly bucket: string;
  /** `undefined` when the bucket is not in the stack. */
  readonly region: string | undefined;
  /** A GCS dual- or multi-region location: no single region failure takes it. */
  readonly multiRegion: boolean;
}

export interface BackupLocation {
  /** As written in the task, e.g. `us-east-1:s3:prod-use1-scylla-backups`. */
  readonly text: string;
  readonly provider: string;
  readonly bucket: string;
  readonly resource: GraphResource | undefined;
  readonly places: readonly CopyPlace[];
}

export function placeDown(f: Failure, p: CopyPlace): boolean {
  return !p.multiRegion && regionDown(f, p.region);
}

function bucketName(b: GraphResource): string {
  return str(b.type === AWS.bucket ? b.props.bucket : b.props.name) ?? b.name;
}

export class Buckets {
  private readonly byName = new Map<string, GraphResource>();
  private readonly placesCache = new Map<string, CopyPlace[]>();

  constructor(private readonly graph: ResourceGraph) {
    for (const b of graph.ofType(AWS.bucket, GCP.bucket)) this.byName.set(bucketName(b), b);
  }

  /** Every place a bucket's objects live: itself and its replicas (one level of replication). */
  places(b: GraphResource): CopyPlace[] {
    const cached = this.placesCache.get(b.urn);
    if (cached) return cached;
    const replicas = b.type === AWS.bucket ? this.s3Replicas(b) : this.gcsReplicas(b);
    const out = [this.own(b), ...replicas.filter((r) => r.urn !== b.urn).map((r) => this.own(r))];
    this.placesCache.set(b.urn, out);
    return out;
  }

  private own(b: GraphResource): CopyPlace {
    if (b.type === GCP.bucket) {
      const location = (str(b.props.location) ?? "").toLowerCase();
      // Regions are `us-central1`; dual- and multi-region codes (`nam4`, `us`) have no hyphen.
      const multi = (location !== "" && !location.includes("-")) || strings(rec(b.props.customPlacementConfig).dataLocations).length >= 2;
      return { bucket: bucketName(b), region: this.graph.regionOf(b), multiRegion: multi };
    }
    return { bucket: bucketName(b), region: this.graph.regionOf(b), multiRegion: false };
  }

  private s3Replicas(b: GraphResource): GraphResource[] {
    return this.graph.linking(b, "bucket", REPLICATION).flatMap((c) => {
      const rules = arr(c.props.rules).map(rec).filter((r) => r.status === undefined || r.status === "Enabled");
      if (rules.length === 0) return [];
      const linked = this.graph.linked(c, "rules", AWS.bucket);
      const named = rules.map((r) => /^arn:aws:s3:::([^/]+)/.exec(str(rec(r.destination).bucket) ?? "")?.[1]).map((n) => (n ? this.byName.get(n) : undefined));
      return [...linked, ...named.filter((x): x is GraphResource => x !== undefined)];
    });
  }

  private gcsReplicas(b: GraphResource): GraphResource[] {
    const name = bucketName(b);
    return this.graph.ofType(TRANSFER_JOB).flatMap((j) => {
      const spec = rec(j.props.replicationSpec ?? j.props.transferSpec);
      if (rec(spec.gcsDataSource).bucketName !== name) return [];
      const sink = this.byName.get(str(rec(spec.gcsDataSink).bucketName) ?? "");
      return sink ? [sink] : [];
    });
  }

  location(text: string): BackupLocation {
    const parts = text.split(":");
    const [provider, path] = parts.length >= 3 ? [parts[1]!, parts.slice(2).join(":")] : [parts[0] ?? "", parts[1] ?? ""];
    const bucket = path.split("/")[0] ?? "";
    const resource = this.byName.get(bucket);
    return { text, provider, bucket, resource, places: resource ? this.places(resource) : [{ bucket, region: undefined, multiRegion: false }] };
  }
}

/** Each datacenter's backup locations, from every backup task that covers it. */
export function backupLocations(graph: ResourceGraph, buckets: Buckets, dcNames: readonly string[]): Map<string, BackupLocation[]> {
  const all = tasks(graph, "backup");
  const out = new Map<string, BackupLocation[]>();
  for (const dc of dcNames) {
    const texts = all.filter((t) => includesDc(t.dc, dc)).flatMap((t) => t.locations.filter((l) => l.split(":").length < 3 || l.split(":")[0] === dc));
    out.set(dc, [...new Set(texts)].map((t) => buckets.location(t)));
  }
  return out;
}

/** Something of Scylla Manager's to place on nodes. */
export interface ManagerPart {
  readonly what: string;
  readonly resource: GraphResource;
  readonly placement: PodPlacement;
  readonly replicas: number;
  readonly spread: boolean;
  /**
   * Racks of Manager's database: Manager keeps working while a majority of
   * them does (its keyspace at RF = racks, LOCAL_QUORUM).
   */
  readonly quorumGroup?: string;
}

/**
 * Scylla Manager's parts: its Deployment or Helm release, and its own
 * backing ScyllaCluster (one entry per rack). When the stack installs no
 * Manager, the ScyllaCluster carrying the backup tasks stands for where it
 * runs (region only).
 */
export function managerParts(graph: ResourceGraph): { parts: ManagerPart[]; fallback: GraphResource | undefined } {
  const parts: ManagerPart[] = [];
  for (const m of managerInstalls(graph)) {
    if (m.type.endsWith(":Deployment")) {
      const spec = rec(m.props.spec);
      const pod = rec(rec(spec.template).spec);
      parts.push({ what: `Deployment ${metaOf(m).namespace}/${metaOf(m).name ?? m.name}`, resource: m, placement: podPlacement(pod), replicas: numberOr(spec.replicas, 1), spread: spreadsOverZones(pod) });
    } else {
      const values = rec(m.props.values);
      parts.push({ what: `Helm release ${str(m.props.name) ?? m.name}`, resource: m, placement: podPlacement(values), replicas: numberOr(values.replicaCount, 1), spread: spreadsOverZones(values) });
    }
  }
  for (const sc of graph.ofType(SCYLLA_CLUSTER).filter(isManagerBackingCluster)) {
    for (const rack of arr(rec(rec(sc.props.spec).datacenter).racks).map(rec)) {
      parts.push({
        what: `Manager's ScyllaCluster ${metaOf(sc).name ?? sc.name} rack ${str(rack.name) ?? "?"}`,
        resource: sc,
        placement: rackPlacement(rack),
        replicas: numberOr(rack.members, 1),
        spread: false,
        quorumGroup: sc.urn,
      });
    }
  }
  const fallback = parts.length > 0 ? undefined : tasks(graph, "backup")[0]?.owner;
  return { parts, fallback };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
