/**
 * Step 6: monitoring of one DC, inside its own region so that it survives
 * the loss of any other region. A Prometheus run by prometheus-operator
 * (replicas spread over zones, persistent disks, on the system pool) and a
 * ScyllaDBMonitoring in External-Prometheus mode: the operator adds the
 * ServiceMonitors, the ScyllaDB alerting rules and a Grafana with the
 * ScyllaDB dashboards. A small rule group of our own is created directly so
 * that tests and policies can see alerting is wired.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_ALPHA_API_VERSION } from "./datacenter-spec";
import { SYSTEM_NODE_SELECTOR, systemPoolAffinity, zoneSpread } from "./placement";
import { SYSTEM_STORAGE_CLASS } from "./storage-spec";
import { PROMETHEUS_VERSION } from "./versions";

export const MONITORING_NAME = "scylla-monitoring";
export const PROMETHEUS_NAME = "scylla-prometheus";
/** ServiceMonitors and PrometheusRules the ScyllaDBMonitoring renders carry this label. */
export const MONITORING_SELECTOR = { "scylla-operator.scylladb.com/scylladbmonitoring-name": MONITORING_NAME } as const;
/** Pod labels prometheus-operator gives the Prometheus pods. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": PROMETHEUS_NAME } as const;

const PROMETHEUS_RULES = [
  { apiGroups: [""], resources: ["nodes", "nodes/metrics", "services", "endpoints", "pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
  { nonResourceURLs: ["/metrics"], verbs: ["get"] },
];

/** Alerts on what the dashboards cannot show when they are the thing that broke. */
export function haAlertRules(namespace: string) {
  return [
    {
      name: "scylla-ha",
      rules: [
        {
          alert: "ScyllaTargetDown",
          expr: `up{namespace="${namespace}"} == 0`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: { summary: "A ScyllaDB scrape target in {{ $labels.namespace }} has been down for 5 minutes." },
        },
        {
          alert: "ScyllaQuorumAtRisk",
          expr: `count(up{namespace="${namespace}"} == 0) >= 2`,
          for: "2m",
          labels: { severity: "critical" },
          annotations: { summary: "Two or more ScyllaDB targets of this DC are down: LOCAL_QUORUM at RF 3 may be lost." },
        },
      ],
    },
  ];
}

export class ScyllaMonitoring extends pulumi.ComponentResource {
  readonly prometheus: k8s.apiextensions.CustomResource;
  readonly budget: k8s.policy.v1.PodDisruptionBudget;
  readonly monitoring: k8s.apiextensions.CustomResource;
  readonly rules: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ScyllaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:Monitoring", name, {}, opts);
    const { plan } = args;
    const namespace = plan.scylla.namespace;
    const base = childOptions(this, args);
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);

    const sa = new k8s.core.v1.ServiceAccount(`${name}-prometheus`, { metadata: { name: "prometheus", namespace } }, base);
    const role = new k8s.rbac.v1.ClusterRole(`${name}-prometheus`, { metadata: { name: "scylla-ha:prometheus" }, rules: PROMETHEUS_RULES }, base);
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-prometheus`,
      {
        metadata: { name: "scylla-ha:prometheus" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "scylla-ha:prometheus" },
        subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace }],
      },
      after(role, sa),
    );

    this.prometheus = new k8s.apiextensions.CustomResource(
      `${name}-prometheus`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "Prometheus",
        metadata: { name: PROMETHEUS_NAME, namespace },
        spec: {
          version: PROMETHEUS_VERSION,
          replicas: plan.monitoring.prometheusReplicas,
          serviceAccountName: "prometheus",
          retention: plan.monitoring.retention,
          nodeSelector: { ...SYSTEM_NODE_SELECTOR },
          topologySpreadConstraints: zoneSpread(PROMETHEUS_POD_LABELS),
          securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
          resources: { requests: { cpu: "500m", memory: "2Gi" } },
          serviceMonitorSelector: { matchLabels: { ...MONITORING_SELECTOR } },
          ruleSelector: { matchLabels: { ...MONITORING_SELECTOR } },
          storage: {
            volumeClaimTemplate: {
              spec: { storageClassName: SYSTEM_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: plan.monitoring.storageSize } } },
            },
          },
          web: { pageTitle: `ScyllaDB ${args.region.datacenter}` },
        },
      },
      after(binding),
    );
    this.budget = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-prometheus`,
      { metadata: { name: PROMETHEUS_NAME, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } } },
      base,
    );
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "scylla-ha", namespace, labels: { ...MONITORING_SELECTOR } },
        spec: { groups: haAlertRules(namespace) },
      },
      base,
    );
    this.monitoring = new k8s.apiextensions.CustomResource(
      `${name}-scylladb-monitoring`,
      {
        apiVersion: SCYLLA_ALPHA_API_VERSION,
        kind: "ScyllaDBMonitoring",
        metadata: { name: MONITORING_NAME, namespace },
        spec: {
          type: "Platform",
          endpointsSelector: {
            matchLabels: {
              "app.kubernetes.io/name": "scylla",
              "scylla-operator.scylladb.com/scylla-service-type": "member",
              "scylla/cluster": plan.scylla.clusterName,
            },
          },
          components: {
            prometheus: { mode: "External" },
            grafana: {
              datasources: [{ name: "prometheus", type: "Prometheus", url: `http://prometheus-operated.${namespace}.svc:9090`, prometheusOptions: {} }],
              placement: systemPoolAffinity(),
            },
          },
        },
      },
      after(this.prometheus),
    );
    this.registerOutputs({});
  }
}
