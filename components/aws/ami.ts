/**
 * AMI types for managed node groups. Nodes run the EKS-optimised Amazon Linux
 * 2023 image (the Scylla Operator's documented EKS platform; Bottlerocket is
 * known broken), picked by CPU architecture because a launch template without
 * an image id lets EKS choose the matching release for the cluster version.
 */
import type { Architecture } from "../plan/sizing";

export type Al2023AmiType = "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD";

export function al2023AmiType(arch: Architecture): Al2023AmiType {
  switch (arch) {
    case "x86_64":
      return "AL2023_x86_64_STANDARD";
    case "arm64":
      return "AL2023_ARM_64_STANDARD";
    default: {
      const unreachable: never = arch;
      throw new Error(`unhandled architecture ${String(unreachable)}`);
    }
  }
}

/**
 * Architecture of an EC2 instance type from its name. Graviton families carry
 * a `g` right after the generation digit (m7g, c7gn, r8g, i8g, im4gn, is4gen,
 * t4g); the system pool's type is free-form config, so it is derived here
 * rather than looked up in the Scylla sizing table.
 */
export function ec2Architecture(instanceType: string): Architecture {
  const family = instanceType.split(".")[0] ?? "";
  return /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}
