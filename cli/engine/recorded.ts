/** What the offline engine records for every registration — the fields a stack export holds. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Read, not managed (`Resource.get`, StackReference). */
  readonly external?: boolean;
  /** The mock's id (custom resources and providers only). */
  readonly id?: string;
  readonly parent?: string;
  /** Provider reference `urn::id`; empty string when a default provider would be used. */
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deletedWith?: string;
  readonly replaceOnChanges: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** URNs the resource was known by before a rename (`aliases`), resolved as the engine resolves them; absent when none. */
  readonly aliases?: readonly string[];
}

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
