/**
 * A node replacement walked on paper, with the objects the real systems
 * create and delete: the operator's replace deletes only the member's PVC
 * (scylla-operator v1.21.1 pkg/controller/scylladbdatacenter/sync_services.go:
 * 415-440) and its scale-down the decommissioned member's PVC (:175-183); the
 * PV controller then releases the PV and applies the StorageClass's reclaim
 * policy (Kubernetes: Delete → the CSI driver's DeleteVolume frees the
 * directory; Retain → the PV and its data stay); the StatefulSet re-creates
 * the PVC from its template, and the local CSI driver — with capacity
 * tracking (`storageCapacity: true`) — provisions it only where the node's
 * array still has room. Run against the StorageClass and rack storage the
 * stack actually renders.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentPlan } from "../components/plan";
import { instanceType } from "../components/plan/sizing";
import { type RecordedResource, mockEngine, ofType } from "./helpers/harness";
import { buildTestScyllaLayer, stackPlan } from "./helpers/scylla";

type Obj = Record<string, any>;

interface Volume { readonly name: string; readonly gib: number; phase: "Bound" | "Released"; claim?: string }
interface Claim { readonly name: string; readonly gib: number; phase: "Pending" | "Bound"; volume?: string }

/** One Scylla node's RAID0 array and what the driver and the PV controller do on it. */
class LocalNode {
  readonly volumes: Volume[] = [];
  readonly claims: Claim[] = [];
  readonly events: string[] = [];
  constructor(readonly capacityGiB: number, readonly reclaimPolicy: string) {}

  private free(): number {
    return this.capacityGiB - this.volumes.reduce((n, v) => n + v.gib, 0);
  }

  /** WaitForFirstConsumer: the pod is scheduled here, the provisioner creates the volume if it fits. */
  provision(claim: Claim): void {
    if (claim.gib > this.free()) {
      this.events.push(`${claim.name}: Pending (needs ${claim.gib}Gi, ${this.free()}Gi free)`);
      return;
    }
    const volume: Volume = { name: `pv-${claim.name}-${this.volumes.length}`, gib: claim.gib, phase: "Bound", claim: claim.name };
    this.volumes.push(volume);
    Object.assign(claim, { phase: "Bound", volume: volume.name });
    this.events.push(`${claim.name}: Bound to ${volume.name}`);
  }

  /** The operator deletes the PVC; the PV controller releases the PV and applies the reclaim policy. */
  deleteClaim(name: string): void {
    const i = this.claims.findIndex((c) => c.name === name);
    const [claim] = this.claims.splice(i, 1);
    const volume = this.volumes.find((v) => v.name === claim!.volume)!;
    volume.phase = "Released";
    delete volume.claim;
    switch (this.reclaimPolicy) {
      case "Delete":
        this.volumes.splice(this.volumes.indexOf(volume), 1);
        this.events.push(`${volume.name}: deleted, ${volume.gib}Gi returned to the array`);
        break;
      case "Retain":
        this.events.push(`${volume.name}: Released and retained (${volume.gib}Gi still used)`);
        break;
      default:
        throw new Error(`unknown reclaim policy ${this.reclaimPolicy}`);
    }
  }

  /** The StatefulSet re-creates the member's PVC from its volumeClaimTemplate. */
  createClaim(name: string, gib: number): Claim {
    const claim: Claim = { name, gib, phase: "Pending" };
    this.claims.push(claim);
    this.provision(claim);
    return claim;
  }
}

let plan: EnvironmentPlan;
let resources: readonly RecordedResource[];
beforeAll(async () => {
  const rec = mockEngine({ preview: true });
  plan = stackPlan("prod");
  buildTestScyllaLayer(plan);
  resources = await rec.settle();
});

function rendered() {
  const sc = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass").find((c) => (c.inputs.metadata as Obj).name === "scylladb-local-xfs")!;
  const cluster = ofType(resources, "kubernetes:scylla.scylladb.com/v1:ScyllaCluster").find((c) => (c.inputs.metadata as Obj).namespace === "scylla")!;
  const rack = (cluster.inputs.spec as Obj).datacenter.racks[0];
  const region = plan.regions[0]!;
  const type = instanceType(region.cloud, region.scylla.instanceType)!;
  return {
    reclaimPolicy: String(sc.inputs.reclaimPolicy),
    requestGiB: Number(String(rack.storage.capacity).replace(/Gi$/, "")),
    arrayGiB: type.diskGiB * region.scylla.localDisks,
  };
}

function replaceMember(reclaimPolicy: string) {
  const { requestGiB, arrayGiB } = rendered();
  const node = new LocalNode(arrayGiB, reclaimPolicy);
  const pvc = "data-scylla-us-east-1-us-east-1a-0";
  node.createClaim(pvc, requestGiB);
  // `kubectl label svc … scylla/replace=""`: the operator deletes the PVC, then the pod; the StatefulSet re-creates both.
  node.deleteClaim(pvc);
  return { node, replacement: node.createClaim(pvc, requestGiB) };
}

describe("replacing a ScyllaDB node on its local NVMe array", () => {
  it("binds the replacement's claim with the StorageClass the stack renders (reclaim Delete)", () => {
    const { reclaimPolicy, requestGiB, arrayGiB } = rendered();
    expect(reclaimPolicy).toBe("Delete");
    // The member asks for most of the array (90%, components/plan/sizing.ts): two copies never fit.
    expect(2 * requestGiB).toBeGreaterThan(arrayGiB);
    const { node, replacement } = replaceMember(reclaimPolicy);
    expect(replacement.phase).toBe("Bound");
    expect(node.volumes.map((v) => v.phase)).toEqual(["Bound"]);
    expect(node.events[1]).toMatch(/deleted, \d+Gi returned to the array/);
  });

  it("would leave the replacement Pending with Retain, the policy this stack used before", () => {
    const { node, replacement } = replaceMember("Retain");
    expect(replacement.phase).toBe("Pending");
    expect(node.volumes.map((v) => v.phase)).toEqual(["Released"]);
    expect(node.events.at(-1)).toMatch(/Pending \(needs \d+Gi, \d+Gi free\)/);
  });
});
