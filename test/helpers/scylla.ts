/**
 * Test-only: builds the Kubernetes layer for every region of a plan with a
 * test k8s.Provider per region (clusterIdentifier = the region's cluster
 * name), standing in for the cloud layers until they provide real clusters.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../../components/cluster";
import { type EnvironmentPlan, planEnvironment } from "../../components/plan";
import { type ScyllaRegion, buildScyllaLayer } from "../../components/scylla";
import { loadStackConfigFile, stackConfigPath } from "../../stacks/config";
import { parseEnvironmentConfig } from "../../stacks/validate";

export const TEST_AGENT_TOKEN = "test-agent-token-0123456789abcdef";
/** Test CQL passwords; tests assert none of them reaches a rendered object in clear. */
export const TEST_CQL_PASSWORDS = {
  superuser: "test-superuser-password-0123",
  manager: "test-manager-password-4567",
  replication: "test-replication-password-89ab",
} as const;

class TestRoot extends pulumi.ComponentResource {
  constructor(name: string) {
    super("scylla-ha:test:Root", name, {});
    this.registerOutputs({});
  }
}

/** The plan of a committed stack (`stacks/Pulumi.<stack>.yaml`). */
export function stackPlan(stack: string): EnvironmentPlan {
  return planEnvironment(loadStackConfigFile(stackConfigPath(stack)));
}

/** The plan of an in-memory config (fixtures). */
export function fixturePlan(config: Record<string, unknown>): EnvironmentPlan {
  return planEnvironment(parseEnvironmentConfig(config));
}

export interface TestLayer {
  readonly regions: Record<string, ScyllaRegion>;
  readonly providers: Record<string, k8s.Provider>;
}

export function buildTestScyllaLayer(plan: EnvironmentPlan, options: { agentAuthToken?: string } = { agentAuthToken: TEST_AGENT_TOKEN }): TestLayer {
  const root = new TestRoot(plan.environment);
  const providers: Record<string, k8s.Provider> = {};
  const clusters = new Map<string, ClusterHandle>();
  for (const region of plan.regions) {
    const provider = new k8s.Provider(`${region.name}-k8s`, { clusterIdentifier: region.clusterName, kubeconfig: "{}" }, { parent: root });
    providers[region.key] = provider;
    clusters.set(region.key, { provider, dependsOn: [] });
  }
  const { regions } = buildScyllaLayer(
    { plan, clusters, cql: { ...TEST_CQL_PASSWORDS }, ...(options.agentAuthToken !== undefined ? { agentAuthToken: options.agentAuthToken } : {}) },
    root,
  );
  return { regions, providers };
}
