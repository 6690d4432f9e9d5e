/**
 * SHA-512-crypt (`$6$`), the salted-hash format ScyllaDB checks passwords
 * against with crypt_r (scylladb scylla-2026.1.3 auth/passwords.cc:45-72) and
 * the format `auth_superuser_salted_password` takes (db/config.cc:1528, "Create
 * using mkpassword or similar"). Node has no crypt(3), so this follows Ulrich
 * Drepper's specification "Unix crypt using SHA-256 and SHA-512" (default 5000
 * rounds); the test checks it against the specification's own vectors.
 */
import { createHash, createHmac } from "node:crypto";

const ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function sha512(...parts: Buffer[]): Buffer {
  const h = createHash("sha512");
  for (const p of parts) h.update(p);
  return h.digest();
}

function repeatTo(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += source.length) source.copy(out, i, 0, Math.min(source.length, length - i));
  return out;
}

/** Spec step 22: 21 byte triples (0,21,42), (22,43,1), (44,2,23), …, then byte 63, little-endian 6-bit groups. */
function encode(digest: Buffer): string {
  let out = "";
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++, v >>= 6) out += ALPHABET[v & 0x3f];
  };
  for (let i = 0, a = 0, b = 21, c = 42; i < 21; i++) {
    put((digest[a]! << 16) | (digest[b]! << 8) | digest[c]!, 4);
    [a, b, c] = [b + 1, c + 1, a + 1];
  }
  put(digest[63]!, 2);
  return out;
}

/**
 * `$6$<salt>$<hash>` (or `$6$rounds=N$…` when `rounds` is not the default).
 * The salt is at most 16 characters of the crypt alphabet.
 */
export function sha512Crypt(password: string, salt: string, rounds = 5000): string {
  if (!/^[./0-9A-Za-z]{1,16}$/.test(salt)) throw new Error("salt must be 1–16 characters of [./0-9A-Za-z]");
  const key = Buffer.from(password, "utf8");
  const s = Buffer.from(salt, "ascii");
  const b = sha512(key, s, key);
  const aParts: Buffer[] = [key, s, repeatTo(b, key.length)];
  for (let n = key.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : key);
  let a = sha512(...aParts);
  const dp = repeatTo(sha512(...Array.from({ length: key.length }, () => key)), key.length);
  const ds = repeatTo(sha512(...Array.from({ length: 16 + a[0]! }, () => s)), s.length);
  for (let i = 0; i < rounds; i++) {
    const parts: Buffer[] = [i & 1 ? dp : a];
    if (i % 3) parts.push(ds);
    if (i % 7) parts.push(dp);
    parts.push(i & 1 ? a : dp);
    a = sha512(...parts);
  }
  const prefix = rounds === 5000 ? `$6$${salt}$` : `$6$rounds=${rounds}$${salt}$`;
  return prefix + encode(a);
}

/**
 * A salt that is stable for one password and one cluster — so scylla.yaml is
 * identical in every DC and on every update (a changed file restarts nodes) —
 * yet reveals nothing: an HMAC keyed by the password itself.
 */
export function stableSalt(password: string, context: string): string {
  const mac = createHmac("sha256", password).update(`scylla-ha-stack salt:${context}`).digest();
  return Array.from(mac.subarray(0, 16), (byte) => ALPHABET[byte & 0x3f]).join("");
}
