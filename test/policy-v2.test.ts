/**
 * Policy pack v2 on hand-built graphs: capacity, reachability between
 * datacenters, data-port exposure, Helm releases judged from their values,
 * zone spread of replicated workloads and the operator's production
 * checklist. Every rule passes the clean AWS and GCP environments and flags
 * one realistic break at a time, with its exact message.
 */
import { describe, expect, it } from "vitest";
import { analyseFailureDomains } from "../policies/failure";
import { isPublicIpv6, publicAddressCount } from "../policies/model/cidr";
import { cpuSetSize, eksAllocatable, gkeAllocatable, machine } from "../policies/model/instances";
import { scyllaPodFitsNode, scyllaRackPoolSize, systemPoolCapacity } from "../policies/rules/capacity";
import { dataPortsNotPublic, loadBalancersNotPublic } from "../policies/rules/exposure";
import { scyllaProductionChecklist } from "../policies/rules/production";
import { dcReachability } from "../policies/rules/reachability";
import { helmWorkloadsHa, replicatedZoneSpread } from "../policies/rules/replicated";
import type { GraphBuilder } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { AWS_REGIONS, awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const V2 = [scyllaRackPoolSize, scyllaPodFitsNode, systemPoolCapacity, dcReachability, dataPortsNotPublic, loadBalancersNotPublic, helmWorkloadsHa, replicatedZoneSpread, scyllaProductionChecklist];

const k8s = (b: GraphBuilder, region = "use1") => ({ provider: b.ref(`prod-${region}-k8s`) });
const zoneSpread = (labels: Record<string, string>) => [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } }];

describe("policy pack v2: clean environments", () => {
  for (const policy of V2) {
    it(`${policy.name} passes the clean AWS and GCP environments`, () => {
      expect(findings(awsEnvironment(), policy)).toEqual([]);
      expect(findings(gcpEnvironment(), policy)).toEqual([]);
    });
  }
});

describe("node allocatable: the EKS AL2023 and GKE reservation formulas", () => {
  it("EKS: kube-reserved memory 11 × maxPods + 255 MiB and 100Mi eviction; reservedSystemCPUs replaces the CPU reservation", () => {
    const i4i = machine("aws", "i4i.2xlarge")!;
    expect(i4i).toEqual({ name: "i4i.2xlarge", vcpus: 8, memoryGiB: 64, maxPods: 58 });
    // 11 × 58 + 255 = 893 MiB kube-reserved, plus the 100Mi hard eviction threshold.
    expect(eksAllocatable(i4i, { reservedSystemCPUs: "0" })).toEqual({ cpu: 7, memory: 64 * GiB - 993 * MiB });
    // Without a CPU list: 6% + 1% + 0.5% + 0.5% + 4 × 0.25% of a core = 90m.
    expect(eksAllocatable(i4i, {}).cpu).toBeCloseTo(7.91, 9);
    expect(eksAllocatable(machine("aws", "i4i.large")!, { systemReservedCpu: "100m" }).cpu).toBeCloseTo(2 - 0.07 - 0.1, 9);
    expect(cpuSetSize("0,24")).toBe(2);
    expect(cpuSetSize("0-3,8")).toBe(5);
  });

  it("GKE: 25% / 20% / 10% / 6% / 2% memory tiers plus 100 MiB eviction; the same CPU tiers", () => {
    const n2 = machine("gcp", "n2-highmem-8")!;
    const a = gkeAllocatable(n2);
    // 1 + 0.8 + 0.8 + 0.06 × 48 = 5.48 GiB reserved of 64.
    expect(a.memory).toBeCloseTo((64 - 5.48) * GiB - 100 * MiB, 0);
    expect(a.cpu).toBeCloseTo(7.91, 9);
    expect(gkeAllocatable(machine("gcp", "n2-standard-4")!).memory).toBeCloseTo((16 - 1 - 0.8 - 0.8) * GiB - 100 * MiB, 0);
  });
});

