/**
 * What the preview principal gets on one GKE cluster. The deploy principal
 * already holds project-level rights (it creates the clusters), so it needs
 * nothing from the stack; the preview principal gets:
 *
 * - `roles/container.clusterViewer` on the project: read the cluster and
 *   `container.clusters.connect`, which the DNS-based endpoint checks before
 *   any Kubernetes authorization (GKE "DNS-based endpoint" access); no
 *   Kubernetes object rights through IAM;
 * - a ClusterRoleBinding to `cluster-admin`: pulumi-kubernetes previews with
 *   server-side dry-run, which the API server authorizes exactly like the
 *   write (see components/aws/cluster-access.ts for the reasoning, the same
 *   on both clouds). GKE names a Google service account or user by its email
 *   in RBAC subjects.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DeployerPlan, RegionPlan } from "../plan";

export const PREVIEW_PROJECT_ROLE = "roles/container.clusterViewer";
export const PREVIEW_BINDING_NAME = "scylla-ha:preview";

/** The RBAC subject of an IAM member: users and service accounts by email, groups as Google Groups for RBAC. */
export function rbacSubject(member: string): { kind: "User" | "Group"; name: string; apiGroup: "rbac.authorization.k8s.io" } {
  const [type, email] = [member.slice(0, member.indexOf(":")), member.slice(member.indexOf(":") + 1)];
  return { kind: type === "group" ? "Group" : "User", name: email, apiGroup: "rbac.authorization.k8s.io" };
}

export interface GkePreviewAccessArgs {
  readonly region: RegionPlan;
  readonly deployer: DeployerPlan | undefined;
  /** The cluster the binding lives in; the IAM grant waits for it. */
  readonly cluster: gcp.container.Cluster;
  /** The region's GCP provider. */
  readonly provider: gcp.Provider;
  /** The region's Kubernetes provider. */
  readonly k8sProvider: k8s.Provider;
  /** What Kubernetes objects wait for (node pools). */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class GkePreviewAccess extends pulumi.ComponentResource {
  readonly projectRole?: gcp.projects.IAMMember;
  readonly binding?: k8s.rbac.v1.ClusterRoleBinding;

  constructor(name: string, args: GkePreviewAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:PreviewAccess", name, {}, opts);
    const member = args.deployer?.gcp?.previewMember;
    if (args.region.network.cloud !== "gcp") throw new Error(`GkePreviewAccess ${name} got a ${args.region.network.cloud} region plan`);
    if (member) {
      this.projectRole = new gcp.projects.IAMMember(
        `${name}-viewer`,
        { project: args.region.network.project, role: PREVIEW_PROJECT_ROLE, member },
        { parent: this, provider: args.provider, dependsOn: [args.cluster] },
      );
      this.binding = new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-binding`,
        {
          metadata: { name: PREVIEW_BINDING_NAME },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subjects: [rbacSubject(member)],
        },
        { parent: this, provider: args.k8sProvider, dependsOn: [...args.dependsOn] },
      );
    }
    this.registerOutputs({});
  }
}
