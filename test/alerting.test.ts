/**
 * Alerting that works: our rules evaluated by Prometheus's own rule engine
 * (`promtool test rules`, Debian package `prometheus` 2.42.0) against series
 * shaped like the operator's ServiceMonitor produces them (two endpoints per
 * node, `pod`/`endpoint` target labels), and an HA Alertmanager that the
 * Prometheus of every monitored region sends to.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EnvironmentPlan } from "../components/plan";
import { alertmanagerConfigYaml, haAlertRules } from "../components/scylla/alert-rules";
import { ALERTMANAGER_POD_LABELS, PROMETHEUS_POD_LABELS } from "../components/scylla/monitoring";
import { type RecordedResource, mockEngine, ofType, providerOf } from "./helpers/harness";
import { buildTestScyllaLayer, stackPlan } from "./helpers/scylla";

type Obj = Record<string, any>;

/** promtool must be installed (.ci/run installs Debian's `prometheus`): a missing tool fails, it never skips. */
function promtool(): string {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return "promtool";
  } catch (err) {
    throw new Error(`promtool is not installed (apt-get install -y --no-install-recommends prometheus): ${(err as Error).message}`);
  }
}
const PROMTOOL = promtool();

let plan: EnvironmentPlan;
let resources: readonly RecordedResource[];
const regionOf = (r: RecordedResource) => plan.regions.find((p) => p.clusterName === providerOf(resources, r).inputs.clusterIdentifier)!.key;

beforeAll(async () => {
  const rec = mockEngine({ preview: false });
  plan = stackPlan("prod");
  buildTestScyllaLayer(plan);
  resources = await rec.settle();
});

/** `up` series of one node as the operator's ServiceMonitor scrapes it: node-exporter and ScyllaDB. */
function nodeSeries(pod: string, ip: string, values: { node: string; scylla: string }) {
  const common = `namespace="scylla", pod="${pod}", instance="${ip}", cluster="scylla", dc="us-east-1"`;
  return [
    { series: `up{${common}, endpoint="node-exporter", job="node_exporter"}`, values: values.node },
    { series: `up{${common}, endpoint="prometheus", job="scylla"}`, values: values.scylla },
  ];
}

const UP = "1x20";
const DOWN = "0x20";

function runPromtool(series: Array<{ series: string; values: string }>, alerts: Array<{ alertname: string; exp_alerts: unknown[] }>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rules-"));
  const region = plan.regions.find((r) => r.key === "use1")!;
  fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: haAlertRules(plan, region) }));
  fs.writeFileSync(
    path.join(dir, "test.yaml"),
    stringify({
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: [{ interval: "1m", input_series: series, alert_rule_test: alerts.map((a) => ({ eval_time: "15m", ...a })) }],
    }),
  );
  execFileSync(PROMTOOL, ["check", "rules", "rules.yaml"], { cwd: dir, stdio: "pipe" });
  return execFileSync(PROMTOOL, ["test", "rules", "test.yaml"], { cwd: dir, stdio: "pipe" }).toString();
}