describe("schedulability and capacity", () => {
  it("scylla-rack-pool-size flags a pool that cannot grow to, or keep, one node per member", () => {
    const b = awsEnvironment().edit("prod-use1-scylla-us-east-1a", (i) => ({ ...i, scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } }));
    expect(findings(b, scyllaRackPoolSize)).toEqual([
      ["prod-use1-scylla-us-east-1a", "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1): rack us-east-1a has 2 members but pool prod-use1-scylla-us-east-1a may grow to only 1 node(s) in us-east-1a; 1 member(s) can never be scheduled (one ScyllaDB pod per node): raise the pool's maximum to at least 2"],
      ["prod-use1-scylla-us-east-1a", "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1): rack us-east-1a has 2 members but pool prod-use1-scylla-us-east-1a keeps only 1 node(s) in us-east-1a at its minimum; the autoscaler may remove a node a member's local data lives on: raise the pool's minimum to at least 2"],
    ]);
    const g = gcpEnvironment().edit("staging-usc1-scylla-b", (i) => ({ ...i, nodeCount: 1 }));
    expect(findings(g, scyllaRackPoolSize).map(([name, m]) => [name, m.slice(0, 120)])).toEqual([
      ["staging-usc1-scylla-b", "ScyllaCluster staging-usc1-scylla (datacenter us-central1, us-central1): rack us-central1-b has 2 members but pool stagi"],
      ["staging-usc1-scylla-b", "ScyllaCluster staging-usc1-scylla (datacenter us-central1, us-central1): rack us-central1-b has 2 members but pool stagi"],
    ]);
  });

  it("scylla-pod-fits-node flags a rack larger than the node's allocatable, counting the node's DaemonSets and the kubelet's CPU list", () => {
    const big = awsEnvironment().edit("prod-use1-scylla", (i) => ({ ...i, spec: { ...i.spec, datacenter: { ...i.spec.datacenter, racks: i.spec.datacenter.racks.map((r: any) => ({ ...r, resources: { requests: { cpu: "6", memory: "63Gi" }, limits: { cpu: "6", memory: "63Gi" } } })) } } }));
    const found = findings(big, scyllaPodFitsNode);
    expect(found).toHaveLength(3);
    expect(found[0]).toEqual(["prod-use1-scylla", "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1): rack us-east-1a needs 6.1 CPU / 63.2 GiB per node (scylla, agent) but a i4i.2xlarge node of pool prod-use1-scylla-us-east-1a offers 7.91 CPU / 63.03 GiB allocatable; not enough memory, so the pod stays Pending: lower the rack's resources or use a larger machine"]);

    // A DaemonSet on the Scylla nodes takes its share of every node.
    const ds = awsEnvironment();
    const labels = { app: "node-agent" };
    ds.add("kubernetes:apps/v1:DaemonSet", "prod-use1-node-agent", { metadata: { name: "node-agent", namespace: "kube-system" }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { tolerations: [{ operator: "Exists" }], containers: [{ name: "a", resources: { requests: { cpu: "2", memory: "1Gi" } } }] } } } }, k8s(ds));
    expect(findings(ds, scyllaPodFitsNode).map(([n, m]) => [n, m.replace(/rack us-east-1[abc]/, "rack *")])).toEqual(
      Array(3).fill(["prod-use1-scylla", "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1): rack * needs 8.1 CPU / 51.2 GiB per node (scylla, agent and DaemonSet(s) node-agent) but a i4i.2xlarge node of pool prod-use1-scylla-us-east-1a offers 7.91 CPU / 63.03 GiB allocatable; not enough CPU, so the pod stays Pending: lower the rack's resources or use a larger machine".replace("pool prod-use1-scylla-us-east-1a", "pool POOL")]).map(([n, m], z) => [n, m.replace("POOL", `prod-use1-scylla-us-east-1${"abc"[z]}`)]),
    );
    // A DaemonSet that does not tolerate the dedicated taint never lands there.
    ds.edit("prod-use1-node-agent", (i) => ({ ...i, spec: { ...i.spec, template: { ...i.spec.template, spec: { ...i.spec.template.spec, tolerations: [] } } } }));
    expect(findings(ds, scyllaPodFitsNode)).toEqual([]);

    // reservedSystemCPUs "0,4" leaves 6 CPUs: scylla 6 + agent 100m does not fit.
    const list = awsEnvironment();
    const userData = Buffer.from("kind: NodeConfig\nspec:\n  kubelet:\n    config:\n      cpuManagerPolicy: static\n      reservedSystemCPUs: \"0,4\"\n").toString("base64");
    list.edit("prod-usw2-scylla-lt", (i) => ({ ...i, userData }));
    expect(findings(list, scyllaPodFitsNode).map(([, m]) => m.split(" but ")[1]!.slice(0, 75))).toEqual(Array(3).fill("a i4i.2xlarge node of pool prod-usw2-scylla-us-west-2a offers 6 CPU / 63.03").map((m, z) => m.replace("us-west-2a", `us-west-2${"abc"[z]}`)));
  });

  it("scylla-pod-fits-node flags too little headroom beside scylla and a machine it cannot size", () => {
    const b = awsEnvironment().edit("prod-euw1-scylla", (i) => ({ ...i, spec: { ...i.spec, datacenter: { ...i.spec.datacenter, racks: i.spec.datacenter.racks.slice(0, 1).map((r: any) => ({ ...r, resources: { requests: { cpu: "7", memory: "50Gi" }, limits: { cpu: "7", memory: "50Gi" } } })) } } }));
    expect(findings(b, scyllaPodFitsNode)).toEqual([
      ["prod-euw1-scylla", "ScyllaCluster prod-euw1-scylla (datacenter eu-west-1, eu-west-1): rack eu-west-1a gives scylla 7 of a i4i.2xlarge's 8 vCPUs, leaving 1 for the OS, kubelet and DaemonSets; the operator asks for at least 2: lower resources.cpu or use a larger machine"],
    ]);
    expect(findings(b, scyllaPodFitsNode, { minHeadroomCpus: 1 })).toEqual([]);
    const odd = awsEnvironment().edit("prod-use1-scylla-us-east-1b", (i) => ({ ...i, instanceTypes: ["x9z.huge"] }));
    expect(findings(odd, scyllaPodFitsNode)).toEqual([["prod-use1-scylla-us-east-1b", "ScyllaCluster prod-use1-scylla (datacenter us-east-1, us-east-1): rack us-east-1b's pool prod-use1-scylla-us-east-1b uses machine type x9z.huge, whose size the policy does not know, so it cannot prove a ScyllaDB pod fits; use a supported storage-optimised type"]]);
  });

  it("system-pool-capacity flags platform workloads that overflow the system pool or a pod no system node can hold", () => {
    const b = awsEnvironment();
    const labels = { app: "heavy" };
    b.add("kubernetes:apps/v1:Deployment", "prod-use1-heavy", { metadata: { name: "heavy", namespace: "monitoring" }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { nodeSelector: { "scylla-ha.io/pool": "system" }, containers: [{ name: "h", image: "x:1", resources: { requests: { cpu: "6", memory: "2Gi" } } }] } } } }, k8s(b));
    expect(findings(b, systemPoolCapacity)).toEqual([
      ["prod-use1-system", "system pool prod-use1-system offers 11.76 CPU / 45.09 GiB on its 3 minimum m7i.xlarge node(s), but the platform workloads pinned to it request 12 CPU / 4 GiB (Deployment monitoring/heavy ×2); some stay Pending: raise the pool's minimum size or machine type"],
      ["prod-use1-heavy", "Deployment monitoring/heavy requests 6 CPU / 2 GiB per pod, more than one m7i.xlarge node of system pool prod-use1-system offers (3.92 CPU / 15.03 GiB, 15.03 GiB memory); it can never be scheduled: use a larger system machine type"],
    ]);
    // The same Deployment off the system pool is not the system pool's load.
    b.edit("prod-use1-heavy", (i) => ({ ...i, spec: { ...i.spec, template: { ...i.spec.template, spec: { ...i.spec.template.spec, nodeSelector: {} } } } }));
    expect(findings(b, systemPoolCapacity)).toEqual([]);
  });
});

