/**
 * Our own alert rules and Alertmanager config, as plain data (the ScyllaDB
 * rules the ScyllaDBMonitoring renders come with it).
 *
 * What the series look like: the operator's ServiceMonitor scrapes every
 * member Service on two endpoints, `node-exporter` (9100) and `prometheus`
 * (ScyllaDB, 9180) (scylla-operator v1.21.1
 * assets/monitoring/prometheus/v1/scylladb.servicemonitor.yaml:9-41), so one
 * node down is two `up == 0` series. prometheus-operator labels every target
 * with its `pod` and `endpoint` (port name) (prometheus-operator v0.91.0
 * pkg/prometheus/promcfg.go:1536-1537,1572). The rack is not a label, but the
 * pod name is `<cluster>-<dc>-<rack>-<ordinal>` (scylla-operator v1.21.1
 * pkg/naming/names.go:41-43), so the rules take it from there.
 */
import type { EnvironmentPlan, RegionPlan } from "../plan";

/** The ScyllaDB endpoint of the operator's ServiceMonitor. */
export const SCYLLA_ENDPOINT = "prometheus";

/** A literal inside a regex inside a PromQL double-quoted string (Go escapes: each backslash doubled). */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\/g, "\\\\");
}

/** One `up` series per ScyllaDB instance of this DC, with its `rack`. */
export function scyllaUpByRack(plan: EnvironmentPlan, region: RegionPlan): string {
  const prefix = escapeRegex(`${plan.scylla.clusterName}-${region.datacenter}-`);
  const racks = region.racks.map((r) => escapeRegex(r.name)).join("|");
  const up = `up{namespace="${plan.scylla.namespace}", endpoint="${SCYLLA_ENDPOINT}", pod=~"${prefix}(${racks})-[0-9]+"}`;
  return `label_replace(${up}, "rack", "$1", "pod", "${prefix}(${racks})-[0-9]+")`;
}

/**
 * Alerts on what the dashboards cannot show when they are the thing that
 * broke. LOCAL_QUORUM at RF 3 (one replica per rack) is at risk once ScyllaDB
 * instances are down in two racks: count distinct instances, by rack.
 */
export function haAlertRules(plan: EnvironmentPlan, region: RegionPlan) {
  const byRack = scyllaUpByRack(plan, region);
  const downInstancesByRack = `count by (rack) (count by (rack, instance) (${byRack} == 0))`;
  return [
    {
      name: "scylla-ha",
      rules: [
        {
          alert: "ScyllaInstanceDown",
          expr: `${byRack} == 0`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "ScyllaDB instance {{ $labels.instance }} (rack {{ $labels.rack }}) has not answered its metrics scrape for 5 minutes." },
        },
        {
          alert: "ScyllaQuorumAtRisk",
          expr: `count(${downInstancesByRack}) >= 2`,
          for: "2m",
          labels: { severity: "critical" },
          annotations: { summary: `ScyllaDB instances are down in {{ $value }} racks of ${region.datacenter}: LOCAL_QUORUM at RF 3 may be lost.` },
        },
        {
          // No series at all: the scrape itself broke, and the two alerts above could never fire.
          alert: "ScyllaMetricsAbsent",
          expr: `absent(up{namespace="${plan.scylla.namespace}", endpoint="${SCYLLA_ENDPOINT}"})`,
          for: "10m",
          labels: { severity: "warning" },
          annotations: { summary: `Prometheus scrapes no ScyllaDB instance of ${region.datacenter}.` },
        },
      ],
    },
  ];
}

/** The receiver every alert goes to. */
export const ALERT_RECEIVER = "scylla-ha-webhook";

/**
 * `alertmanager.yaml`. With no webhook (a preview without the secret) the
 * receiver is empty: alerts stay visible in Alertmanager only.
 */
export function alertmanagerConfigYaml(webhookUrl: string | undefined): string {
  const receiver = webhookUrl
    ? [`- name: ${ALERT_RECEIVER}`, "  webhook_configs:", `  - url: ${JSON.stringify(webhookUrl)}`, "    send_resolved: true"]
    : [`- name: ${ALERT_RECEIVER}`];
  return [
    "route:",
    `  receiver: ${ALERT_RECEIVER}`,
    "  group_by: [alertname, namespace, rack]",
    "  group_wait: 30s",
    "  group_interval: 5m",
    "  repeat_interval: 4h",
    "receivers:",
    ...receiver,
    "",
  ].join("\n");
}
