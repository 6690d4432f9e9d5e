import { describe, expect, it } from "vitest";
import { WORLD_WIDE_ADDRESSES, isWorldWide, publicAddressCount } from "../policies/model/cidr";

describe("publicAddressCount", () => {
  it.each([
    { cidrs: ["0.0.0.0/0"], worldWide: true },
    // Split halves are the whole internet although neither is 0.0.0.0/0.
    { cidrs: ["0.0.0.0/1", "128.0.0.0/1"], worldWide: true },
    { cidrs: ["8.0.0.0/8"], worldWide: true },
    { cidrs: ["8.0.0.0/9", "8.128.0.0/9"], worldWide: true },
    // Private space is not public exposure however wide it is.
    { cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], worldWide: false },
    { cidrs: ["203.0.113.0/24", "198.51.100.10/32"], worldWide: false },
    { cidrs: ["8.0.0.0/9"], worldWide: false },
    { cidrs: [], worldWide: false },
  ])("$cidrs → world-wide $worldWide", ({ cidrs, worldWide }) => {
    expect(isWorldWide(cidrs)).toBe(worldWide);
  });

  it("counts overlapping ranges once and leaves out non-public space", () => {
    expect(publicAddressCount(["203.0.113.0/24", "203.0.113.128/25"])).toBe(256);
    expect(publicAddressCount(["10.0.0.0/7"])).toBe(2 ** 24); // 11.0.0.0/8 is public, 10/8 is not
    expect(publicAddressCount(["not-a-cidr", "203.0.113.7/32"])).toBe(1);
    expect(publicAddressCount(["0.0.0.0/0"])).toBeGreaterThan(200 * WORLD_WIDE_ADDRESSES);
  });
});
