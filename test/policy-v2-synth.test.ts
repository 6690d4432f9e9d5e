/**
 * Policy pack v2 over the real programs: each capability flags a realistic
 * break made in an export of the prod or staging synth (through the offline
 * check, exit 1) and passes the clean one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../cli/check";
import { type StackExport, toStackExport } from "../cli/engine/export";
import { environment, gcpRegion } from "./helpers/fixtures";
import { synthStack } from "./helpers/harness";

type Resources = StackExport["deployment"]["resources"];
interface V { policy: string; urn: string; message: string; enforcementLevel: string }

let prod: StackExport;
let staging: StackExport;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-v2-"));

beforeAll(async () => {
  prod = toStackExport((await synthStack("prod")).resources);
  staging = toStackExport((await synthStack("staging")).resources);
}, 120_000);


async function check(base: StackExport, mutate: (rs: Resources) => void) {
  const doc = structuredClone(base);
  mutate(doc.deployment.resources);
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  const out = await runCheck(["--export", file, "--format", "json"]);
  const json = JSON.parse(out.stdout);
  return { code: out.code, found: json.violations as V[], domains: json.failureDomains as { domain: string; kind: string; survives: boolean; causes: string[] }[] };
}

const byName = (rs: Resources, type: string, name: string) => {
  const r = rs.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
};
/** Applies an edit to a resource's inputs and outputs alike (the export carries both; outputs win). */
function edit(r: Resources[number], fn: (props: any) => void): void {
  fn(r.inputs);
  if (r.outputs) fn(r.outputs);
}
const mandatory = (found: V[], policy: string) => found.filter((v) => v.policy === policy && v.enforcementLevel === "mandatory");

