/**
 * Every shell script the stack renders passes `<shell> -n` and shellcheck for
 * the shell that runs it: the scripts in ConfigMaps (`*.sh`, run with bash) and
 * every inline `bash -c` / `sh -c` container command, in every committed
 * environment and in a restore. Found by walking the rendered objects, so a new
 * script is checked without anyone listing it here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { AWS_DEPLOYER, awsRegion, environment } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";
import { lintScript } from "./helpers/sim";

interface Script {
  readonly where: string;
  readonly shell: "bash" | "sh";
  readonly text: string;
}

const SHELLS: Record<string, "bash" | "sh"> = { "/bin/bash": "bash", bash: "bash", "/bin/sh": "sh", sh: "sh" };

function renderedScripts(result: SynthResult): Script[] {
  const out: Script[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
    if (!value || typeof value !== "object") return;
    const o = value as Record<string, unknown>;
    const command = o.command;
    if (Array.isArray(command) && typeof command[0] === "string" && SHELLS[command[0]] && command[1] === "-c" && typeof command[2] === "string") {
      out.push({ where: `${where}.command`, shell: SHELLS[command[0]]!, text: command[2] });
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
  };
  for (const r of result.resources) {
    if (!r.type.startsWith("kubernetes:")) continue;
    if (r.type === "kubernetes:core/v1:ConfigMap") {
      for (const [key, text] of Object.entries((r.inputs.data as Record<string, string> | undefined) ?? {})) {
        if (key.endsWith(".sh")) out.push({ where: `${r.name}/${key}`, shell: "bash", text });
      }
    }
    walk(r.inputs, r.name);
  }
  return out;
}

const RESTORE = { location: "s3:scylla-ha-test-us-west-2-backup", snapshotTag: "sm_20260102030405UTC", sourceDatacenter: "us-east-1" };

describe("every rendered script", () => {
  const results: Record<string, SynthResult> = {};
  beforeAll(async () => {
    for (const stack of ["dev", "staging", "prod"]) results[stack] = await synthStack(stack);
    results.restore = await synthStack("test", environment([awsRegion("use1", "us-east-1", 0, { phase: "datacenter", restore: RESTORE })], { deployer: AWS_DEPLOYER }));
  }, 120_000);

  it("is found: the roles, replication and repair scripts, Manager's credentials hand-over, the restore steps", () => {
    const names = (r: SynthResult) => renderedScripts(r).map((s) => s.where);
    expect(names(results.prod!).some((w) => w.endsWith("/roles.sh"))).toBe(true);
    expect(names(results.prod!).some((w) => w.endsWith("/procedure.sh"))).toBe(true);
    expect(names(results.prod!).some((w) => w.includes("manager-cql-credentials") && w.endsWith(".command"))).toBe(true);
    expect(renderedScripts(results.restore!).filter((s) => s.shell === "sh").length).toBeGreaterThanOrEqual(2);
  });

  it.each(["dev", "staging", "prod", "restore"])("%s: passes -n and shellcheck for its shell", (name) => {
    const scripts = renderedScripts(results[name]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(lintScript(s.text, s.shell), `${s.where} (${s.shell})`).toBe("");
  });
});
