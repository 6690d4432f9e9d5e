/**
 * The GKE deploy path and the in-cluster guards in the real program's output:
 * the Workload Identity binding waits for the cluster, the preview principal
 * gets cluster viewer plus a cluster-admin binding, the local CSI driver's
 * critical-priority pods are admitted by a scoped quota, and the ScyllaDB and
 * Manager namespaces carry real NetworkPolicies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "../cli/engine/synthesize";
import { named, ofType, synthStack } from "./helpers/harness";

let staging: SynthResult;
let prod: SynthResult;
beforeAll(async () => {
  staging = await synthStack("staging");
  prod = await synthStack("prod");
});

const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("GKE (staging)", () => {
  it("binds Workload Identity only after the cluster exists (the project's identity pool comes with it)", () => {
    const binding = named(staging.resources, "gcp:serviceaccount/iAMMember:IAMMember", "staging-usc1-agent-workload-identity");
    expect(binding.dependencies).toContain(named(staging.resources, "gcp:container/cluster:Cluster", "staging-usc1-cluster").urn);
  });

  it("gives the preview principal cluster viewer on the project and cluster-admin in the cluster", () => {
    const member = "serviceAccount:scylla-ha-preview@scylla-ha-staging.iam.gserviceaccount.com";
    expect(named(staging.resources, "gcp:projects/iAMMember:IAMMember", "staging-usc1-preview-viewer").inputs).toEqual({ project: "scylla-ha-staging", role: "roles/container.clusterViewer", member });
    expect(named(staging.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "staging-usc1-preview-binding").inputs).toMatchObject({
      metadata: { name: "scylla-ha:preview" },
      roleRef: { kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "User", name: "scylla-ha-preview@scylla-ha-staging.iam.gserviceaccount.com", apiGroup: "rbac.authorization.k8s.io" }],
    });
  });

  it("admits the local CSI driver's system-node-critical pods with a PriorityClass-scoped quota, before the DaemonSet", () => {
    const quota = named(staging.resources, "kubernetes:core/v1:ResourceQuota", "staging-usc1-local-csi-driver-critical");
    expect(quota.inputs).toMatchObject({
      metadata: { name: "critical-pods", namespace: "local-csi-driver" },
      spec: { hard: { pods: "1000" }, scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["system-node-critical"] }] } },
    });
    expect(named(staging.resources, "kubernetes:apps/v1:DaemonSet", "staging-usc1-local-csi-driver").dependencies).toContain(quota.urn);
  });
});

describe("NetworkPolicies (prod)", () => {
  const policy = (name: string) => named(prod.resources, NP, name).inputs as { metadata: Record<string, string>; spec: Record<string, any> };

  it("guards every region's ScyllaDB namespace and, in Manager's region, Manager's", () => {
    const names = ofType(prod.resources, NP).map((p) => p.name).sort();
    expect(names).toEqual(
      [
        ...["use1", "usw2", "euw1"].flatMap((k) => ["cql", "inter-node", "agent", "metrics"].map((p) => `prod-${k}-scylla-${p}`)),
        "prod-use1-manager-api",
        "prod-use1-manager-db",
      ].sort(),
    );
  });

  it("admits inter-node traffic from ScyllaDB pods, the peers' pod ranges and the region's node range only", () => {
    const { spec } = policy("prod-usw2-scylla-inter-node");
    expect(spec.ingress).toEqual([
      {
        from: [
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "scylla", "scylla/cluster": "scylla" } } },
          { ipBlock: { cidr: "10.0.0.0/16" } },
          { ipBlock: { cidr: "10.2.0.0/16" } },
          { ipBlock: { cidr: "10.1.0.0/16" } },
        ],
        ports: [7000, 7001].map((port) => ({ protocol: "TCP", port })),
      },
    ]);
  });

  it("admits the agent port from Manager, the operator and the Manager region's pod range only", () => {
    const { spec } = policy("prod-euw1-scylla-agent");
    expect(spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "scylla-manager" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "scylla-manager", "app.kubernetes.io/instance": "scylla-manager" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "scylla-operator" } } },
      { ipBlock: { cidr: "10.0.0.0/16" } },
    ]);
    expect(spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 10001 }]);
    // Manager's own region reaches its agents in-cluster; no range is needed there.
    expect(policy("prod-use1-scylla-agent").spec.ingress[0].from).toHaveLength(2);
  });

  it("admits Manager's API from its own namespace only", () => {
    const { metadata, spec } = policy("prod-use1-manager-api");
    expect(metadata.namespace).toBe("scylla-manager");
    expect(spec.ingress[0]).toEqual({ from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 5080 }] });
  });
});
