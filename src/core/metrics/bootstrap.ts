import { mulberry32 } from './random.js';
import { quantileSorted } from './stats.js';

export interface TradeIntervals {
  readonly winRate: readonly [number, number];
  readonly expectancyR: readonly [number, number];
}

/**
 * 95 % percentile-bootstrap intervals for the win rate and the mean R.
 *
 * Each resample draws `rMultiples.length` trades with replacement; both statistics are taken
 * from the same resample. The interval is the 2.5th and 97.5th percentiles of the resampled
 * statistics (type-7 interpolation). Null when there is nothing to resample.
 */
export function bootstrapTradeIntervals(
  rMultiples: ArrayLike<number>,
  samples: number,
  seed: number,
): TradeIntervals | null {
  const n = rMultiples.length;
  const resamples = Math.floor(samples);
  if (n === 0 || !(resamples >= 1)) return null;
  const random = mulberry32(seed);
  const winRates = new Float64Array(resamples);
  const expectancies = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let wins = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const r = rMultiples[Math.floor(random() * n)];
      if (r > 0) wins++;
      sum += r;
    }
    winRates[s] = wins / n;
    expectancies[s] = sum / n;
  }
  winRates.sort();
  expectancies.sort();
  return {
    winRate: [quantileSorted(winRates, 0.025), quantileSorted(winRates, 0.975)],
    expectancyR: [quantileSorted(expectancies, 0.025), quantileSorted(expectancies, 0.975)],
  };
}
