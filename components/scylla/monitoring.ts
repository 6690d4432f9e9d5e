/**
 * Step 6: monitoring of one DC, inside its own region so that it survives
 * the loss of any other region. A Prometheus run by prometheus-operator
 * (replicas spread over zones, persistent disks, on the system pool) and a
 * ScyllaDBMonitoring in External-Prometheus mode: the operator adds the
 * ServiceMonitors, the ScyllaDB alerting rules and a Grafana with the
 * ScyllaDB dashboards. Our own rule group (alert-rules.ts) is created
 * directly, and an Alertmanager of two or more replicas spread over zones
 * receives every alert and sends it to the configured webhook. Prometheus
 * sends to every Alertmanager replica (they deduplicate by gossip), through
 * a Service over their pods. Grafana reads through a ClientIP-sticky Service,
 * so one browser session keeps seeing one replica's data instead of flipping
 * between two independent Prometheus servers.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_ALPHA_API_VERSION } from "./datacenter-spec";
import { SYSTEM_NODE_SELECTOR, systemPoolAffinity, zoneSpread } from "./placement";
import { SYSTEM_STORAGE_CLASS } from "./storage-spec";
import { ALERTMANAGER_VERSION, PROMETHEUS_VERSION } from "./versions";
import { alertmanagerConfigYaml, haAlertRules } from "./alert-rules";

export const MONITORING_NAME = "scylla-monitoring";
export const PROMETHEUS_NAME = "scylla-prometheus";
export const ALERTMANAGER_NAME = "scylla-alertmanager";
/** Stable, sticky Service Grafana reads through. */
export const PROMETHEUS_QUERY_SERVICE = "scylla-prometheus-query";
/** Alertmanager replicas: two keep alerting through a zone loss (gossip dedups notifications). */
export const MIN_ALERTMANAGER_REPLICAS = 2;
/** ServiceMonitors and PrometheusRules the ScyllaDBMonitoring renders carry this label. */
export const MONITORING_SELECTOR = { "scylla-operator.scylladb.com/scylladbmonitoring-name": MONITORING_NAME } as const;
/** Pod labels prometheus-operator gives the Prometheus pods. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": PROMETHEUS_NAME } as const;
/** Pod labels prometheus-operator gives Alertmanager pods (prometheus-operator v0.91.0 pkg/alertmanager/operator.go:783-786). */
export const ALERTMANAGER_POD_LABELS = { "app.kubernetes.io/name": "alertmanager", alertmanager: ALERTMANAGER_NAME } as const;

const PROMETHEUS_RULES = [
  { apiGroups: [""], resources: ["nodes", "nodes/metrics", "services", "endpoints", "pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
  { nonResourceURLs: ["/metrics"], verbs: ["get"] },
];

export interface ScyllaMonitoringArgs extends ScyllaComponentArgs {
  /**
   * Alertmanager's webhook receiver URL (secret config `alertWebhookUrl`).
   * @default - none: the receiver is empty and alerts stay in Alertmanager.
   */
  readonly alertWebhookUrl?: pulumi.Input<string>;
}

export class ScyllaMonitoring extends pulumi.ComponentResource {
  readonly prometheus: k8s.apiextensions.CustomResource;
  readonly budget: k8s.policy.v1.PodDisruptionBudget;
  readonly monitoring: k8s.apiextensions.CustomResource;
  readonly rules: k8s.apiextensions.CustomResource;
  readonly alertmanager: k8s.apiextensions.CustomResource;
  readonly alertmanagerBudget: k8s.policy.v1.PodDisruptionBudget;

  constructor(name: string, args: ScyllaMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
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

    const alertmanagerConfig = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: `${ALERTMANAGER_NAME}-config`, namespace },
        type: "Opaque",
        stringData: {
          "alertmanager.yaml": pulumi.secret(
            args.alertWebhookUrl === undefined ? alertmanagerConfigYaml(undefined) : pulumi.output(args.alertWebhookUrl).apply(alertmanagerConfigYaml),
          ),
        },
      },
      base,
    );
    const alertmanagerReplicas = Math.max(MIN_ALERTMANAGER_REPLICAS, plan.monitoring.prometheusReplicas);
    this.alertmanager = new k8s.apiextensions.CustomResource(
      `${name}-alertmanager`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "Alertmanager",
        metadata: { name: ALERTMANAGER_NAME, namespace },
        spec: {
          version: ALERTMANAGER_VERSION,
          replicas: alertmanagerReplicas,
          configSecret: `${ALERTMANAGER_NAME}-config`,
          nodeSelector: { ...SYSTEM_NODE_SELECTOR },
          topologySpreadConstraints: zoneSpread(ALERTMANAGER_POD_LABELS),
          securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        },
      },
      after(alertmanagerConfig),
    );
    this.alertmanagerBudget = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-alertmanager`,
      { metadata: { name: ALERTMANAGER_NAME, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { ...ALERTMANAGER_POD_LABELS } } } },
      base,
    );
    // Prometheus resolves this Service's endpoints and sends every alert to every replica.
    const alertmanagerService = new k8s.core.v1.Service(
      `${name}-alertmanager`,
      {
        metadata: { name: ALERTMANAGER_NAME, namespace },
        spec: { selector: { ...ALERTMANAGER_POD_LABELS }, ports: [{ name: "web", port: 9093, targetPort: "web", protocol: "TCP" }] },
      },
      base,
    );
    const query = new k8s.core.v1.Service(
      `${name}-prometheus-query`,
      {
        metadata: { name: PROMETHEUS_QUERY_SERVICE, namespace },
        spec: {
          selector: { ...PROMETHEUS_POD_LABELS },
          ports: [{ name: "web", port: 9090, targetPort: "web", protocol: "TCP" }],
          sessionAffinity: "ClientIP",
        },
      },
      base,
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
          alerting: { alertmanagers: [{ namespace, name: ALERTMANAGER_NAME, port: "web", apiVersion: "v2" }] },
          storage: {
            volumeClaimTemplate: {
              spec: { storageClassName: SYSTEM_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: plan.monitoring.storageSize } } },
            },
          },
          web: { pageTitle: `ScyllaDB ${args.region.datacenter}` },
        },
      },
      after(binding, alertmanagerService),
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
        spec: { groups: haAlertRules(plan, args.region) },
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
              datasources: [{ name: "prometheus", type: "Prometheus", url: `http://${PROMETHEUS_QUERY_SERVICE}.${namespace}.svc:9090`, prometheusOptions: {} }],
              placement: systemPoolAffinity(),
            },
          },
        },
      },
      after(this.prometheus, query),
    );
    this.registerOutputs({});
  }
}
