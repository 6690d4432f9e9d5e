/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, planEnvironment } from "../components/plan";
import { environmentFromFlatConfig } from "./config";

export interface ProgramResult {
  readonly plan: EnvironmentPlan;
  readonly environment: Environment;
}

export function program(): ProgramResult {
  const config = environmentFromFlatConfig(pulumi.runtime.allConfig(), `config of stack ${pulumi.getStack()}`);
  const plan = planEnvironment(config);
  return { plan, environment: new Environment(plan.environment, { plan }) };
}
