/**
 * A complete, policy-clean environment built by hand in the resource shapes
 * the brief fixes for the cloud and ScyllaDB layers (AWS: VPC, per-zone
 * subnets, NAT, route tables, S3 endpoint, peering, EKS, node groups; GCP:
 * subnetwork, Cloud NAT, regional GKE, node pools; Kubernetes: ScyllaCluster,
 * NodeConfig, StorageClass, Manager, operators, PDBs, Prometheus; buckets).
 * Tests break one thing and expect exactly that rule's message.
 */
import { GraphBuilder, type Ref, Secret } from "./graph-builder";

export interface AwsRegionSpec {
  readonly key: string;
  readonly region: string;
  readonly octet: number;
}

export const AWS_REGIONS: readonly AwsRegionSpec[] = [
  { key: "use1", region: "us-east-1", octet: 0 },
  { key: "usw2", region: "us-west-2", octet: 1 },
  { key: "euw1", region: "eu-west-1", octet: 2 },
];

/** Every port the datacenters open to each other (the Manager agent's too: Manager runs in the first region). */
export const SCYLLA_INGRESS_PORTS = [7000, 7001, 9042, 9142, 19042, 19142, 10001] as const;

const SCYLLA_LABELS = { "scylla.scylladb.com/node-type": "scylla" };
const SCYLLA_TAINT = { key: "scylla-operator.scylladb.com/dedicated", value: "scyllaclusters", effect: "NO_SCHEDULE" };
export const USER_DATA = Buffer.from(
  [
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="//"',
    "",
    "--//",
    "Content-Type: application/node.eks.aws",
    "",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  kubelet:",
    "    config:",
    "      cpuManagerPolicy: static",
    "--//--",
  ].join("\n"),
).toString("base64");

interface RegionRefs {
  readonly provider: Ref;
  readonly cluster: Ref;
  readonly k8s: Ref;
  readonly vpc: Ref;
  readonly privateTables: Ref[];
  readonly bucket: Ref;
  readonly spec: AwsRegionSpec;
}

/** Three AWS regions (prod-like), fully meshed, with ScyllaDB in each and Manager in the first. */
export function awsEnvironment(stack = "prod", regions: readonly AwsRegionSpec[] = AWS_REGIONS): GraphBuilder {
  const b = new GraphBuilder(stack);
  // One bucket per datacenter in its own region, as the real stack does: agents reach it through the S3 gateway endpoint.
  const locations = regions.map((r) => `${r.region}:s3:${stack}-${r.key}-backups`);
  const refs = regions.map((spec, i) => awsRegion(b, stack, spec, i === 0, regions.map((r) => r.key), locations));
  for (let i = 0; i < refs.length; i++) {
    for (let j = i + 1; j < refs.length; j++) peer(b, stack, refs[i]!, refs[j]!);
  }
  refs.forEach((r, i) => replicate(b, stack, r, refs[(i + 1) % refs.length]!));
  for (const r of refs) deployPath(b, stack, r, refs.filter((o) => o !== r));
  return b;
}

