/**
 * The zones each region really has, as the clouds name them. Pure data: the
 * config validator refuses a zone outside its region's list before any
 * resource exists (EKS and GKE would refuse it mid-update, after the VPC and
 * half the subnets were created), and the offline engine answers its zone
 * look-ups (`aws.getAvailabilityZones`, `gcp.compute.getZones`) from the same
 * table, so tests never see a zone the cloud would not hand out.
 *
 * Sources (checked December 2026):
 * - AWS: "AWS Availability Zones" in the AWS Regions and Availability Zones
 *   guide (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html),
 *   which lists every AZ ID per region; the codes are the region plus a
 *   letter. In regions that map codes per account (us-east-1, us-west-1), the
 *   letters are the union over accounts: an account may see fewer of them,
 *   never others (`aws ec2 describe-availability-zones --region <r>`).
 *   Cross-checked against one account's answers as moto records them
 *   (getmoto/moto moto/ec2/models/availability_zones_and_regions.py, commit
 *   6b891cb): same letters everywhere, that account seeing a+b in us-west-1.
 * - GCP: "Regions and zones" in the Compute Engine docs
 *   (cloud.google.com/compute/docs/regions-zones); the zones are the region,
 *   a dash and a letter (`gcloud compute zones list --filter=region:<r>`).
 *   Letters are not always a, b, c: europe-west1 and us-east1 lost their `a`
 *   zones, us-central1 has an `f`.
 *
 * A region missing here gets only the zone names' form checked
 * (`<region><letter>`): a guessed list would refuse real zones. Add a region
 * with its zones from the cloud to have them checked.
 */
import type { Cloud } from "./sizing";

const AWS_ZONES: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": letters("us-east-1", "abcdef"),
  "us-east-2": letters("us-east-2", "abc"),
  // Two AZs per account (usw1-az1, usw1-az3), coded a+b or b+c depending on the account.
  "us-west-1": letters("us-west-1", "abc"),
  "us-west-2": letters("us-west-2", "abcd"),
  // cac1-az1, az2, az4: there is no ca-central-1c.
  "ca-central-1": letters("ca-central-1", "abd"),
  "eu-west-1": letters("eu-west-1", "abc"),
  "eu-west-2": letters("eu-west-2", "abc"),
  "eu-central-1": letters("eu-central-1", "abc"),
  "eu-north-1": letters("eu-north-1", "abc"),
  "ap-south-1": letters("ap-south-1", "abc"),
  "ap-southeast-1": letters("ap-southeast-1", "abc"),
  "ap-southeast-2": letters("ap-southeast-2", "abc"),
  "sa-east-1": letters("sa-east-1", "abc"),
};

const GCP_ZONES: Readonly<Record<string, readonly string[]>> = {
  "us-central1": letters("us-central1-", "abcf"),
  "us-east1": letters("us-east1-", "bcd"),
  "us-east4": letters("us-east4-", "abc"),
  "us-west1": letters("us-west1-", "abc"),
  "us-west2": letters("us-west2-", "abc"),
  "northamerica-northeast1": letters("northamerica-northeast1-", "abc"),
  "southamerica-east1": letters("southamerica-east1-", "abc"),
  "europe-west1": letters("europe-west1-", "bcd"),
  "europe-west2": letters("europe-west2-", "abc"),
  "europe-west3": letters("europe-west3-", "abc"),
  "europe-west4": letters("europe-west4-", "abc"),
  "europe-north1": letters("europe-north1-", "abc"),
  "asia-east1": letters("asia-east1-", "abc"),
  "asia-northeast1": letters("asia-northeast1-", "abc"),
  "asia-southeast1": letters("asia-southeast1-", "abc"),
  "australia-southeast1": letters("australia-southeast1-", "abc"),
};

function letters(prefix: string, suffixes: string): readonly string[] {
  return [...suffixes].map((l) => `${prefix}${l}`);
}

/** The region's zones, or `undefined` when the table does not know the region. */
export function zonesOf(cloud: Cloud, region: string): readonly string[] | undefined {
  return (cloud === "aws" ? AWS_ZONES : GCP_ZONES)[region];
}

/** Regions the zone table knows, for error messages. */
export function knownZoneRegions(cloud: Cloud): readonly string[] {
  return Object.keys(cloud === "aws" ? AWS_ZONES : GCP_ZONES);
}
