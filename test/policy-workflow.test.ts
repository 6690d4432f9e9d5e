import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../cli/report/markdown";
import { committedStacks } from "../stacks/config";

const DIR = path.resolve(__dirname, "..", ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(read(file)) as Record<string, any>;
const step = (job: Record<string, any>, uses: string) => job.steps.find((s: Record<string, string>) => s.uses?.startsWith(uses));

describe("GitHub workflows", () => {
  it.each(fs.readdirSync(DIR))("%s validates against the GitHub workflow schema", (file) => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it("the validator rejects a malformed workflow", () => {
    expect(validateWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n").errors.length).toBeGreaterThan(0);
  });

  it("pr.yml: a secret-free job for forks runs tests and checks every environment; mandatory violations fail it", () => {
    const pr = load("pr.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(pr.permissions).toEqual({ contents: "read" });
    const job = pr.jobs["offline-check"];
    expect(job.permissions).toBeUndefined();
    expect(job.if).toBeUndefined();
    expect(JSON.stringify(job)).not.toContain("secrets.");
    const runs = job.steps.map((s: Record<string, string>) => s.run).filter(Boolean);
    expect(runs.slice(0, 2)).toEqual(["npm ci", "npm test"]);
    expect(runs[2]).toContain("for config in stacks/Pulumi.*.yaml; do");
    for (const format of ["json", "markdown", "sarif"]) expect(runs[2]).toContain(`npm run --silent check -- --stack "$env" --format ${format}`);
    expect(runs[2]).toContain(`echo '${COMMENT_MARKER}'`);
    expect(runs[2]).toMatch(/exit "\$worst"\n$/);
    expect(step(job, "actions/upload-artifact")).toMatchObject({ if: "always()", with: { name: "policy-report", path: "out/policy" } });
  });

  it("pr.yml: same-repository PRs get a pulumi preview per environment with the policy pack and OIDC credentials", () => {
    const job = load("pr.yml").jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(job.strategy.matrix.include.map((m: Record<string, string>) => m.stack).sort()).toEqual(committedStacks());
    expect(step(job, "pulumi/actions").with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policies", policyPackConfigs: "policies/${{ matrix.stack }}.json", "comment-on-pr": true });
    expect(step(job, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    expect(step(job, "google-github-actions/auth").with.workload_identity_provider).toBe("${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}");
  });

  it("pr-comment.yml posts one sticky comment and the SARIF from the PR run, verifying the PR number", () => {
    const wf = load("pr-comment.yml");
    expect(wf.on.workflow_run).toEqual({ workflows: [load("pr.yml").name], types: ["completed"] });
    expect(wf.permissions).toMatchObject({ "pull-requests": "write", "security-events": "write" });
    const job = wf.jobs.comment;
    expect(step(job, "actions/download-artifact").with).toMatchObject({ name: "policy-report", "run-id": "${{ github.event.workflow_run.id }}" });
    const scripts = job.steps.filter((s: Record<string, any>) => s.uses?.startsWith("actions/github-script")).map((s: Record<string, any>) => s.with.script as string);
    expect(scripts[0]).toContain("pr.head.sha !== process.env.HEAD_SHA");
    expect(scripts[1]).toContain(`const marker = "${COMMENT_MARKER}";`);
    expect(scripts[1]).toContain("github.rest.issues.updateComment");
    expect(step(job, "github/codeql-action/upload-sarif").with).toMatchObject({ sarif_file: "report/sarif", sha: "${{ github.event.workflow_run.head_sha }}" });
  });

  it("deploy.yml runs pulumi up per environment on main, dev → staging → prod, each in its GitHub environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on.push).toEqual({ branches: ["main"] });
    const jobs = wf.jobs as Record<string, Record<string, any>>;
    expect(Object.keys(jobs).sort()).toEqual(committedStacks());
    expect([jobs.dev!.needs, jobs.staging!.needs, jobs.prod!.needs]).toEqual([undefined, "dev", "staging"]);
    for (const [name, job] of Object.entries(jobs)) expect(job).toMatchObject({ uses: "./.github/workflows/pulumi-up.yml", with: { stack: name } });
    const up = load("pulumi-up.yml").jobs.up;
    expect(up.environment).toBe("${{ inputs.stack }}");
    expect(up.steps.map((s: Record<string, string>) => s.run).filter(Boolean)).toEqual(["npm ci", 'npm run check -- --stack "${{ inputs.stack }}"']);
    expect(step(up, "pulumi/actions").with).toMatchObject({ command: "up", policyPacks: "policies", policyPackConfigs: "policies/${{ inputs.stack }}.json" });
  });
});
