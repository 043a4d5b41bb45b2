/**
 * Parameter checks shared by the indicators. A bad period is a configuration error, so it is
 * reported at construction with the indicator and parameter named, never discovered later as
 * a NaN stream. Minimums follow TA-Lib's own ranges (most periods start at 2 there).
 */
export function requirePeriod(indicator: string, name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${indicator}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** A real-valued parameter (e.g. a number of standard deviations): any finite number. */
export function requireFinite(indicator: string, name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${indicator}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** A batch result of `length` values, all NaN until the indicator writes them. */
export function nanArray(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}

/**
 * A batch result whose first `lookback` values are NaN and the rest 0, for batch functions
 * that then write every index from `lookback` on. Filling only the warm-up is much cheaper
 * than `nanArray` on long series.
 */
export function warmupArray(length: number, lookback: number): Float64Array {
  const out = new Float64Array(length);
  out.fill(Number.NaN, 0, Math.min(lookback, length));
  return out;
}
