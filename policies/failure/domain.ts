/**
 * A single failure and what it takes down: a zone takes everything zonal in
 * it (and a zonal control plane there); a region takes everything in it; a
 * NAT gateway or a control plane takes only itself; a link takes nothing
 * down but separates its two regions. Every "is X down?" of
 * the analysis goes through these predicates.
 */
import type { Cloud } from "../model/graph";

/** `link`: the network path between two datacenters' regions is cut while both stay up. */
export type DomainKind = "zone" | "region" | "cluster" | "nat" | "link";

export interface Failure {
  readonly kind: DomainKind | "none";
  /** `<cloud>:<region>[:<zone>]`, or the resource name of a control plane or NAT gateway. */
  readonly id: string;
  readonly cloud: Cloud | undefined;
  readonly region: string;
  /** The failed zone (zone failures). */
  readonly zone?: string;
  /** The failed resource (control plane and NAT failures). */
  readonly urn?: string;
  /** The other end of a cut link (`region` is the first). */
  readonly peer?: string;
}

/** No failure at all: what is already broken before anything fails. */
export const NOTHING: Failure = { kind: "none", id: "(nothing failed)", cloud: undefined, region: "" };

export function regionDown(f: Failure, region: string | undefined): boolean {
  return f.kind === "region" && region !== undefined && f.region === region;
}

/** A zonal thing; `zone` undefined (not known) fails only with its region. */
export function zoneDown(f: Failure, region: string | undefined, zone: string | undefined): boolean {
  if (regionDown(f, region)) return true;
  return f.kind === "zone" && zone !== undefined && f.zone === zone && f.region === region;
}

export interface ControlPlane {
  readonly resource: { readonly urn: string; readonly name: string };
  readonly region: string | undefined;
  /** Set for a zonal GKE control plane. */
  readonly zone: string | undefined;
}

export function controlPlaneDown(f: Failure, cp: ControlPlane | undefined): boolean {
  if (!cp) return false;
  return f.urn === cp.resource.urn || zoneDown(f, cp.region, cp.zone);
}

export interface Nat {
  readonly resource: { readonly urn: string; readonly name: string };
  readonly region: string | undefined;
  /** The zone of a zonal NAT gateway; `undefined` for a regional one (Cloud NAT, AWS regional mode). */
  readonly zone: string | undefined;
}

export function natDown(f: Failure, nat: Nat): boolean {
  if (f.urn === nat.resource.urn) return true;
  return nat.zone ? zoneDown(f, nat.region, nat.zone) : regionDown(f, nat.region);
}
