/**
 * The one shape every policy reads: a resource as the engine, a stack export
 * and the offline synth all describe it, with values normalised the same way.
 */

/**
 * Stands for a value the engine does not know yet (at preview). Unknowns are
 * dropped from objects, and kept as this marker inside arrays so lengths stay
 * true. It is the engine's own unknown-string sentinel.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** All of the engine's unknown sentinels (one per value kind). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  UNKNOWN,
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Signature keys of the Pulumi wire/state format. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

export interface GraphResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** A provider-managed resource (or a provider), as opposed to a component. */
  readonly custom: boolean;
  /** Outputs overlaid on inputs, secrets revealed, unknowns removed. */
  readonly props: Readonly<Record<string, unknown>>;
  readonly parent?: string;
  /** URN of the provider resource (the `::id` part of a reference dropped). */
  readonly provider?: string;
  readonly dependencies: readonly string[];
  /** Top-level property → URNs its value was computed from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  /** `undefined` where the source does not say (the engine's policy API does not expose it). */
  readonly retainOnDelete?: boolean;
}

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}
