/** Small descriptive statistics shared by the metrics. Plain loops: inputs can be long. */

/**
 * Spreads below this are floating-point noise (a mean of identical values is not always
 * bit-equal to them), and dividing by them would turn noise into a huge ratio.
 */
export const ZERO_SPREAD = 1e-12;

export function mean(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return sum / n;
}

/** Sample standard deviation (n - 1 in the denominator); null below two values. */
export function sampleStd(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n < 2) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const m = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    squares += d * d;
  }
  return Math.sqrt(squares / (n - 1));
}

/** Middle value; the mean of the two middle values for an even count. */
export function median(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Quantile of an ascending-sorted array by linear interpolation between order statistics
 * (Hyndman-Fan type 7, the default of R and numpy), so it never leaves the sample's range.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
