/**
 * The cross-resource single points of failure of the failure-domain
 * analysis, each as one edit of the hand-built prod-like graph
 * (policy-env.ts `awsEnvironment`). `n` is a region's name prefix
 * (`prod-use1`), zones are `<region>a|b|c`.
 */
import type { GraphBuilder } from "./graph-builder";

type Json = Record<string, any>;

/** Points a property of a resource at other resources (inputs and the recorded dependency). */
export function relink(b: GraphBuilder, name: string, prop: string, targets: readonly string[], value: unknown): void {
  b.edit(name, (i) => ({ ...i, [prop]: value }));
  const r = b.find(name);
  r.propertyDependencies[prop] = targets.map((t) => b.find(t).urn);
  r.dependencies = [...new Set(Object.values(r.propertyDependencies).flat())];
}

/** Every private route table of a region sends 0.0.0.0/0 through the NAT gateway of `zone`. */
export function convergeOnOneNat(b: GraphBuilder, n: string, zones: readonly string[], zone: string): void {
  for (const z of zones.filter((x) => x !== zone)) relink(b, `${n}-private-${z}-default`, "natGatewayId", [`${n}-nat-${zone}`], `${n}-nat-${zone}-id`);
}

/** The node group serving rack `rack` gets the subnet of `zone` instead of its own. */
export function movePool(b: GraphBuilder, n: string, rack: string, ...zones: string[]): void {
  relink(b, `${n}-scylla-${rack}`, "subnetIds", zones.map((z) => `${n}-private-${z}`), zones.map((z) => `${n}-private-${z}-id`));
}

/**
 * Racks select their pool by a pool label (`scylla-ha.io/rack`) instead of a
 * zone: the rack's zones are then whatever zones its pool spans.
 */
export function racksByPoolLabel(b: GraphBuilder, n: string, zones: readonly string[]): void {
  for (const z of zones) b.edit(`${n}-scylla-${z}`, (i) => ({ ...i, labels: { ...i.labels, "scylla-ha.io/rack": z } }));
  b.edit(`${n}-scylla`, (i) => {
    const racks = (i.spec.datacenter.racks as Json[]).map((r) => {
      const pin = { key: "scylla-ha.io/rack", operator: "In", values: [r.name] };
      const terms = r.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.map((t: Json) => ({
        matchExpressions: [...t.matchExpressions.filter((e: Json) => e.key !== "topology.kubernetes.io/zone"), pin],
      }));
      return { ...r, placement: { ...r.placement, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } };
    });
    return { ...i, spec: { ...i.spec, datacenter: { ...i.spec.datacenter, racks } } };
  });
}

/** Declares RF `rf` for `dc` in every region's keyspace ConfigMap. */
export function setRf(b: GraphBuilder, keys: readonly string[], dc: string, rf: number): void {
  for (const key of keys) {
    b.edit(`prod-${key}-scylla-ha-keyspaces`, (i) => {
      const keyspaces = (JSON.parse(i.data["keyspaces.json"]) as Json[]).map((k) => ({ ...k, replication: { ...k.replication, [dc]: rf } }));
      return { ...i, data: { "keyspaces.json": JSON.stringify(keyspaces) } };
    });
  }
}

/** prod-use1-backups replicates only to a second bucket in us-east-1. */
export function replicaInOwnRegion(b: GraphBuilder): void {
  b.add("aws:s3/bucket:Bucket", "prod-use1-backups-copy", { bucket: "prod-use1-backups-copy" }, { provider: b.ref("prod-use1-aws"), protect: true, retainOnDelete: true });
  relink(b, "prod-use1-backups-replication", "rules", ["prod-use1-backups-copy"], [{ id: "dr", status: "Enabled", destination: { bucket: "arn:aws:s3:::prod-use1-backups-copy" } }]);
}

/** A one-zone node group `<n>-ops` (label scylla-ha.io/pool: ops) in `zone`. */
export function addOpsPool(b: GraphBuilder, n: string, zone: string): void {
  const subnet = b.ref(`${n}-private-${zone}`);
  const cluster = b.ref(`${n}-eks`);
  b.add(
    "aws:eks/nodeGroup:NodeGroup",
    `${n}-ops`,
    { clusterName: n, subnetIds: [subnet.id], instanceTypes: ["m7i.large"], labels: { "scylla-ha.io/pool": "ops" }, scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 } },
    { provider: b.ref(`${n}-aws`), deps: { clusterName: [cluster], subnetIds: [subnet] } },
  );
}

/** Pins a Deployment's pod template (or a Prometheus spec) to the ops pool. */
export function onOpsPool(b: GraphBuilder, name: string): void {
  b.edit(name, (i) => {
    if (i.kind === "Prometheus") return { ...i, spec: { ...i.spec, nodeSelector: { "scylla-ha.io/pool": "ops" } } };
    const template = i.spec.template;
    return { ...i, spec: { ...i.spec, template: { ...template, spec: { ...template.spec, nodeSelector: { "scylla-ha.io/pool": "ops" } } } } };
  });
}
