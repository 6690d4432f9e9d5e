/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, managerClusterName, planEnvironment, regionLossSteps, stepCommand } from "../components/plan";
import { AGENT_AUTH_TOKEN_KEY, CQL_ADMIN_PASSWORD_KEY, environmentFromFlatConfig } from "./config";
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
  const config = environmentFromFlatConfig(pulumi.runtime.allConfig(), `config of stack ${stack}`, stack);
  const issues = rolloutIssues(await previousRollout(), config);
  if (issues.length > 0) throw new ConfigError(issues, `rollout of stack ${stack}`);

  const plan = planEnvironment(config);
  // Secrets stay out of the (plain, printable) config and plan.
  const secrets = new pulumi.Config();
  const agentAuthToken = secrets.getSecret(AGENT_AUTH_TOKEN_KEY);
  const cqlAdminPassword = secrets.getSecret(CQL_ADMIN_PASSWORD_KEY);
  const missing = missingSecrets(plan, { agentAuthToken, cqlAdminPassword });
  if (missing.length > 0) {
    // A deployment stops before any resource is touched; a preview (and the offline synth)
    // warns and goes on, since the rendered objects have the same shape.
    if (!pulumi.runtime.isDryRun()) throw new ConfigError(missing, "secret config");
    for (const issue of missing) pulumi.log.warn(`${issue.path}: ${issue.message}`);
  }
  const environment = new Environment(plan.environment, {
    plan,
    ...(agentAuthToken ? { agentAuthToken } : {}),
    // At preview without the secret, the Jobs render with a stand-in so their shape can be reviewed.
    ...(plan.regions.some((r) => r.holdsReplicas) ? { cqlAdminPassword: cqlAdminPassword ?? pulumi.secret("preview-stand-in") } : {}),
  });
  return {
    plan,
    environment,
    outputs: {
      regions: environment.regionOutputs,
      rollout: rolloutStateOf(plan),
      clientDatacenters: plan.clientDatacenters,
      // For each lost region, the clean-up a person runs from a surviving DC (docs/runbooks/region-loss.md).
      regionLoss: Object.fromEntries(
        plan.regions.filter((r) => r.lost).map((r) => [r.key, regionLossSteps(plan, r).map((s) => stepCommand(s, managerClusterName(plan)))]),
      ),
    },
  };
}

export const CQL_PASSWORD_MISSING =
  "the replication Jobs run as the CQL superuser: set its password with " +
  "`pulumi config set --secret scylla-ha-stack:cqlAdminPassword <password>` (a new cluster's superuser is cassandra/cassandra until you change it)";

/** Secrets the plan needs that config does not hold, as config issues naming the key and how to set it. */
export function missingSecrets(plan: EnvironmentPlan, secrets: { agentAuthToken?: unknown; cqlAdminPassword?: unknown }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (secrets.agentAuthToken === undefined && plan.regions.filter((r) => r.hasDatacenter).length > 1) {
    issues.push({ path: AGENT_AUTH_TOKEN_KEY, message: AGENT_TOKEN_MISSING });
  }
  if (secrets.cqlAdminPassword === undefined && plan.regions.some((r) => r.holdsReplicas)) {
    issues.push({ path: CQL_ADMIN_PASSWORD_KEY, message: CQL_PASSWORD_MISSING });
  }
  return issues;
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
