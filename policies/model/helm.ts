/**
 * What Helm releases (and the prometheus-operator release bundle) put in a
 * cluster, judged from the release's values over the pinned chart version's
 * documented defaults, so a controller scaled to one replica through values
 * is as visible as a Deployment. Only the charts the stack pins are known;
 * each default below is read from that chart's values.yaml and templates at
 * the pinned tag. Patches the stack applies on top (DeploymentPatch) and PDBs
 * it creates beside the chart are folded in.
 */
import { type ResourceGraph, arr, num, rec, str } from "./graph";
import { type Amount, requestsOf } from "./instances";
import { k8sObjects, metaOf } from "./topology";
import type { GraphResource } from "./types";

const RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";

/** One Deployment a release renders, as its values make it. */
export interface HelmWorkload {
  readonly release: GraphResource;
  /** `Deployment <namespace>/<name> (Helm release <release>)`. */
  readonly what: string;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  /** Pod spec fields the chart renders from values: affinity, topologySpreadConstraints, nodeSelector. */
  readonly podSpec: Record<string, unknown>;
  readonly nodeSelector: Record<string, unknown>;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly requests: Amount;
  /** The chart itself renders a PodDisruptionBudget allowing one disruption. */
  readonly chartPdb: boolean;
  /** Where the defaults come from, for messages. */
  readonly source: string;
  /**
   * The upstream controller has no leader election, so it must run exactly
   * one replica; zone loss is survived by rescheduling, not by a standby.
   */
  readonly singleton: boolean;
}

interface Component {
  readonly name: (release: string) => string;
  readonly podLabels: (release: string) => Record<string, string>;
  /** The values subtree (dotted, "" for the root) and the keys in it. */
  readonly scope: string;
  readonly keys: { readonly replicas: string; readonly affinity: string; readonly spread?: string; readonly nodeSelector: string; readonly resources: string };
  readonly defaults: { readonly replicas: number; readonly affinity: unknown; readonly nodeSelector: Record<string, string>; readonly resources: Record<string, unknown> };
  /** Does the chart render a PDB, given the component's values? */
  readonly pdb: (values: Record<string, unknown>, replicas: number) => boolean;
}

const hostnameAnti = (labels: Record<string, string>) => ({
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" } }] },
});

/**
 * scylladb/scylla-operator v1.21.1 helm/scylla-operator: values.yaml:4
 * `replicas: 2`, :18-21 resources 100m/20Mi, :23 nodeSelector {}, :29-38
 * affinity (hostname anti-affinity only), :61 `webhookServerReplicas: 2`,
 * :64-67 webhook resources 10m/20Mi, :70 webhookServerNodeSelector, :76-85
 * webhookServerAffinity (hostname only). The Deployments render no
 * topologySpreadConstraints (templates/operator.deployment.yaml:48-58,
 * webhookserver.deployment.yaml:75-85); each PDB (minAvailable 1) is rendered
 * only when its replicas exceed 1 (operator.pdb.yaml:1, webhookserver.pdb.yaml:1).
 */
const SCYLLA_OPERATOR: readonly Component[] = [
  {
    name: () => "scylla-operator",
    podLabels: () => ({ "app.kubernetes.io/name": "scylla-operator", "app.kubernetes.io/instance": "scylla-operator" }),
    scope: "",
    keys: { replicas: "replicas", affinity: "affinity", nodeSelector: "nodeSelector", resources: "resources" },
    defaults: { replicas: 2, affinity: hostnameAnti({ "app.kubernetes.io/name": "scylla-operator", "app.kubernetes.io/instance": "scylla-operator" }), nodeSelector: {}, resources: { requests: { cpu: "100m", memory: "20Mi" } } },
    pdb: (_v, replicas) => replicas > 1,
  },
  {
    name: () => "webhook-server",
    podLabels: () => ({ "app.kubernetes.io/name": "webhook-server", "app.kubernetes.io/instance": "webhook-server" }),
    scope: "",
    keys: { replicas: "webhookServerReplicas", affinity: "webhookServerAffinity", nodeSelector: "webhookServerNodeSelector", resources: "webhookServerResources" },
    defaults: { replicas: 2, affinity: hostnameAnti({ "app.kubernetes.io/name": "webhook-server", "app.kubernetes.io/instance": "webhook-server" }), nodeSelector: {}, resources: { requests: { cpu: "10m", memory: "20Mi" } } },
    pdb: (_v, replicas) => replicas > 1,
  },
];

/**
 * cert-manager v1.20.2 deploy/charts/cert-manager/values.yaml: controller
 * replicaCount 1 (:120), podDisruptionBudget.enabled false (:133-140),
 * resources {} (:406), nodeSelector kubernetes.io/os: linux (:497-498),
 * affinity {} (:581), topologySpreadConstraints [] (:604); webhook
 * replicaCount 1 (:756), resources (:929), nodeSelector (:960), affinity
 * (:975), topologySpreadConstraints (:998), PDB off (:838); cainjector
 * replicaCount 1 (:1176), PDB off (:1275), resources (:1335), nodeSelector
 * (:1345), affinity (:1360), topologySpreadConstraints (:1383). Pod labels:
 * templates/*-deployment.yaml (name, instance = release, component).
 */