describe("reachability between datacenters", () => {
  it("flags a half-open link: one rule missing on one side", () => {
    const b = awsEnvironment().remove("prod-use1-usw2-tcp-9042");
    expect(findings(b, dcReachability)).toEqual([
      ["prod-usw2-scylla", "the link between datacenters us-east-1 and us-west-2 is half-open: us-west-2 → us-east-1 blocked on 9042 (CQL) (no ingress rule on us-east-1's Scylla nodes admits 10.1.0.0/16); the datacenters are partitioned from the start and never form one cluster: open every ScyllaDB port both ways"],
    ]);
    // The failure analysis reports the link as a partition present before anything fails.
    const link = analyseFailureDomains(b.graph()).find((d) => d.domain === "link:us-east-1~us-west-2")!;
    expect(link.survives).toBe(false);
    expect(link.causes[0]).toMatch(/^us-east-1 and us-west-2 are partitioned before anything fails \(us-west-2 → us-east-1 blocked on 9042/);
  });

  it("checks the agent port only from Manager's region, and sources by range containment", () => {
    // Manager runs in us-east-1: us-west-2 → us-east-1 on 10001 is not needed …
    expect(findings(awsEnvironment().remove("prod-use1-usw2-tcp-10001"), dcReachability)).toEqual([]);
    // … but us-east-1 → us-west-2 is.
    expect(findings(awsEnvironment().remove("prod-usw2-use1-tcp-10001"), dcReachability).map(([, m]) => m.split(": ")[1])).toEqual(["us-east-1 → us-west-2 blocked on 10001 (Manager agent API) (no ingress rule on us-west-2's Scylla nodes admits 10.0.0.0/16); the datacenters are partitioned from the start and never form one cluster"]);
    // A rule admitting only half the peer's VPC does not open the port.
    const narrow = awsEnvironment().edit("prod-euw1-use1-tcp-7000", (i) => ({ ...i, cidrIpv4: "10.0.0.0/17" }));
    expect(findings(narrow, dcReachability).map(([, m]) => m.split(": ")[1])).toEqual(["us-east-1 → eu-west-1 blocked on 7000 (inter-node) (no ingress rule on eu-west-1's Scylla nodes admits 10.0.0.0/16); the datacenters are partitioned from the start and never form one cluster"]);
  });

  it("flags a link without routes, both ways at once", () => {
    const b = awsEnvironment().remove("prod-usw2-private-us-west-2b-rt-to-euw1");
    const found = findings(b, dcReachability);
    expect(found).toHaveLength(1);
    expect(found[0]![1]).toBe("the link between datacenters us-west-2 and eu-west-1 is broken: no route: route table(s) prod-usw2-private-us-west-2b-rt of us-west-2 have no route to eu-west-1's 10.2.0.0/16 through peering prod-usw2-euw1-peering; the datacenters are partitioned from the start and never form one cluster: open every ScyllaDB port both ways");
  });

  it("the failure analysis: a cut link between two datacenters of two leaves no Raft majority; with three it does", () => {
    const three = analyseFailureDomains(awsEnvironment().graph()).filter((d) => d.kind === "link");
    expect(three.map((d) => [d.domain, d.survives])).toEqual([
      ["link:eu-west-1~us-east-1", true],
      ["link:eu-west-1~us-west-2", true],
      ["link:us-east-1~us-west-2", true],
    ]);
    expect(three[0]!.effects).toEqual([
      "eu-west-1 and us-east-1 stop replicating to each other: each keeps LOCAL_QUORUM, writes between them wait in hints and need a repair after a long cut, and requests needing both (QUORUM, EACH_QUORUM) fail",
      "Scylla Manager in us-east-1 cannot reach eu-west-1's agents on 10001: backups and repairs of eu-west-1 fail until the link returns",
    ]);
    const two = analyseFailureDomains(awsEnvironment("prod", AWS_REGIONS.slice(0, 2)).graph()).filter((d) => d.kind === "link");
    expect(two.map((d) => [d.domain, d.survives, d.causes])).toEqual([
      ["link:us-east-1~us-west-2", false, ["with us-east-1 and us-west-2 cut apart no datacenter reaches a majority of the 12 nodes (best 6): schema and topology changes (Raft) stop"]],
    ]);
  });
});

describe("exposure of data ports", () => {
  it("judges the union of public ranges across rules: 0.0.0.0/1 + 128.0.0.0/1 is the internet", () => {
    expect(publicAddressCount(["0.0.0.0/1", "128.0.0.0/1"])).toBeGreaterThan(3.7e9);
    const b = awsEnvironment();
    const sg = b.ref("prod-use1-scylla-sg");
    for (const [i, cidr] of ["0.0.0.0/1", "128.0.0.0/1"].entries()) b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `prod-use1-open-${i}`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 9042, toPort: 9042, cidrIpv4: cidr }, { provider: b.ref("prod-use1-aws"), deps: { securityGroupId: [sg] } });
    expect(findings(b, dataPortsNotPublic)).toEqual([
      ["prod-use1-open-0", "security group prod-use1-scylla-sg admits 3,702,390,784 public addresses — the internet in effect (0.0.0.0/1 and 128.0.0.0/1, through prod-use1-open-0 and prod-use1-open-1) to ScyllaDB port(s) 9042 (CQL); the data plane must not be reachable from the internet: admit only private ranges"],
    ]);
  });

  it("flags a small public range and an all-protocol rule; private ranges pass", () => {
    const b = awsEnvironment();
    const sg = b.ref("prod-usw2-scylla-sg");
    const p = { provider: b.ref("prod-usw2-aws"), deps: { securityGroupId: [sg] } };
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-usw2-office", { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "203.0.113.0/24" }, p);
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-usw2-vpn", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 9042, toPort: 9042, cidrIpv4: "10.200.0.0/16" }, p);
    const found = findings(b, dataPortsNotPublic);
    expect(found).toEqual([["prod-usw2-office", "security group prod-usw2-scylla-sg admits 256 public address(es) (203.0.113.0/24, through prod-usw2-office) to ScyllaDB port(s) 5080 (Manager API), 5443 (Manager API TLS), 7000 (inter-node), 7001 (inter-node TLS), 9042 (CQL), 9142 (CQL TLS), 10001 (Manager agent API), 19042 (shard-aware CQL) and 19142 (shard-aware CQL TLS); the data plane must not be reachable from the internet: admit only private ranges"]]);
    expect(findings(b, dataPortsNotPublic, { maxPublicAddresses: 256 })).toEqual([]);
  });

  it("IPv6 sources: ::/0 and global unicast are public, unique-local and link-local are not", () => {
    expect(["::/0", "2001:db8::/32", "2600::/12"].map(isPublicIpv6)).toEqual([true, true, true]);
    expect(["fd00::/8", "fc00::/7", "fe80::/10", "::1/128", "10.0.0.0/8"].map(isPublicIpv6)).toEqual([false, false, false, false, false]);
    const b = awsEnvironment();
    const sg = b.ref("prod-euw1-scylla-sg");
    const p = { provider: b.ref("prod-euw1-aws"), deps: { securityGroupId: [sg] } };
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-euw1-v6-open", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 7000, toPort: 7001, cidrIpv6: "::/0" }, p);
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-euw1-v6-ula", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 9042, toPort: 9042, cidrIpv6: "fd00::/8" }, p);
    expect(findings(b, dataPortsNotPublic)).toEqual([
      ["prod-euw1-v6-open", "security group prod-euw1-scylla-sg admits public IPv6 space (::/0, through prod-euw1-v6-open) to ScyllaDB port(s) 7000 (inter-node) and 7001 (inter-node TLS); the data plane must not be reachable from the internet: admit only private ranges"],
    ]);
  });

  it("GCP firewall rules: sources judged per target tag, an untagged rule reported once", () => {
    const b = gcpEnvironment();
    const net = b.ref("staging-network");
    const p = { provider: b.ref("staging-usc1-gcp"), deps: { network: [net] } };
    b.add("gcp:compute/firewall:Firewall", "staging-open-cql", { network: net.id, direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["9042", "19042"] }], sourceRanges: ["0.0.0.0/0"] }, p);
    expect(findings(b, dataPortsNotPublic)).toEqual([
      ["staging-open-cql", "every instance of network staging-network admits 3,702,390,784 public addresses — the internet in effect (0.0.0.0/0, through staging-open-cql) to ScyllaDB port(s) 9042 (CQL) and 19042 (shard-aware CQL); the data plane must not be reachable from the internet: admit only private ranges"],
    ]);
    b.edit("staging-open-cql", (i) => ({ ...i, direction: "EGRESS" }));
    expect(findings(b, dataPortsNotPublic)).toEqual([]);
  });

  it("loadbalancers-not-public flags an external LoadBalancer on a ScyllaDB port; internal or private source ranges pass", () => {
    const b = awsEnvironment();
    const svc = (name: string, extra: { annotations?: Record<string, string>; ranges?: string[] }) =>
      b.add("kubernetes:core/v1:Service", `prod-use1-${name}`, { metadata: { name, namespace: "scylla", ...(extra.annotations ? { annotations: extra.annotations } : {}) }, spec: { type: "LoadBalancer", ports: [{ port: 9042, targetPort: 9042 }], ...(extra.ranges ? { loadBalancerSourceRanges: extra.ranges } : {}) } }, k8s(b));
    svc("open", {});
    svc("world", { ranges: ["0.0.0.0/0"] });
    svc("internal", { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } });
    svc("legacy-internal", { annotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" } });
    svc("private", { ranges: ["10.0.0.0/8"] });
    svc("gke-internal", { annotations: { "networking.gke.io/load-balancer-type": "Internal" } });
    expect(findings(b, loadBalancersNotPublic)).toEqual([
      ["prod-use1-open", "LoadBalancer Service scylla/open exposes ScyllaDB port(s) 9042 (CQL) with no internal annotation and no loadBalancerSourceRanges, so its cloud gives it a public address open to everyone; make it internal or restrict its source ranges to private space"],
      ["prod-use1-world", "LoadBalancer Service scylla/world exposes ScyllaDB port(s) 9042 (CQL) with no internal annotation, and loadBalancerSourceRanges 0.0.0.0/0 admit 3,702,390,784 public addresses — the internet in effect; make it internal or restrict its source ranges to private space"],
    ]);
  });
});

