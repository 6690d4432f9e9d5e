/**
 * `scylla-ha rehearse` (`npm run rehearse --`): what the update would run
 * against ScyllaDB, in order — which DC starts when and through which seeds,
 * what the replication Job waits for, each CQL statement, which nodes
 * rebuild, the Manager repair — by running the real rendered scripts with
 * bash against the ScyllaDB simulator (test/helpers/sim), in a world built
 * from the state the update starts from (`--previous`). Flags: the `rehearse`
 * entry of commands.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DeployedState, EnvironmentPlan } from "../components/plan";
import { UsageError, parseFlags } from "./args";
import { type CommandResult, usageFailure } from "./command";
import { SIM_DIR, type SimKeyspace, SimWorld, freshKeyspaces, ks } from "./simulator";
import { synthForCommand, synthInputs } from "./synth-inputs";

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

  const world = worldOf(plan, previous);
  try {
    // The rehearsal's polls end sooner than a real Job's: the simulator answers at once.
    const run = (script: string, region: string) => world.run(script, plan.regions.find((r) => r.key === region)!.datacenter, { POLL_LIMIT: "20" });
    out.push("", `run against the simulator (${procedure.region}):`);
    const main = run(renderProcedureScript(plan, procedure), procedure.region);
    out.push(...indent(main.stdout), ...indent(main.stderr));
    let code = main.code === 0 ? 0 : 1;
    if (code === 0 && procedure.repair) {
      out.push("", `then the repair Job (${procedure.repair.region}):`);
      const repair = run(renderRepairScript(plan, procedure.repair.keyspaces), procedure.repair.region);
      out.push(...indent(repair.stdout), ...indent(repair.stderr));
      if (repair.code !== 0) code = 1;
    }
    const state = world.read();
    out.push("", `rebuilt: ${state.rebuilds.map((r) => `${r.pod} from ${r.source}`).join(", ") || "nothing"}`);
    if (state.violations.length > 0) {
      code = 1;
      out.push(`simulator violations: ${state.violations.join("; ")}`);
    }
    out.push(code === 0 ? "rehearsal passed" : "rehearsal FAILED: the update would stop here");
    return { code, stdout: `${out.join("\n")}\n`, stderr: "" };
  } finally {
    world.dispose();
  }
}

const indent = (text: string) => text.split("\n").filter(Boolean).map((l) => `  ${l}`);

/** The simulator's world as the update finds it: live DCs up, keyspaces where the previous update left them. */
function worldOf(plan: EnvironmentPlan, previous: DeployedState | undefined): SimWorld {
  const replicatedBefore = new Set(
    Object.entries(previous?.regions ?? {})
      .filter(([key, r]) => REPLICATED.includes(r.phase) && plan.regions.some((p) => p.key === key && !p.lost))
      .map(([, r]) => r.datacenter),
  );
  let keyspaces: Record<string, SimKeyspace>;
  if (replicatedBefore.size === 0) keyspaces = freshKeyspaces();
  else {
    keyspaces = {};
    for (const k of plan.keyspaces) keyspaces[k.name] = ks(k.tablets, Object.fromEntries([...replicatedBefore].map((dc) => [dc, k.declared[dc] ?? 0])));
    const system = Object.fromEntries(plan.regions.filter((r) => replicatedBefore.has(r.datacenter)).map((r) => [r.datacenter, Math.min(3, r.racks.length)]));
    for (const name of ["system_distributed", "system_traces"]) keyspaces[name] = ks(false, system);
  }
  const manager = plan.regions.find((r) => r.key === plan.managerRegion);
  return new SimWorld({
    clusterName: plan.scylla.clusterName,
    namespace: plan.scylla.namespace,
    // Every rack of a DC has the region's nodesPerRack members.
    datacenters: plan.regions
      .filter((r) => r.hasDatacenter && !r.lost)
      .map((r) => ({ name: r.datacenter, racks: r.racks.map((rack) => rack.name), nodesPerRack: r.racks[0]?.members ?? 0 })),
    keyspaces,
    ...(manager ? { managerDatacenter: manager.datacenter } : {}),
  });
}
