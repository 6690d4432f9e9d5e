/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, planEnvironment } from "../components/plan";
import { AGENT_AUTH_TOKEN_KEY, environmentFromFlatConfig } from "./config";

export interface ProgramResult {
  readonly plan: EnvironmentPlan;
  readonly environment: Environment;
}

export function program(): ProgramResult {
  const config = environmentFromFlatConfig(pulumi.runtime.allConfig(), `config of stack ${pulumi.getStack()}`);
  const plan = planEnvironment(config);
  // A secret, so it stays out of the (plain, printable) config and plan.
  const agentAuthToken = new pulumi.Config().getSecret(AGENT_AUTH_TOKEN_KEY);
  return { plan, environment: new Environment(plan.environment, { plan, ...(agentAuthToken ? { agentAuthToken } : {}) }) };
}
