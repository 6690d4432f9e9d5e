/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, planEnvironment, regionLossCommands } from "../components/plan";
import { AGENT_AUTH_TOKEN_KEY, environmentFromFlatConfig } from "./config";
import { type RolloutState, parseRolloutState, rolloutIssues, rolloutStateOf } from "./rollout";
import { AGENT_TOKEN_MISSING } from "../components/scylla";
import { type ConfigIssue, ConfigError } from "./validate";

export interface ProgramResult {
  readonly plan: EnvironmentPlan;
  readonly environment: Environment;
  /** The stack's outputs; `rollout` is read back by the next update's guards. */
  readonly outputs: Record<string, unknown>;
}

export async function program(): Promise<ProgramResult> {
  const stack = pulumi.getStack();
  const config = environmentFromFlatConfig(pulumi.runtime.allConfig(), `config of stack ${stack}`);
  const previous = await previousRollout();
  const issues = rolloutIssues(previous, config);
  if (issues.length > 0) throw new ConfigError(issues, `rollout of stack ${stack}`);

  const plan = planEnvironment(config, previous);
  // Secrets stay out of the (plain, printable) config and plan.
  const secrets = new pulumi.Config();
  const agentAuthToken = secrets.getSecret(AGENT_AUTH_TOKEN_KEY);
  const missing = missingSecrets(plan, { agentAuthToken });
  if (missing.length > 0) {
    // A deployment stops before any resource is touched; a preview (and the offline synth)
    // warns and goes on, since the rendered objects have the same shape.
    if (!pulumi.runtime.isDryRun()) throw new ConfigError(missing, "secret config");
    for (const issue of missing) pulumi.log.warn(`${issue.path}: ${issue.message}`);
  }
  const environment = new Environment(plan.environment, {
    plan,
    ...(agentAuthToken ? { agentAuthToken } : {}),
  });
  return {
    plan,
    environment,
    outputs: {
      regions: environment.regionOutputs,
      // Recorded only once every resource the phases depend on completed: a failed update keeps the old state.
      rollout: rolloutOutput(plan, environment),
      clientDatacenters: plan.clientDatacenters,
      // For each lost region, the clean-up a person runs from a surviving DC (docs/runbooks/region-loss.md).
      regionLoss: Object.fromEntries(
        plan.regions.filter((r) => r.lost).map((r) => [r.key, regionLossCommands(plan, r)]),
      ),
    },
  };
}

/** Secrets the plan needs that config does not hold, as config issues naming the key and how to set it. */
export function missingSecrets(plan: EnvironmentPlan, secrets: { agentAuthToken?: unknown }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (secrets.agentAuthToken === undefined && plan.regions.filter((r) => r.hasDatacenter).length > 1) {
    issues.push({ path: AGENT_AUTH_TOKEN_KEY, message: AGENT_TOKEN_MISSING });
  }
  return issues;
}

/**
 * The rollout state as an Output of the resources each phase stands for:
 * every live ScyllaCluster (ready only once Available) and this update's
 * Jobs (ready once complete). When any of them fails, the Output never
 * resolves and the stack keeps the state of the last update that completed.
 */
function rolloutOutput(plan: EnvironmentPlan, environment: Environment): pulumi.Output<RolloutState> {
  const done: pulumi.Output<unknown>[] = [];
  for (const region of plan.regions) {
    const scylla = environment.scylla[region.key];
    if (region.lost || !scylla) continue;
    if (scylla.datacenter.scyllaCluster) done.push(scylla.datacenter.scyllaCluster.id);
  }
  if (environment.jobs.replication) done.push(environment.jobs.replication.job.id);
  if (environment.jobs.repair) done.push(environment.jobs.repair.job.id);
  return pulumi.all(done).apply(() => rolloutStateOf(plan));
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
