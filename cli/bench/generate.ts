/**
 * Synthetic environments for benchmarks: `prod`'s shape scaled by a factor.
 * Racks (regions × zones) are what resource counts grow with, so factor f
 * multiplies regions and zones; nodes per rack grow too, which changes the
 * ScyllaCluster specs but not the resource count.
 */
import { stringify } from "yaml";

const STEMS = ["us", "eu", "ap", "sa", "ca", "me", "af", "il"];

export interface ScaledShape {
  readonly regions: number;
  readonly zonesPerRegion: number;
  readonly nodesPerRack: number;
}

/** 1× = prod (3 regions × 3 zones × 2 nodes); 4× = 6 × 6; 16× = 24 × 6. */
export function shapeFor(factor: number): ScaledShape {
  const racks = 9 * factor;
  const zonesPerRegion = factor === 1 ? 3 : 6;
  return { regions: racks / zonesPerRegion, zonesPerRegion, nodesPerRack: 2 * Math.ceil(Math.sqrt(factor)) };
}

/** A Pulumi stack config document for a synthetic AWS environment of the given shape. */
export function scaledEnvironmentYaml(name: string, shape: ScaledShape): string {
  // EKS wants service ranges inside RFC 1918: VPCs take 10.0–63, service ranges 10.128–191.
  if (shape.regions > 64) throw new Error("at most 64 synthetic regions (one VPC /16 and one service /16 each under 10.0.0.0/8)");
  const regions = Array.from({ length: shape.regions }, (_, i) => {
    const region = `${STEMS[i % STEMS.length]}-bench-${Math.floor(i / STEMS.length) + 1}`;
    return {
      key: `r${i}`,
      cloud: "aws",
      region,
      zones: Array.from({ length: shape.zonesPerRegion }, (_, z) => `${region}${"abcdef"[z]}`),
      cidr: `10.${i}.0.0/16`,
      serviceCidr: `10.${128 + i}.0.0/16`,
      scylla: { instanceType: "i4i.2xlarge", nodesPerRack: shape.nodesPerRack },
    };
  });
  const config = {
    "scylla-ha-stack:environment": { name, tier: "production" },
    "scylla-ha-stack:scylla": { keyspaces: [{ name: "app", replicationFactor: 3 }] },
    "scylla-ha-stack:regions": regions,
  };
  return stringify({ config });
}
