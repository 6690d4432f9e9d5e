/**
 * Locale-free text helpers for messages and reports. `toLocaleString` and
 * `localeCompare` start ICU on their first call (≈ 10 ms each on the
 * 2-core machine, a cost every `check` paid), and `localeCompare` without a
 * locale orders by the machine's locale, so a report could sort differently
 * on a runner with another LANG. These give the same answer everywhere.
 */

/** `16777216` → `"16,777,216"`: the en-US grouping the messages have always used. */
export function countText(n: number): string {
  const [whole, fraction] = String(Math.abs(n)).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** A sort comparator by UTF-16 code units (what `Array.prototype.sort` does with no comparator). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
