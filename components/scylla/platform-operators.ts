/**
 * Step 1 and 2 of a region's Kubernetes layer: cert-manager,
 * prometheus-operator and scylla-operator, then the EKS patch of the
 * operator's own `ScyllaOperatorConfig`.
 *
 * From charts/bundles (opaque to tests and policies): cert-manager's and
 * scylla-operator's Deployments, RBAC, CRDs and webhooks; the
 * prometheus-operator bundle. Direct (visible): the namespaces, the
 * cert-manager PDBs, the zone spread of the scylla-operator Deployments and
 * the ScyllaOperatorConfig patch. The scylla-operator chart creates the PDBs
 * of its two Deployments itself whenever they run more than one replica and
 * has no switch to turn them off; a second PDB over the same pods would make
 * the eviction API refuse every eviction (node drains hang), so those two
 * PDBs stay the chart's.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ScyllaComponentArgs, childOptions } from "./args";
import { SCYLLA_ALPHA_API_VERSION } from "./datacenter-spec";
import { SYSTEM_NODE_SELECTOR, zoneSpread } from "./placement";
import { CERT_MANAGER_CHART, EKS_SCYLLA_UTILS_IMAGE, PROMETHEUS_OPERATOR_BUNDLE, SCYLLA_OPERATOR_CHART } from "./versions";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** The operator refuses to run anywhere else. */
export const SCYLLA_OPERATOR_NAMESPACE = "scylla-operator";
/** Operator and webhook replicas: both are stateless; the operator uses leader election. */
export const OPERATOR_REPLICAS = 2;

/** cert-manager's three Deployments and the pod labels its chart gives them. */
export const CERT_MANAGER_COMPONENTS = {
  controller: { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "controller" },
  webhook: { "app.kubernetes.io/name": "webhook", "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "webhook" },
  cainjector: { "app.kubernetes.io/name": "cainjector", "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "cainjector" },
} as const;

/** scylla-operator's two Deployments and their pod labels. */
export const SCYLLA_OPERATOR_DEPLOYMENTS = {
  "scylla-operator": { "app.kubernetes.io/name": "scylla-operator", "app.kubernetes.io/instance": "scylla-operator" },
  "webhook-server": { "app.kubernetes.io/name": "webhook-server", "app.kubernetes.io/instance": "webhook-server" },
} as const;

export function certManagerValues() {
  const ha = (labels: Readonly<Record<string, string>>) => ({
    replicaCount: OPERATOR_REPLICAS,
    // Our own PDBs below; the chart's would duplicate them.
    podDisruptionBudget: { enabled: false },
    nodeSelector: { ...SYSTEM_NODE_SELECTOR },
    topologySpreadConstraints: zoneSpread(labels),
  });
  return {
    crds: { enabled: true, keep: true },
    ...ha(CERT_MANAGER_COMPONENTS.controller),
    webhook: ha(CERT_MANAGER_COMPONENTS.webhook),
    cainjector: ha(CERT_MANAGER_COMPONENTS.cainjector),
    startupapicheck: { nodeSelector: { ...SYSTEM_NODE_SELECTOR } },
  };
}

export function scyllaOperatorValues() {
  return {
    replicas: OPERATOR_REPLICAS,
    webhookServerReplicas: OPERATOR_REPLICAS,
    nodeSelector: { ...SYSTEM_NODE_SELECTOR },
    webhookServerNodeSelector: { ...SYSTEM_NODE_SELECTOR },
    webhook: { createSelfSignedCertificate: true },
  };
}

export class PlatformOperators extends pulumi.ComponentResource {
  readonly certManager: k8s.helm.v3.Release;
  readonly certManagerBudgets: k8s.policy.v1.PodDisruptionBudget[];
  readonly prometheusOperator: k8s.yaml.v2.ConfigFile;
  readonly scyllaOperator: k8s.helm.v3.Release;
  readonly operatorSpread: k8s.apps.v1.DeploymentPatch[];
  /** Present on EKS only. */
  readonly operatorConfig?: k8s.apiextensions.CustomResourcePatch;
  /** What custom resources of the Scylla CRDs must wait for: the operator and its webhook up and configured. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ScyllaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:scylla:PlatformOperators", name, {}, opts);
    const base = childOptions(this, args);
    const after = (...deps: pulumi.Resource[]) => childOptions(this, args, deps);

    const certNs = new k8s.core.v1.Namespace(`${name}-cert-manager`, { metadata: { name: CERT_MANAGER_NAMESPACE } }, base);
    this.certManager = chartRelease(`${name}-cert-manager`, CERT_MANAGER_CHART, CERT_MANAGER_NAMESPACE, certManagerValues(), after(certNs));
    this.certManagerBudgets = Object.entries(CERT_MANAGER_COMPONENTS).map(
      ([component, labels]) =>
        new k8s.policy.v1.PodDisruptionBudget(
          `${name}-cert-manager-${component}`,
          {
            metadata: { name: `cert-manager-${component}`, namespace: CERT_MANAGER_NAMESPACE },
            spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } } },
          },
          after(certNs),
        ),
    );

    // Before scylla-operator: the operator detects the monitoring.coreos.com CRDs only when it starts.
    this.prometheusOperator = new k8s.yaml.v2.ConfigFile(`${name}-prometheus-operator`, { file: PROMETHEUS_OPERATOR_BUNDLE }, base);

    const operatorNs = new k8s.core.v1.Namespace(`${name}-scylla-operator`, { metadata: { name: SCYLLA_OPERATOR_NAMESPACE } }, base);
    this.scyllaOperator = chartRelease(
      `${name}-scylla-operator`,
      SCYLLA_OPERATOR_CHART,
      SCYLLA_OPERATOR_NAMESPACE,
      scyllaOperatorValues(),
      after(operatorNs, this.certManager, ...this.certManagerBudgets, this.prometheusOperator),
    );

    // The chart has no topologySpreadConstraints value. A server-side-apply patch owns just
    // this field; Helm's three-way merge leaves fields it never rendered alone on upgrades.
    this.operatorSpread = Object.entries(SCYLLA_OPERATOR_DEPLOYMENTS).map(
      ([deployment, labels]) =>
        new k8s.apps.v1.DeploymentPatch(
          `${name}-${deployment}-spread`,
          {
            metadata: { name: deployment, namespace: SCYLLA_OPERATOR_NAMESPACE, annotations: { "pulumi.com/patchForce": "true" } },
            spec: { template: { spec: { topologySpreadConstraints: zoneSpread(labels) } } },
          },
          after(this.scyllaOperator),
        ),
    );

    // The operator creates ScyllaOperatorConfig/cluster itself: patch it, never create it.
    if (args.region.cloud === "aws") {
      this.operatorConfig = new k8s.apiextensions.CustomResourcePatch(
        `${name}-operator-config`,
        {
          apiVersion: SCYLLA_ALPHA_API_VERSION,
          kind: "ScyllaOperatorConfig",
          metadata: { name: "cluster" },
          spec: { scyllaUtilsImage: EKS_SCYLLA_UTILS_IMAGE },
        },
        after(this.scyllaOperator),
      );
    }

    this.ready = [this.scyllaOperator, ...this.operatorSpread, ...(this.operatorConfig ? [this.operatorConfig] : [])];
    this.registerOutputs({});
  }
}

/** A pinned chart installed as a Helm release named after the chart. */
function chartRelease(
  name: string,
  chart: { readonly chart: string; readonly version: string; readonly repo: string },
  namespace: string,
  values: pulumi.Inputs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    { name: chart.chart, chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo }, namespace, values },
    opts,
  );
}
