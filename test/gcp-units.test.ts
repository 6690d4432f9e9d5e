/**
 * The GCP layer's pure helpers, and a GCP environment built directly (not in
 * preview) to check what only the component objects and computed outputs show:
 * the ClusterHandle and the rendered kubeconfig.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Environment } from "../components/environment";
import { GcpRegion, nodePoolZones, scyllaSourceRanges } from "../components/gcp/gcp-region";
import { gkeKubeconfig } from "../components/gcp/gke-kubeconfig";
import { gkeServiceAgent, nodeServiceAccountId, nodeTag, scyllaTag } from "../components/gcp/gke-settings";
import { planEnvironment } from "../components/plan";
import { parseEnvironmentConfig } from "../stacks/validate";
import { environment, gcpRegion } from "./helpers/fixtures";
import { TEST_CQL_PASSWORDS } from "./helpers/scylla";
import { mockEngine, named, unwrap } from "./helpers/harness";

const twoRegions = () =>
  planEnvironment(parseEnvironmentConfig(environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41)])));

describe("GCP naming", () => {
  it.each([
    ["a-ab", "nodes-a-ab"],
    ["staging-usc1", "nodes-staging-usc1"],
    ["abcdefghijkl-abcdefghij", "nodes-abcdefghijkl-abcdefghij"],
  ])("the node service account of %s is %s, within GCP's 6–30 characters", (cluster, id) => {
    expect(nodeServiceAccountId(cluster)).toBe(id);
    expect(id).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
  });

  it("derives network tags and the GKE service agent", () => {
    expect([nodeTag("prod-usc1"), scyllaTag("prod-usc1")]).toEqual(["prod-usc1-node", "prod-usc1-scylla"]);
    expect(gkeServiceAgent("42")).toBe("serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com");
  });
});

describe("GCP plan helpers", () => {
  it("sources ScyllaDB traffic from every GCP region's pod and node ranges, in seed order", () => {
    expect(scyllaSourceRanges(twoRegions())).toEqual(["10.140.0.0/16", "10.40.0.0/20", "10.141.0.0/16", "10.41.0.0/20"]);
  });

  it("maps each node pool to its zones", () => {
    expect(nodePoolZones(twoRegions().regions[1]!)).toEqual({
      system: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
      "scylla-a": ["europe-west4-a"],
      "scylla-b": ["europe-west4-b"],
      "scylla-c": ["europe-west4-c"],
    });
  });
});

describe("gkeKubeconfig", () => {
  it("points at the DNS endpoint over HTTPS (publicly trusted, no cluster CA) and authenticates through gke-gcloud-auth-plugin, holding no credential", () => {
    const text = gkeKubeconfig({ clusterName: "prod-usc1", dnsEndpoint: "gke-0123abcd.us-central1.gke.goog" });
    expect(parse(text)).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "prod-usc1", cluster: { server: "https://gke-0123abcd.us-central1.gke.goog" } }],
      contexts: [{ name: "prod-usc1", context: { cluster: "prod-usc1", user: "prod-usc1" } }],
      "current-context": "prod-usc1",
      users: [
        {
          name: "prod-usc1",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
              provideClusterInfo: true,
            },
          },
        },
      ],
    });
    expect(text).not.toMatch(/token|password|client-key/);
  });
});

describe("GcpRegion built directly", () => {
  it("hands the Kubernetes layer a provider that waits for node pools, NAT and the webhook rule", async () => {
    const rec = mockEngine({
      computedOutputs: (type, name) =>
        type === "gcp:container/cluster:Cluster"
          ? { endpoint: `10.0.0.${name.includes("euw4") ? 2 : 1}`, controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true, endpoint: `gke-${name.includes("euw4") ? "b" : "a"}.gke.goog` } } }
          : {},
    });
    const env = new Environment("test", { plan: twoRegions(), agentAuthToken: pulumi.secret("test-token"), cql: { ...TEST_CQL_PASSWORDS } });
    const region = env.regions.euw4 as GcpRegion;
    const resources = await rec.settle();

    const dependsOn = await Promise.all(region.cluster.dependsOn.map((r) => unwrap(r.urn)));
    expect(dependsOn.map((urn) => urn.split("::").pop())).toEqual([
      "test-euw4-system",
      "test-euw4-scylla-a",
      "test-euw4-scylla-b",
      "test-euw4-scylla-c",
      "test-euw4-nat",
      "test-euw4-webhooks",
    ]);
    expect(await unwrap(region.cluster.provider.urn)).toBe(named(resources, "pulumi:providers:kubernetes", "test-euw4-k8s").urn);

    const provider = named(resources, "pulumi:providers:kubernetes", "test-euw4-k8s");
    const kubeconfig = parse(provider.inputs.kubeconfig as string);
    // The DNS endpoint, never the IP endpoint (which admits authorized networks only).
    expect(kubeconfig.clusters).toEqual([{ name: "test-euw4", cluster: { server: "https://gke-b.gke.goog" } }]);
    expect(kubeconfig.users[0].user.exec.command).toBe("gke-gcloud-auth-plugin");
  });
});