describe("nothing hidden in Helm releases", () => {
  const release = (b: GraphBuilder, name: string, chart: string, version: string, values: Record<string, unknown>) =>
    b.add("kubernetes:helm.sh/v3:Release", `prod-use1-${name}-release`, { chart, version, name, namespace: name, values }, k8s(b));

  it("cert-manager at the chart's defaults runs one replica of each controller: flagged like a Deployment", () => {
    const b = awsEnvironment();
    release(b, "cert-manager", "cert-manager", "v1.20.2", { crds: { enabled: true } });
    expect(findings(b, helmWorkloadsHa).map(([n, m]) => [n, m.split(";")[0]])).toEqual([
      ["prod-use1-cert-manager-release", "Deployment cert-manager/cert-manager (Helm release prod-use1-cert-manager-release, chart cert-manager v1.20.2) runs 1 replica(s) (from the release values over the cert-manager chart v1.20.2 defaults)"],
      ["prod-use1-cert-manager-release", "Deployment cert-manager/cert-manager-webhook (Helm release prod-use1-cert-manager-release, chart cert-manager v1.20.2) runs 1 replica(s) (from the release values over the cert-manager chart v1.20.2 defaults)"],
      ["prod-use1-cert-manager-release", "Deployment cert-manager/cert-manager-cainjector (Helm release prod-use1-cert-manager-release, chart cert-manager v1.20.2) runs 1 replica(s) (from the release values over the cert-manager chart v1.20.2 defaults)"],
    ]);
  });

  it("cert-manager with two replicas, a zone spread and PDBs (the chart's or its own) passes; a blocking PDB is flagged", () => {
    const b = awsEnvironment();
    const part = (labels: Record<string, string>, pdb: boolean) => ({ replicaCount: 2, topologySpreadConstraints: zoneSpread(labels), podDisruptionBudget: { enabled: pdb } });
    const controller = { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "controller" };
    release(b, "cert-manager", "cert-manager", "v1.20.2", { ...part(controller, false), webhook: part({ "app.kubernetes.io/name": "webhook" }, true), cainjector: part({ "app.kubernetes.io/name": "cainjector" }, true) });
    expect(findings(b, helmWorkloadsHa).map(([, m]) => m.split(" has ")[1]!.slice(0, 30))).toEqual(["no PodDisruptionBudget: the ch"]);
    b.add("kubernetes:policy/v1:PodDisruptionBudget", "prod-use1-cm-pdb", { metadata: { name: "cert-manager", namespace: "cert-manager" }, spec: { minAvailable: 2, selector: { matchLabels: controller } } }, k8s(b));
    expect(findings(b, helmWorkloadsHa)).toEqual([["prod-use1-cm-pdb", "PodDisruptionBudget cert-manager/cert-manager for Deployment cert-manager/cert-manager (Helm release prod-use1-cert-manager-release, chart cert-manager v1.20.2) allows no disruption of its 2 replicas, so node drains block; allow at least one"]]);
    b.edit("prod-use1-cm-pdb", (i) => ({ ...i, spec: { ...i.spec, minAvailable: undefined, maxUnavailable: 1 } }));
    expect(findings(b, helmWorkloadsHa)).toEqual([]);
  });

  it("scylla-operator: two replicas by default with chart PDBs, but no zone spread unless values or a DeploymentPatch add one", () => {
    const b = awsEnvironment();
    release(b, "scylla-operator", "scylla-operator", "v1.21.1", {});
    expect(findings(b, helmWorkloadsHa).map(([, m]) => m.split(" (Helm")[0])).toEqual(["Deployment scylla-operator/scylla-operator", "Deployment scylla-operator/webhook-server"]);
    const patch = (name: string) =>
      b.add("kubernetes:apps/v1:DeploymentPatch", `prod-use1-${name}-spread`, { metadata: { name, namespace: "scylla-operator" }, spec: { template: { spec: { topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": name }) } } } }, k8s(b));
    patch("scylla-operator");
    patch("webhook-server");
    expect(findings(b, helmWorkloadsHa)).toEqual([]);
    // One replica through values: no PDB from the chart, and a zone loss stops reconciliation.
    b.edit("prod-use1-scylla-operator-release", (i) => ({ ...i, values: { replicas: 1 } }));
    expect(findings(b, helmWorkloadsHa)).toEqual([["prod-use1-scylla-operator-release", "Deployment scylla-operator/scylla-operator (Helm release prod-use1-scylla-operator-release, chart scylla-operator v1.21.1) runs 1 replica(s) (from the release values over the scylla-operator chart v1.21.1 defaults); run at least 2 so one lost node or zone does not stop it: set the chart's replica value"]]);
  });

  it("the prometheus-operator bundle stays at one replica: it has no leader election", () => {
    const b = awsEnvironment();
    b.add("kubernetes:yaml/v2:ConfigFile", "prod-use1-prometheus-operator", { file: "https://github.com/prometheus-operator/prometheus-operator/releases/download/v0.91.0/bundle.yaml" }, k8s(b));
    expect(findings(b, helmWorkloadsHa)).toEqual([]);
    b.add("kubernetes:apps/v1:DeploymentPatch", "prod-use1-po-scale", { metadata: { name: "prometheus-operator", namespace: "default" }, spec: { replicas: 2 } }, k8s(b));
    expect(findings(b, helmWorkloadsHa)).toEqual([["prod-use1-prometheus-operator", "Deployment default/prometheus-operator (prometheus-operator bundle v0.91.0) runs 2 replicas, but this controller has no leader election and must run exactly one; a zone loss is survived by rescheduling it: set replicas to 1"]]);
  });
});

describe("zone spread of everything replicated", () => {
  it("flags an unspread Prometheus, a single Alertmanager and a one-member Manager database; counts them per zone in the failure analysis", () => {
    const b = awsEnvironment().edit("prod-use1-prometheus", (i) => ({ ...i, spec: { replicas: 2 } }));
    b.add("kubernetes:monitoring.coreos.com/v1:Alertmanager", "prod-use1-alertmanager", { metadata: { name: "main", namespace: "monitoring" }, spec: { replicas: 1 } }, k8s(b));
    const rack = (name: string, zone: string) => ({ name, members: 1, placement: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [zone] }] }] } } } });
    b.add("kubernetes:scylla.scylladb.com/v1:ScyllaCluster", "prod-use1-manager-db", { metadata: { name: "scylla-manager-cluster", namespace: "scylla-manager" }, spec: { datacenter: { name: "manager-dc", racks: [rack("r", "us-east-1a")] } } }, k8s(b));
    expect(findings(b, replicatedZoneSpread)).toEqual([
      ["prod-use1-prometheus", "Prometheus monitoring/prometheus runs 2 replicas with nothing that keeps them in different zones; two replicas in one zone are one replica for a zone failure: add a topologySpreadConstraint on topology.kubernetes.io/zone with whenUnsatisfiable: DoNotSchedule (or required pod anti-affinity on that key)"],
      ["prod-use1-alertmanager", "Alertmanager monitoring/main runs 1 replica(s); a zone failure takes it down: run at least 2, one per zone"],
      ["prod-use1-manager-db", "Scylla Manager's database (ScyllaCluster scylla-manager/scylla-manager-cluster) runs 1 replica(s); a zone failure takes it down: run at least 2, one per zone"],
    ]);
    const zone = analyseFailureDomains(b.graph()).find((d) => d.domain === "aws:us-east-1:us-east-1a")!;
    expect(zone.effects.filter((e) => e.startsWith("replicated platform") || e.includes("may lose all"))).toEqual([
      "replicated platform workloads in us-east-1, counted per zone: 2 of 3 keep at least one replica (each loses at most ⌈replicas / 3⌉)",
      "Prometheus monitoring/prometheus may lose all 2 replicas with us-east-1a: nothing keeps them in different zones",
    ]);
    // Three racks in three zones, one member each, is how a ScyllaCluster spreads.
    b.edit("prod-use1-manager-db", (i) => ({ ...i, spec: { datacenter: { name: "manager-dc", racks: [rack("a", "us-east-1a"), rack("b", "us-east-1b"), rack("c", "us-east-1c")] } } }));
    expect(findings(b, replicatedZoneSpread).map(([n]) => n)).toEqual(["prod-use1-prometheus", "prod-use1-alertmanager"]);
    b.edit("prod-use1-manager-db", (i) => ({ ...i, spec: { datacenter: { name: "manager-dc", racks: [rack("a", "us-east-1a"), rack("b", "us-east-1a")] } } }));
    // Two racks in one zone: two members, one zone failure.
    expect(findings(b, replicatedZoneSpread)).toContainEqual(["prod-use1-manager-db", "Scylla Manager's database (ScyllaCluster scylla-manager/scylla-manager-cluster) runs 2 replicas with nothing that keeps them in different zones; two replicas in one zone are one replica for a zone failure: add a topologySpreadConstraint on topology.kubernetes.io/zone with whenUnsatisfiable: DoNotSchedule (or required pod anti-affinity on that key)"]);
  });
});

