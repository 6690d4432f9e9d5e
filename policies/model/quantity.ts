/** Kubernetes resource quantities (`6`, `6000m`, `50Gi`, `512M`) as numbers, for comparing requests with limits. */
const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]{0,2})$/.exec(value.trim());
  const factor = m ? SUFFIX[m[2]!] : undefined;
  return m && factor !== undefined ? Number(m[1]) * factor : undefined;
}
