/**
 * Batch rolling highest / lowest for the channel indicators (Donchian, Ichimoku). The
 * streaming side uses `WindowMax` / `WindowMin` from ring.ts; both give the extreme of the same window.
 */

/**
 * Highest of `values` over the `period` values ending at each index from `from` on, written
 * into `out`. Keeps the extreme's index and rescans only when it leaves the window (TA-Lib's
 * MAX approach): near O(1) per bar on prices.
 */
export function rollingMaxInto(values: Float64Array, period: number, from: number, out: Float64Array): void {
  const n = values.length;
  let idx = -1;
  let best = Number.NaN;
  for (let today = from; today < n; today++) {
    const trailing = today - period + 1;
    if (idx < trailing) {
      idx = trailing;
      best = values[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        const v = values[i];
        if (v >= best) {
          idx = i;
          best = v;
        }
      }
    } else {
      const v = values[today];
      if (v >= best) {
        idx = today;
        best = v;
      }
    }
    out[today] = best;
  }
}

/** Lowest of `values` over the `period` values ending at each index from `from` on. */
export function rollingMinInto(values: Float64Array, period: number, from: number, out: Float64Array): void {
  const n = values.length;
  let idx = -1;
  let best = Number.NaN;
  for (let today = from; today < n; today++) {
    const trailing = today - period + 1;
    if (idx < trailing) {
      idx = trailing;
      best = values[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        const v = values[i];
        if (v <= best) {
          idx = i;
          best = v;
        }
      }
    } else {
      const v = values[today];
      if (v <= best) {
        idx = today;
        best = v;
      }
    }
    out[today] = best;
  }
}
