/**
 * Everything one AWS region contributes: its explicit provider, the network,
 * the EKS cluster with its add-ons and node groups, and the Kubernetes
 * provider the in-cluster layer deploys through.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { AwsNetworkPlan, EnvironmentPlan, RegionPlan } from "../plan";
import { commonTags } from "../tags";
import { ebsCsiConfiguration, vpcCniConfiguration } from "./addon-config";
import { AwsNetwork } from "./aws-network";
import { AwsBackupBucket } from "./backup-bucket";
import { EksAddons } from "./eks-addons";
import { EksCluster } from "./eks-cluster";
import { eksKubeconfig } from "./kubeconfig";
import { EksNodeGroups } from "./node-groups";
import { CLUSTER_SERVICE_ADDONS, NODE_AGENT_ADDONS } from "./versions";

export interface AwsRegionArgs {
  /** The environment plan (for environment-wide settings). */
  readonly plan: EnvironmentPlan;
  /** This region's plan; its `cloud` must be `aws`. */
  readonly region: RegionPlan;
}

export class AwsRegion extends pulumi.ComponentResource {
  readonly cloud = "aws" as const;
  /** This region's plan. */
  readonly regionPlan: RegionPlan;
  /** This region's AWS network plan. */
  readonly networkPlan: AwsNetworkPlan;
  /** The region's explicit AWS provider; every AWS resource of the region uses it. */
  readonly provider: aws.Provider;
  readonly network: AwsNetwork;
  readonly eks: EksCluster;
  readonly nodeGroups: EksNodeGroups;
  /** The region's ScyllaDB backup bucket (replication and agent access are wired across regions in backups.ts). */
  readonly backupBucket: AwsBackupBucket;
  /** The region's Kubernetes cluster: provider plus what workloads must wait for. */
  readonly cluster: ClusterHandle;
  /** Stack outputs of this region (plain values and Outputs). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: AwsRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:Region", name, {}, opts);
    const { plan, region } = args;
    if (region.network.cloud !== "aws") throw new Error(`AwsRegion ${name} got a ${region.network.cloud} region plan`);
    const network = region.network;
    this.regionPlan = region;
    this.networkPlan = network;
    this.provider = new aws.Provider(
      `${name}-aws`,
      { region: region.region as aws.Region, defaultTags: { tags: commonTags(plan, region) } },
      { parent: this },
    );
    const provider = this.provider;
    const production = plan.tier === "production";

    this.backupBucket = new AwsBackupBucket(
      `${name}-backup`,
      { plan, region: region.region, bucketName: region.backup.bucketName, provider },
      { parent: this },
    );
    const accountId = plan.deployer?.aws?.accountId;
    this.network = new AwsNetwork(
      name,
      { region, network, provider, flowLogRetentionDays: production ? 90 : 14, ...(accountId ? { accountId } : {}), clientCidrs: plan.scylla.clientCidrs },
      { parent: this },
    );
    const privateSubnetIds = Object.fromEntries(Object.entries(this.network.privateSubnets).map(([zone, s]) => [zone, s.id]));

    this.eks = new EksCluster(
      name,
      { plan, region, network, provider, subnetIds: region.zones.map((z) => privateSubnetIds[z]!), logRetentionDays: production ? 365 : 30 },
      { parent: this },
    );
    const clusterName = this.eks.clusterName;
    // Pod addresses of every other AWS region stay un-NATed on their way across the peering mesh.
    const peerCidrs = plan.regions.flatMap((r) => (r.key !== region.key && r.network.cloud === "aws" ? [r.network.vpcCidr] : []));
    const configurationValues = { "vpc-cni": vpcCniConfiguration(peerCidrs), "aws-ebs-csi-driver": ebsCsiConfiguration(region.region) };
    const addon = { clusterName, kubernetesVersion: plan.kubernetesVersion, region, provider, configurationValues, ...(accountId ? { accountId } : {}) };
    const nodeAgents = new EksAddons(`${name}-node-agents`, { ...addon, addons: NODE_AGENT_ADDONS }, { parent: this });
    this.nodeGroups = new EksNodeGroups(
      name,
      {
        plan,
        region,
        provider,
        clusterName,
        clusterSecurityGroupId: this.eks.clusterSecurityGroupId,
        scyllaSecurityGroupId: this.network.scyllaSecurityGroup.id,
        nodeRoleArn: this.eks.nodeRole.arn,
        privateSubnetIds,
        dependsOn: [...nodeAgents.all, ...this.eks.nodeRolePolicies],
      },
      { parent: this },
    );
    const clusterServices = new EksAddons(
      `${name}-cluster-services`,
      { ...addon, addons: CLUSTER_SERVICE_ADDONS, dependsOn: this.nodeGroups.all },
      { parent: this },
    );

    const cluster = this.eks.cluster;
    const kubeconfig = pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data])
      .apply(([clusterName, endpoint, certificateAuthorityData]) => eksKubeconfig({ clusterName, region: region.region, endpoint, certificateAuthorityData }));
    this.cluster = {
      provider: new k8s.Provider(`${name}-k8s`, { kubeconfig, clusterIdentifier: region.clusterName }, { parent: this }),
      // Kubernetes calls also need the deployer's access entry and its 443 path in place.
      dependsOn: [
        ...this.nodeGroups.all,
        ...nodeAgents.all,
        ...clusterServices.all,
        ...Object.values(this.eks.access.associations),
        ...Object.values(this.eks.access.apiIngress),
      ],
    };

    this.outputs = {
      cloud: "aws",
      region: region.region,
      datacenter: region.datacenter,
      clusterName: cluster.name,
      clusterEndpoint: cluster.endpoint,
      oidcIssuer: this.eks.oidcIssuer,
      oidcProviderArn: this.eks.oidcProvider.arn,
      nodeGroupZones: this.nodeGroups.zones,
      privateSubnetIds,
      vpcId: this.network.vpc.id,
      vpcCidr: network.vpcCidr,
      backupBucket: region.backup.bucketName,
    };
    this.registerOutputs({ outputs: this.outputs });
  }
}
