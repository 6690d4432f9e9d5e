/** Pure rendering helpers of the Kubernetes layer, the agent-token guard and the rendered manifests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestsByRegion } from "../cli/engine/manifests";
import { validateManifests } from "../cli/validate";
import { AGENT_TOKEN_MISSING } from "../components/scylla";
import {
  IMMUTABLE_SCYLLA_CLUSTER_FIELDS,
  agentConfigYaml,
  backupLocations,
  guaranteed,
  isRfc1123Subdomain,
  keyspacesJson,
  managerTasks,
  scyllaYaml,
} from "../components/scylla/datacenter-spec";
import { managerConfigYaml, managerDatabaseSpec } from "../components/scylla/manager";
import { certManagerValues } from "../components/scylla/platform-operators";
import { zoneSpread } from "../components/scylla/placement";
import { nvmeDeviceMatch } from "../components/scylla/storage-spec";
import { environment, gcpRegion, threeAwsRegions } from "./helpers/fixtures";
import { environmentFromFlatConfig } from "../stacks/config";
import { flatten, mockEngine, ofType, providerOf, synthStack } from "./helpers/harness";
import { buildTestScyllaLayer, fixturePlan, stackPlan } from "./helpers/scylla";

describe("rendering helpers", () => {
  it.each([
    ["backup", true],
    ["weekly-repair", true],
    ["backup.us-east-1", true],
    ["daily_backup", false],
    ["Backup", false],
    ["-backup", false],
  ])("task name %s is an RFC 1123 subdomain: %s", (name, ok) => {
    expect(isRfc1123Subdomain(name)).toBe(ok);
  });

  it("names every Manager task with an RFC 1123 name", () => {
    const tasks = managerTasks(stackPlan("prod"));
    for (const t of [...tasks.backups, ...tasks.repairs]) expect(isRfc1123Subdomain(t.name)).toBe(true);
  });

  it("backs each DC holding replicas up to its own region's bucket", () => {
    const plan = fixturePlan(
      environment([
        gcpRegion("usc1", "us-central1", 40),
        gcpRegion("euw4", "europe-west4", 60, { phase: "infrastructure" }),
        gcpRegion("use4", "us-east4", 70, { phase: "datacenter" }),
      ]),
    );
    expect(backupLocations(plan)).toEqual(["us-central1:gcs:scylla-ha-test-us-central1-backup"]);
    expect(backupLocations(stackPlan("prod"))).toEqual([
      "us-east-1:s3:scylla-ha-prod-us-east-1-backup",
      "us-west-2:s3:scylla-ha-prod-us-west-2-backup",
      "eu-west-1:s3:scylla-ha-prod-eu-west-1-backup",
    ]);
  });

  it("makes requests equal limits", () => {
    expect(guaranteed({ cpu: "6", memory: "53Gi" })).toEqual({ requests: { cpu: "6", memory: "53Gi" }, limits: { cpu: "6", memory: "53Gi" } });
    const db = managerDatabaseSpec("2026.1.3", "3.10.1", ["us-east-1a"]).datacenter.racks[0]!;
    expect(db.resources.requests).toEqual(db.resources.limits);
    expect(db.agentResources.requests).toEqual(db.agentResources.limits);
  });

  it("turns authentication and authorization on, with a named superuser from a salted password", () => {
    expect(scyllaYaml("scylla_ha_admin", "$6$salt$hash")).toBe(
      'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nauth_superuser_name: "scylla_ha_admin"\nauth_superuser_salted_password: "$6$salt$hash"\n',
    );
  });

  it("writes the agent token only when one is configured", () => {
    expect(agentConfigYaml("s3cr3t")).toBe('auth_token: "s3cr3t"\n');
    expect(agentConfigYaml(undefined)).toBe("{}\n");
  });

  it("points Manager at one node per rack of its database, at RF 3 and LOCAL_QUORUM", () => {
    const config = parse(managerConfigYaml(["z-a", "z-b", "z-c"])) as { database: Record<string, unknown> };
    expect(config.database).toEqual({
      hosts: ["scylla-manager-cluster-manager-dc-z-a-0", "scylla-manager-cluster-manager-dc-z-b-0", "scylla-manager-cluster-manager-dc-z-c-0"],
      local_dc: "manager-dc",
      replication_factor: 3,
    });
  });

  it("declares keyspaces as the policies read them", () => {
    expect(JSON.parse(keyspacesJson(stackPlan("staging")))).toEqual([{ name: "app", tablets: false, replication: { "us-central1": 3 } }]);
  });

  it.each([
    ["aws", { modelRegex: "Amazon EC2 NVMe Instance Storage", nameRegex: "^/dev/nvme\\d+n\\d+$" }],
    ["gcp", { nameRegex: "^/dev/nvme\\d+n\\d+$" }],
  ] as const)("matches local NVMe disks on %s", (cloud, match) => {
    expect(nvmeDeviceMatch(cloud)).toEqual(match);
    const re = new RegExp(match.nameRegex);
    expect(["/dev/nvme1n1", "/dev/nvme12n1", "/dev/nvme1n1p1", "/dev/sda"].map((d) => re.test(d))).toEqual([true, true, false, false]);
  });

  it("spreads cert-manager's three Deployments over zones and leaves their PDBs to us", () => {
    const values = certManagerValues();
    for (const part of [values, values.webhook, values.cainjector]) {
      expect(part.replicaCount).toBe(2);
      expect(part.podDisruptionBudget).toEqual({ enabled: false });
      expect(part.topologySpreadConstraints.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
        ["topology.kubernetes.io/zone", "DoNotSchedule"],
        ["kubernetes.io/hostname", "ScheduleAnyway"],
      ]);
    }
    expect(zoneSpread({ a: "b" })[0]!.labelSelector).toEqual({ matchLabels: { a: "b" } });
  });

  it("lists the fields the webhook refuses to change", () => {
    expect(IMMUTABLE_SCYLLA_CLUSTER_FIELDS).toContain("spec.datacenter.racks[*].storage");
  });
});

describe("rendered manifests", () => {
  it("group by region, leave out patches, and pass the Kubernetes schemas", async () => {
    const rec = mockEngine({ preview: true });
    const plan = fixturePlan(environment(threeAwsRegions()));
    buildTestScyllaLayer(plan);
    const resources = await rec.settle();
    const manifests = manifestsByRegion(resources, plan);
    expect([...manifests.keys()]).toEqual(["use1", "usw2", "euw1"]);
    // Per region 27 platform and datacenter objects, 4 NetworkPolicies and the CSI driver's critical-pods quota,
    // the replication role's Secret, Alertmanager's 4 and Grafana's query Service; next to Manager its 7, its 2
    // NetworkPolicies, the roles Job's 3 and Manager's credentials 2; in the founding region the new cluster's
    // one replication Job (5).
    expect([...manifests.values()].map((objects) => objects.length)).toEqual([27 + 5 + 6 + 7 + 2 + 3 + 2 + 5, 27 + 5 + 6, 27 + 5 + 6]);
    const kinds = [...manifests.values()].flat().map((o) => o.kind);
    expect(kinds).not.toContain("ScyllaOperatorConfig");
    expect(ofType(resources, "kubernetes:apps/v1:DeploymentPatch")).toHaveLength(6);
    // No CRDs in the directory: core objects are checked, custom resources listed as unchecked.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-crds-"));
    expect(validateManifests([...manifests.values()].flat(), empty)).toEqual([]);
  });

  it("builds each region's Kubernetes layer on that region's own cluster provider", async () => {
    const { resources, plan } = await synthStack("prod");
    expect(ofType(resources, "scylla-ha:scylla:Region").map((r) => r.name)).toEqual(plan.regions.map((r) => r.name));
    const datacenters = ofType(resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster").filter(
      (c) => (c.inputs.metadata as { namespace: string }).namespace === plan.scylla.namespace,
    );
    expect(datacenters.map((c) => String(providerOf(resources, c).inputs.clusterIdentifier))).toEqual(plan.regions.map((r) => r.clusterName));
    for (const dc of datacenters) expect(dc.name.startsWith(String(providerOf(resources, dc).inputs.clusterIdentifier))).toBe(true);
  });
});

describe("the shared Manager agent token", () => {
  it("may be absent for a single DC", async () => {
    const rec = mockEngine({ preview: false });
    buildTestScyllaLayer(stackPlan("dev"), {});
    const secret = ofType(await rec.settle(), "kubernetes:core/v1:Secret")[0]!;
    expect(JSON.stringify(secret.inputs.stringData)).toContain("{}\\n");
  });

  it("is secret config the program reads itself, outside the validated config", () => {
    const flat = { ...flatten(environment()), "scylla-ha-stack:agentAuthToken": "s3cr3t" };
    expect(environmentFromFlatConfig(flat)).not.toHaveProperty("agentAuthToken");
  });

  it("is required to deploy several DCs", () => {
    mockEngine({ preview: false });
    expect(() => buildTestScyllaLayer(stackPlan("prod"), {})).toThrow(AGENT_TOKEN_MISSING);
  });
});
