export { planEnvironment, carveAwsSubnets } from "./plan";
export * from "./types";
export * from "./naming";
export { instanceType, supportedInstanceTypes, scyllaSizing, DEFAULT_SYSTEM_INSTANCE_TYPE } from "./sizing";
export type { Cloud, InstanceType, ContainerResources } from "./sizing";
export { parseCidr, formatCidr, overlaps } from "./cidr";
export {
  alterKeyspace,
  createKeyspace,
  keyspaceTargets,
  managerClusterName,
  nextStep,
  regionLossCommands,
  replicationMap,
  sameMap,
  stepsFrom,
  storedMap,
  systemReplication,
  SYSTEM_KEYSPACES,
} from "./replication";
export type { KeyspaceTarget, ReplicationMap, ReplicationStep } from "./replication";
export { planBootstrap, planProcedure } from "./procedure";
export type { BootstrapPlan, ReplicationProcedure } from "./procedure";
export { managerRegionOf, backupLocation } from "./plan";
export { STORAGE_PROVIDER, backupBucketName, gcsMultiRegion, parseLocation, replicaRegionOf } from "./backups";
export { PRIVATE_DEPLOYER_RANGES, deployerRangeKind, planDeployer } from "./deployer";
export type { DeployerPlan } from "./deployer";
