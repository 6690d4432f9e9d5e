/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, planEnvironment } from "../components/plan";
import { AGENT_AUTH_TOKEN_KEY, environmentFromFlatConfig } from "./config";
import { type RolloutState, parseRolloutState, rolloutIssues, rolloutStateOf } from "./rollout";
import { ConfigError } from "./validate";

export interface ProgramResult {
  readonly plan: EnvironmentPlan;
  readonly environment: Environment;
  /** The stack's outputs; `rollout` is read back by the next update's guards. */
  readonly outputs: Record<string, unknown>;
}

export async function program(): Promise<ProgramResult> {
  const stack = pulumi.getStack();
  const config = environmentFromFlatConfig(pulumi.runtime.allConfig(), `config of stack ${stack}`);
  const issues = rolloutIssues(await previousRollout(), config);
  if (issues.length > 0) throw new ConfigError(issues, `rollout of stack ${stack}`);

  const plan = planEnvironment(config);
  // A secret, so it stays out of the (plain, printable) config and plan.
  const agentAuthToken = new pulumi.Config().getSecret(AGENT_AUTH_TOKEN_KEY);
  const environment = new Environment(plan.environment, { plan, ...(agentAuthToken ? { agentAuthToken } : {}) });
  return {
    plan,
    environment,
    outputs: {
      regions: environment.regionOutputs,
      rollout: rolloutStateOf(plan),
      clientDatacenters: plan.clientDatacenters,
    },
  };
}

/**
 * The phases this stack last deployed, from its own outputs. A reference to
 * the stack itself reads the last checkpoint, which is exactly the state the
 * update starts from; on a stack's first update there is none.
 */
async function previousRollout(): Promise<RolloutState | undefined> {
  const self = new pulumi.StackReference("previous-rollout", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const details = await self.getOutputDetails("rollout");
  return parseRolloutState(details.value);
}
