/**
 * One region's managed node groups: a system group across every zone for the
 * operators, webhooks, Manager and Prometheus, and one ScyllaDB group per rack
 * that lives only in its rack's zone — so a zone failure takes exactly one
 * rack, and a rack's nodes are never rebalanced into another zone.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentPlan, RackPlan, RegionPlan } from "../plan";
import { al2023AmiType, ec2Architecture } from "./ami";
import { encodeUserData, renderUserData, scyllaNodeConfig } from "./user-data";
import { statefulOptions } from "../tags";

/** Node labels and taint the Scylla Operator's placement and the policies key on. */
export const SCYLLA_NODE_LABEL = { key: "scylla.scylladb.com/node-type", value: "scylla" } as const;
export const POOL_LABEL = "scylla-ha.io/pool";
export const RACK_LABEL = "scylla-ha.io/rack";
export const SCYLLA_TAINT = { key: "scylla-operator.scylladb.com/dedicated", value: "scyllaclusters", effect: "NO_SCHEDULE" } as const;

export interface EksNodeGroupsArgs {
  /** The environment plan (Kubernetes version, tier). */
  readonly plan: EnvironmentPlan;
  /** The region plan: system pool, racks and Scylla node sizing. */
  readonly region: RegionPlan;
  /** Physical name of the cluster the groups join. */
  readonly clusterName: pulumi.Input<string>;
  /** EKS cluster security group; Scylla nodes keep it next to their own group. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** Security group for ScyllaDB nodes (cross-region ports). */
  readonly scyllaSecurityGroupId: pulumi.Input<string>;
  /** Role the instances assume. */
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnet ids by zone. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** The region's explicit AWS provider; every child uses it. */
  readonly provider: aws.Provider;
  /**
   * What every node group waits for: the node-agent add-ons and the node role's policies.
   * @default []
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Root volume size of every node in GiB (images and logs; Scylla data is on local NVMe).
   * @default 50
   */
  readonly rootVolumeGiB?: number;
}

export class EksNodeGroups extends pulumi.ComponentResource {
  readonly system: aws.eks.NodeGroup;
  /** Scylla node groups by rack name. */
  readonly racks: Readonly<Record<string, aws.eks.NodeGroup>>;
  /** Every node group, system first. */
  readonly all: readonly aws.eks.NodeGroup[];
  /** Zones each node group spans, by node-group (pool) name. */
  readonly zones: Readonly<Record<string, readonly string[]>>;

  constructor(name: string, args: EksNodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("scylla-ha:aws:NodeGroups", name, {}, opts);
    const { plan, region, provider } = args;
    const rootVolumeGiB = args.rootVolumeGiB ?? 50;
    const dependsOn = [...(args.dependsOn ?? [])];
    const child = { parent: this, provider };
    const subnet = (zone: string) => {
      const id = args.privateSubnetIds[zone];
      if (id === undefined) throw new Error(`no private subnet for zone ${zone} in ${region.name}`);
      return id;
    };

    const pool = region.systemPool;
    const systemTemplate = new aws.ec2.LaunchTemplate(
      `${name}-${pool.poolName}-lt`,
      launchTemplateArgs(region, pool.poolName, rootVolumeGiB, {}),
      child,
    );
    // Stateless, so replaceable: a name prefix lets a new group come up before the old one drains.
    this.system = new aws.eks.NodeGroup(
      `${name}-${pool.poolName}`,
      {
        clusterName: args.clusterName,
        nodeGroupNamePrefix: `${pool.poolName}-`,
        nodeRoleArn: args.nodeRoleArn,
        version: plan.kubernetesVersion,
        amiType: al2023AmiType(ec2Architecture(pool.instanceType)),
        instanceTypes: [pool.instanceType],
        capacityType: "ON_DEMAND",
        subnetIds: pool.zones.map(subnet),
        scalingConfig: { minSize: pool.minSize, desiredSize: pool.desiredSize, maxSize: pool.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: systemTemplate.id, version: systemTemplate.latestVersion.apply((v) => String(v)) },
        labels: { [POOL_LABEL]: "system" },
        tags: { Name: `${region.clusterName}-${pool.poolName}` },
      },
      { ...child, dependsOn },
    );

    // Each rack waits for the previous one, so a change that rolls nodes (a version bump, a new
    // template) rolls one rack at a time: replaced nodes return with empty NVMe and re-stream, and two
    // racks re-streaming at once would leave some token ranges with a single live replica.
    const racks: Record<string, aws.eks.NodeGroup> = {};
    let previous: aws.eks.NodeGroup | undefined;
    for (const rack of region.racks) {
      previous = this.rack(name, args, rack, subnet(rack.zone), rootVolumeGiB, previous ? [...dependsOn, previous] : dependsOn);
      racks[rack.name] = previous;
    }
    this.racks = racks;
    this.all = [this.system, ...region.racks.map((r) => racks[r.name]!)];
    this.zones = {
      [pool.poolName]: [...pool.zones],
      ...Object.fromEntries(region.racks.map((r) => [r.nodePool.poolName, [r.zone]])),
    };
    this.registerOutputs({ zones: this.zones });
  }

