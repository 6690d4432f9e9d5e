export { planEnvironment, carveAwsSubnets } from "./plan";
export * from "./types";
export * from "./naming";
export { instanceType, supportedInstanceTypes, scyllaSizing, DEFAULT_SYSTEM_INSTANCE_TYPE } from "./sizing";
export type { Cloud, InstanceType, ContainerResources } from "./sizing";
export { parseCidr, formatCidr, overlaps } from "./cidr";
export { replicationSteps, regionLossSteps, stepCommand, alterKeyspace, createKeyspace, SYSTEM_KEYSPACES } from "./replication";
export type { ReplicationStep } from "./replication";
export { managerRegionOf } from "./plan";
