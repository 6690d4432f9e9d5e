/**
 * What an update does to ScyllaDB, decided from what is deployed (the
 * previous update's `rollout` output) and what config declares:
 *
 * - bootstrap: which DC may start without seeds (only when no DC is
 *   deployed yet, or the one that founded the cluster and still runs), and
 *   the order in which DCs created in this update start — each after the one
 *   before it is Available (the operator's multi-DC guide brings the first DC
 *   up before the next joins). The operator sidecar seeds the first pod of a
 *   seedless DC with itself (scylla-operator v1.21.1
 *   pkg/sidecar/identity/member.go:102-118 GetSeeds), so a seedless DC next to
 *   DCs holding data would found a second cluster.
 * - replication: at most one procedure per update, only when a DC enters or
 *   leaves the replicated phases, run in one region.
 */
import { keyspaceTargets, type KeyspaceTarget } from "./replication";
import type { DeployedState, Phase, RegionPlan } from "./types";

const LIVE: readonly Phase[] = ["datacenter", "replicated", "serving"];
const REPLICATED: readonly Phase[] = ["replicated", "serving"];

export interface BootstrapPlan {
  /** The DC that may start seedless; undefined when every live DC joins through seeds. */
  readonly founder?: string;
  /** Per region key: the region whose ScyllaCluster must be Available before this one is created. */
  readonly after: Readonly<Record<string, string>>;
  /** Per region key: seed datacenters (every other live DC; none for the founder). */
  readonly seeds: Readonly<Record<string, readonly string[]>>;
}

interface RegionLike {
  readonly key: string;
  readonly datacenter: string;
  readonly phase: Phase;
}

const deployedLive = (prev: DeployedState | undefined, r: RegionLike) => {
  const before = prev?.regions[r.key];
  return before !== undefined && LIVE.includes(before.phase) && before.datacenter === r.datacenter;
};

export function planBootstrap(regions: readonly RegionLike[], previous: DeployedState | undefined): BootstrapPlan {
  const live = regions.filter((r) => LIVE.includes(r.phase));
  const existing = live.filter((r) => deployedLive(previous, r));
  let founder: string | undefined;
  if (existing.length === 0) {
    // Nothing holds data yet: a new cluster, founded by the first DC.
    founder = live[0]?.datacenter;
  } else if (previous?.founder !== undefined) {
    founder = previous.founder === null ? undefined : existing.find((r) => r.datacenter === previous.founder)?.datacenter;
  } else if (!Object.values(previous?.regions ?? {}).some((r) => r.phase === "lost")) {
    // A state written before the founder was recorded: the old rule (first live DC in config
    // order) made that DC seedless; keep it so, unless something was lost since.
    founder = existing[0]!.datacenter === live[0]!.datacenter ? existing[0]!.datacenter : undefined;
  }
  const created = live.filter((r) => !deployedLive(previous, r));
  const order = [...created.filter((r) => r.datacenter === founder), ...created.filter((r) => r.datacenter !== founder)];
  const after: Record<string, string> = {};
  order.forEach((r, i) => {
    if (i > 0) after[r.key] = order[i - 1]!.key;
  });
  const seeds: Record<string, string[]> = {};
  for (const r of live) {
    seeds[r.key] = r.datacenter === founder ? [] : live.filter((o) => o.key !== r.key).map((o) => o.datacenter);
  }
  return { ...(founder !== undefined ? { founder } : {}), after, seeds };
}

/** The replication procedure of one update. */
export interface ReplicationProcedure {
  /** Region key whose cluster runs the Job. */
  readonly region: string;
  /** DCs that enter the replicated phases in this update. */
  readonly entering: readonly string[];
  /** DCs that leave them (rolled back to `datacenter`). */
  readonly leaving: readonly string[];
  /** DCs whose every node must be up (UN) before the first statement, with the node count expected. */
  readonly waitFor: readonly { readonly datacenter: string; readonly nodes: number }[];
  readonly keyspaces: readonly KeyspaceTarget[];
  /** The one DC whose nodes rebuild, and the DC they stream from (absent for a new cluster or a removal). */
  readonly rebuild?: { readonly datacenter: string; readonly source: string };
  /** Manager repair of the vnode keyspaces after the rebuild, run in the Manager region. */
  readonly repair?: { readonly region: string; readonly keyspaces: readonly string[] };
}

interface PlanLike {
  readonly regions: readonly RegionPlan[];
  readonly managerRegion: string;
}

/**
 * The update's procedure, or undefined when no DC enters or leaves the
 * replicated phases. Several DCs may enter at once only in a new cluster
 * (nothing to stream); the rollout guards refuse it otherwise.
 */
export function planProcedure(
  plan: PlanLike & Parameters<typeof keyspaceTargets>[0],
  previous: DeployedState | undefined,
): ReplicationProcedure | undefined {
  const replicatedBefore = (r: RegionPlan) => {
    const before = previous?.regions[r.key];
    return before !== undefined && REPLICATED.includes(before.phase) && before.datacenter === r.datacenter;
  };
  const entering = plan.regions.filter((r) => r.holdsReplicas && !replicatedBefore(r));
  const leaving = plan.regions.filter((r) => !r.holdsReplicas && !r.lost && replicatedBefore(r) && r.hasDatacenter);
  if (entering.length === 0 && leaving.length === 0) return undefined;
  const holders = plan.regions.filter((r) => r.holdsReplicas && replicatedBefore(r));
  const runsIn = entering[0] ?? leaving[0]!;
  const waitFor = plan.regions
    .filter((r) => r.holdsReplicas || leaving.includes(r))
    .map((r) => ({ datacenter: r.datacenter, nodes: r.racks.reduce((n, rack) => n + rack.members, 0) }));
  const keyspaces = keyspaceTargets(plan);
  const rebuild = entering.length === 1 && holders.length > 0 ? { datacenter: entering[0]!.datacenter, source: holders[0]!.datacenter } : undefined;
  return {
    region: runsIn.key,
    entering: entering.map((r) => r.datacenter),
    leaving: leaving.map((r) => r.datacenter),
    waitFor,
    keyspaces,
    ...(rebuild
      ? { rebuild, repair: { region: plan.managerRegion, keyspaces: keyspaces.filter((k) => !k.tablets).map((k) => k.name) } }
      : {}),
  };
}
