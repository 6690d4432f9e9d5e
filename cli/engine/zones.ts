/**
 * Zone answers of the offline engine: the real zone lists the config
 * validator checks against (components/plan/zones.ts), and `<region>a..c` /
 * `<region>-a..c` for a region the table does not know — validation refuses
 * such a region first, so only direct invokes in tests ever see the fallback.
 */
import { zonesOf } from "../../components/plan/zones";

export function awsZones(region: string): readonly string[] {
  return zonesOf("aws", region) ?? ["a", "b", "c"].map((l) => `${region}${l}`);
}

export function gcpZones(region: string): readonly string[] {
  return zonesOf("gcp", region) ?? ["a", "b", "c"].map((l) => `${region}-${l}`);
}