describe("policy pack v2 over the prod and staging synths", () => {
  it("the clean synths raise nothing new (beyond the Manager database findings issue 15 removes)", async () => {
    const p = await check(prod, () => {});
    expect(p.found).toEqual([]);
    const s = await check(staging, () => {});
    expect(s.found.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    // prod's link domains: one per pair of regions, each survives.
    expect(p.domains.filter((d) => d.kind === "link").map((d) => [d.domain, d.survives])).toEqual([
      ["link:eu-west-1~us-east-1", true],
      ["link:eu-west-1~us-west-2", true],
      ["link:us-east-1~us-west-2", true],
    ]);
  });

  it("reachability on GCP: two regions in one VPC pass; a firewall missing the other region's pod range is half-open", async () => {
    const gcp2 = toStackExport((await synthStack("test", environment([gcpRegion("usc1", "us-central1", 40), gcpRegion("euw4", "europe-west4", 41)]))).resources);
    const clean = await check(gcp2, () => {});
    expect(mandatory(clean.found, "dc-reachability")).toEqual([]);
    const firewall = gcp2.deployment.resources.find((r) => r.type === "gcp:compute/firewall:Firewall" && r.urn.endsWith("-usc1-scylla"))!;
    const sources = firewall.inputs.sourceRanges as string[];
    const broken = await check(gcp2, (rs) => {
      // Keep only the ranges of us-central1 itself: europe-west4's nodes and pods are no longer admitted.
      edit(byName(rs, "gcp:compute/firewall:Firewall", "test-usc1-scylla"), (p) => (p.sourceRanges = sources.filter((c) => c.startsWith("10.40.") || c.startsWith("10.140."))));
    });
    expect(mandatory(broken.found, "dc-reachability").map((v) => v.message.split(": ")[1]!.split(" (no ingress")[0])).toEqual([
      "europe-west4 → us-central1 blocked on 7000 (inter-node), 7001 (inter-node TLS), 9042 (CQL), 9142 (CQL TLS), 19042 (shard-aware CQL) and 19142 (shard-aware CQL TLS)",
    ]);
  }, 120_000);

  it("capacity: a rack whose memory outgrows an i4i.2xlarge, and a pool capped below its members", async () => {
    const { code, found } = await check(prod, (rs) => {
      edit(byName(rs, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "prod-usw2-scylla-cluster"), (p) => {
        p.spec.datacenter.racks[0].resources = { requests: { cpu: "6", memory: "63Gi" }, limits: { cpu: "6", memory: "63Gi" } };
      });
      edit(byName(rs, "aws:eks/nodeGroup:NodeGroup", "prod-euw1-scylla-b"), (p) => (p.scalingConfig.maxSize = 1));
    });
    expect(code).toBe(1);
    expect(mandatory(found, "scylla-pod-fits-node").map((v) => v.message)).toEqual([
      "ScyllaCluster prod-usw2-scylla-cluster (datacenter us-west-2, us-west-2): rack us-west-2a needs 6.5 CPU / 63.5 GiB per node (scylla, agent and DaemonSet(s) local-csi-driver) but a i4i.2xlarge node of pool prod-usw2-scylla-a offers 7 CPU / 63.03 GiB allocatable; not enough memory, so the pod stays Pending: lower the rack's resources or use a larger machine",
    ]);
    expect(mandatory(found, "scylla-rack-pool-size").map((v) => v.urn.split("::").pop())).toEqual(["prod-euw1-scylla-b"]);
  });

  it("reachability: a withdrawn shard-aware CQL rule leaves a half-open link, and the failure analysis reports the partition", async () => {
    const { code, found, domains } = await check(prod, (rs) => {
      rs.splice(rs.indexOf(byName(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-use1-euw1-euw1-tcp-19042")), 1);
    });
    expect(code).toBe(1);
    expect(mandatory(found, "dc-reachability").map((v) => v.message)).toEqual([
      "the link between datacenters us-east-1 and eu-west-1 is half-open: us-east-1 → eu-west-1 blocked on 19042 (shard-aware CQL) (no ingress rule on eu-west-1's Scylla nodes admits 10.0.0.0/16); the datacenters are partitioned from the start and never form one cluster: open every ScyllaDB port both ways",
    ]);
    expect(domains.find((d) => d.domain === "link:eu-west-1~us-east-1")).toMatchObject({ kind: "link", survives: false });
  });

  it("exposure: CQL opened to 0.0.0.0/1 + 128.0.0.0/1 (prod) and the Scylla firewall to 0.0.0.0/0 (staging)", async () => {
    const p = await check(prod, (rs) => {
      const rule = byName(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-use1-usw2-use1-tcp-9042");
      for (const [i, cidr] of ["0.0.0.0/1", "128.0.0.0/1"].entries()) {
        const copy = structuredClone(rule);
        copy.urn = `${rule.urn}-open${i}`;
        copy.inputs = { ...rule.inputs, cidrIpv4: cidr };
        copy.outputs = { ...rule.outputs, cidrIpv4: cidr };
        rs.push(copy);
      }
    });
    expect(p.code).toBe(1);
    expect(mandatory(p.found, "data-ports-not-public").map((v) => v.message)).toEqual([
      "security group prod-use1-scylla-nodes admits 3,702,390,784 public addresses — the internet in effect (0.0.0.0/1 and 128.0.0.0/1, through prod-use1-usw2-use1-tcp-9042-open0 and prod-use1-usw2-use1-tcp-9042-open1) to ScyllaDB port(s) 9042 (CQL); the data plane must not be reachable from the internet: admit only private ranges",
    ]);
    const s = await check(staging, (rs) => {
      edit(byName(rs, "gcp:compute/firewall:Firewall", "staging-usc1-scylla"), (p) => p.sourceRanges.push("0.0.0.0/0"));
    });
    expect(s.code).toBe(1);
    expect(mandatory(s.found, "data-ports-not-public").map((v) => v.urn.split("::").pop())).toEqual(["staging-usc1-scylla"]);
    // The seeds LoadBalancer made external (scheme and internal annotations dropped).
    const lb = await check(prod, (rs) => {
      edit(byName(rs, "kubernetes:core/v1:Service", "prod-usw2-seeds"), (p) => {
        delete p.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"];
        delete p.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"];
      });
    });
    expect(mandatory(lb.found, "loadbalancers-not-public").map((v) => v.urn.split("::").pop())).toEqual(["prod-usw2-seeds"]);
  });

  it("Helm releases: cert-manager scaled to one replica through values is flagged like a Deployment", async () => {
    const { code, found } = await check(prod, (rs) => {
      edit(byName(rs, "kubernetes:helm.sh/v3:Release", "prod-euw1-cert-manager"), (p) => (p.values.webhook.replicaCount = 1));
    });
    expect(code).toBe(1);
    expect(mandatory(found, "helm-workloads-ha").map((v) => v.message)).toEqual([
      "Deployment cert-manager/cert-manager-webhook (Helm release prod-euw1-cert-manager, chart cert-manager v1.20.2) runs 1 replica(s) (from the release values over the cert-manager chart v1.20.2 defaults); run at least 2 so one lost node or zone does not stop it: set the chart's replica value",
    ]);
  });

  it("zone spread: a Prometheus without its zone constraint", async () => {
    const { code, found } = await check(prod, (rs) => {
      edit(byName(rs, "kubernetes:monitoring.coreos.com/v1:Prometheus", "prod-use1-prometheus"), (p) => {
        p.spec.topologySpreadConstraints = p.spec.topologySpreadConstraints.filter((c: any) => c.topologyKey !== "topology.kubernetes.io/zone");
      });
    });
    expect(code).toBe(1);
    expect(mandatory(found, "replicated-zone-spread").map((v) => v.urn.split("::").pop())).toEqual(["prod-use1-prometheus"]);
  });

  it("production tuning: NodeConfig optimisations disabled (prod), a datacenter in developer mode (staging)", async () => {
    const p = await check(prod, (rs) => {
      edit(byName(rs, "kubernetes:scylla.scylladb.com/v1alpha1:NodeConfig", "prod-usw2-node-config"), (p) => (p.spec.disableOptimizations = true));
    });
    expect(p.code).toBe(1);
    expect(mandatory(p.found, "scylla-production-checklist").map((v) => v.message)).toEqual(["NodeConfig scylla-nodes sets disableOptimizations: true, so Scylla nodes get no performance tuning; remove it"]);
    const s = await check(staging, (rs) => {
      edit(byName(rs, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "staging-usc1-scylla-cluster"), (p) => (p.spec.developerMode = true));
    });
    expect(s.code).toBe(1);
    expect(mandatory(s.found, "scylla-production-checklist").map((v) => v.urn.split("::").pop())).toEqual(["staging-usc1-scylla-cluster"]);
  });
});
