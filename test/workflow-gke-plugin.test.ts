/**
 * Every workflow job that previews or deploys a GCP stack installs
 * gke-gcloud-auth-plugin before Pulumi runs (the kubeconfig execs it), with
 * setup-gcloud pinned to a full commit SHA.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GKE_AUTH_PLUGIN } from "../components/gcp/gke-kubeconfig";

const DIR = path.resolve(__dirname, "..", ".github", "workflows");
type Step = { name?: string; uses?: string; if?: string; with?: Record<string, string> };

describe("gke-gcloud-auth-plugin in the workflows", () => {
  const jobs = fs
    .readdirSync(DIR)
    .flatMap((file) => Object.entries((parse(fs.readFileSync(path.join(DIR, file), "utf8")).jobs ?? {}) as Record<string, { steps?: Step[] }>).map(([job, j]) => [file, job, j.steps ?? []] as const));
  const gcpPulumi = jobs.filter(([, , steps]) => steps.some((s) => s.uses?.startsWith("pulumi/actions")) && steps.some((s) => s.uses?.startsWith("google-github-actions/auth")));

  it("covers the jobs that preview or deploy GCP", () => {
    expect(gcpPulumi.map(([file, job]) => `${file}:${job}`).length).toBeGreaterThanOrEqual(2);
  });

  it.each(gcpPulumi.map(([file, job, steps]) => [`${file}:${job}`, steps]))("%s installs the plugin, pinned, after GCP auth and before Pulumi", (_job, steps) => {
    const s = steps as Step[];
    const install = s.findIndex((x) => x.uses?.startsWith("google-github-actions/setup-gcloud@"));
    expect(install).toBeGreaterThan(-1);
    expect(s[install]!.uses).toMatch(/^google-github-actions\/setup-gcloud@[0-9a-f]{40}$/);
    expect(s[install]!.with?.install_components?.split(",")).toContain(GKE_AUTH_PLUGIN);
    expect(install).toBeGreaterThan(s.findIndex((x) => x.uses?.startsWith("google-github-actions/auth")));
    expect(install).toBeLessThan(s.findIndex((x) => x.uses?.startsWith("pulumi/actions")));
    expect(s[install]!.if).toBe(s.find((x) => x.uses?.startsWith("google-github-actions/auth"))!.if);
  });
});