function awsRegion(b: GraphBuilder, env: string, spec: AwsRegionSpec, first: boolean, keys: readonly string[], locations: readonly string[]): RegionRefs {
  const n = `${env}-${spec.key}`;
  const provider = b.add("pulumi:providers:aws", `${n}-aws`, { region: spec.region });
  const p = { provider };
  const vpc = b.add("aws:ec2/vpc:Vpc", `${n}-vpc`, { cidrBlock: `10.${spec.octet}.0.0/16` }, p);
  const zones = ["a", "b", "c"].map((l) => `${spec.region}${l}`);
  const privateTables: Ref[] = [];
  const privateSubnets: Ref[] = [];
  zones.forEach((zone, z) => {
    const pub = b.add("aws:ec2/subnet:Subnet", `${n}-public-${zone}`, { availabilityZone: zone, cidrBlock: `10.${spec.octet}.${100 + z}.0/24`, tags: { "kubernetes.io/role/elb": "1" } }, { ...p, deps: { vpcId: [vpc] } });
    const priv = b.add("aws:ec2/subnet:Subnet", `${n}-private-${zone}`, { availabilityZone: zone, cidrBlock: `10.${spec.octet}.${z * 32}.0/19`, tags: { "kubernetes.io/role/internal-elb": "1" } }, { ...p, deps: { vpcId: [vpc] } });
    const nat = b.add("aws:ec2/natGateway:NatGateway", `${n}-nat-${zone}`, { subnetId: pub.id }, { ...p, deps: { subnetId: [pub] } });
    const table = b.add("aws:ec2/routeTable:RouteTable", `${n}-private-${zone}-rt`, { vpcId: vpc.id }, { ...p, deps: { vpcId: [vpc] } });
    b.add("aws:ec2/route:Route", `${n}-private-${zone}-default`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { ...p, deps: { routeTableId: [table], natGatewayId: [nat] } });
    b.add("aws:ec2/routeTableAssociation:RouteTableAssociation", `${n}-private-${zone}-assoc`, { subnetId: priv.id, routeTableId: table.id }, { ...p, deps: { subnetId: [priv], routeTableId: [table] } });
    privateTables.push(table);
    privateSubnets.push(priv);
  });
  b.add("aws:ec2/vpcEndpoint:VpcEndpoint", `${n}-s3`, { vpcId: vpc.id, vpcEndpointType: "Gateway", serviceName: `com.amazonaws.${spec.region}.s3`, routeTableIds: privateTables.map((t) => t.id) }, { ...p, deps: { vpcId: [vpc], routeTableIds: privateTables } });

  const cluster = b.add(
    "aws:eks/cluster:Cluster",
    `${n}-eks`,
    {
      name: n,
      vpcConfig: { subnetIds: privateSubnets.map((s) => s.id), endpointPrivateAccess: true, endpointPublicAccess: false },
      encryptionConfig: { resources: ["secrets"] },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      kubernetesNetworkConfig: { serviceIpv4Cidr: `172.${20 + spec.octet}.0.0/16` },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    },
    { ...p, deps: { vpcConfig: privateSubnets } },
  );
  const nodesSg = b.add("aws:ec2/securityGroup:SecurityGroup", `${n}-scylla-sg`, { vpcId: vpc.id }, { ...p, deps: { vpcId: [vpc] } });
  for (const other of AWS_REGIONS.filter((r) => r.key !== spec.key && keys.includes(r.key))) {
    for (const port of SCYLLA_INGRESS_PORTS) {
      b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${n}-${other.key}-tcp-${port}`, { securityGroupId: nodesSg.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: `10.${other.octet}.0.0/16` }, { ...p, deps: { securityGroupId: [nodesSg] } });
    }
  }
  const template = b.add("aws:ec2/launchTemplate:LaunchTemplate", `${n}-scylla-lt`, { userData: USER_DATA, vpcSecurityGroupIds: [nodesSg.id], metadataOptions: IMDS }, { ...p, deps: { vpcSecurityGroupIds: [nodesSg] } });
  const systemTemplate = b.add("aws:ec2/launchTemplate:LaunchTemplate", `${n}-system-lt`, { metadataOptions: IMDS }, p);
  zones.forEach((zone, z) => {
    b.add(
      "aws:eks/nodeGroup:NodeGroup",
      `${n}-scylla-${zone}`,
      { clusterName: n, subnetIds: [privateSubnets[z]!.id], instanceTypes: ["i4i.2xlarge"], labels: SCYLLA_LABELS, taints: [SCYLLA_TAINT], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 3 }, launchTemplate: { id: template.id, version: "1" } },
      { ...p, deps: { clusterName: [cluster], subnetIds: [privateSubnets[z]!], launchTemplate: [template] }, protect: true, retainOnDelete: true },
    );
  });
  b.add(
    "aws:eks/nodeGroup:NodeGroup",
    `${n}-system`,
    { clusterName: n, subnetIds: privateSubnets.map((s) => s.id), instanceTypes: ["m7i.xlarge"], labels: { "scylla-ha.io/pool": "system" }, scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 }, launchTemplate: { id: systemTemplate.id, version: "1" } },
    { ...p, deps: { clusterName: [cluster], subnetIds: privateSubnets, launchTemplate: [systemTemplate] } },
  );
  const k8s = b.add("pulumi:providers:kubernetes", `${n}-k8s`, { clusterIdentifier: n, kubeconfig: new Secret("{}") }, { deps: { kubeconfig: [cluster] } });
  scyllaObjects(b, n, k8s, spec.region, zones, { first, manager: first, keys, locations });
  const bucket = b.add("aws:s3/bucket:Bucket", `${n}-backups`, { bucket: `${n}-backups` }, { ...p, protect: true, retainOnDelete: true });
  const sub = { ...p, deps: { bucket: [bucket] } };
  b.add("aws:s3/bucketVersioning:BucketVersioning", `${n}-backups-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, sub);
  b.add("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${n}-backups-sse`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, sub);
  b.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${n}-backups-pab`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, sub);
  const policy = { Version: "2012-10-17", Statement: [{ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${n}-backups`, `arn:aws:s3:::${n}-backups/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }] };
  b.add("aws:s3/bucketPolicy:BucketPolicy", `${n}-backups-tls`, { bucket: bucket.id, policy: JSON.stringify(policy) }, sub);
  return { provider, cluster, k8s, vpc, privateTables, bucket, spec };
}

function peer(b: GraphBuilder, env: string, a: RegionRefs, c: RegionRefs): void {
  const name = `${env}-${a.spec.key}-${c.spec.key}`;
  const peering = b.add("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", `${name}-peering`, { vpcId: a.vpc.id, peerVpcId: c.vpc.id, peerRegion: c.spec.region }, { provider: a.provider, deps: { vpcId: [a.vpc], peerVpcId: [c.vpc] } });
  b.add("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", `${name}-accepter`, { vpcPeeringConnectionId: peering.id, autoAccept: true }, { provider: c.provider, deps: { vpcPeeringConnectionId: [peering] } });
  for (const [from, to] of [[a, c], [c, a]] as const) {
    for (const table of from.privateTables) {
      b.add("aws:ec2/route:Route", `${table.name}-to-${to.spec.key}`, { routeTableId: table.id, destinationCidrBlock: `10.${to.spec.octet}.0.0/16`, vpcPeeringConnectionId: peering.id }, { provider: from.provider, deps: { routeTableId: [table], vpcPeeringConnectionId: [peering] } });
    }
  }
}

/** IMDSv2 only, hop limit 1: no pod reaches the node's credentials. */
const IMDS = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 };
/** The deployer's private runner network (inside the first region's VPC). */
export const DEPLOYER_RANGE = "10.0.96.0/24";

/**
 * One region's deploy path: access entries and associations for the deploy and preview roles, 443 from
 * the deployer network and ICMP frag-needed from every peer on the cluster security group, and vpc-cni
 * keeping pod addresses towards the peers and enforcing NetworkPolicy.
 */
function deployPath(b: GraphBuilder, env: string, r: RegionRefs, peers: readonly RegionRefs[]): void {
  const n = `${env}-${r.spec.key}`;
  const p = { provider: r.provider };
  for (const role of ["deploy", "preview"]) {
    const arn = `arn:aws:iam::123456789012:role/${env}-${role}`;
    const entry = b.add("aws:eks/accessEntry:AccessEntry", `${n}-access-${role}`, { clusterName: n, principalArn: arn, type: "STANDARD" }, { ...p, deps: { clusterName: [r.cluster] } });
    b.add(
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
      `${n}-access-${role}-policy`,
      { clusterName: n, principalArn: arn, policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } },
      { ...p, deps: { clusterName: [r.cluster], principalArn: [entry] } },
    );
  }
  const rule = (name: string, inputs: Record<string, unknown>) =>
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${n}-${name}`, { securityGroupId: "sg-cluster", ...inputs }, { ...p, deps: { securityGroupId: [r.cluster] } });
  rule("api-deployer", { cidrIpv4: DEPLOYER_RANGE, ipProtocol: "tcp", fromPort: 443, toPort: 443 });
  for (const peer of peers) rule(`icmp-${peer.spec.key}`, { cidrIpv4: `10.${peer.spec.octet}.0.0/16`, ipProtocol: "icmp", fromPort: 3, toPort: 4 });
  const values = { enableNetworkPolicy: "true", env: { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: peers.map((o) => `10.${o.spec.octet}.0.0/16`).join(",") } };
  b.add("aws:eks/addon:Addon", `${n}-vpc-cni`, { clusterName: n, addonName: "vpc-cni", configurationValues: JSON.stringify(values) }, { ...p, deps: { clusterName: [r.cluster] } });
}

function replicate(b: GraphBuilder, env: string, from: RegionRefs, to: RegionRefs): void {
  if (from === to) return;
  b.add("aws:s3/bucketReplicationConfig:BucketReplicationConfig", `${env}-${from.spec.key}-backups-replication`, { bucket: from.bucket.id, role: "arn", rules: [{ id: "dr", status: "Enabled", destination: { bucket: `arn:aws:s3:::${to.bucket.name}` } }] }, { provider: from.provider, deps: { bucket: [from.bucket], rules: [to.bucket] } });
}

export interface ScyllaOptions {
  readonly first: boolean;
  readonly manager: boolean;
  readonly keys: readonly string[];
  /** Backup locations of the Manager's task. @default [`s3:<n>-backups`] */
  readonly locations?: readonly string[];
}

/** The Kubernetes objects of one region: ScyllaCluster (one DC), NodeConfig, StorageClass, operator, Manager, monitoring, keyspaces. */
export function scyllaObjects(b: GraphBuilder, n: string, k8s: Ref, region: string, zones: readonly string[], o: ScyllaOptions): void {
  const p = { provider: k8s };
  const k = (apiVersion: string, kind: string, name: string, namespace: string | undefined, body: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    b.add(`kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`, `${n}-${name}`, { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...body }, { ...p, ...extra });
  k("scylla.scylladb.com/v1alpha1", "NodeConfig", "scylla-nodes", undefined, {
    spec: {
      placement: { nodeSelector: SCYLLA_LABELS, tolerations: [{ key: SCYLLA_TAINT.key, operator: "Equal", value: "scyllaclusters", effect: "NoSchedule" }] },
      localDiskSetup: { raids: [{ name: "nvmes", type: "RAID0" }], filesystems: [{ device: "/dev/md/nvmes", type: "xfs" }], mounts: [{ device: "/dev/md/nvmes", mountPoint: "/var/lib/persistent-volumes", unsupportedOptions: ["prjquota", "discard"] }] },
      sysctls: [{ name: "fs.nr_open", value: "1073741816" }],
    },
  });
  k("scylla.scylladb.com/v1alpha1", "ScyllaDBMonitoring", "scylla-monitoring", "scylla", { spec: { type: "Platform" } });
  k("storage.k8s.io/v1", "StorageClass", "scylladb-local-xfs", undefined, { provisioner: "local.csi.scylladb.com", volumeBindingMode: "WaitForFirstConsumer" });
  const resources = { requests: { cpu: "6", memory: "50Gi" }, limits: { cpu: "6", memory: "50Gi" } };
  const agentResources = { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "100m", memory: "200Mi" } };
  const racks = zones.map((zone) => ({
    name: zone,
    members: 2,
    storage: { capacity: "1500Gi", storageClassName: "scylladb-local-xfs" },
    resources,
    agentResources,
    placement: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "scylla.scylladb.com/node-type", operator: "In", values: ["scylla"] }, { key: "topology.kubernetes.io/zone", operator: "In", values: [zone] }] }] } },
      tolerations: [{ key: SCYLLA_TAINT.key, operator: "Equal", value: "scyllaclusters", effect: "NoSchedule" }],
    },
  }));
  const others = o.keys.filter((key) => !n.endsWith(`-${key}`));
  k(
    "scylla.scylladb.com/v1",
    "ScyllaCluster",
    "scylla",
    "scylla",
    {
      spec: {
        version: "2026.1.3",
        agentVersion: "3.10.1",
        datacenter: { name: region, racks },
        exposeOptions: { nodeService: { type: "Headless" }, broadcastOptions: { nodes: { type: "PodIP" }, clients: { type: "PodIP" } } },
        ...(o.first ? {} : { externalSeeds: others.map((key) => `scylla-client.scylla.${key}.internal`) }),
        ...(o.manager ? { backups: [{ name: "daily", cron: "0 2 * * *", location: o.locations ?? [`s3:${n}-backups`] }], repairs: [{ name: "weekly", cron: "0 4 * * 0" }] } : {}),
      },
    },
    { protect: true, retainOnDelete: true },
  );
  const scyllaPods = { matchLabels: { "app.kubernetes.io/name": "scylla", "scylla/cluster": "scylla" } };
  k("networking.k8s.io/v1", "NetworkPolicy", "scylla-cql", "scylla", { spec: { podSelector: scyllaPods, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 9042 }] }] } });
  k("networking.k8s.io/v1", "NetworkPolicy", "scylla-inter-node", "scylla", { spec: { podSelector: scyllaPods, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: scyllaPods }], ports: [{ protocol: "TCP", port: 7000 }] }] } });
  const keyspaces = [{ name: "app", tablets: false, replication: Object.fromEntries(["us-east-1", "us-west-2", "eu-west-1"].filter((dc) => dc === region || o.keys.length > 1).map((dc) => [dc, 3])) }];
  k("v1", "ConfigMap", "scylla-ha-keyspaces", "scylla", { data: { "keyspaces.json": JSON.stringify(keyspaces) } });
  const workload = (ns: string, name: string, replicas: number) => {
    const labels = { "app.kubernetes.io/name": name };
    k("apps/v1", "Deployment", name, ns, {
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name, image: `docker.io/scylladb/${name}:1.21.1` }], topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } }] } },
      },
    });
    k("policy/v1", "PodDisruptionBudget", `${name}-pdb`, ns, { spec: { maxUnavailable: 1, selector: { matchLabels: labels } } });
  };
  workload("scylla-operator", "scylla-operator", 2);
  workload("scylla-operator", "webhook-server", 2);
  if (o.manager) workload("scylla-manager", "scylla-manager", 1);
  const promLabels = { "app.kubernetes.io/name": "prometheus" };
  k("monitoring.coreos.com/v1", "Prometheus", "prometheus", "monitoring", { spec: { replicas: 2, topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: promLabels } }] } });
}

