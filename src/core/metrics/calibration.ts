import { DEFAULT_MIN_TRADES, metric } from './performance.js';
import type { Calibration, CalibrationBucket, TradeRecord } from './types.js';

/**
 * Ten buckets of confidence (a probability): [0, 0.1), ..., [0.9, 1.0]. Bounds are compared as
 * literals (never via Math.floor(confidence * 10)), so 0.7 lands in [0.7, 0.8) exactly.
 */
const BUCKET_BOUNDS: readonly (readonly [number, number])[] = [
  [0, 0.1],
  [0.1, 0.2],
  [0.2, 0.3],
  [0.3, 0.4],
  [0.4, 0.5],
  [0.5, 0.6],
  [0.6, 0.7],
  [0.7, 0.8],
  [0.8, 0.9],
  [0.9, 1.0],
];

/**
 * Does the confidence mean what it says? For each bucket: how many trades, their mean confidence
 * and their realised win rate (net R > 0: a profit after costs), each with n and reliable. A
 * calibrated engine wins about as often as it claims. Buckets are half-open except the last,
 * which holds 1.0; a confidence outside [0, 1] is counted as outside. Also the Brier score (mean
 * squared difference between confidence and the 0/1 outcome) and the log loss over all trades.
 */
export function calibration(
  trades: readonly TradeRecord[],
  opts: { readonly minTrades?: number } = {},
): Calibration {
  const minTrades = opts.minTrades ?? DEFAULT_MIN_TRADES;
  const last = BUCKET_BOUNDS.length - 1;
  const counts = new Array<number>(BUCKET_BOUNDS.length).fill(0);
  const confidenceSums = new Array<number>(BUCKET_BOUNDS.length).fill(0);
  const winCounts = new Array<number>(BUCKET_BOUNDS.length).fill(0);
  let outside = 0;
  for (const trade of trades) {
    const c = trade.confidence;
    const bucket = BUCKET_BOUNDS.findIndex(
      ([lower, upper], i) => c >= lower && (c < upper || (i === last && c === upper)),
    );
    if (bucket < 0) {
      outside++;
      continue;
    }
    counts[bucket]++;
    confidenceSums[bucket] += c;
    if (trade.netR > 0) winCounts[bucket]++;
  }
  const buckets = BUCKET_BOUNDS.map(([lower, upper], i): CalibrationBucket => {
    const n = counts[i];
    const meanConfidence = n > 0 ? confidenceSums[i] / n : null;
    const winRate = n > 0 ? winCounts[i] / n : null;
    return {
      lower,
      upper,
      trades: n,
      meanConfidence: metric(meanConfidence, n, minTrades),
      winRate: metric(winRate, n, minTrades),
      gap: metric(
        winRate !== null && meanConfidence !== null ? winRate - meanConfidence : null,
        n,
        minTrades,
      ),
    };
  });
  let brierSum = 0;
  let logLossSum = 0;
  let scored = 0;
  for (const trade of trades) {
    const c = trade.confidence;
    if (!(c >= 0 && c <= 1)) continue;
    const y = trade.netR > 0 ? 1 : 0;
    brierSum += (c - y) ** 2;
    // a confidence of exactly 0 or 1 that is wrong would cost infinity: clip it, as is usual
    const p = Math.min(1 - 1e-6, Math.max(1e-6, c));
    logLossSum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    scored++;
  }
  return {
    minTrades,
    buckets,
    outside,
    brier: metric(scored > 0 ? brierSum / scored : null, scored, minTrades),
    logLoss: metric(scored > 0 ? logLossSum / scored : null, scored, minTrades),
  };
}
