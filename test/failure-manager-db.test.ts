/**
 * Manager's database in the failure analysis: its racks count as a quorum
 * (Manager's keyspace at RF = racks, LOCAL_QUORUM), so a database of one rack
 * per zone survives any zone, and a single-rack database does not; and a DC
 * carrying the disable-Manager-integration annotation is still a datacenter.
 */
import { describe, expect, it } from "vitest";
import { analyseFailureDomains } from "../policies/failure";
import { datacenters } from "../policies/model/topology";
import { singleFailureContained } from "../policies/rules/failure-domains";
import type { GraphBuilder } from "./helpers/graph-builder";
import { findings } from "./helpers/policy-assert";
import { awsEnvironment } from "./helpers/policy-env";

const EAST = ["us-east-1a", "us-east-1b", "us-east-1c"];

function managerDatabase(b: GraphBuilder, zones: readonly string[]) {
  b.add(
    "kubernetes:scylla.scylladb.com/v1:ScyllaCluster",
    "prod-use1-scylla-manager-db",
    {
      apiVersion: "scylla.scylladb.com/v1",
      kind: "ScyllaCluster",
      metadata: { name: "scylla-manager-cluster", namespace: "scylla-manager", annotations: { "scylla-operator.scylladb.com/disable-global-scylladb-manager-integration": "true" } },
      spec: {
        version: "2026.1.3",
        datacenter: {
          name: "manager-dc",
          racks: zones.map((zone) => ({
            name: zone,
            members: 1,
            placement: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "scylla-ha.io/pool", operator: "In", values: ["system"] }, { key: "topology.kubernetes.io/zone", operator: "In", values: [zone] }] }],
                },
              },
            },
          })),
        },
      },
    },
    { provider: b.ref("prod-use1-k8s") },
  );
}

const managerEffects = (b: GraphBuilder, domain: string) =>
  analyseFailureDomains(b.graph())
    .find((d) => d.domain === domain)!
    .effects.filter((e) => /Manager/.test(e));

describe("Scylla Manager's database in the failure analysis", () => {
  it("one rack per zone: losing any zone leaves a majority, Manager keeps running", () => {
    const b = awsEnvironment();
    managerDatabase(b, EAST);
    for (const z of EAST) {
      expect(managerEffects(b, `aws:us-east-1:${z}`).filter((e) => /cannot run/.test(e))).toEqual([]);
    }
    expect(findings(b, singleFailureContained)).toEqual([]);
  });

  it("a single rack: losing its zone stops every DC's backups and repairs, and is flagged", () => {
    const b = awsEnvironment();
    managerDatabase(b, ["us-east-1a"]);
    const effect =
      "Scylla Manager cannot run until aws:us-east-1:us-east-1a returns (Manager's ScyllaCluster scylla-manager-cluster rack us-east-1a: it fits only node pool prod-use1-system in us-east-1a): backups and repairs of every datacenter stop";
    expect(managerEffects(b, "aws:us-east-1:us-east-1a")).toContain(effect);
    expect(findings(b, singleFailureContained)).toEqual([["prod-use1-scylla-manager-db", `losing zone aws:us-east-1:us-east-1a: ${effect}`]]);
  });

  it("a datacenter that opts out of Manager registration is still a datacenter; Manager's database is not", () => {
    const b = awsEnvironment();
    managerDatabase(b, EAST);
    const before = datacenters(b.graph()).map((d) => d.datacenter);
    expect(before).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    b.edit("prod-usw2-scylla", (inputs) => ({
      ...inputs,
      metadata: { ...inputs.metadata, annotations: { "scylla-operator.scylladb.com/disable-global-scylladb-manager-integration": "true" } },
    }));
    expect(datacenters(b.graph()).map((d) => d.datacenter)).toEqual(before);
  });
});
