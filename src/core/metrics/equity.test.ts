import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, trade } from '../../../test/support/trades.js';
import { dailyReturns, equityCurve } from './equity.js';
import { computePerformance } from './performance.js';

describe('equityCurve', () => {
  it('starts at the starting equity at the earliest fill and compounds in close order', () => {
    const points = equityCurve(
      [
        trade({ rMultiple: -1, returnPct: -0.1, openTime: T0 + HOUR, closeTime: T0 + 3 * HOUR }),
        trade({ rMultiple: 1, returnPct: 0.1, openTime: T0, closeTime: T0 + 2 * HOUR }),
      ],
      { startingEquity: 100 },
    );
    // 100 -> 110 -> 99 (10 % under the 110 high)
    expect(points.map((p) => p.time)).toEqual([T0, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(points[0]).toEqual({ time: T0, equity: 100, drawdown: 0 });
    expect(points[1].equity).toBeCloseTo(110, 10);
    expect(points[1].drawdown).toBe(0);
    expect(points[2].equity).toBeCloseTo(99, 10);
    expect(points[2].drawdown).toBeCloseTo(0.1, 12);
  });

  it('one point per distinct close time, so chart times stay unique', () => {
    const points = equityCurve([
      trade({ rMultiple: 1, returnPct: 0.1, openTime: T0, closeTime: T0 + HOUR }),
      trade({ rMultiple: -1, returnPct: -0.1, openTime: T0, closeTime: T0 + HOUR }),
    ]);
    // 1 * 1.1 * 0.9 = 0.99 in one step
    expect(points).toHaveLength(2);
    expect(points[1].equity).toBeCloseTo(0.99, 12);
    expect(points[1].drawdown).toBeCloseTo(0.01, 12);
  });

  it('is empty for no trades', () => {
    expect(equityCurve([])).toEqual([]);
  });
});

describe('dailyReturns', () => {
  it('covers every UTC day from the first to the last close, empty days at 0', () => {
    const daily = dailyReturns(
      [
        trade({ rMultiple: 1, returnPct: 0.05, closeTime: T0 + 23 * HOUR }),
        trade({ rMultiple: 1, returnPct: 0.1, closeTime: T0 + 3 * DAY }), // midnight: belongs to day 3
      ],
      1,
    );
    expect(Array.from(daily)).toEqual([expect.closeTo(0.05, 12), 0, 0, expect.closeTo(0.1, 12)]);
  });
});

describe('max drawdown against brute force', () => {
  it('equals the largest 1 - later / earlier equity over all pairs, starting equity included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (returns) => {
          const trades = returns.map((returnPct, i) =>
            trade({ rMultiple: returnPct * 10, returnPct, openTime: T0, closeTime: T0 + (i + 1) * HOUR }),
          );
          const equity = [1];
          for (const r of returns) equity.push(equity[equity.length - 1] * (1 + r));
          let deepest = 0;
          for (let i = 0; i < equity.length; i++) {
            for (let j = i + 1; j < equity.length; j++)
              deepest = Math.max(deepest, 1 - equity[j] / equity[i]);
          }
          const { maxDrawdown } = computePerformance(trades, { bootstrapSamples: 1 });
          expect(maxDrawdown.value).toBeCloseTo(deepest, 12);
          if (deepest > 0) {
            const peakIndex = ((maxDrawdown.peakTime ?? 0) - T0) / HOUR;
            const troughIndex = ((maxDrawdown.troughTime ?? 0) - T0) / HOUR;
            expect(peakIndex).toBeLessThan(troughIndex);
            expect(1 - equity[troughIndex] / equity[peakIndex]).toBeCloseTo(deepest, 12);
            const recoveryIndex =
              maxDrawdown.recoveryTime === null ? -1 : (maxDrawdown.recoveryTime - T0) / HOUR;
            const firstBackAtPeak = equity.findIndex((e, k) => k > troughIndex && e >= equity[peakIndex]);
            expect(recoveryIndex).toBe(firstBackAtPeak);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
