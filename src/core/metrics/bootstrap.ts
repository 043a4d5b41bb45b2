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
  // Monomorphic typed arrays and a branch-free win count: a win/loss branch on random draws
  // mispredicts about half the time, which doubled the cost of this loop.
  const values = Float64Array.from(rMultiples);
  const winFlags = new Float64Array(n);
  for (let i = 0; i < n; i++) winFlags[i] = values[i] > 0 ? 1 : 0;
  const random = mulberry32(seed);
  const winRates = new Float64Array(resamples);
  const expectancies = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let wins = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const drawn = Math.floor(random() * n);
      wins += winFlags[drawn];
      sum += values[drawn];
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
