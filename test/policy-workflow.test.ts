import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../cli/report/markdown";
import { ALL_POLICIES } from "../policies/rules/all";
import { committedStacks } from "../stacks/config";
import type { GraphBuilder } from "./helpers/graph-builder";
import { awsEnvironment } from "./helpers/policy-env";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR);
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(read(file)) as Record<string, any>;
type Step = Record<string, any>;
const step = (job: Record<string, any>, uses: string): Step => (job.steps ?? []).find((s: Step) => s.uses?.startsWith(uses));
const steps = (job: Record<string, any>, uses: string): Step[] => (job.steps ?? []).filter((s: Step) => s.uses?.startsWith(uses));
const runs = (job: Record<string, any>): string[] => job.steps.map((s: Step) => s.run).filter(Boolean);
const allJobs = () => FILES.flatMap((f) => Object.entries(load(f).jobs as Record<string, Record<string, any>>).map(([name, job]) => [`${f}:${name}`, job] as const));

describe("GitHub workflows", () => {
  it.each(FILES)("%s validates against the GitHub workflow schema", (file) => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it("the validator rejects a malformed workflow", () => {
    expect(validateWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n").errors.length).toBeGreaterThan(0);
  });

  it("every third-party action is pinned to a full commit SHA with its tag beside it, the same SHA everywhere", () => {
    const pins = new Map<string, Set<string>>();
    const lines = FILES.flatMap((f) => read(f).split("\n").map((line) => [f, line] as const)).filter(([, l]) => /^\s*(- )?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(15);
    for (const [file, line] of lines) {
      const uses = line.replace(/^\s*(- )?uses:\s*/, "");
      if (uses.startsWith("./")) continue; // this repository's own reusable workflow, at the caller's commit
      const m = /^([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(uses);
      expect(m, `${file}: ${uses}`).not.toBeNull();
      pins.set(m![1]!, new Set([...(pins.get(m![1]!) ?? []), `${m![2]} ${m![3]}`]));
    }
    for (const [action, versions] of pins) expect([action, versions.size]).toEqual([action, 1]);
    expect([...pins.keys()].sort()).toEqual([
      "actions/checkout",
      "actions/download-artifact",
      "actions/github-script",
      "actions/setup-node",
      "actions/upload-artifact",
      "aws-actions/configure-aws-credentials",
      "github/codeql-action/upload-sarif",
      "google-github-actions/auth",
      "google-github-actions/setup-gcloud",
      "pulumi/actions",
    ]);
  });

  it("no script interpolates an expression: inputs and event fields reach `run` through env", () => {
    for (const [where, job] of allJobs()) {
      for (const s of (job.steps ?? []) as Step[]) if (s.run) expect(s.run, `${where}: ${s.name ?? s.run}`).not.toContain("${{");
      for (const s of (job.steps ?? []) as Step[]) if (s.with?.script) expect(s.with.script, where).not.toContain("${{");
    }
  });

  it("no checkout leaves the token in the git config", () => {
    for (const [where, job] of allJobs()) for (const s of steps(job, "actions/checkout")) expect(s.with?.["persist-credentials"], where).toBe(false);
  });

  it("pr.yml synth: the PR's code runs without secrets (forks included), tests, and hands on only the exports", () => {
    const pr = load("pr.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(pr.permissions).toEqual({ contents: "read" });
    expect(Object.keys(pr.jobs)).toEqual(["synth", "gate", "preview"]);
    const job = pr.jobs.synth;
    expect([job.permissions, job.if, job.environment]).toEqual([undefined, undefined, undefined]);
    expect(JSON.stringify(job)).not.toContain("secrets.");
    expect(steps(job, "actions/checkout").map((s) => s.with)).toEqual([{ "persist-credentials": false }]);
    expect(runs(job).slice(0, 2)).toEqual(["npm ci", "npm test"]);
    expect(runs(job)[2]).toContain("for config in stacks/Pulumi.*.yaml; do");
    expect(runs(job)[2]).toContain('npm run --silent synth -- --stack "$env" --out out/synth');
    expect(runs(job)[2]).not.toContain("check");
    expect(steps(job, "actions/upload-artifact").map((s) => s.with)).toEqual([{ name: "exports", path: "out/exports", "if-no-files-found": "error", "retention-days": 7 }]);
  });

  it("pr.yml gate: the base branch's checker, pack and levels judge the PR's exports, and never the PR's code", () => {
    const job = load("pr.yml").jobs.gate;
    expect(job.needs).toBe("synth");
    expect([job.permissions, job.environment]).toEqual([undefined, undefined]);
    expect(JSON.stringify(job)).not.toContain("secrets.");
    // One checkout, of the base commit: nothing from the PR is on disk but the artifact.
    expect(steps(job, "actions/checkout").map((s) => s.with)).toEqual([{ ref: "${{ github.event.pull_request.base.sha }}", "persist-credentials": false }]);
    expect(step(job, "actions/download-artifact").with).toEqual({ name: "exports", path: "${{ runner.temp }}/exports" });
    expect(runs(job)).toHaveLength(2);
    expect(runs(job)[0]).toBe("npm ci");
    const judge = job.steps.find((s: Step) => s.run && s.run !== "npm ci");
    expect(judge.env).toMatchObject({ EXPORTS: "${{ runner.temp }}/exports", PR_NUMBER: "${{ github.event.pull_request.number }}" });
    const script = judge.run as string;
    expect(script).not.toMatch(/npm (test|ci)|npm run[^\n]* synth|tsx /);
    expect(script).toContain('for export in "$EXPORTS"/*.export.json; do');
    // The environment's levels come from base's file for the export's file name, not from what the export claims.
    expect(script).toContain('if [ -f "policies/$env.json" ]; then levels=(--policy-config "policies/$env.json"); fi');
    expect(script).toContain('npm run --silent check -- --export "$export" "${levels[@]}" --format text \\\n');
    for (const format of ["json", "markdown", "sarif"]) expect(script).toMatch(new RegExp(`--report ${format}="\\$REPORT/`));
    expect(script).toContain('if [ "$claimed" != "$env" ]; then fail');
    expect(script).toContain('fail "no export of environment $env, which the base branch deploys" 2');
    expect(script).toContain("echo '" + COMMENT_MARKER + "'");
    expect(script).toMatch(/exit "\$worst"\n$/);
    expect(step(job, "actions/upload-artifact")).toMatchObject({ if: "always()", with: { name: "policy-report", path: "${{ runner.temp }}/policy-report" } });
  });

  it("pr.yml preview: same-repository PRs only, in the preview environment, with base's pack at the levels the gate applied", () => {
    const job = load("pr.yml").jobs.preview;
    expect(job.needs).toBe("gate");
    expect(job.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.environment).toBe("preview");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(job.strategy.matrix.include.map((m: Record<string, string>) => m.stack).sort()).toEqual(committedStacks());
    expect(steps(job, "actions/checkout").map((s) => s.with)).toEqual([
      { "persist-credentials": false },
      { ref: "${{ github.event.pull_request.base.sha }}", path: ".base", "persist-credentials": false },
    ]);
    expect(runs(job)).toEqual(["npm ci", "npm ci --prefix .base"]);
    expect(step(job, "pulumi/actions").with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      policyPacks: ".base/policies",
      policyPackConfigs: "${{ runner.temp }}/policy-report/levels/${{ matrix.stack }}.json",
      "comment-on-pr": true,
    });
    expect(step(job, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    expect(step(job, "google-github-actions/auth").with.workload_identity_provider).toBe("${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}");
    expect(step(job, "google-github-actions/setup-gcloud")).toMatchObject({ if: "matrix.cloud == 'gcp'", with: { install_components: "gke-gcloud-auth-plugin" } });
  });

  it("pr-comment.yml posts one sticky comment and the SARIF from the gate, verifying the PR number, checking out nothing", () => {
    const wf = load("pr-comment.yml");
    expect(wf.on.workflow_run).toEqual({ workflows: [load("pr.yml").name], types: ["completed"] });
    expect(wf.permissions).toMatchObject({ "pull-requests": "write", "security-events": "write" });
    const job = wf.jobs.comment;
    expect(steps(job, "actions/checkout")).toEqual([]);
    expect(step(job, "actions/download-artifact").with).toMatchObject({ name: "policy-report", "run-id": "${{ github.event.workflow_run.id }}" });
    const scripts = steps(job, "actions/github-script").map((s) => s.with.script as string);
    expect(scripts[0]).toContain("pr.head.sha !== process.env.HEAD_SHA");
    expect(scripts[1]).toContain(`const marker = "${COMMENT_MARKER}";`);
    expect(scripts[1]).toContain("github.rest.issues.updateComment");
    expect(step(job, "github/codeql-action/upload-sarif").with).toMatchObject({ sarif_file: "report/sarif", sha: "${{ github.event.workflow_run.head_sha }}" });
  });

  it("deploy.yml runs pulumi up per environment from main only, dev → staging → prod, each in its GitHub environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    const jobs = wf.jobs as Record<string, Record<string, any>>;
    expect(Object.keys(jobs).sort()).toEqual(committedStacks());
    expect([jobs.dev!.needs, jobs.staging!.needs, jobs.prod!.needs]).toEqual([undefined, "dev", "staging"]);
    for (const [name, job] of Object.entries(jobs)) expect(job).toMatchObject({ if: "github.ref == 'refs/heads/main'", uses: "./.github/workflows/pulumi-up.yml", with: { stack: name } });
    const up = load("pulumi-up.yml").jobs.up;
    expect(up.if).toBe("github.ref == 'refs/heads/main'");
    expect(up.environment).toBe("${{ inputs.stack }}");
    const gate = up.steps.find((s: Step) => s.run?.includes("check"));
    expect(gate.env).toEqual({ STACK: "${{ inputs.stack }}", LEVELS: "${{ runner.temp }}/levels.json" });
    expect(gate.run).toContain('npm run --silent check -- --stack "$STACK" --format text --report json="$RUNNER_TEMP/check.json"');
    expect(gate.run).toContain(`require(process.argv[1]).levels.policies, null, 2))' "$RUNNER_TEMP/check.json" > "$LEVELS"`);
    expect(step(up, "pulumi/actions").with).toMatchObject({ command: "up", policyPacks: "policies", policyPackConfigs: "${{ runner.temp }}/levels.json" });
    // GKE's kubeconfig needs the auth plugin, installed after the GCP credentials.
    const order = up.steps.map((s: Step) => s.uses?.split("@")[0]);
    expect(order.indexOf("google-github-actions/setup-gcloud")).toBe(order.indexOf("google-github-actions/auth") + 1);
    expect(step(up, "google-github-actions/setup-gcloud")).toMatchObject({ if: "inputs.cloud == 'gcp'", with: { install_components: "gke-gcloud-auth-plugin" } });
  });
});

/** The stack's `tier` output on its root Stack resource, as stacks/program.ts exports it. */
function withTier(b: GraphBuilder, tier: string): GraphBuilder {
  const root = b.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
  root.outputs = { ...root.outputs, tier };
  return b;
}

/** Runs pr.yml's gate script for real, in this checkout as the base branch, over the given exports. */
function runGate(exports: Record<string, unknown>): Promise<{ code: number; stdout: string; report: string }> {
  const judge = load("pr.yml").jobs.gate.steps.find((s: Step) => s.run && s.run !== "npm ci");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
  const dir = path.join(tmp, "exports");
  fs.mkdirSync(dir);
  for (const [file, doc] of Object.entries(exports)) fs.writeFileSync(path.join(dir, file), JSON.stringify(doc));
  const report = path.join(tmp, "policy-report");
  const env = { ...process.env, EXPORTS: dir, REPORT: report, PR_NUMBER: "42", HEAD_SHA: "a".repeat(40), BASE_SHA: "b".repeat(40), SCYLLA_HA_FROM_SOURCE: "1" };
  return new Promise((resolve) => {
    execFile("bash", ["-c", judge.run], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, report }),
    );
  });
}

describe("pr.yml gate script, run for real with this checkout as the base branch", () => {
  const clean = () => ({
    "dev.export.json": withTier(awsEnvironment("dev"), "development").toExport(),
    "prod.export.json": withTier(awsEnvironment("prod"), "production").toExport(),
    "staging.export.json": withTier(awsEnvironment("staging"), "staging").toExport(),
  });

  it("passes clean exports and leaves the comment, the SARIF and each environment's complete level set", async () => {
    const { code, stdout, report } = await runGate(clean());
    expect(code, stdout).toBe(0);
    const comment = fs.readFileSync(path.join(report, "comment.md"), "utf8");
    expect(comment.startsWith(`${COMMENT_MARKER}\n## Policy check\n`)).toBe(true);
    expect(comment).toContain(`judged by the policy pack, checker and levels of the base branch at ${"b".repeat(8)}.`);
    for (const env of ["dev", "prod", "staging"]) expect(comment).toContain(`**${env}**`);
    expect(fs.readFileSync(path.join(report, "pr-number"), "utf8")).toBe("42\n");
    expect(fs.readdirSync(path.join(report, "sarif")).sort()).toEqual(["dev.sarif", "prod.sarif", "staging.sarif"]);
    const prod = JSON.parse(fs.readFileSync(path.join(report, "levels", "prod.json"), "utf8"));
    expect(Object.keys(prod)).toEqual(ALL_POLICIES.map((p) => p.name));
    expect(prod["scylla-raft-majority"]).toEqual({ enforcementLevel: "mandatory", minDatacenters: 3 });
    expect(JSON.parse(fs.readFileSync(path.join(report, "levels", "dev.json"), "utf8"))["nat-gateway-per-zone"]).toEqual({ enforcementLevel: "advisory" });
  }, 120_000);

  it("judges a PR that lowers prod's tier at base's production levels, and refuses exports that lie or are missing", async () => {
    const exports: Record<string, unknown> = clean();
    // The PR set prod's tier to development and dropped the S3 endpoint; base's policies/prod.json still pins production.
    exports["prod.export.json"] = withTier(awsEnvironment("prod").remove("prod-use1-s3"), "development").toExport();
    // An export whose stack is not the environment its file claims, and no dev export at all.
    exports["staging.export.json"] = withTier(awsEnvironment("qa"), "staging").toExport();
    delete exports["dev.export.json"];
    const { code, stdout, report } = await runGate(exports);
    expect(code).toBe(2);
    expect(stdout).toContain("::error::mandatory policy violations in prod\n");
    expect(stdout).toContain("::error::staging.export.json holds stack 'qa'\n");
    expect(stdout).toContain("::error::no export of environment dev, which the base branch deploys\n");
    const levels = JSON.parse(fs.readFileSync(path.join(report, "prod.json"), "utf8")).levels;
    expect([levels.tier, levels.files]).toEqual(["production", ["policies/levels/production.json", "policies/prod.json"]]);
    expect(fs.existsSync(path.join(report, "levels", "staging.json"))).toBe(false);
  }, 120_000);
});

describe("CODEOWNERS", () => {
  const rules = fs
    .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(/\s+/));

  /** GitHub's rule: the last matching pattern decides (gitignore syntax; the subset this file uses). */
  function owners(file: string): string[] {
    let found: string[] = [];
    for (const [pattern, ...who] of rules) {
      const anchored = pattern!.replace(/^\//, "");
      const re = anchored.endsWith("/")
        ? new RegExp(`^${escape(anchored)}`)
        : new RegExp(`^${anchored.split("*").map(escape).join("[^/]*")}$`);
      if (re.test(file)) found = who;
    }
    return found;
  }
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

  it.each(["policies/prod.json", "policies/levels/production.json", "policies/rules/network.ts", "cli/check.ts", "cli/report/markdown.ts", ".github/workflows/pr.yml", ".github/CODEOWNERS", "stacks/Pulumi.prod.yaml"])(
    "%s needs its owners' review",
    (file) => {
      expect(owners(file)).toEqual(["@scylla-ha-stack/platform-owners"]);
    },
  );

  it("leaves the rest of the code to ordinary review", () => {
    expect([owners("components/aws/network.ts"), owners("stacks/program.ts"), owners("README.md")]).toEqual([[], [], []]);
  });
});