describe("the DC's alert rules, evaluated by promtool (apt-get install prometheus)", () => {
  const a = "scylla-us-east-1-us-east-1a";
  const b = "scylla-us-east-1-us-east-1b";
  const c = "scylla-us-east-1-us-east-1c";
  const healthy = [
    ...nodeSeries(`${a}-0`, "10.0.1.1", { node: UP, scylla: UP }),
    ...nodeSeries(`${a}-1`, "10.0.1.2", { node: UP, scylla: UP }),
    ...nodeSeries(`${b}-0`, "10.0.2.1", { node: UP, scylla: UP }),
    ...nodeSeries(`${b}-1`, "10.0.2.2", { node: UP, scylla: UP }),
    ...nodeSeries(`${c}-0`, "10.0.3.1", { node: UP, scylla: UP }),
    ...nodeSeries(`${c}-1`, "10.0.3.2", { node: UP, scylla: UP }),
  ];
  const replace = (pod: string, values: { node: string; scylla: string }) => {
    const ip = healthy.find((s) => s.series.includes(`pod="${pod}"`))!.series.match(/instance="([^"]+)"/)![1]!;
    return [...healthy.filter((s) => !s.series.includes(`pod="${pod}"`)), ...nodeSeries(pod, ip, values)];
  };

  it("one node down (both its endpoints) is a warning, not a quorum alert", () => {
    const series = replace(`${a}-0`, { node: DOWN, scylla: DOWN });
    runPromtool(series, [
      { alertname: "ScyllaQuorumAtRisk", exp_alerts: [] },
      {
        alertname: "ScyllaInstanceDown",
        exp_alerts: [
          {
            exp_labels: { severity: "warning", namespace: "scylla", pod: `${a}-0`, instance: "10.0.1.1", endpoint: "prometheus", job: "scylla", cluster: "scylla", dc: "us-east-1", rack: "us-east-1a" },
            exp_annotations: { summary: "ScyllaDB instance 10.0.1.1 (rack us-east-1a) has not answered its metrics scrape for 5 minutes." },
          },
        ],
      },
    ]);
  });

  it("a whole rack down keeps LOCAL_QUORUM: no quorum alert", () => {
    const series = replace(`${a}-0`, { node: DOWN, scylla: DOWN }).filter((s) => !s.series.includes(`pod="${a}-1"`));
    runPromtool([...series, ...nodeSeries(`${a}-1`, "10.0.1.2", { node: DOWN, scylla: DOWN })], [{ alertname: "ScyllaQuorumAtRisk", exp_alerts: [] }]);
  });

  it("a node exporter down alone is no ScyllaDB outage", () => {
    runPromtool(replace(`${b}-1`, { node: DOWN, scylla: UP }), [
      { alertname: "ScyllaInstanceDown", exp_alerts: [] },
      { alertname: "ScyllaQuorumAtRisk", exp_alerts: [] },
    ]);
  });

  it("ScyllaDB down in two racks fires the quorum alert", () => {
    const series = replace(`${a}-0`, { node: UP, scylla: DOWN }).filter((s) => !s.series.includes(`pod="${c}-1"`));
    const out = runPromtool(
      [...series, ...nodeSeries(`${c}-1`, "10.0.3.2", { node: UP, scylla: DOWN })],
      [
        {
          alertname: "ScyllaQuorumAtRisk",
          exp_alerts: [
            {
              exp_labels: { severity: "critical" },
              exp_annotations: { summary: "ScyllaDB instances are down in 2 racks of us-east-1: LOCAL_QUORUM at RF 3 may be lost." },
            },
          ],
        },
      ],
    );
    expect(out).toContain("SUCCESS");
  });

  it("no ScyllaDB series at all is an alert of its own", () => {
    runPromtool(
      healthy.filter((s) => s.series.includes('endpoint="node-exporter"')),
      [{ alertname: "ScyllaMetricsAbsent", exp_alerts: [{ exp_labels: { severity: "warning", namespace: "scylla", endpoint: "prometheus" }, exp_annotations: { summary: "Prometheus scrapes no ScyllaDB instance of us-east-1." } }] }],
    );
  });

  it("a rule that no longer counts by rack would fail these cases", () => {
    // Guard against the tests passing vacuously: the old expression fires for one node down.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rules-old-"));
    fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: [{ name: "old", rules: [{ alert: "ScyllaQuorumAtRisk", expr: 'count(up{namespace="scylla"} == 0) >= 2', for: "2m" }] }] }));
    fs.writeFileSync(
      path.join(dir, "test.yaml"),
      stringify({
        rule_files: ["rules.yaml"],
        evaluation_interval: "1m",
        tests: [{ interval: "1m", input_series: replace(`${a}-0`, { node: DOWN, scylla: DOWN }), alert_rule_test: [{ eval_time: "15m", alertname: "ScyllaQuorumAtRisk", exp_alerts: [] }] }],
      }),
    );
    expect(() => execFileSync(PROMTOOL, ["test", "rules", "test.yaml"], { cwd: dir, stdio: "pipe" })).toThrow();
  });
});

describe("Alertmanager", () => {
  const monitored = () => ["use1", "usw2", "euw1"];

  it("runs with at least two replicas spread over zones in every monitored region", () => {
    const ams = ofType(resources, "kubernetes:monitoring.coreos.com/v1:Alertmanager");
    expect(ams.map(regionOf).sort()).toEqual([...monitored()].sort());
    for (const am of ams) {
      const spec = am.inputs.spec as Obj;
      expect(spec.replicas).toBeGreaterThanOrEqual(2);
      expect(spec.configSecret).toBe("scylla-alertmanager-config");
      expect(spec.topologySpreadConstraints[0]).toEqual({
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { ...ALERTMANAGER_POD_LABELS } },
      });
    }
  });

  it("is where every Prometheus sends its alerts, through a Service over all its pods", () => {
    for (const key of monitored()) {
      const prom = ofType(resources, "kubernetes:monitoring.coreos.com/v1:Prometheus").find((p) => regionOf(p) === key)!;
      const target = (prom.inputs.spec as Obj).alerting.alertmanagers;
      expect(target).toEqual([{ namespace: "scylla", name: "scylla-alertmanager", port: "web", apiVersion: "v2" }]);
      const svc = ofType(resources, "kubernetes:core/v1:Service").find((s) => regionOf(s) === key && (s.inputs.metadata as Obj).name === "scylla-alertmanager")!;
      expect((svc.inputs.spec as Obj).selector).toEqual({ ...ALERTMANAGER_POD_LABELS });
      expect((svc.inputs.spec as Obj).ports).toEqual([{ name: "web", port: 9093, targetPort: "web", protocol: "TCP" }]);
    }
  });

  it("sends to the configured webhook, and to nothing without one", () => {
    expect(alertmanagerConfigYaml("https://hooks.example/x")).toContain('  webhook_configs:\n  - url: "https://hooks.example/x"\n    send_resolved: true\n');
    expect(alertmanagerConfigYaml(undefined)).not.toContain("webhook_configs");
  });

  it("gives Grafana one sticky Service instead of the headless set of independent replicas", () => {
    for (const key of monitored()) {
      const mon = ofType(resources, "kubernetes:scylla.scylladb.com/v1alpha1:ScyllaDBMonitoring").find((m) => regionOf(m) === key)!;
      expect((mon.inputs.spec as Obj).components.grafana.datasources[0].url).toBe("http://scylla-prometheus-query.scylla.svc:9090");
      const svc = ofType(resources, "kubernetes:core/v1:Service").find((s) => regionOf(s) === key && (s.inputs.metadata as Obj).name === "scylla-prometheus-query")!;
      expect(svc.inputs.spec).toEqual({ selector: { ...PROMETHEUS_POD_LABELS }, ports: [{ name: "web", port: 9090, targetPort: "web", protocol: "TCP" }], sessionAffinity: "ClientIP" });
    }
  });
});
