/** Cluster rules: private, encrypted, logged EKS control planes; regional GKE; a multi-zone system pool. */
import { T, type ResourceGraph, isGcpZone, rec, str, strings } from "../model/graph";
import { LABELS, nodePools } from "../model/topology";
import { type Finding, list, stackRule } from "../rule";

export const eksPrivateEndpoint = stackRule({
  name: "eks-private-endpoint",
  // Public exposure of the endpoint is judged once, by the union of its public ranges, in
  // control-plane-not-public (rules/deploy-path.ts); this rule only asks for the private path.
  description: "EKS API endpoints are reachable privately, from the nodes and in-VPC tools.",
  severity: "high",
  remediation: "Set vpcConfig.endpointPrivateAccess: true (public exposure is control-plane-not-public's to judge).",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const vpc = rec(c.props.vpcConfig);
      if (vpc.endpointPrivateAccess !== true) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: vpcConfig.endpointPrivateAccess is ${JSON.stringify(vpc.endpointPrivateAccess ?? null)}; nodes and in-VPC tools must reach the API privately: set it to true` };
      }
    }
  },
});

export const eksSecretsEncryption = stackRule({
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  severity: "high",
  remediation: "Set encryptionConfig: {provider: {keyArn: <KMS key>}, resources: [\"secrets\"]} on the aws.eks.Cluster.",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const configs = Array.isArray(c.props.encryptionConfig) ? c.props.encryptionConfig : [c.props.encryptionConfig];
      if (!configs.some((e) => strings(rec(e).resources).includes("secrets"))) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: Secrets are not encrypted with KMS (encryptionConfig.resources lacks "secrets"); set encryptionConfig with a KMS key and resources ["secrets"]` };
      }
    }
  },
});

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging = stackRule({
  name: "eks-control-plane-logging",
  description: "EKS clusters send every control-plane log type to CloudWatch.",
  severity: "medium",
  remediation: `Set enabledClusterLogTypes: ${JSON.stringify(LOG_TYPES)}.`,
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.eksCluster)) {
      const enabled = strings(c.props.enabledClusterLogTypes);
      const missing = LOG_TYPES.filter((t) => !enabled.includes(t));
      if (missing.length > 0) {
        yield { urn: c.urn, message: `EKS cluster ${c.name}: control-plane log types ${list(missing)} are not enabled; enable all of ${LOG_TYPES.join(", ")} in enabledClusterLogTypes` };
      }
    }
  },
});

export const gkeRegionalControlPlane = stackRule({
  name: "gke-regional-control-plane",
  description: "GKE clusters are regional (control plane replicated across zones), not zonal.",
  severity: "high",
  remediation: "Set the gcp.container.Cluster location to a region (us-central1), not a zone (us-central1-a); a cluster's location cannot change in place.",
  *check(graph): Iterable<Finding> {
    for (const c of graph.ofType(T.gkeCluster)) {
      const location = str(c.props.location);
      if (location === undefined || isGcpZone(location)) {
        yield { urn: c.urn, message: `GKE cluster ${c.name}: location ${location ?? "(unset)"} is ${location ? "a zone" : "not set"}, so the control plane lives in one zone; set location to a region such as ${location ? location.replace(/-[a-z]$/, "") : "us-central1"}` };
      }
    }
  },
});

export const systemPoolMultiZone = stackRule<{ minZones: number }>({
  name: "system-pool-multi-zone",
  description: "Every cluster has a system node pool (label scylla-ha.io/pool: system) spanning at least three zones with at least one node in each.",
  severity: "high",
  remediation: "Give each cluster one system node pool over three zones (EKS: subnets of three zones and minSize ≥ 3; GKE: nodeLocations of three zones and ≥ 1 node per zone), labelled scylla-ha.io/pool: system.",
  configSchema: { properties: { minZones: { type: "integer", minimum: 1, default: 3 } } },
  *check(graph: ResourceGraph, { minZones }): Iterable<Finding> {
    const pools = nodePools(graph);
    for (const cluster of graph.ofType(T.eksCluster, T.gkeCluster)) {
      if (!pools.some((p) => p.role === "system" && p.cluster?.urn === cluster.urn)) {
        yield { urn: cluster.urn, message: `cluster ${cluster.name} has no system node pool (label ${LABELS.pool}: system); operators, webhooks, Scylla Manager and Prometheus need a pool spanning ${minZones} zones` };
      }
    }
    for (const pool of pools.filter((p) => p.role === "system")) {
      const name = pool.resource.name;
      if (pool.zones.length < minZones) {
        const spans = pool.zones.length ? `spans ${pool.zones.length} zone(s) (${list([...pool.zones])})` : "names no zones (EKS: subnets from aws.ec2.Subnet resources; GKE: nodeLocations)";
        yield { urn: pool.resource.urn, message: `system pool ${name} ${spans}; it needs at least ${minZones} so operators and webhooks survive a zone loss` };
      }
      if ((pool.minNodesPerZone ?? 0) < 1) {
        yield { urn: pool.resource.urn, message: `system pool ${name} may scale to ${pool.minNodesPerZone ?? 0} node(s) per zone; keep at least 1 node in each zone (EKS minSize ≥ number of zones, GKE ≥ 1 per zone)` };
      }
    }
  },
});

export const CLUSTER_RULES = [eksPrivateEndpoint, eksSecretsEncryption, eksControlPlaneLogging, gkeRegionalControlPlane, systemPoolMultiZone];
