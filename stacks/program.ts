/**
 * The program body, callable in-process (offline synth, tests) as well as
 * from `index.ts` under the real engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../components/environment";
import { type EnvironmentPlan, planEnvironment, regionLossCommands } from "../components/plan";
import {
  AGENT_AUTH_TOKEN_KEY,
  ALERT_WEBHOOK_URL_KEY,
  CQL_MANAGER_PASSWORD_KEY,
  CQL_REPLICATION_PASSWORD_KEY,
  CQL_SUPERUSER_PASSWORD_KEY,
  environmentFromFlatConfig,
} from "./config";
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
  const previous = await previousRollout();
  const issues = rolloutIssues(previous, config);
  if (issues.length > 0) throw new ConfigError(issues, `rollout of stack ${stack}`);

  const plan = planEnvironment(config, previous);
  // Secrets stay out of the (plain, printable) config and plan.
  const secrets = new pulumi.Config();
  const read = {
    agentAuthToken: secrets.getSecret(AGENT_AUTH_TOKEN_KEY),
    cqlSuperuserPassword: secrets.getSecret(CQL_SUPERUSER_PASSWORD_KEY),
    cqlManagerPassword: secrets.getSecret(CQL_MANAGER_PASSWORD_KEY),
    cqlReplicationPassword: secrets.getSecret(CQL_REPLICATION_PASSWORD_KEY),
    alertWebhookUrl: secrets.getSecret(ALERT_WEBHOOK_URL_KEY),
  };
  const missing = missingSecrets(plan, read);
  if (missing.length > 0) {
    // A deployment stops before any resource is touched; a preview (and the offline synth)
    // warns and goes on, since the rendered objects have the same shape.
    if (!pulumi.runtime.isDryRun()) throw new ConfigError(missing, "secret config");
    for (const issue of missing) pulumi.log.warn(`${issue.path}: ${issue.message}`);
  }
  // At preview without a secret, objects render with a stand-in (still secret) so their shape can be reviewed.
  const standIn = (key: string) => pulumi.secret(`preview-stand-in-${key}`);
  const environment = new Environment(plan.environment, {
    plan,
    ...(read.agentAuthToken ? { agentAuthToken: read.agentAuthToken } : {}),
    cql: {
      superuser: read.cqlSuperuserPassword ?? standIn(CQL_SUPERUSER_PASSWORD_KEY),
      manager: read.cqlManagerPassword ?? standIn(CQL_MANAGER_PASSWORD_KEY),
      replication: read.cqlReplicationPassword ?? standIn(CQL_REPLICATION_PASSWORD_KEY),
    },
    ...(read.alertWebhookUrl ? { alertWebhookUrl: read.alertWebhookUrl } : {}),
  });
  return {
    plan,
    environment,
    outputs: {
      // The check reads the levels to apply from this output, in a synth and a real export alike (policies/config.ts).
      tier: plan.tier,
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

/** The secret config values the program reads (undefined when unset). */
export interface DeploymentSecrets {
  readonly agentAuthToken?: unknown;
  readonly cqlSuperuserPassword?: unknown;
  readonly cqlManagerPassword?: unknown;
  readonly cqlReplicationPassword?: unknown;
  readonly alertWebhookUrl?: unknown;
}

const setSecret = (key: string, value: string) => `\`pulumi config set --secret scylla-ha-stack:${key} ${value}\``;
const NEW_PASSWORD = '"$(openssl rand -hex 24)"';

export const CQL_SUPERUSER_MISSING =
  `every DC's scylla.yaml creates the CQL superuser from its salted password at first boot (never cassandra/cassandra): set it with ${setSecret(CQL_SUPERUSER_PASSWORD_KEY, NEW_PASSWORD)}`;
export const CQL_MANAGER_MISSING = `Scylla Manager needs its own CQL role to back up the schema: set its password with ${setSecret(CQL_MANAGER_PASSWORD_KEY, NEW_PASSWORD)}`;
export const CQL_REPLICATION_MISSING = `the replication procedure runs as its own CQL role: set its password with ${setSecret(CQL_REPLICATION_PASSWORD_KEY, NEW_PASSWORD)}`;
export const ALERT_WEBHOOK_MISSING = `Alertmanager needs a receiver or alerts go nowhere: set a webhook URL with ${setSecret(ALERT_WEBHOOK_URL_KEY, "https://…")}`;

/** Secrets the plan needs that config does not hold, as config issues naming the key and how to set it. */
export function missingSecrets(plan: EnvironmentPlan, secrets: DeploymentSecrets): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const withDatacenter = plan.regions.filter((r) => r.hasDatacenter);
  const need = (present: unknown, when: boolean, path: string, message: string) => {
    if (present === undefined && when) issues.push({ path, message });
  };
  need(secrets.agentAuthToken, withDatacenter.length > 1, AGENT_AUTH_TOKEN_KEY, AGENT_TOKEN_MISSING);
  need(secrets.cqlSuperuserPassword, withDatacenter.length > 0, CQL_SUPERUSER_PASSWORD_KEY, CQL_SUPERUSER_MISSING);
  need(secrets.cqlManagerPassword, withDatacenter.some((r) => r.hostsManager), CQL_MANAGER_PASSWORD_KEY, CQL_MANAGER_MISSING);
  need(secrets.cqlReplicationPassword, plan.regions.some((r) => r.holdsReplicas), CQL_REPLICATION_PASSWORD_KEY, CQL_REPLICATION_MISSING);
  need(
    secrets.alertWebhookUrl,
    plan.monitoring.enabled && plan.regions.some((r) => r.holdsReplicas || r.lost),
    ALERT_WEBHOOK_URL_KEY,
    ALERT_WEBHOOK_MISSING,
  );
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
