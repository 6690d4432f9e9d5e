/**
 * The failure-domain analysis on small hand-built graphs: the clean
 * prod-like environment survives every single failure, and each
 * cross-resource single point of failure makes exactly the domains it
 * should fail (or degrade), naming the cause, through both stack policies.
 */
import { describe, expect, it } from "vitest";
import { type FailureDomain, analyseFailureDomains } from "../policies/failure";
import { noSingleFailureLosesQuorum, singleFailureContained } from "../policies/rules/failure-domains";
import { addOpsPool, convergeOnOneNat, movePool, onOpsPool, racksByPoolLabel, replicaInOwnRegion, setRf } from "./helpers/failure-breakers";
import type { GraphBuilder } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment, gcpEnvironment } from "./helpers/policy-env";

const EAST = ["us-east-1a", "us-east-1b", "us-east-1c"];
const KEYS = ["use1", "usw2", "euw1"];

function domains(b: GraphBuilder): Map<string, FailureDomain> {
  return new Map(analyseFailureDomains(b.graph()).map((d) => [d.domain, d]));
}

/** `[domain, survives]` of every domain that does not survive. */
function failing(b: GraphBuilder): [string, boolean][] {
  return [...domains(b).values()].filter((d) => !d.survives).map((d) => [d.domain, d.survives]);
}

