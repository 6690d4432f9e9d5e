/**
 * Zone fixtures the offline engine answers zone look-ups with: the real zone
 * names of the regions our environments use (as the clouds list them), and
 * `<region>a..c` / `<region>-a..c` for any other region.
 */
const AWS_ZONES: Record<string, readonly string[]> = {
  "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
  "us-east-2": ["us-east-2a", "us-east-2b", "us-east-2c"],
  "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
  "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  "eu-central-1": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
  "ap-southeast-1": ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
};

const GCP_ZONES: Record<string, readonly string[]> = {
  "us-central1": ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"],
  "us-east1": ["us-east1-b", "us-east1-c", "us-east1-d"],
  "us-west1": ["us-west1-a", "us-west1-b", "us-west1-c"],
  "europe-west1": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
  "europe-west4": ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
  "asia-southeast1": ["asia-southeast1-a", "asia-southeast1-b", "asia-southeast1-c"],
};

export function awsZones(region: string): readonly string[] {
  return AWS_ZONES[region] ?? ["a", "b", "c"].map((l) => `${region}${l}`);
}

export function gcpZones(region: string): readonly string[] {
  return GCP_ZONES[region] ?? ["a", "b", "c"].map((l) => `${region}-${l}`);
}
