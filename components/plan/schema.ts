/**
 * The shape of one environment's config (`stacks/Pulumi.<env>.yaml`). Every
 * optional field names its default here, once; nothing downstream re-defaults.
 * Cross-field rules (overlapping ranges, zones in their region, replication
 * factor against racks) live in `stacks/validate*.ts`.
 */
import { z } from "zod";

export const PROJECT = "scylla-ha-stack";

/** Scylla Operator 1.21 supports Kubernetes 1.33–1.36. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.33", "1.34", "1.35", "1.36"] as const;
/** ScyllaDB versions the Operator 1.21 support matrix lists. */
export const DEFAULT_SCYLLA_VERSION = "2026.1.3";
/** Manager and agent version pinned by Operator v1.21.1. */
export const DEFAULT_MANAGER_AGENT_VERSION = "3.10.1";
/** First part of every backup bucket name. */
export const DEFAULT_BUCKET_PREFIX = "scylla-ha";

export const TIERS = ["production", "staging", "development"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Rollout phases a region moves through one `pulumi up` at a time (see
 * docs/runbooks/dr-rollout.md): infrastructure only, DC joined, keyspaces
 * replicated, and finally listed for clients.
 */
export const ROLLOUT_PHASES = ["infrastructure", "datacenter", "replicated", "serving"] as const;
/**
 * A region's state: one of the rollout phases, or `lost` — the region is gone
 * and the program must not touch its cloud or Kubernetes resources (see
 * docs/runbooks/region-loss.md).
 */
export const PHASES = [...ROLLOUT_PHASES, "lost"] as const;
export type Phase = (typeof PHASES)[number];

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PINNED_VERSION = /^\d+\.\d+\.\d+$/;
const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
const REGION_KEY = /^[a-z][a-z0-9]{1,9}$/;

const label = (what: string) =>
  z.string().regex(RFC1123_LABEL, `must be a lowercase RFC 1123 label (${what})`).max(63);
const pinned = (what: string) =>
  z.string().regex(PINNED_VERSION, `must be a pinned ${what} version like 1.2.3 (never "latest")`);
const cidr = z.string();

const keyspace = z.strictObject({
  /** Keyspace name as created in CQL. */
  name: z.string().regex(KEYSPACE_NAME, "must start with a letter and hold only letters, digits and _ (max 48)"),
  /**
   * Replicas in every datacenter that holds the keyspace.
   * @default 3
   */
  replicationFactor: z.number().int().min(1).max(9).default(3),
  /**
   * Whether the keyspace uses tablets (then RF must equal the racks of each DC).
   * @default false
   */
  tablets: z.boolean().default(false),
  /**
   * Per-region overrides of the replication factor, keyed by region key.
   * @default - every region past the `datacenter` phase gets `replicationFactor`.
   */
  replication: z.record(z.string(), z.number().int().min(0).max(9)).default({}),
});

const scyllaPool = {
  /** Storage-optimised instance / machine type from the sizing table. */
  instanceType: z.string(),
  /**
   * ScyllaDB nodes in each rack (= zone).
   * @default 1
   */
  nodesPerRack: z.number().int().min(1).max(100).default(1),
};

const systemPool = z
  .strictObject({
    /**
     * Machine type of the multi-zone system pool.
     * @default - m7i.xlarge on AWS, n2-standard-4 on GCP.
     */
    instanceType: z.string().optional(),
    /**
     * System nodes in each zone (operators, webhooks, Manager and Prometheus).
     * @default 1
     */
    nodesPerZone: z.number().int().min(1).max(10).default(1),
  })
  .default({ nodesPerZone: 1 });

const regionCommon = {
  /** Short stable key used in resource names (`use1`); never change it once deployed. */
  key: z.string().regex(REGION_KEY, "must be 2-10 lowercase letters/digits starting with a letter"),
  /** The cloud's region name, e.g. us-east-1 or us-central1. */
  region: z.string().min(1),
  /** Zones of the region; one ScyllaDB rack per zone. */
  zones: z.array(z.string()).min(1).max(6),
  /** Node range: the VPC on AWS (pods share it through the VPC CNI), the subnet's primary range on GCP. */
  cidr,
  /** Kubernetes service range; not routed, but kept disjoint so peered clusters never clash. */
  serviceCidr: cidr,
  /**
   * ScyllaDB datacenter name.
   * @default - the cloud region name. A DR region restoring a lost DC must reuse that DC's name.
   */
  datacenter: label("datacenter name").optional(),
  /**
   * Rollout phase of this region.
   * @default "serving"
   */
  phase: z.enum(PHASES).default("serving"),
  system: systemPool,
  /**
   * Region that holds the second copy of this region's backups: on AWS the
   * bucket this region's bucket replicates to (that region's own backup bucket,
   * or a bucket-only region when no region of the environment is there); on GCP
   * the second location of this region's dual-region bucket. Same cloud, never
   * the region itself.
   * @default - the next region of the environment in plan order (a ring), skipping lost
   * regions and, on GCP, regions outside this region's multi-region; a single-region
   * environment has none and must name one.
   */
  replicaRegion: z.string().min(1).optional(),
  /**
   * Restore mode: bring this region's datacenter up empty and restore it from a
   * Scylla Manager backup (schema, rolling restart, tables) with Kubernetes Jobs
   * next to Manager. Only in the update that creates the datacenter
   * (docs/runbooks/restore.md).
   * @default - no restore: the datacenter joins and streams, or starts empty.
   */
  restore: z
    .strictObject({
      /** Manager location of the backup, `[<dc>:]<s3|gcs>:<bucket>`; the bucket is one of the environment's backup buckets. */
      location: z.string().min(1),
      /** Snapshot tag from `sctool backup list`, e.g. `sm_20260102030405UTC`. */
      snapshotTag: z.string().regex(/^sm_\d{14}UTC$/, "must be a Manager snapshot tag like sm_20260102030405UTC"),
      /**
       * Datacenter the snapshot was taken from; keyspace replication in the restored schema names it.
       * @default - the datacenter named in `location`; one of the two is required.
       */
      sourceDatacenter: label("datacenter name").optional(),
    })
    .optional(),
};

const awsRegion = z.strictObject({
  cloud: z.literal("aws"),
  ...regionCommon,
  scylla: z.strictObject(scyllaPool),
  /**
   * NAT layout: one gateway per zone, or a single shared one (dev only; the
   * policies flag it as a single point of failure).
   * @default "perZone"
   */
  natGateways: z.enum(["perZone", "single"]).default("perZone"),
  /**
   * CIDRs allowed to reach the public EKS endpoint; empty keeps it private-only.
   * @default []
   */
  publicAccessCidrs: z.array(cidr).default([]),
});

const gcpRegion = z.strictObject({
  cloud: z.literal("gcp"),
  ...regionCommon,
  /** GCP project that hosts this region's resources. */
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id"),
  /** Secondary range for pods (VPC-native, routed between regions). */
  podCidr: cidr,
  /**
   * The /28 GKE gives the private control plane; disjoint from every other
   * range of the environment (all regions share one VPC). Required: a default
   * could only come from a list position, and changing it replaces the cluster.
   */
  masterCidr: cidr,
  /**
   * CIDRs allowed to reach the GKE control plane's public endpoint; empty
   * keeps it reachable from inside the VPC only.
   * @default []
   */
  publicAccessCidrs: z.array(cidr).default([]),
  scylla: z.strictObject({
    ...scyllaPool,
    /**
     * Local NVMe SSDs per node.
     * @default - the smallest count the machine type allows.
     */
    localSsdCount: z.number().int().min(1).optional(),
  }),
});

const region = z.discriminatedUnion("cloud", [awsRegion, gcpRegion]);

/**
 * Where `pulumi up` and `pulumi preview` run from, and who they run as
 * (docs/aws.md and docs/gcp.md, "Deploy path"). Cross-field rules (ARN shapes,
 * overlapping or world-wide ranges, one section per cloud in use) live in
 * `validate-deployer.ts`.
 */
const deployer = z.strictObject({
  /**
   * Source ranges of the machines that run Pulumi: the private range of a
   * self-hosted runner network (it reaches the private API endpoints across
   * the peering mesh) and/or narrow public egress ranges of CI (they reach the
   * public endpoints, which then admit only them). Together the public ones
   * must stay below a /8 of the internet.
   */
  networks: z.array(cidr).min(1),
  /**
   * AWS identities; required when any region is on AWS.
   * @default - none (an all-GCP environment).
   */
  awsIam: z
    .strictObject({
      /** The 12-digit account every region lives in; service trust policies are pinned to it (`aws:SourceAccount`). */
      accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
      /** IAM role `pulumi up` runs as: cluster admin on every EKS cluster. */
      deployRoleArn: z.string(),
      /** IAM role the PR preview runs as (`AWS_PREVIEW_ROLE_ARN`); see docs/aws.md for what it is granted and why. */
      previewRoleArn: z.string(),
      /**
       * IAM roles or users kept as cluster admins for incidents, independent of the deploy role.
       * @default []
       */
      breakGlassArns: z.array(z.string()).default([]),
    })
    .optional(),
  /**
   * GCP identities; required when any region is on GCP.
   * @default - none (an all-AWS environment).
   */
  gcpIam: z
    .strictObject({
      /** IAM member `pulumi up` runs as, e.g. `serviceAccount:deploy@<project>.iam.gserviceaccount.com`. */
      deployMember: z.string(),
      /** IAM member the PR preview runs as. */
      previewMember: z.string(),
    })
    .optional(),
});

export const environmentSchema = z.strictObject({
  environment: z.strictObject({
    /** Environment name (`dev`, `staging`, `prod`); part of every physical name. */
    name: label("environment name").max(12),
    /**
     * Production tier turns on protect/retainOnDelete and mandatory policies.
     * @default "development"
     */
    tier: z.enum(TIERS).default("development"),
    /**
     * Kubernetes minor version of every cluster.
     * @default "1.34"
     */
    kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS).default("1.34"),
  }),
  scylla: z
    .strictObject({
      /**
       * `metadata.name` of the ScyllaCluster, identical in every region.
       * @default "scylla"
       */
      clusterName: label("cluster name").default("scylla"),
      /** @default "2026.1.3" */
      version: pinned("ScyllaDB").default(DEFAULT_SCYLLA_VERSION),
      /** @default "3.10.1" */
      agentVersion: pinned("Scylla Manager agent").default(DEFAULT_MANAGER_AGENT_VERSION),
      /**
       * Keyspaces whose replication the stack declares and checks.
       * @default []
       */
      keyspaces: z.array(keyspace).default([]),
      /**
       * Private ranges of CQL clients outside the environment's own networks (application VPCs
       * reached over a Transit Gateway, VPN or peering you run). They get the CQL ports and
       * nothing else: in the ScyllaDB NetworkPolicy, on every AWS region's Scylla node security
       * group and in a GCP firewall rule. In-cluster clients and the environment's own ranges
       * are admitted without them.
       * @default []
       */
      clientCidrs: z.array(cidr).default([]),
    })
    .default({ clusterName: "scylla", version: DEFAULT_SCYLLA_VERSION, agentVersion: DEFAULT_MANAGER_AGENT_VERSION, keyspaces: [], clientCidrs: [] }),
  /** Regions, in seed order: the first one bootstraps the cluster. */
  regions: z.array(region).min(1),
  manager: z
    .strictObject({
      /**
       * Key of the region that hosts Scylla Manager.
       * @default - the first region.
       */
      region: z.string().optional(),
    })
    .default({}),
  backups: z
    .strictObject({
      /**
       * Cron schedule (UTC) of the Manager backup task.
       * @default "0 2 * * *"
       */
      schedule: z.string().default("0 2 * * *"),
      /**
       * Snapshots kept per location.
       * @default 7
       */
      retention: z.number().int().min(1).max(1000).default(7),
      /**
       * First part of every backup bucket name (`<prefix>-<env>-<region>-backup`).
       * S3 and GCS bucket names are global across all customers: pick one your organisation owns.
       * @default "scylla-ha"
       */
      bucketPrefix: label("bucket name prefix").max(20).default(DEFAULT_BUCKET_PREFIX),
      /**
       * Upload rate limit per node, in MiB/s (Manager's `rateLimit`).
       * @default 100
       */
      rateLimitMiBps: z.number().int().min(1).max(10000).default(100),
      /**
       * Nodes uploading at once in each DC (Manager's `uploadParallel`).
       * @default - every node of a DC at once (Manager's default).
       */
      uploadParallel: z.number().int().min(1).max(1000).optional(),
      /**
       * Days a replaced or deleted object version is kept before it expires
       * (the window in which a purged or overwritten backup can still be recovered).
       * @default 30
       */
      noncurrentVersionDays: z.number().int().min(1).max(3650).default(30),
      /**
       * Move backup objects to a colder storage class after some days. Only
       * classes that read back instantly are allowed: Manager reads objects directly.
       * @default - no transition.
       */
      transition: z
        .strictObject({
          /** Days after upload. */
          days: z.number().int().min(1).max(3650),
          /** AWS: STANDARD_IA | GLACIER_IR; GCP: NEARLINE | COLDLINE | ARCHIVE. */
          storageClass: z.string(),
        })
        .optional(),
      /**
       * S3 Object Lock on every backup bucket (AWS only): object versions
       * cannot be deleted or overwritten before `days`, even by an
       * administrator in COMPLIANCE mode. Enabling it on an existing bucket
       * replaces the bucket.
       * @default - no Object Lock.
       */
      objectLock: z
        .strictObject({
          mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
          days: z.number().int().min(1).max(3650),
        })
        .optional(),
    })
    .default({
      schedule: "0 2 * * *",
      retention: 7,
      bucketPrefix: DEFAULT_BUCKET_PREFIX,
      rateLimitMiBps: 100,
      noncurrentVersionDays: 30,
    }),
  monitoring: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** @default 2 */
      prometheusReplicas: z.number().int().min(1).max(5).default(2),
      /** @default "15d" */
      retention: z.string().regex(/^\d+[dhw]$/, "must be a duration like 15d").default("15d"),
      /** @default "100Gi" */
      storageSize: z.string().regex(/^\d+(Gi|Ti)$/, "must be a size like 100Gi").default("100Gi"),
    })
    .default({ enabled: true, prometheusReplicas: 2, retention: "15d", storageSize: "100Gi" }),
  /**
   * Deployer network and identities.
   * @default - none declared: EKS keeps the creator's bootstrap admin as its only access and the
   * `deploy-path` policies flag every cluster the deployer cannot reach or use.
   */
  deployer: deployer.optional(),
});

export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type RegionConfig = EnvironmentConfig["regions"][number];
export type AwsRegionConfig = Extract<RegionConfig, { cloud: "aws" }>;
export type GcpRegionConfig = Extract<RegionConfig, { cloud: "gcp" }>;
export type KeyspaceConfig = EnvironmentConfig["scylla"]["keyspaces"][number];
export type BackupsConfig = EnvironmentConfig["backups"];
export type RestoreConfig = NonNullable<RegionConfig["restore"]>;
export type DeployerConfig = NonNullable<EnvironmentConfig["deployer"]>;
