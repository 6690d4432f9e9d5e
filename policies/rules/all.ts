/** Every rule of the pack, in report order. Policies are plain objects: importing this starts nothing. */
import type { ScyllaPolicy } from "../rule";
import { CAPACITY_RULES } from "./capacity";
import { CLUSTER_RULES } from "./clusters";
import { DATA_RULES } from "./data-protection";
import { DEPLOY_PATH_RULES } from "./deploy-path";
import { EXPOSURE_RULES } from "./exposure";
import { FAILURE_DOMAIN_RULES } from "./failure-domains";
import { HYGIENE_RULES } from "./hygiene";
import { MANAGEMENT_RULES } from "./management";
import { NETWORK_RULES } from "./network";
import { NODE_POOL_RULES } from "./node-pools";
import { PRODUCTION_RULES } from "./production";
import { REACHABILITY_RULES } from "./reachability";
import { REPLICATED_RULES } from "./replicated";
import { SCYLLA_RACK_RULES } from "./scylla";
import { SCYLLA_CLUSTER_RULES } from "./scylla-cluster";

export const ALL_POLICIES: readonly ScyllaPolicy[] = [
  ...NETWORK_RULES,
  ...REACHABILITY_RULES,
  ...EXPOSURE_RULES,
  ...CLUSTER_RULES,
  ...DEPLOY_PATH_RULES,
  ...NODE_POOL_RULES,
  ...CAPACITY_RULES,
  ...SCYLLA_RACK_RULES,
  ...SCYLLA_CLUSTER_RULES,
  ...PRODUCTION_RULES,
  ...MANAGEMENT_RULES,
  ...REPLICATED_RULES,
  ...DATA_RULES,
  ...HYGIENE_RULES,
  ...FAILURE_DOMAIN_RULES,
];
