/**
 * Backup schedules as Scylla Manager reads them. Manager 3.10.1 parses task
 * schedules with robfig/cron v3.0.1 (`cron.NewParser(SecondOptional | Minute |
 * Hour | Dom | Month | Dow | Descriptor)`, scylla-manager
 * v3/pkg/util/schedules/cron.go:9 at v3.10.1). We accept the 5-field numeric
 * subset of that grammar and, beyond syntax, refuse a schedule that can never
 * fire: robfig's `Next` gives up after five years and returns the zero time
 * (robfig/cron v3.0.1 spec.go:87-92), so Manager would keep a backup task
 * that never runs. A rare date (29 February) still fires within five years
 * and is accepted.
 */

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
// Day of week is 0–6: robfig/cron v3 bounds it so (parser.go `dow` bounds) and rejects 7 (Sunday in some crons).
const BOUNDS: ReadonlyArray<readonly [lo: number, hi: number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"] as const;
/** Longest month, leap years included: robfig searches five years ahead, which always holds a 29 February. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Field {
  /** Values the field matches. */
  readonly values: ReadonlySet<number>;
  /**
   * robfig's star bit: set by `*` or `?` and kept with a step of 1, cleared
   * by a step above 1 (parser.go getRange, v3.0.1). It decides how day fields combine.
   */
  readonly star: boolean;
}

/** Why `expression` is not a schedule Manager can run, or `undefined` when it is. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return 'must be a 5-field cron expression like "0 2 * * *"';
  const fields: Field[] = [];
  for (const [i, part] of parts.entries()) {
    const field = parseField(part!, BOUNDS[i]!);
    if (typeof field === "string") return `${FIELD_NAMES[i]} field ${JSON.stringify(part)} ${field}`;
    fields.push(field);
  }
  const [, , dom, month, dow] = fields as [Field, Field, Field, Field, Field];
  // robfig (spec.go dayMatches, v3.0.1): when either day field is starred both must
  // match, otherwise either may. Only a starred day-of-week with a restricted
  // day-of-month can name days no month of the schedule has.
  if (dow.star && !dom.star) {
    const possible = [...month.values].some((m) => [...dom.values].some((d) => d <= MONTH_DAYS[m - 1]!));
    if (!possible) return "never fires: no month it names has the day of month it names, so Manager would never run the task";
  }
  return undefined;
}

/** A standard 5-field numeric cron expression that can fire, a subset of what Scylla Manager accepts. */
export function isCron(expression: string): boolean {
  return cronProblem(expression) === undefined;
}

function parseField(text: string, [lo, hi]: readonly [number, number]): Field | string {
  if (!CRON_FIELD.test(text)) return "is not a number, range, list or step";
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(",")) {
    const [range, stepText] = item.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return "has a step below 1";
    let start: number;
    let end: number;
    if (range === "*") {
      [start, end] = [lo, hi];
      if (step === 1) star = true;
    } else {
      const [a, b] = range.split("-").map(Number) as [number, number | undefined];
      start = a;
      // "N/step" means N to the maximum, as in robfig.
      end = b ?? (stepText === undefined ? a : hi);
    }
    if (start < lo || end > hi) return `is outside ${lo}-${hi}`;
    if (start > end) return `has a range that starts after it ends`;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}