/** One GCP region (staging-like): regional GKE, Cloud NAT, one Scylla pool per zone, a dual-region bucket. */
export function gcpEnvironment(stack = "staging", region = "us-central1"): GraphBuilder {
  const b = new GraphBuilder(stack);
  const n = `${stack}-usc1`;
  const provider = b.add("pulumi:providers:gcp", `${n}-gcp`, { project: "scylla-ha-staging", region });
  const p = { provider };
  const network = b.add("gcp:compute/network:Network", `${stack}-network`, { autoCreateSubnetworks: false }, p);
  const subnet = b.add(
    "gcp:compute/subnetwork:Subnetwork",
    `${n}-subnet`,
    { region, network: network.id, ipCidrRange: "10.40.0.0/20", secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.48.0.0/14" }, { rangeName: "services", ipCidrRange: "10.52.0.0/20" }] },
    { ...p, deps: { network: [network] } },
  );
  const router = b.add("gcp:compute/router:Router", `${n}-router`, { region, network: network.id }, { ...p, deps: { network: [network] } });
  b.add("gcp:compute/routerNat:RouterNat", `${n}-nat`, { region, router: router.name, natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES" }, { ...p, deps: { router: [router] } });
  const zones = ["a", "b", "c"].map((l) => `${region}-${l}`);
  const cluster = b.add(
    "gcp:container/cluster:Cluster",
    `${n}-gke`,
    {
      location: region,
      nodeLocations: zones,
      network: network.id,
      subnetwork: subnet.id,
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "deployer" }], gcpPublicCidrsAccessEnabled: false },
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      datapathProvider: "ADVANCED_DATAPATH",
    },
    { ...p, deps: { network: [network], subnetwork: [subnet] } },
  );
  for (const zone of zones) {
    b.add(
      "gcp:container/nodePool:NodePool",
      `${n}-scylla-${zone.slice(-1)}`,
      {
        cluster: cluster.id,
        location: region,
        nodeLocations: [zone],
        // One node per member: the rack has two.
        nodeCount: 2,
        management: { autoRepair: false, autoUpgrade: false },
        nodeConfig: {
          machineType: "n2-highmem-8",
          imageType: "UBUNTU_CONTAINERD",
          labels: SCYLLA_LABELS,
          taints: [SCYLLA_TAINT],
          localNvmeSsdBlockConfig: { localSsdCount: 2 },
          kubeletConfig: { cpuManagerPolicy: "static" },
        },
      },
      { ...p, deps: { cluster: [cluster] }, protect: true, retainOnDelete: true },
    );
  }
  b.add("gcp:container/nodePool:NodePool", `${n}-system`, { cluster: cluster.id, location: region, nodeLocations: zones, nodeCount: 1, nodeConfig: { machineType: "n2-standard-4", labels: { "scylla-ha.io/pool": "system" } } }, { ...p, deps: { cluster: [cluster] } });
  const k8s = b.add("pulumi:providers:kubernetes", `${n}-k8s`, { clusterIdentifier: n, kubeconfig: new Secret("{}") }, { deps: { kubeconfig: [cluster] } });
  scyllaObjects(b, n, k8s, region, zones, { first: true, manager: true, keys: ["usc1"], locations: [`${region}:gcs:${n}-backups`] });
  const key = b.add("gcp:kms/cryptoKey:CryptoKey", `${n}-backups-key`, { keyRing: "ring" }, { ...p, protect: true, retainOnDelete: true });
  b.add(
    "gcp:storage/bucket:Bucket",
    `${n}-backups`,
    { location: "NAM4", versioning: { enabled: true }, encryption: {}, publicAccessPrevention: "enforced", uniformBucketLevelAccess: true },
    { ...p, deps: { encryption: [key] }, protect: true, retainOnDelete: true },
  );
  return b;
}
