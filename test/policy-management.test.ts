import { describe, expect, it } from "vitest";
import { MANAGEMENT_RULES, controllersHa, platformPdb, prometheusReplicas, scyllaBackupTask, scyllaManagerSingle, scyllaRepairTask } from "../policies/rules/management";
import type { GraphBuilder } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

type Spec = Record<string, any>;
const editSpec = (b: GraphBuilder, name: string, edit: (spec: Spec) => Spec) => b.edit(name, (i) => ({ ...i, spec: edit(i.spec) }));
const dc = (key: string, region: string) => `ScyllaCluster prod-${key}-scylla (datacenter ${region}, ${region})`;

describe("management-plane rules", () => {
  it.each(MANAGEMENT_RULES.map((r) => [r.name, r]))("%s passes the good AWS and GCP environments", (_n, rule) => {
    expect(findings(awsEnvironment(), rule)).toEqual([]);
    expect(findings(gcpEnvironment(), rule)).toEqual([]);
  });

  it("scylla-manager-single flags ScyllaClusters without any Manager", () => {
    expect(findings(awsEnvironment().remove("prod-use1-scylla-manager"), scyllaManagerSingle)).toEqual([
      ["prod-use1-scylla", `no Scylla Manager is deployed for ${dc("use1", "us-east-1")}, ${dc("usw2", "us-west-2")} and ${dc("euw1", "eu-west-1")}, so no backup or repair ever runs; install Scylla Manager in one region`],
    ]);
  });

  it("scylla-manager-single flags a second Manager in another cluster, and counts a Helm release with its Deployment once", () => {
    const b = awsEnvironment();
    b.add("kubernetes:helm.sh/v3:Release", "prod-use1-manager-chart", { chart: "scylla/scylla-manager", namespace: "scylla-manager" }, { provider: b.ref("prod-use1-k8s") });
    expect(findings(b, scyllaManagerSingle)).toEqual([]);
    b.add("kubernetes:helm.sh/v3:Release", "prod-euw1-manager-chart", { chart: "scylla-manager", namespace: "scylla-manager" }, { provider: b.ref("prod-euw1-k8s") });
    expect(findings(b, scyllaManagerSingle)).toEqual([
      ["prod-euw1-manager-chart", "Scylla Manager is installed in 2 clusters (also prod-euw1-manager-chart in eu-west-1); two Managers register the same cluster twice and run duplicate tasks: keep exactly one"],
    ]);
  });

  it("scylla-backup-task flags datacenters no backup task covers, and a covering task without a location", () => {
    const b = awsEnvironment();
    editSpec(b, "prod-use1-scylla", (s) => ({ ...s, backups: [{ name: "daily", cron: "0 2 * * *", dc: ["us-*", "!us-west-2"], location: ["us-west-2:s3:prod-usw2-backups"] }] }));
    expect(findings(b, scyllaBackupTask)).toEqual([
      ["prod-use1-scylla", `${dc("use1", "us-east-1")}: backup task(s) daily have no location for us-east-1 (locations: us-west-2:s3:prod-usw2-backups); add a location such as us-east-1:s3:<bucket>`],
      ["prod-usw2-scylla", `${dc("usw2", "us-west-2")} is covered by no Scylla Manager backup task (tasks: daily dc=[us-*,!us-west-2]); add a backup task whose dc list includes us-west-2`],
      ["prod-euw1-scylla", `${dc("euw1", "eu-west-1")} is covered by no Scylla Manager backup task (tasks: daily dc=[us-*,!us-west-2]); add a backup task whose dc list includes eu-west-1`],
    ]);
  });

  it("scylla-backup-task and scylla-repair-task flag an environment with ScyllaClusters and no tasks", () => {
    const b = gcpEnvironment();
    editSpec(b, "staging-usc1-scylla", (s) => ({ ...s, backups: undefined, repairs: [] }));
    const subject = "ScyllaCluster staging-usc1-scylla (datacenter us-central1, us-central1)";
    expect(findings(b, scyllaBackupTask)).toEqual([["staging-usc1-scylla", `${subject} is covered by no Scylla Manager backup task; add a backup task whose dc list includes us-central1`]]);
    expect(findings(b, scyllaRepairTask)).toEqual([["staging-usc1-scylla", `${subject} is covered by no Scylla Manager repair task; add a repair task whose dc list includes us-central1`]]);
  });

  it("scylla-repair-task accepts a ScyllaDBManagerTask covering every datacenter", () => {
    const b = gcpEnvironment();
    editSpec(b, "staging-usc1-scylla", (s) => ({ ...s, repairs: undefined }));
    b.add("kubernetes:scylla.scylladb.com/v1alpha1:ScyllaDBManagerTask", "staging-usc1-repair", { metadata: { name: "repair", namespace: "scylla" }, spec: { type: "Repair", repair: { dc: ["*"] } } }, { provider: b.ref("staging-usc1-k8s") });
    expect(findings(b, scyllaRepairTask)).toEqual([]);
  });

  it("controllers-ha flags a single-replica operator that does not spread over zones", () => {
    const b = awsEnvironment().edit("prod-use1-scylla-operator", (i) => ({ ...i, spec: { ...i.spec, replicas: 1, template: { ...i.spec.template, spec: { containers: i.spec.template.spec.containers } } } }));
    expect(findings(b, controllersHa)).toEqual([
      ["prod-use1-scylla-operator", "Deployment scylla-operator/scylla-operator runs 1 replica(s); run at least 2 so one lost node or zone does not stop it"],
      ["prod-use1-scylla-operator", "Deployment scylla-operator/scylla-operator does not spread its pods over zones; add a topologySpreadConstraint on topology.kubernetes.io/zone"],
    ]);
  });

  it("prometheus-replicas flags a single Prometheus", () => {
    expect(findings(awsEnvironment().edit("prod-usw2-prometheus", (i) => ({ ...i, spec: {} })), prometheusReplicas)).toEqual([
      ["prod-usw2-prometheus", "Prometheus monitoring/prometheus runs 1 replica(s); monitoring must not die with one node: set spec.replicas ≥ 2"],
    ]);
  });

  it("platform-pdb flags a workload without a budget and budgets that allow no disruption", () => {
    const b = awsEnvironment().remove("prod-use1-webhook-server-pdb");
    b.edit("prod-use1-scylla-operator-pdb", (i) => ({ ...i, spec: { ...i.spec, maxUnavailable: 0 } }));
    b.edit("prod-use1-scylla-manager-pdb", (i) => ({ ...i, spec: { selector: i.spec.selector, minAvailable: 1 } }));
    expect(findings(b, platformPdb)).toEqual([
      ["prod-use1-scylla-operator-pdb", "PodDisruptionBudget scylla-operator/scylla-operator-pdb for Deployment scylla-operator/scylla-operator allows no disruption (maxUnavailable 0), so node drains and upgrades block; allow at least one"],
      ["prod-use1-webhook-server", "Deployment scylla-operator/webhook-server has no PodDisruptionBudget selecting its pods, so a node drain may evict all of them at once; add one with maxUnavailable: 1"],
      ["prod-use1-scylla-manager-pdb", "PodDisruptionBudget scylla-manager/scylla-manager-pdb for Deployment scylla-manager/scylla-manager allows no disruption (minAvailable 1 with 1 replica(s)), so node drains and upgrades block; allow at least one"],
    ]);
  });
});
