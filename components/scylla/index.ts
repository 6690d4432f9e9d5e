export { buildScyllaLayer, AGENT_TOKEN_MISSING } from "./scylla-layer";
export type { ScyllaLayerArgs } from "./scylla-layer";
export { ScyllaRegion } from "./scylla-region";
export { PlatformOperators } from "./platform-operators";
export { LocalStorage } from "./local-storage";
export { ScyllaDatacenter } from "./datacenter";
export { ScyllaManager } from "./manager";
export { ScyllaMonitoring } from "./monitoring";
