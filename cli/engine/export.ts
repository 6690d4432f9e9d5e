/**
 * The Pulumi stack export format (`pulumi stack export`, version 3), written
 * from what the offline engine recorded.
 */
import type { RecordedResource } from "./recorded";
import { encryptSecrets } from "./secrets";

export interface StackExportResource {
  urn: string;
  custom: boolean;
  external?: boolean;
  id?: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  deletedWith?: string;
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
}

export interface StackExport {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    resources: StackExportResource[];
  };
}

export function toStackExport(resources: readonly RecordedResource[], time = new Date(0)): StackExport {
  return {
    version: 3,
    deployment: {
      manifest: { time: time.toISOString(), magic: "scylla-ha-stack offline synth", version: "v3.248.0" },
      resources: resources.map((r) => ({
        urn: r.urn,
        custom: r.custom,
        ...(r.external ? { external: true } : {}),
        ...(r.id !== undefined ? { id: r.id } : {}),
        type: r.type,
        // Secrets as `pulumi stack export` writes them without --show-secrets: never the plaintext.
        inputs: encryptSecrets(r.inputs) as Record<string, unknown>,
        outputs: encryptSecrets(r.outputs) as Record<string, unknown>,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider !== undefined && r.provider !== "" ? { provider: r.provider } : {}),
        dependencies: [...r.dependencies],
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, [...v]])),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ...(r.deletedWith ? { deletedWith: r.deletedWith } : {}),
        ...(r.replaceOnChanges.length ? { replaceOnChanges: [...r.replaceOnChanges] } : {}),
        ...(r.ignoreChanges.length ? { ignoreChanges: [...r.ignoreChanges] } : {}),
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      })),
    },
  };
}