function certManagerComponent(scope: string, suffix: string, labelName: (release: string) => string, component: string): Component {
  return {
    name: (release) => (suffix ? `${release}-${suffix}` : release),
    podLabels: (release) => ({ "app.kubernetes.io/name": labelName(release), "app.kubernetes.io/instance": release, "app.kubernetes.io/component": component }),
    scope,
    keys: { replicas: "replicaCount", affinity: "affinity", spread: "topologySpreadConstraints", nodeSelector: "nodeSelector", resources: "resources" },
    defaults: { replicas: 1, affinity: {}, nodeSelector: { "kubernetes.io/os": "linux" }, resources: {} },
    pdb: (v) => rec(v.podDisruptionBudget).enabled === true,
  };
}

const CERT_MANAGER: readonly Component[] = [
  certManagerComponent("", "", () => "cert-manager", "controller"),
  certManagerComponent("webhook", "webhook", () => "webhook", "webhook"),
  certManagerComponent("cainjector", "cainjector", () => "cainjector", "cainjector"),
];

const CHARTS: Readonly<Record<string, { readonly version: string; readonly components: readonly Component[]; readonly source: string }>> = {
  "scylla-operator": { version: "v1.21.1", components: SCYLLA_OPERATOR, source: "scylla-operator chart v1.21.1 defaults" },
  "cert-manager": { version: "v1.20.2", components: CERT_MANAGER, source: "cert-manager chart v1.20.2 defaults" },
};

/**
 * prometheus-operator's release bundle renders one Deployment
 * default/prometheus-operator with `replicas: 1`, requests 100m/100Mi and
 * no spread or PDB (prometheus-operator v0.91.0,
 * example/rbac/prometheus-operator/prometheus-operator-deployment.yaml:9,11,47-48,
 * the file the bundle is generated from).
 */
const PROMETHEUS_OPERATOR_BUNDLE = /prometheus-operator\/prometheus-operator\/releases\/download\/(v[0-9.]+)\/bundle\.yaml$/;

function chartName(r: GraphResource): string | undefined {
  return str(r.props.chart)?.split("/").pop();
}

/** Applies the DeploymentPatches of the same cluster that target the named Deployment. */
function patched(graph: ResourceGraph, release: GraphResource, namespace: string, name: string, replicas: number, podSpec: Record<string, unknown>): { replicas: number; podSpec: Record<string, unknown> } {
  let out = { replicas, podSpec };
  for (const p of k8sObjects(graph, "apps", "DeploymentPatch")) {
    const m = metaOf(p);
    if (m.name !== name || m.namespace !== namespace || graph.clusterOf(p)?.urn !== graph.clusterOf(release)?.urn) continue;
    const spec = rec(p.props.spec);
    out = { replicas: num(spec.replicas) ?? out.replicas, podSpec: { ...out.podSpec, ...rec(rec(spec.template).spec) } };
  }
  return out;
}

/** Every Deployment the stack's Helm releases and the prometheus-operator bundle render, as their values make them. */
export function helmWorkloads(graph: ResourceGraph): HelmWorkload[] {
  const out: HelmWorkload[] = [];
  for (const release of graph.ofType(...RELEASE_TYPES)) {
    const chart = CHARTS[chartName(release) ?? ""];
    if (!chart) continue;
    const releaseName = str(release.props.name) ?? release.name;
    const namespace = str(release.props.namespace) ?? "default";
    const values = rec(release.props.values);
    for (const c of chart.components) {
      const v = c.scope ? rec(values[c.scope]) : values;
      const name = c.name(releaseName);
      const base = num(v[c.keys.replicas]) ?? c.defaults.replicas;
      const spreadValue = c.keys.spread ? arr(v[c.keys.spread]) : [];
      const affinity = v[c.keys.affinity] ?? c.defaults.affinity;
      const nodeSelector = rec(v[c.keys.nodeSelector] ?? c.defaults.nodeSelector);
      const spec = { affinity, nodeSelector, ...(spreadValue.length ? { topologySpreadConstraints: spreadValue } : {}) };
      const { replicas, podSpec } = patched(graph, release, namespace, name, base, spec);
      out.push({
        release,
        what: `Deployment ${namespace}/${name} (Helm release ${release.name}, chart ${chartName(release)} ${str(release.props.version) ?? "?"})`,
        namespace,
        name,
        replicas,
        podSpec,
        nodeSelector: rec(podSpec.nodeSelector),
        podLabels: c.podLabels(releaseName),
        requests: requestsOf(rec(v[c.keys.resources] ?? c.defaults.resources)),
        chartPdb: c.pdb(v, replicas),
        source: chart.source,
        singleton: false,
      });
    }
  }
  for (const file of graph.ofType(CONFIG_FILE)) {
    const version = PROMETHEUS_OPERATOR_BUNDLE.exec(str(file.props.file) ?? "")?.[1];
    if (!version) continue;
    const { replicas, podSpec } = patched(graph, file, "default", "prometheus-operator", 1, { nodeSelector: { "kubernetes.io/os": "linux" } });
    out.push({
      release: file,
      what: `Deployment default/prometheus-operator (prometheus-operator bundle ${version})`,
      namespace: "default",
      name: "prometheus-operator",
      replicas,
      podSpec,
      nodeSelector: rec(podSpec.nodeSelector),
      podLabels: { "app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "prometheus-operator" },
      requests: { cpu: 0.1, memory: 100 * 2 ** 20 },
      chartPdb: false,
      source: `prometheus-operator bundle ${version}`,
      // No leader election anywhere in its Go sources at v0.91.0 (`git grep -i leaderelection -- '*.go'` finds nothing): two replicas would both reconcile.
      singleton: true,
    });
  }
  return out;
}
