import { DEFAULT_MIN_TRADES, metric } from './performance.js';
import type { Calibration, CalibrationBucket, TradeRecord } from './types.js';

/**
 * Confidence buckets below which the engine does not emit signals. Bounds are compared as
 * literals (never via Math.floor(confidence * 10)), so 0.7 lands in [0.7, 0.8) exactly.
 */
const BUCKET_BOUNDS: readonly (readonly [number, number])[] = [
  [0.6, 0.7],
  [0.7, 0.8],
  [0.8, 0.9],
  [0.9, 1.0],
];

/**
 * Does the confidence score mean what it says? For each bucket: how many trades, their mean
 * confidence and their realised win rate (R > 0), each with n and reliable. A well-calibrated
 * engine wins about as often as it claims. Buckets are half-open except the last, which holds 1.0.
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
  return { minTrades, buckets, outside };
}