  private rack(name: string, args: EksNodeGroupsArgs, rack: RackPlan, subnetId: pulumi.Input<string>, rootVolumeGiB: number, dependsOn: pulumi.Resource[]) {
    const { plan, region, provider } = args;
    const child = { parent: this, provider };
    const pool = rack.nodePool;
    const userData = encodeUserData(renderUserData(scyllaNodeConfig(region.scylla)));
    // Setting security groups in the template stops EKS from adding its cluster group, so both are listed.
    const template = new aws.ec2.LaunchTemplate(
      `${name}-${pool.poolName}-lt`,
      launchTemplateArgs(region, pool.poolName, rootVolumeGiB, { userData, vpcSecurityGroupIds: [args.clusterSecurityGroupId, args.scyllaSecurityGroupId] }),
      child,
    );
    return new aws.eks.NodeGroup(
      `${name}-${pool.poolName}`,
      {
        clusterName: args.clusterName,
        // A fixed name on purpose: replacing a rack's group would wipe its local NVMe, so a change that
        // forces replacement fails on the name clash instead. Racks move by migration, not replacement.
        nodeGroupName: pool.poolName,
        nodeRoleArn: args.nodeRoleArn,
        version: plan.kubernetesVersion,
        amiType: al2023AmiType(region.scylla.arch),
        instanceTypes: [pool.instanceType],
        capacityType: "ON_DEMAND",
        subnetIds: [subnetId],
        scalingConfig: { minSize: pool.minSize, desiredSize: pool.desiredSize, maxSize: pool.maxSize },
        // One node at a time: every replaced instance comes back with empty NVMe and re-streams its data.
        updateConfig: { maxUnavailable: 1 },
        // A repaired node is a new instance with empty NVMe; the operator's replace flow must decide, not EKS.
        nodeRepairConfig: { enabled: false },
        launchTemplate: { id: template.id, version: template.latestVersion.apply((v) => String(v)) },
        labels: { [SCYLLA_NODE_LABEL.key]: SCYLLA_NODE_LABEL.value, [POOL_LABEL]: "scylla", [RACK_LABEL]: rack.name },
        taints: [{ ...SCYLLA_TAINT }],
        tags: { Name: `${region.clusterName}-${pool.poolName}` },
      },
      { ...child, dependsOn, ...statefulOptions(plan) },
    );
  }
}

/** Launch template shared by every group: IMDSv2 only, encrypted gp3 root volume. */
function launchTemplateArgs(
  region: RegionPlan,
  poolName: string,
  rootVolumeGiB: number,
  extra: Pick<aws.ec2.LaunchTemplateArgs, "userData" | "vpcSecurityGroupIds">,
): aws.ec2.LaunchTemplateArgs {
  const nameTag = { Name: `${region.clusterName}-${poolName}` };
  return {
    description: `${region.clusterName} ${poolName} nodes`,
    updateDefaultVersion: true,
    // Hop limit 1: a pod's IMDSv2 PUT crosses one more hop (its veth) and dies, so no pod can take
    // the node role's credentials (the CNI policy, SSM). Only host-network daemons reach IMDS: aws-node
    // and eks-pod-identity-agent run on the host network; the EBS CSI controller gets its region in
    // its add-on values and the node plugin falls back to Kubernetes metadata (addon-config.ts).
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", ebs: { volumeSize: rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ],
    tagSpecifications: [
      { resourceType: "instance", tags: nameTag },
      { resourceType: "volume", tags: nameTag },
    ],
    ...extra,
  };
}