describe("failure domains of a hand-built prod-like environment", () => {
  it("derives every zone, region, control plane and NAT gateway, and each survives", () => {
    const all = [...domains(awsEnvironment()).values()];
    const expected = [
      ["eu-west-1", "euw1"],
      ["us-east-1", "use1"],
      ["us-west-2", "usw2"],
    ].flatMap(([region, key]) => [
      ["region", `aws:${region}`],
      ...["a", "b", "c"].map((z) => ["zone", `aws:${region}:${region}${z}`]),
      ["cluster", `prod-${key}-eks`],
      ...["a", "b", "c"].map((z) => ["nat", `prod-${key}-nat-${region}${z}`]),
    ]);
    // Then one link per pair of datacenter regions: cutting any one keeps a Raft majority through the third region.
    expected.push(["link", "link:eu-west-1~us-east-1"], ["link", "link:eu-west-1~us-west-2"], ["link", "link:us-east-1~us-west-2"]);
    expect(all.map((d) => [d.kind, d.domain])).toEqual(expected);
    expect(all.filter((d) => !d.survives || d.causes.length > 0 || d.assumptions.length > 0)).toEqual([]);
    expect(findings(awsEnvironment(), noSingleFailureLosesQuorum)).toEqual([]);
    expect(findings(awsEnvironment(), singleFailureContained)).toEqual([]);
  });

  it("lists what depends on each domain and what degrades without breaking survival", () => {
    const d = domains(awsEnvironment());
    expect(d.get("aws:us-east-1:us-east-1a")).toEqual({
      domain: "aws:us-east-1:us-east-1a",
      kind: "zone",
      survives: true,
      causes: [],
      effects: [
        "datacenter us-east-1 keeps LOCAL_QUORUM on 2 of 3 replicas for keyspace app; racks us-east-1b and us-east-1c carry the load",
        "backups and repairs pause until Deployment scylla-manager/scylla-manager is rescheduled out of us-east-1a",
        // Prometheus spreads its two replicas over zones, so monitoring does not pause. The operator, its webhook and Prometheus, each with a hard zone spread over three zones.
        "replicated platform workloads in us-east-1, counted per zone: 3 of 3 keep at least one replica (each loses at most ⌈replicas / 3⌉)",
      ],
      assumptions: [],
      dependents: [
        "rack us-east-1/us-east-1a",
        "node pool prod-use1-scylla-us-east-1a",
        "node pool prod-use1-system",
        "private subnet prod-use1-private-us-east-1a",
        "NAT gateway prod-use1-nat-us-east-1a",
        "Scylla Manager (Deployment scylla-manager/scylla-manager)",
        "Prometheus monitoring/prometheus",
      ],
    });
    expect(d.get("aws:us-east-1")!.effects).toEqual([
      "datacenter us-east-1 is lost with its region (6 nodes): its clients must fail over to another datacenter",
      "Raft keeps 12 of 18 nodes (majority 10): schema and topology changes continue",
      "EACH_QUORUM writes to keyspace app fail while us-east-1 has no local quorum",
      "Scylla Manager is lost with us-east-1: backups and repairs of every datacenter stop until it is rebuilt in a surviving region (mark the region lost or move manager.region; the next update builds Manager there)",
      // This fixture's one deployer range lives in use1's VPC (prod declares a second one in usw2).
      ...["prod-usw2-eks", "prod-euw1-eks"].map(
        (c) => `the API of ${c} admits deployers only from 10.0.96.0/24, inside us-east-1's VPC: with the region lost no \`pulumi up\` reaches it, and the region-loss procedure needs one (declare a deployer range in a second region)`,
      ),
    ]);
    expect(d.get("aws:us-east-1")!.dependents).toEqual([
      "control plane prod-use1-eks",
      "datacenter us-east-1 (6 nodes)",
      "NAT gateway prod-use1-nat-us-east-1a",
      "NAT gateway prod-use1-nat-us-east-1b",
      "NAT gateway prod-use1-nat-us-east-1c",
      "Scylla Manager (Deployment scylla-manager/scylla-manager)",
      "Prometheus monitoring/prometheus",
      // Its own bucket, which is also eu-west-1's replica.
      "bucket prod-use1-backups",
    ]);
    expect(d.get("prod-use1-nat-us-east-1b")).toMatchObject({
      survives: true,
      effects: ["private subnet prod-use1-private-us-east-1b (us-east-1b) loses its default route through NAT gateway prod-use1-nat-us-east-1b in us-east-1b; node pools prod-use1-scylla-us-east-1b and prod-use1-system cannot bring up nodes there"],
      dependents: ["node pool prod-use1-scylla-us-east-1b", "node pool prod-use1-system", "route table prod-use1-private-us-east-1b-rt", "private subnet prod-use1-private-us-east-1b"],
    });
    expect(d.get("prod-use1-eks")!.effects).toEqual([
      "the Kubernetes API of prod-use1-eks is down: the operator stops reconciling datacenter us-east-1 and failed pods and nodes are not replaced; running ScyllaDB, Manager and Prometheus pods keep serving",
    ]);
  });

  it("all private route tables converging on one NAT gateway: a zone takes the other zones' egress", () => {
    const b = awsEnvironment();
    convergeOnOneNat(b, "prod-use1", EAST, "us-east-1a");
    const d = domains(b);
    const cut = "private subnets prod-use1-private-us-east-1b and prod-use1-private-us-east-1c (us-east-1b and us-east-1c) lose their default route through NAT gateway prod-use1-nat-us-east-1a in us-east-1a; node pools prod-use1-scylla-us-east-1b, prod-use1-scylla-us-east-1c and prod-use1-system cannot bring up nodes there";
    expect(d.get("aws:us-east-1:us-east-1a")).toMatchObject({ survives: true });
    expect(d.get("aws:us-east-1:us-east-1a")!.effects).toContain(cut);
    expect(d.get("prod-use1-nat-us-east-1b")!.effects).toEqual([]);
    expect(findings(b, singleFailureContained)).toEqual([
      ["prod-use1-nat-us-east-1a", `losing zone aws:us-east-1:us-east-1a: ${cut}`],
      ["prod-use1-nat-us-east-1a", expect.stringMatching(/^losing nat prod-use1-nat-us-east-1a: private subnets prod-use1-private-us-east-1a, prod-use1-private-us-east-1b and prod-use1-private-us-east-1c \(us-east-1a, us-east-1b and us-east-1c\) lose their default route/)],
    ]);
  });

  it("a rack whose node pool's subnets sit in another zone never runs: the other zones break LOCAL_QUORUM", () => {
    const b = awsEnvironment();
    movePool(b, "prod-use1", "us-east-1a", "us-east-1b");
    expect(failing(b)).toEqual([
      ["aws:us-east-1:us-east-1b", false],
      ["aws:us-east-1:us-east-1c", false],
    ]);
    expect(domains(b).get("aws:us-east-1:us-east-1c")!.causes).toEqual([
      "datacenter us-east-1 loses LOCAL_QUORUM for keyspace app: 1 of 3 replicas left, 2 needed (rack us-east-1c runs in us-east-1c; rack us-east-1a fits no node pool in us-east-1a, so it never runs; RF 3 on 2 running rack(s) puts more than one replica on a rack)",
    ]);
    expect(findings(b, noSingleFailureLosesQuorum).map(([name, message]) => [name, message.split(":")[0]])).toEqual([
      ["prod-use1-scylla", "losing zone aws"],
      ["prod-use1-scylla", "losing zone aws"],
    ]);
  });

  it("two racks served by node pools in the same zone: that zone takes two replicas", () => {
    const b = awsEnvironment();
    racksByPoolLabel(b, "prod-use1", EAST);
    expect(failing(b)).toEqual([]);
    movePool(b, "prod-use1", "us-east-1b", "us-east-1a");
    expect(failing(b)).toEqual([["aws:us-east-1:us-east-1a", false]]);
    expect(findings(b, noSingleFailureLosesQuorum)).toEqual([
      ["prod-use1-scylla", "losing zone aws:us-east-1:us-east-1a: datacenter us-east-1 loses LOCAL_QUORUM for keyspace app: 1 of 3 replicas left, 2 needed (rack us-east-1a runs in us-east-1a; rack us-east-1b runs in us-east-1a)"],
    ]);
  });

  it("a multi-zone node pool backing one rack: every zone it spans can take that rack and another", () => {
    const b = awsEnvironment();
    racksByPoolLabel(b, "prod-use1", EAST);
    movePool(b, "prod-use1", "us-east-1a", ...EAST);
    expect(failing(b)).toEqual([
      ["aws:us-east-1:us-east-1b", false],
      ["aws:us-east-1:us-east-1c", false],
    ]);
    expect(domains(b).get("aws:us-east-1:us-east-1b")!.causes).toEqual([
      "datacenter us-east-1 loses LOCAL_QUORUM for keyspace app: 1 of 3 replicas left, 2 needed (rack us-east-1a can run in us-east-1a, us-east-1b and us-east-1c (node pool prod-use1-scylla-us-east-1a), so it may have every node in us-east-1b; rack us-east-1b runs in us-east-1b)",
    ]);
  });

  it("RF larger than the rack count: a zone holding two replicas breaks LOCAL_QUORUM", () => {
    const b = awsEnvironment();
    setRf(b, KEYS, "us-east-1", 4);
    expect(failing(b).map(([id]) => id)).toEqual(EAST.map((z) => `aws:us-east-1:${z}`));
    expect(domains(b).get("aws:us-east-1:us-east-1a")!.causes).toEqual([
      "datacenter us-east-1 loses LOCAL_QUORUM for keyspace app: 2 of 4 replicas left, 3 needed (rack us-east-1a runs in us-east-1a; RF 4 on 3 running rack(s) puts more than one replica on a rack)",
    ]);
    expect(findings(b, noSingleFailureLosesQuorum)).toHaveLength(3);
  });

  it("a backup bucket whose only replica is in its own region: losing the region loses the DC's backups", () => {
    const b = awsEnvironment();
    replicaInOwnRegion(b);
    expect(failing(b)).toEqual([["aws:us-east-1", false]]);
    expect(domains(b).get("aws:us-east-1")!.causes).toEqual(["no backup copy of datacenter us-east-1 survives: prod-use1-backups (us-east-1) and prod-use1-backups-copy (us-east-1) are all in us-east-1"]);
    expect(findings(b, singleFailureContained)).toEqual([
      ["prod-use1-backups", "losing region aws:us-east-1: no backup copy of datacenter us-east-1 survives: prod-use1-backups (us-east-1) and prod-use1-backups-copy (us-east-1) are all in us-east-1"],
    ]);
  });

  it("Scylla Manager on a single-zone pool: that zone stops every DC's backups and repairs", () => {
    const b = awsEnvironment();
    addOpsPool(b, "prod-use1", "us-east-1b");
    onOpsPool(b, "prod-use1-scylla-manager");
    expect(failing(b)).toEqual([]);
    const effect = "Scylla Manager cannot run until aws:us-east-1:us-east-1b returns (Deployment scylla-manager/scylla-manager: it fits only node pool prod-use1-ops in us-east-1b): backups and repairs of every datacenter stop";
    expect(domains(b).get("aws:us-east-1:us-east-1b")!.effects).toContain(effect);
    expect(domains(b).get("aws:us-east-1:us-east-1a")!.effects.filter((e) => /Manager/.test(e))).toEqual([]);
    expect(findings(b, singleFailureContained)).toEqual([["prod-use1-scylla-manager", `losing zone aws:us-east-1:us-east-1b: ${effect}`]]);
  });

  it("the only Prometheus on a single-zone pool: that zone blinds the datacenter", () => {
    const b = awsEnvironment();
    addOpsPool(b, "prod-usw2", "us-west-2c");
    onOpsPool(b, "prod-usw2-prometheus");
    const effect = "datacenter us-west-2 has no metrics or alerting until aws:us-west-2:us-west-2c returns: Prometheus monitoring/prometheus: it fits only node pool prod-usw2-ops in us-west-2c";
    expect(domains(b).get("aws:us-west-2:us-west-2c")!.effects).toContain(effect);
    expect(findings(b, singleFailureContained)).toEqual([["prod-usw2-prometheus", `losing zone aws:us-west-2:us-west-2c: ${effect}`]]);
  });

  it("agents without a private path to storage: a NAT gateway stops the DC's backups", () => {
    const b = awsEnvironment().remove("prod-euw1-s3");
    expect(findings(b, singleFailureContained).map(([name, message]) => [name, message.split(": backups")[0]])).toEqual(
      ["a", "b", "c"].map((z) => [`prod-euw1-nat-eu-west-1${z}`, `losing nat prod-euw1-nat-eu-west-1${z}`]),
    );
    expect(domains(b).get("prod-euw1-nat-eu-west-1a")!.effects[1]).toBe(
      "backups of datacenter eu-west-1 fail: Manager agents in prod-euw1-private-eu-west-1a cannot reach prod-euw1-backups (NAT gateway prod-euw1-nat-eu-west-1a in eu-west-1a down, no S3 gateway endpoint for eu-west-1)",
    );
  });

  it("GCP: a zonal control plane goes with its zone; Cloud NAT is regional; a dual-region bucket keeps a copy", () => {
    const b = gcpEnvironment("prod");
    const clean = domains(b);
    expect([...clean.values()].map((d) => [d.kind, d.domain, d.survives])).toEqual([
      ["region", "gcp:us-central1", false],
      ["zone", "gcp:us-central1:us-central1-a", true],
      ["zone", "gcp:us-central1:us-central1-b", true],
      ["zone", "gcp:us-central1:us-central1-c", true],
      ["cluster", "prod-usc1-gke", true],
      ["nat", "prod-usc1-nat", true],
    ]);
    // One region: Raft (and every replica) goes with it; the NAM4 bucket still holds the backups.
    expect(clean.get("gcp:us-central1")!.causes).toEqual(["Raft loses its majority: 0 of 6 nodes left, 4 needed, so schema and topology changes (adding a datacenter included) stop"]);
    expect(clean.get("gcp:us-central1")!.effects[0]).toBe("datacenter us-central1 is lost with its region (6 nodes): there is no other datacenter to fail over to");
    expect(clean.get("prod-usc1-nat")!.effects).toEqual([
      "private subnet prod-usc1-subnet (us-central1) loses its default route through Cloud NAT prod-usc1-nat; node pools prod-usc1-scylla-a, prod-usc1-scylla-b, prod-usc1-scylla-c and prod-usc1-system cannot bring up nodes there",
      "backups of datacenter us-central1 fail: Manager agents in prod-usc1-subnet cannot reach prod-usc1-backups (Cloud NAT prod-usc1-nat down, no Private Google Access)",
    ]);
    b.edit("prod-usc1-gke", (i) => ({ ...i, location: "us-central1-a" }));
    b.edit("prod-usc1-subnet", (i) => ({ ...i, privateIpGoogleAccess: true }));
    const zonal = domains(b);
    expect(zonal.get("prod-usc1-nat")!.effects).toHaveLength(1);
    // (This fixture declares no keyspace for us-central1, so there is no replica arithmetic to report.)
    expect(zonal.get("gcp:us-central1:us-central1-a")!.effects).toEqual([
      "the zonal control plane prod-usc1-gke (in us-central1-a) is lost with the zone: nothing in datacenter us-central1 is rescheduled or reconciled until it returns",
      "Scylla Manager cannot run until gcp:us-central1:us-central1-a returns (Deployment scylla-manager/scylla-manager: the control plane that would reschedule it is down): backups and repairs of every datacenter stop",
      // Prometheus keeps its replica in another zone: with a hard zone spread it needs no rescheduling.
      "replicated platform workloads in us-central1, counted per zone: 3 of 3 keep at least one replica (each loses at most ⌈replicas / 3⌉)",
    ]);
  });

  it("states its assumptions: RF 3 without declared keyspaces, buckets the stack does not create", () => {
    const b = awsEnvironment().remove(...KEYS.map((k) => `prod-${k}-scylla-ha-keyspaces`));
    b.edit("prod-use1-scylla", (i) => ({ ...i, spec: { ...i.spec, backups: [{ name: "daily", cron: "0 2 * * *", location: ["s3:elsewhere"] }] } }));
    const d = domains(b);
    const rf = "no keyspace replication is declared (ConfigMap scylla/scylla-ha-keyspaces), so every datacenter is assumed to hold RF 3";
    expect(d.get("aws:us-east-1")).toMatchObject({
      survives: true,
      assumptions: [rf, ...["us-east-1", "us-west-2", "eu-west-1"].map((dc) => `bucket elsewhere (backups of ${dc}) is not in this stack, so where its copies live is not checked`)],
    });
    expect(d.get("aws:us-east-1")!.effects[2]).toBe("EACH_QUORUM writes to every keyspace fail while us-east-1 has no local quorum");
    expect(d.get("aws:us-east-1:us-east-1a")!.assumptions).toEqual([rf]);
    expect(d.get("aws:us-east-1:us-east-1a")!.effects[0]).toBe("datacenter us-east-1 keeps LOCAL_QUORUM on 2 of 3 replicas for every keyspace; racks us-east-1b and us-east-1c carry the load");
  });
});
