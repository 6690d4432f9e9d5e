/**
 * `scylla-ha rehearse` (`npm run rehearse --`): what the update would run
 * against ScyllaDB, in order — which DC starts when and through which seeds,
 * what the replication Job waits for, each CQL statement, which nodes
 * rebuild, the Manager repair — by running the real rendered scripts with
 * bash against the ScyllaDB simulator (test/helpers/sim), in a world built
 * from the state the update starts from (`--previous`). Flags: the `rehearse`
 * entry of commands.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DeployedState, EnvironmentPlan } from "../components/plan";
import { PROJECT_ROOT } from "../stacks/paths";
import { UsageError, parseFlags } from "./args";
import { type CommandResult, usageFailure } from "./command";
import { synthForCommand, synthInputs } from "./synth-inputs";

const SIM_DIR = path.join(PROJECT_ROOT, "test", "helpers", "sim");
const ROLE = { name: "scylla_ha_replication", password: "rehearsal" };
const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";
const REPLICATED = ["replicated", "serving"];

export async function runRehearse(argv: readonly string[]): Promise<CommandResult> {
  try {
    return await rehearse(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure("rehearse", err);
    throw err;
  }
}

async function rehearse(argv: readonly string[]): Promise<CommandResult> {
  const flags = parseFlags(argv, { stack: { type: "string" }, config: { type: "string" }, previous: { type: "string" } });
  if (!flags.stack) throw new UsageError("--stack is required");
  const inputs = synthInputs({ stack: flags.stack, config: flags.config, previous: flags.previous });
  if (!fs.existsSync(path.join(SIM_DIR, "sim.js"))) return { code: 2, stdout: "", stderr: `rehearse: the simulator is not in this checkout (${SIM_DIR})\n` };
  const { parseRolloutState } = await import("../stacks/rollout.js");
  const { renderProcedureScript, renderRepairScript, procedureSummary } = await import("../components/scylla/replication-script.js");
  const synth = await synthForCommand(inputs);
  if (!synth.ok) return { code: 2, stdout: "", stderr: `${synth.message}\n` };
  const plan: EnvironmentPlan = synth.result.plan;
  const previous = parseRolloutState(inputs.previousOutputs?.rollout);
  const out: string[] = [`rehearsal of ${inputs.stack}${flags.previous ? ` from ${flags.previous}` : " (its first update)"}`, "", "bootstrap:"];
  for (const r of plan.regions.filter((x) => x.hasDatacenter)) {
    if (r.lost) {
      out.push(`  ${r.datacenter}: lost (frozen; clean-up commands in the regionLoss output)`);
      continue;
    }
    const seeds = r.seedDatacenters.length > 0 ? `joins through seeds of ${r.seedDatacenters.join(", ")}` : "starts seedless: founds the cluster";
    const after = r.bootstrapAfter ? `, created once ${plan.regions.find((o) => o.key === r.bootstrapAfter)!.datacenter} is Available` : "";
    out.push(`  ${r.datacenter}: ${seeds}${after}`);
  }
  const procedure = plan.procedure;
  if (!procedure) {
    out.push("", "replication: none in this update (no datacenter enters or leaves replication)");
    return { code: 0, stdout: `${out.join("\n")}\n`, stderr: "" };
  }
  out.push("", `replication Job in ${procedure.region}:`, ...procedureSummary(procedure).map((l) => `  ${l}`));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scylla-rehearse-"));
  try {
    const statePath = path.join(dir, "state.json");
    fs.writeFileSync(statePath, JSON.stringify(worldOf(plan, previous)));
    const run = (script: string, region: string) => {
      const file = path.join(dir, `${region}-${Math.random().toString(36).slice(2)}.sh`);
      fs.writeFileSync(file, script);
      return spawnSync("bash", [file], {
        encoding: "utf8",
        env: {
          PATH: `${path.join(SIM_DIR, "bin")}:${process.env.PATH}`,
          HOME: dir,
          SIM_STATE: statePath,
          SIM_CLUSTER: plan.regions.find((r) => r.key === region)!.datacenter,
          CQL_USERNAME: ROLE.name,
          CQL_PASSWORD: ROLE.password,
          POLL_SECONDS: "0",
          POLL_LIMIT: "20",
          PROGRESS_SECONDS: "0.01",
        },
      });
    };
    out.push("", `run against the simulator (${procedure.region}):`);
    const main = run(renderProcedureScript(plan, procedure), procedure.region);
    out.push(...indent(main.stdout), ...indent(main.stderr));
    let code = main.status === 0 ? 0 : 1;
    if (code === 0 && procedure.repair) {
      out.push("", `then the repair Job (${procedure.repair.region}):`);
      const repair = run(renderRepairScript(plan, procedure.repair.keyspaces), procedure.repair.region);
      out.push(...indent(repair.stdout), ...indent(repair.stderr));
      if (repair.status !== 0) code = 1;
    }
    const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as { violations: string[]; rebuilds: { pod: string; source: string }[] };
    out.push("", `rebuilt: ${state.rebuilds.map((r) => `${r.pod} from ${r.source}`).join(", ") || "nothing"}`);
    if (state.violations.length > 0) {
      code = 1;
      out.push(`simulator violations: ${state.violations.join("; ")}`);
    }
    out.push(code === 0 ? "rehearsal passed" : "rehearsal FAILED: the update would stop here");
    return { code, stdout: `${out.join("\n")}\n`, stderr: "" };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const indent = (text: string) => text.split("\n").filter(Boolean).map((l) => `  ${l}`);

/** The simulator's world as the update finds it: live DCs up, keyspaces where the previous update left them. */
function worldOf(plan: EnvironmentPlan, previous: DeployedState | undefined) {
  const live = plan.regions.filter((r) => r.hasDatacenter && !r.lost);
  const replicatedBefore = new Set(
    Object.entries(previous?.regions ?? {})
      .filter(([key, r]) => REPLICATED.includes(r.phase) && plan.regions.some((p) => p.key === key && !p.lost))
      .map(([, r]) => r.datacenter),
  );
  const keyspaces: Record<string, { tablets: boolean; views: number; replication: Record<string, string> }> = {};
  const system = (rf: number) => ({ tablets: false, views: 0, replication: { class: "org.apache.cassandra.locator.SimpleStrategy", replication_factor: String(rf) } });
  if (replicatedBefore.size === 0) {
    keyspaces.system_distributed = system(3);
    keyspaces.system_traces = system(2);
  } else {
    for (const ks of plan.keyspaces) {
      keyspaces[ks.name] = { tablets: ks.tablets, views: 0, replication: { class: NTS, ...Object.fromEntries([...replicatedBefore].map((dc) => [dc, String(ks.declared[dc] ?? 0)])) } };
    }
    for (const name of ["system_distributed", "system_traces"]) {
      const map = Object.fromEntries(plan.regions.filter((r) => replicatedBefore.has(r.datacenter)).map((r) => [r.datacenter, String(Math.min(3, r.racks.length))]));
      keyspaces[name] = { tablets: false, views: 0, replication: { class: NTS, ...map } };
    }
  }
  const manager = plan.regions.find((r) => r.key === plan.managerRegion);
  return {
    clusterName: plan.scylla.clusterName,
    namespace: plan.scylla.namespace,
    config: { rf_rack_valid_keyspaces: false },
    datacenters: Object.fromEntries(
      live.map((r) => [
        r.datacenter,
        { nodes: r.racks.flatMap((rack) => Array.from({ length: rack.members }, (_, i) => ({ pod: `${plan.scylla.clusterName}-${r.datacenter}-${rack.name}-${i}`, rack: rack.name, status: "UN" }))) },
      ]),
    ),
    keyspaces,
    roles: {
      [ROLE.name]: {
        ...ROLE,
        grants: [
          { permission: "CREATE", resource: "ALL KEYSPACES" },
          { permission: "ALTER", resource: "ALL KEYSPACES" },
          { permission: "SELECT", resource: "system_schema" },
        ],
      },
    },
    ...(manager ? { manager: { datacenter: manager.datacenter, labels: { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } } } : {}),
    managerCluster: `${plan.scylla.namespace}/${plan.scylla.clusterName}`,
    faults: [],
    ongoing: {},
    log: [],
    changes: [],
    rebuilds: [],
    repairs: [],
    violations: [],
  };
}
