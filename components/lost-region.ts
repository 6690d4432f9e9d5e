/**
 * A lost region stays declared but is frozen: Pulumi must neither update nor
 * delete what it cannot reach (every call would fail and abort the update
 * that is meant to heal the surviving regions). Applied as a component
 * transformation, so it reaches every child — options such as
 * `ignoreChanges` and `retainOnDelete` are not inherited otherwise
 * (pulumi/pulumi#8969).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegionPlan } from "./plan";

/** Provider settings that keep a provider of a dead region from calling it. */
const UNREACHABLE_PROVIDER_INPUTS: Readonly<Record<string, Record<string, unknown>>> = {
  // Without these, configuring the provider calls STS in the dead region.
  "pulumi:providers:aws": { skipCredentialsValidation: true, skipRequestingAccountId: true, skipRegionValidation: true },
  // Objects of an unreachable cluster are skipped on update and dropped from state on delete.
  "pulumi:providers:kubernetes": { skipUpdateUnreachable: true, deleteUnreachable: true },
};

/**
 * Providers are not frozen: the engine applies `ignoreChanges` to a provider's
 * inputs before it configures it (pulumi/pulumi pkg/resource/deploy/step_generator.go),
 * so a frozen provider would keep its old inputs and never take the settings
 * above — every call would still go to the dead region.
 */
export const freezeLostRegion: pulumi.ResourceTransformation = ({ type, props, opts }) => {
  if (type.startsWith("pulumi:providers:")) return { props: { ...props, ...(UNREACHABLE_PROVIDER_INPUTS[type] ?? {}) }, opts };
  // Removing the region from config later forgets its resources instead of deleting them.
  return { props, opts: pulumi.mergeOptions(opts, { ignoreChanges: ["*"], retainOnDelete: true }) };
};

/** Component options for anything belonging to `regions`: frozen when any of them is lost. */
export function regionOptions(parent: pulumi.Resource, ...regions: readonly RegionPlan[]): pulumi.ComponentResourceOptions {
  return regions.some((r) => r.lost) ? { parent, transformations: [freezeLostRegion] } : { parent };
}
