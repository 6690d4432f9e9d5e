/**
 * How secrets leave the offline engine. In memory a secret stays in the wire
 * form `{sig, value}` (the policies read through it, as they read the engine's
 * own state); on disk it never appears in clear text:
 * - the stack export writes `{sig, ciphertext}`, the shape `pulumi stack export`
 *   writes without `--show-secrets`, with a fixed stand-in for the ciphertext
 *   (there is no secrets provider offline, and a stand-in derived from the value
 *   would let a weak secret be guessed from it);
 * - the manifests keep each secret object's keys and replace every value with
 *   `REDACTED`, so a rendered Secret still shows `username`/`password`.
 */
import { SECRET_SIG, SECRET_VALUE, UNKNOWN } from "./recorded";

/** The ciphertext the export carries for every secret: no key, so no real ciphertext. */
export const OFFLINE_CIPHERTEXT = Buffer.from("scylla-ha-stack offline synth: secret withheld, no secrets provider").toString("base64");
/** How a secret value reads in a manifest. */
export const REDACTED = "<secret: redacted>";

interface SecretEnvelope {
  readonly [SECRET_SIG]: typeof SECRET_VALUE;
  readonly value: unknown;
}

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return value !== null && typeof value === "object" && !Array.isArray(value) && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** Secrets → `{sig, ciphertext}`; a secret whose value is unknown at preview stays unknown (dropped from objects). */
export function encryptSecrets(value: unknown): unknown {
  if (isSecretEnvelope(value)) return value.value === UNKNOWN ? UNKNOWN : { [SECRET_SIG]: SECRET_VALUE, ciphertext: OFFLINE_CIPHERTEXT };
  return mapChildren(value, encryptSecrets);
}

/** Secrets → their shape with every leaf `REDACTED` (keys and array lengths kept). */
export function redactSecrets(value: unknown): unknown {
  if (isSecretEnvelope(value)) return value.value === UNKNOWN ? UNKNOWN : redactAll(value.value);
  return mapChildren(value, redactSecrets);
}

function redactAll(value: unknown): unknown {
  if (isSecretEnvelope(value)) return redactAll(value.value);
  if (value === UNKNOWN) return UNKNOWN;
  if (Array.isArray(value)) return value.map(redactAll);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactAll(v)]));
  return REDACTED;
}

function mapChildren(value: unknown, f: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(f);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const mapped = f(v);
    if (mapped === UNKNOWN && !Array.isArray(value)) continue;
    out[k] = mapped;
  }
  return out;
}
