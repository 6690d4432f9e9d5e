/**
 * A regional, private, VPC-native GKE cluster with Workload Identity,
 * shielded nodes, Secrets encrypted with a Cloud KMS key, and a dedicated
 * least-privilege node service account. Node pools are separate resources
 * (see gke-node-pools.ts); the default pool is removed at creation.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { DeployerPlan, EnvironmentPlan, GcpNetworkPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";
import { GKE_MAX_PODS_PER_NODE, NODE_OAUTH_SCOPES, POD_RANGE_NAME, SERVICE_RANGE_NAME, gkeServiceAgent, nodeServiceAccountId } from "./gke-settings";
import { statefulOptions } from "../tags";

export interface GkeClusterArgs {
  /** The environment plan (tier, Kubernetes version). */
  readonly plan: EnvironmentPlan;
  /** This region's plan. */
  readonly region: RegionPlan;
  /** This region's network plan. */
  readonly network: GcpNetworkPlan;
  /** The environment's global VPC. */
  readonly vpc: gcp.compute.Network;
  /** This region's subnet, with the `pods` and `services` secondary ranges. */
  readonly subnet: gcp.compute.Subnetwork;
}

/**
 * Project roles of the node service account. The consolidated GKE role holds
 * exactly what the node agents need (logs, metrics, resource metadata);
 * workloads get their own identities through Workload Identity.
 */
const NODE_ROLES: Readonly<Record<string, string>> = {
  "default-node": "roles/container.defaultNodeServiceAccount",
};

export class GkeCluster extends pulumi.ComponentResource {
  readonly cluster: gcp.container.Cluster;
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  readonly nodeRoles: readonly gcp.projects.IAMMember[];
  readonly secretsKey: gcp.kms.CryptoKey;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:gcp:GkeCluster", name, {}, opts);
    const { plan, region, network } = args;
    const child = { parent: this };
    const stateful = { parent: this, ...statefulOptions(plan) };

    this.nodeServiceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        accountId: nodeServiceAccountId(region.clusterName),
        displayName: `GKE nodes of ${region.clusterName}`,
        project: network.project,
      },
      child,
    );
    this.nodeRoles = Object.entries(NODE_ROLES).map(
      ([key, role]) =>
        new gcp.projects.IAMMember(`${name}-nodes-${key}`, { project: network.project, role, member: this.nodeServiceAccount.member }, child),
    );

    // The key must live in the cluster's region. Key rings can never be
    // deleted in GCP, so they are auto-named: a re-created environment gets a new one.
    const keyRing = new gcp.kms.KeyRing(`${name}-keyring`, { location: region.region, project: network.project }, stateful);
    this.secretsKey = new gcp.kms.CryptoKey(
      `${name}-secrets`,
      { keyRing: keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" },
      // Destroying the key makes every Secret in etcd unreadable.
      stateful,
    );
    const project = gcp.organizations.getProjectOutput({ projectId: network.project }, child);
    const keyAccess = new gcp.kms.CryptoKeyIAMMember(
      `${name}-secrets-gke`,
      {
        cryptoKeyId: this.secretsKey.id,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: project.number.apply(gkeServiceAgent),
      },
      child,
    );

    this.cluster = new gcp.container.Cluster(
      `${name}-cluster`,
      {
        name: region.clusterName,
        // A region, never a zone: a regional control plane has a replica in
        // every zone and survives the loss of one; a zonal one is a single point of failure.
        location: region.region,
        network: args.vpc.id,
        subnetwork: args.subnet.id,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE_NAME, servicesSecondaryRangeName: SERVICE_RANGE_NAME },
        defaultMaxPodsPerNode: GKE_MAX_PODS_PER_NODE,
        privateClusterConfig: {
          enablePrivateNodes: true,
          enablePrivateEndpoint: false,
          masterIpv4CidrBlock: network.masterCidr,
          // Lets deployers and tooling in any region of the VPC use the private endpoint.
          masterGlobalAccessConfig: { enabled: true },
        },
        // The IP endpoints admit the region's own list and every deployer range (private ranges reach
        // the private endpoint through global access); nothing else, not even Google's own ranges.
        masterAuthorizedNetworksConfig: {
          cidrBlocks: authorizedNetworks(network, plan.deployer).map((cidrBlock) => ({ cidrBlock, displayName: cidrBlock })),
          gcpPublicCidrsAccessEnabled: false,
        },
        // The kubeconfig uses the DNS-based endpoint (gke-kubeconfig.ts): reachable from anywhere,
        // admitted by IAM alone (container.clusters.connect), so a GitHub-hosted runner, whose
        // address no authorized network lists, still reaches the API.
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
        // Dataplane V2 (eBPF/Cilium) enforces NetworkPolicy; the legacy datapath ignores it unless the
        // Calico add-on is on. `networkPolicy` must stay unset with ADVANCED_DATAPATH.
        datapathProvider: "ADVANCED_DATAPATH",
        workloadIdentityConfig: { workloadPool: `${network.project}.svc.id.goog` },
        enableShieldedNodes: true,
        databaseEncryption: { state: "ENCRYPTED", keyName: this.secretsKey.id },
        // No release channel: GKE refuses to turn node auto-upgrade off for
        // pools of a cluster enrolled in one, and Scylla pools must never
        // auto-upgrade (see gke-node-pools.ts). The version is pinned to the
        // environment's minor instead; GKE still moves the control plane (three
        // replicas, no data) forward when that minor reaches end of support,
        // inside the maintenance window.
        releaseChannel: { channel: "UNSPECIFIED" },
        minMasterVersion: plan.kubernetesVersion,
        maintenancePolicy: {
          // Weekend mornings UTC, clear of the default 02:00 UTC backup task;
          // 2 × 8 h a week satisfies GKE's 48 h per 32 days minimum.
          recurringWindow: {
            startTime: "2025-01-04T08:00:00Z",
            endTime: "2025-01-04T16:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
          },
        },
        deletionProtection: plan.tier === "production",
        // The default pool cannot be configured like ours; GKE needs one at
        // creation, so it is created with one node per zone and removed. It
        // runs as our node account, so projects that disabled the Compute
        // Engine default account can still create clusters.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: { serviceAccount: this.nodeServiceAccount.email, oauthScopes: [...NODE_OAUTH_SCOPES] },
        resourceLabels: commonTags(plan, region),
      },
      // Both only describe the removed default pool; a diff on them would replace the cluster.
      { ...stateful, dependsOn: [keyAccess, ...this.nodeRoles], ignoreChanges: ["nodeConfig", "initialNodeCount"] },
    );

    this.registerOutputs({ cluster: this.cluster.name, endpoint: this.cluster.endpoint });
  }
}

/** Sources the IP endpoints admit: the region's `publicAccessCidrs` and every deployer range, once each. */
export function authorizedNetworks(network: GcpNetworkPlan, deployer: DeployerPlan | undefined): string[] {
  return [...new Set([...network.publicAccessCidrs, ...(deployer?.privateCidrs ?? []), ...(deployer?.publicCidrs ?? [])])];
}
