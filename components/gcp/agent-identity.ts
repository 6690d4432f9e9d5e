/**
 * The Manager agent's Google identity in one region, without keys: a Google
 * service account that the ScyllaDB member ServiceAccount impersonates through
 * GKE Workload Identity, with object-level access to every backup bucket of
 * the environment (its own DC's to write, the others' to restore from).
 *
 * Workload Identity pools are per project, so `scylla/<cluster>-member` in any
 * GKE cluster of the project maps to the same principal; a per-region account
 * keeps each region's grants and audit trail apart, not the principals.
 * The account reaches the pods through an annotation on the ScyllaCluster,
 * which the operator copies onto the member ServiceAccount
 * (scylladb/scylla-operator#1697).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type EnvironmentPlan, type RegionPlan, memberServiceAccount } from "../plan";
import type { GcpBackupBucket } from "./backup-bucket";
import { AGENT_OBJECT_ROLE, agentServiceAccountId, workloadIdentityMember } from "./backup-settings";

/** The Workload Identity annotation GKE reads on a Kubernetes ServiceAccount. */
export const WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account";

export interface GcpAgentIdentityArgs {
  /** The environment plan (ScyllaCluster name and namespace). */
  readonly plan: EnvironmentPlan;
  /** This region's plan (project, cluster name). */
  readonly region: RegionPlan;
  /** Every backup bucket of the environment. */
  readonly buckets: readonly GcpBackupBucket[];
  /**
   * The region's GKE cluster; the Workload Identity binding waits for it.
   * @default - none (the binding waits for the account only; tests of the identity alone)
   */
  readonly cluster?: pulumi.Resource;
}

export class GcpAgentIdentity extends pulumi.ComponentResource {
  readonly account: gcp.serviceaccount.Account;
  readonly workloadIdentity: gcp.serviceaccount.IAMMember;
  /** Object access per bucket, by the bucket's region key. */
  readonly bucketAccess: Readonly<Record<string, gcp.storage.BucketIAMMember>>;
  /** Annotations for the ScyllaCluster (copied by the operator onto `<cluster>-member`). */
  readonly annotations: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpAgentIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:AgentIdentity", name, {}, opts);
    const { plan, region } = args;
    if (region.network.cloud !== "gcp") throw new Error(`GcpAgentIdentity ${name} got a ${region.network.cloud} region plan`);
    const project = region.network.project;
    const child = { parent: this };

    this.account = new gcp.serviceaccount.Account(
      `${name}-sa`,
      { accountId: agentServiceAccountId(region.clusterName), displayName: `Scylla Manager agent of ${region.clusterName} (backups)`, project },
      child,
    );
    // Built from the account id (an input) so it is known at preview, unlike the computed `email`.
    const email = this.account.accountId.apply((id) => `${id}@${project}.iam.gserviceaccount.com`);
    this.workloadIdentity = new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: this.account.name,
        role: "roles/iam.workloadIdentityUser",
        member: workloadIdentityMember(project, plan.scylla.namespace, memberServiceAccount(plan.scylla.clusterName)),
      },
      // The project's Workload Identity pool (<project>.svc.id.goog) exists only once a cluster with
      // workloadPool does; a binding made before it fails with "Identity Pool does not exist"
      // (terraform-google-modules/terraform-google-kubernetes-engine#916, fixed there by PR #301 the same way).
      { ...child, dependsOn: args.cluster ? [args.cluster] : [] },
    );
    this.bucketAccess = Object.fromEntries(
      args.buckets.map((b) => [
        b.regionKey,
        new gcp.storage.BucketIAMMember(
          `${name}-${b.regionKey}`,
          { bucket: b.bucket.name, role: AGENT_OBJECT_ROLE, member: pulumi.interpolate`serviceAccount:${email}` },
          child,
        ),
      ]),
    );
    this.annotations = { [WORKLOAD_IDENTITY_ANNOTATION]: email };
    this.registerOutputs({ email });
  }
}
