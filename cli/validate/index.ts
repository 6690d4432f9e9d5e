/** Schema checks of rendered manifests (library; `npm run check -- --crds <dir>` uses it). */
export { CrdCatalog, CrdLoadError, loadCrdCatalog, toJsonSchema } from "./crds";
export type { CrdEntry } from "./crds";
export { formatViolation, validateManifests, validateObjects } from "./manifests";
export type { ManifestObject, ManifestReport, ManifestViolation, ObjectRef } from "./manifests";
