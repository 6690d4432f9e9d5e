/**
 * Secrets stay secret offline: `synth` of prod with every secret set in clear
 * writes none of them under `--out`; the export keeps the engine's secret
 * envelope with a ciphertext stand-in (as `pulumi stack export` does), the
 * manifests show each Secret with its real keys and redacted values, and
 * `secure: v1:…` values are accepted as "not decryptable here".
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { SECRET_SIG, SECRET_VALUE } from "../cli/engine/recorded";
import { OFFLINE_CIPHERTEXT, REDACTED, encryptSecrets, redactSecrets } from "../cli/engine/secrets";
import { type SynthResult, synthesize } from "../cli/engine/synthesize";
import { writeSynth } from "../cli/synth";
import { fromRecorded, fromStackExport } from "../policies/model/load";
import { RETIRED_SECRET_KEYS, readStackConfigFile, stackConfigPath } from "../stacks/config";
import { ConfigError } from "../stacks/validate";
import { runCli } from "./helpers/cli";


const PLAIN: Record<string, string> = {
  agentAuthToken: "PLAIN-agent-token-7f3a9c",
  cqlSuperuserPassword: "PLAIN-superuser-1b2c3d",
  cqlManagerPassword: "PLAIN-manager-4e5f6a",
  cqlReplicationPassword: "PLAIN-replication-7b8c9d",
  alertWebhookUrl: "https://hooks.example.com/PLAIN-webhook-0e1f2a",
};
const withProject = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`scylla-ha-stack:${k}`, v]));

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

type Obj = Record<string, any>;

describe("synth of prod with every secret set in clear", () => {
  let out: string;
  let result: SynthResult;
  beforeAll(async () => {
    result = await synthesize({ stack: "prod", config: { ...readStackConfigFile(stackConfigPath("prod")), ...withProject(PLAIN) } });
    out = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
    writeSynth(out, "prod", result);
  }, 120_000);

  it("writes no secret value, nor the superuser's salted hash, anywhere under --out", () => {
    const files = filesUnder(out);
    expect(files.length).toBe(4);
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const value of Object.values(PLAIN)) expect(text, `${file} holds ${value}`).not.toContain(value);
      expect(text).not.toContain("PLAIN-");
      expect(text).not.toMatch(/\$6\$[./0-9A-Za-z]{16}\$/);
      expect(text).not.toContain('"plaintext"');
    }
  });

  it("keeps each secret in the export as `pulumi stack export` does: the envelope with a ciphertext", () => {
    const exported = JSON.parse(fs.readFileSync(path.join(out, "prod.export.json"), "utf8"));
    const secret = exported.deployment.resources.find((r: Obj) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.name === "scylla-ha-cql-replication");
    expect(secret.inputs.stringData).toEqual({ [SECRET_SIG]: SECRET_VALUE, ciphertext: OFFLINE_CIPHERTEXT });
    // The policy model reads both forms: a ciphertext is unknown, the in-memory form is the value.
    const fromExport = fromStackExport(exported).find((r) => r.urn === secret.urn)!;
    expect(fromExport.props.stringData).toBeUndefined();
    const fromEngine = fromRecorded(result.resources).find((r) => r.urn === secret.urn)!;
    expect(fromEngine.props.stringData).toEqual({ username: "scylla_ha_replication", password: PLAIN.cqlReplicationPassword });
  });

  it("shows every Secret in the manifests with its real keys and redacted values", () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "prod", "manifests", "us-east-1.yaml"), "utf8")).map((d) => d.toJSON() as Obj);
    const secrets = docs.filter((d) => d.kind === "Secret");
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual([
      "scylla-agent-config",
      "scylla-alertmanager-config",
      "scylla-ha-cql-manager",
      "scylla-ha-cql-replication",
      "scylla-ha-cql-superuser",
    ]);
    const byName = (n: string) => secrets.find((s) => s.metadata.name === n)!;
    expect(byName("scylla-ha-cql-replication").stringData).toEqual({ username: REDACTED, password: REDACTED });
    expect(byName("scylla-ha-cql-manager").stringData).toEqual({ username: REDACTED, password: REDACTED });
    expect(byName("scylla-agent-config").stringData).toEqual({ "scylla-manager-agent.yaml": REDACTED });
    expect(byName("scylla-alertmanager-config").stringData).toEqual({ "alertmanager.yaml": REDACTED });
    for (const s of secrets) expect(Object.keys(s.stringData).every((k) => /^[-._a-zA-Z0-9]+$/.test(k))).toBe(true);
    const scyllaConfig = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "scylla-config")!;
    expect(scyllaConfig.data).toEqual({ "scylla.yaml": REDACTED });
  });
});

describe("secret envelopes", () => {
  const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });
  it("become a ciphertext stand-in in the export, wherever they are nested", () => {
    expect(encryptSecrets({ a: [1, secret("x")], b: { c: secret({ d: "y" }) } })).toEqual({
      a: [1, { [SECRET_SIG]: SECRET_VALUE, ciphertext: OFFLINE_CIPHERTEXT }],
      b: { c: { [SECRET_SIG]: SECRET_VALUE, ciphertext: OFFLINE_CIPHERTEXT } },
    });
  });
  it("keep their keys and array lengths, but no value, in a manifest", () => {
    expect(redactSecrets({ data: secret({ username: "u", password: "p", list: ["a", "b"] }), plain: "kept" })).toEqual({
      data: { username: REDACTED, password: REDACTED, list: [REDACTED, REDACTED] },
      plain: "kept",
    });
  });
});

describe("`secure:` config values offline", () => {
  it("are accepted as secret, not decryptable here, with a one-line note, and never rendered", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secure-"));
    const config = path.join(dir, "Pulumi.prod.yaml");
    const secure = Object.fromEntries(Object.keys(PLAIN).map((k) => [`scylla-ha-stack:${k}`, { secure: `v1:CIPHER-${k}-AAAABBBB` }]));
    const committed = fs.readFileSync(stackConfigPath("prod"), "utf8");
    const lines = Object.entries(secure).map(([k, v]) => `  ${k}:\n    secure: ${v.secure}`);
    fs.writeFileSync(config, `${committed.trimEnd()}\n${lines.join("\n")}\n`);
    const out = path.join(dir, "out");
    const { code, stdout, stderr } = await runCli(["synth", "--stack", "prod", "--config", config, "--out", out]);
    expect([code, stdout]).toEqual([0, expect.stringMatching(/^synth prod: \d+ resources/)]);
    const notes = stderr.split("\n").filter((l) => l.startsWith("note: "));
    expect(notes).toEqual(
      Object.keys(PLAIN).map((k) => `note: scylla-ha-stack:${k} is secret (secure: v1:…) and not decryptable here; rendered with a stand-in`),
    );
    // No warning about a missing secret: they are set, just not readable here.
    expect(stderr).not.toMatch(/cqlSuperuserPassword: every DC/);
    for (const file of filesUnder(out)) {
      const text = fs.readFileSync(file, "utf8");
      expect(text).not.toContain("CIPHER-");
      expect(text).not.toContain('{"secure"');
    }
  }, 120_000);
});

describe("the retired cqlAdminPassword key", () => {
  it("fails naming what replaced it, before any resource", async () => {
    const error = await synthesize({ stack: "prod", config: { ...readStackConfigFile(stackConfigPath("prod")), "scylla-ha-stack:cqlAdminPassword": "old" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: "cqlAdminPassword", message: RETIRED_SECRET_KEYS.cqlAdminPassword }]);
    expect(RETIRED_SECRET_KEYS.cqlAdminPassword).toContain("cqlSuperuserPassword, cqlManagerPassword and cqlReplicationPassword");
  });
});
