/**
 * How the views (CLI table, HTML report) read a percentile against the random-entry runs, so
 * they all draw the line in the same place. The percentile itself is computed in
 * random-baseline.ts: the share of runs whose mean net R is below the real one.
 */

/** Where the real trades stand among the random runs. */
export type BaselineVerdict = 'beats' | 'inside' | 'worse';

/** At or above this percentile the real trades beat random entries (one-sided, 5 %). */
export const BEATS_RANDOM_PERCENTILE = 95;
/** At or below this percentile they did worse than random entries. */
export const WORSE_THAN_RANDOM_PERCENTILE = 5;

export function baselineVerdict(percentile: number | null): BaselineVerdict | null {
  if (percentile === null || !Number.isFinite(percentile)) return null;
  if (percentile >= BEATS_RANDOM_PERCENTILE) return 'beats';
  if (percentile <= WORSE_THAN_RANDOM_PERCENTILE) return 'worse';
  return 'inside';
}

/**
 * A percentile for a person: "84", "57.5", "26.4". Floored to a tenth, so a value just below the
 * 95th never reads as 95 beside a verdict that says it is not there.
 */
export function formatPercentile(percentile: number | null): string {
  if (percentile === null || !Number.isFinite(percentile)) return '-';
  const tenths = Math.floor(percentile * 10 + 1e-9) / 10;
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}

/** "84th", "1st", "22nd", "57.5th". */
export function ordinalPercentile(percentile: number | null): string {
  const text = formatPercentile(percentile);
  if (text === '-' || text.includes('.')) return text === '-' ? text : `${text}th`;
  const n = Number(text);
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${text}${suffix}`;
}