describe("production checklist", () => {
  it("flags developer mode, overprovisioning, disabled optimisations, fs.nr_open, discard, missing monitoring and an unrecommended instance family", () => {
    const b = awsEnvironment();
    b.edit("prod-use1-scylla", (i) => ({ ...i, spec: { ...i.spec, developerMode: true, scyllaArgs: "--overprovisioned --smp 6" } }));
    b.edit("prod-usw2-scylla-nodes", (i) => ({ ...i, spec: { ...i.spec, disableOptimizations: true, sysctls: [{ name: "fs.nr_open", value: "1048576" }], localDiskSetup: { ...i.spec.localDiskSetup, mounts: [{ device: "/dev/md/nvmes", mountPoint: "/var/lib/persistent-volumes", unsupportedOptions: ["prjquota"] }] } } }));
    b.remove("prod-euw1-scylla-monitoring");
    b.edit("prod-euw1-scylla-eu-west-1c", (i) => ({ ...i, instanceTypes: ["c6id.2xlarge"] }));
    expect(findings(b, scyllaProductionChecklist)).toEqual([
      ["prod-use1-scylla", "ScyllaCluster prod-use1-scylla runs in developer mode, which skips the I/O and tuning checks and overprovisions CPUs; production runs with developerMode false"],
      ["prod-use1-scylla", "ScyllaCluster prod-use1-scylla passes --overprovisioned in scyllaArgs; the checklist wants ScyllaDB started with --overprovisioned=0 and no developer mode"],
      ["prod-usw2-scylla-nodes", "NodeConfig scylla-nodes sets disableOptimizations: true, so Scylla nodes get no performance tuning; remove it"],
      ["prod-usw2-scylla-nodes", "NodeConfig scylla-nodes sets fs.nr_open to 1048576; ScyllaDB may fail to open files under load: set the sysctl fs.nr_open to at least 1073741816"],
      ["prod-usw2-scylla-nodes", "NodeConfig scylla-nodes mounts /var/lib/persistent-volumes without the discard option, so SSDs get no online TRIM and write latency drifts; add discard to unsupportedOptions"],
      ["prod-euw1-scylla", "ScyllaCluster prod-euw1-scylla (datacenter eu-west-1) has no ScyllaDBMonitoring in its cluster, so nothing scrapes or alerts on it; create one"],
      ["prod-euw1-scylla-eu-west-1c", "Scylla node group prod-euw1-scylla-eu-west-1c uses c6id.2xlarge, outside the families the operator recommends for ScyllaDB (storage-optimised i families such as i4i, i3en, i8g); use one of them"],
    ]);
  });

  it("flags a GKE Scylla pool off n2-highmem/z3-highmem", () => {
    const g = gcpEnvironment().edit("staging-usc1-scylla-a", (i) => ({ ...i, nodeConfig: { ...i.nodeConfig, machineType: "n2-standard-8" } }));
    expect(findings(g, scyllaProductionChecklist).map(([n]) => n)).toEqual(["staging-usc1-scylla-a"]);
  });
});
