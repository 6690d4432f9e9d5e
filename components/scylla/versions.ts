/**
 * Every third-party version the Kubernetes layer installs, pinned in one
 * place. Scylla Operator v1.21.1 is released and tested against exactly these
 * dependency versions (its release notes and `assets/config/config.yaml`);
 * bump them together with the operator, one minor at a time (the operator
 * supports N → N+1 upgrades only, and its CRDs must be re-applied each time).
 */

/** Scylla Operator Helm chart; chart version = operator release. */
export const SCYLLA_OPERATOR_CHART = {
  chart: "scylla-operator",
  version: "v1.21.1",
  repo: "https://scylla-operator-charts.storage.googleapis.com/stable",
} as const;

/** cert-manager issues the operator's webhook serving certificate. */
export const CERT_MANAGER_CHART = {
  chart: "cert-manager",
  version: "v1.20.2",
  repo: "https://charts.jetstack.io",
} as const;

/**
 * prometheus-operator's own release bundle (CRDs, RBAC, one Deployment) at
 * the version the Scylla Operator is tested with. It is a single replica by
 * design: it holds no leader election, and its absence only delays changes to
 * Prometheus objects — running Prometheus servers keep scraping.
 */
export const PROMETHEUS_OPERATOR_BUNDLE =
  "https://github.com/prometheus-operator/prometheus-operator/releases/download/v0.91.0/bundle.yaml";

/** Alertmanager: prometheus-operator v0.91.0's default (pkg/operator/defaults.go:25). */
export const ALERTMANAGER_VERSION = "v0.32.1";

/** Prometheus server version the ScyllaDB dashboards and rules are tested with. */
export const PROMETHEUS_VERSION = "v3.9.1";

/** Scylla Manager server; the agent version is the plan's `scylla.agentVersion`. */
export const SCYLLA_MANAGER_IMAGE = "docker.io/scylladb/scylla-manager:3.10.1";

/**
 * EKS workaround from the operator's v1.21 EKS guide: the default utils image
 * ships a `systemctl` that breaks perftune together with irqbalance on Amazon
 * Linux (history: scylladb/scylla-operator#1826). The guide names the floating
 * `2025.1` (docs/source/deploy-scylladb/reference-deployments/reference-deployment-eks.md:29
 * at v1.21.1); pinned here to that line's last release (scylladb/scylladb tag
 * scylla-2025.1.14) so a node restart never pulls a different image.
 */
export const EKS_SCYLLA_UTILS_IMAGE = "docker.io/scylladb/scylla:2025.1.14";

/** ScyllaDB local CSI driver and the CSI sidecars it runs with. */
export const LOCAL_CSI_DRIVER_IMAGES = {
  driver: "docker.io/scylladb/local-csi-driver:0.5.0",
  registrar: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0",
  livenessProbe: "registry.k8s.io/sig-storage/livenessprobe:v2.15.0",
  provisioner: "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0",
} as const;

/**
 * kubectl for the restore's rolling-restart Job, at the clusters' own minor
 * (kubectl supports one minor of skew either way).
 */
export function kubectlImage(kubernetesVersion: string): string {
  return `registry.k8s.io/kubectl:v${kubernetesVersion}.0`;
}
