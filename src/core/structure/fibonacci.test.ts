import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { Bar } from '../candles/candle.js';
import {
  EXTENSION_RATIOS,
  extensionPrice,
  fibonacciFromSwings,
  fibonacciLevels,
  lastSwingLeg,
  RETRACEMENT_RATIOS,
  retracementPrice,
} from './fibonacci.js';
import { type Swing, SwingDetector } from './swings.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

type TimedBar = Bar & { readonly openTime: number };

function swing(kind: 'high' | 'low', index: number, price: number): Swing {
  return {
    kind,
    index,
    price,
    openTime: T0 + index * HOUR,
    confirmedIndex: index + 5,
    confirmedAt: T0 + (index + 6) * HOUR,
  };
}

function prices(levels: readonly { price: number }[]): number[] {
  return levels.map((l) => Number(l.price.toFixed(9)));
}

describe('fibonacci', () => {
  it('has the standard ratios', () => {
    expect(RETRACEMENT_RATIOS).toEqual([0.236, 0.382, 0.5, 0.618, 0.786]);
    expect(EXTENSION_RATIOS).toEqual([1.272, 1.618, 2, 2.618]);
  });

  it('computes an up-leg 100 -> 200', () => {
    const f = fibonacciLevels(100, 200);
    expect(f.direction).toBe('up');
    expect(f.startPrice).toBe(100);
    expect(f.endPrice).toBe(200);
    expect(f.retracements.map((l) => l.ratio)).toEqual([0.236, 0.382, 0.5, 0.618, 0.786]);
    expect(prices(f.retracements)).toEqual([176.4, 161.8, 150, 138.2, 121.4]);
    expect(prices(f.extensions)).toEqual([227.2, 261.8, 300, 361.8]);
  });

  it('computes a down-leg 200 -> 100', () => {
    const f = fibonacciLevels(200, 100);
    expect(f.direction).toBe('down');
    expect(prices(f.retracements)).toEqual([123.6, 138.2, 150, 161.8, 178.6]);
    expect(prices(f.extensions)).toEqual([72.8, 38.2, 0, -61.8]);
  });

  it('takes custom ratios, and 0 / 1 land on the end / start', () => {
    const f = fibonacciLevels(50, 150, { retracementRatios: [0, 1], extensionRatios: [1, 3.618] });
    expect(prices(f.retracements)).toEqual([150, 50]);
    expect(prices(f.extensions)).toEqual([150, 411.8]);
    expect(retracementPrice(50, 150, 0.5)).toBe(100);
    expect(extensionPrice(50, 150, 2)).toBe(250);
  });

  it.each([
    [() => fibonacciLevels(Number.NaN, 1), /start must be a finite price, got NaN/],
    [() => fibonacciLevels(1, Number.POSITIVE_INFINITY), /end must be a finite price, got Infinity/],
    [() => fibonacciLevels(5, 5), /start and end must differ/],
    [() => fibonacciLevels(1, 2, { retracementRatios: [0.5, -0.1] }), /retracementRatios\[1\] must be/],
    [() => fibonacciLevels(1, 2, { extensionRatios: [Number.NaN] }), /extensionRatios\[0\] must be/],
    [
      () => fibonacciFromSwings({ lastSwingHigh: null, lastSwingLow: null }, { extensionRatios: [-1] }),
      /extensionRatios\[0\]/,
    ],
  ])('rejects bad input (%#)', (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });

  describe('lastSwingLeg', () => {
    it('makes an up-leg when the swing high is the newer swing', () => {
      const leg = lastSwingLeg({ lastSwingLow: swing('low', 3, 90), lastSwingHigh: swing('high', 9, 130) });
      expect(leg?.direction).toBe('up');
      expect(leg?.start.price).toBe(90);
      expect(leg?.end.price).toBe(130);
    });

    it('makes a down-leg when the swing low is the newer swing', () => {
      const leg = lastSwingLeg({ lastSwingHigh: swing('high', 3, 130), lastSwingLow: swing('low', 9, 90) });
      expect(leg?.direction).toBe('down');
      expect(leg?.start.price).toBe(130);
    });

    it('gives no leg when a swing is missing, both share a bar, or the prices contradict', () => {
      expect(lastSwingLeg({ lastSwingHigh: null, lastSwingLow: swing('low', 1, 5) })).toBeNull();
      expect(lastSwingLeg({ lastSwingHigh: swing('high', 1, 5), lastSwingLow: null })).toBeNull();
      expect(
        lastSwingLeg({ lastSwingHigh: swing('high', 4, 9), lastSwingLow: swing('low', 4, 1) }),
      ).toBeNull();
      expect(
        lastSwingLeg({ lastSwingLow: swing('low', 2, 100), lastSwingHigh: swing('high', 30, 95) }),
      ).toBeNull();
      expect(fibonacciFromSwings({ lastSwingHigh: null, lastSwingLow: null })).toBeNull();
    });
  });

  it('follows a SwingDetector through an obvious up-leg then down-leg', () => {
    //            0    1    2   3   4   5    6    7    8    9   10   11   12  13  14  15
    const highs = [105, 103, 101, 95, 99, 110, 120, 130, 124, 118, 112, 106, 100, 97, 99, 101];
    const series: TimedBar[] = highs.map((h, i) => ({
      openTime: T0 + i * HOUR,
      open: h - 2,
      high: h,
      low: h - 5,
      close: h - 1,
      volume: 1,
    }));
    const d = new SwingDetector({ timeframe: '1h', left: 2, right: 2 });
    const seen: (ReturnType<typeof fibonacciFromSwings> | null)[] = [];
    for (const b of series) {
      d.update(b);
      seen.push(fibonacciFromSwings(d));
    }
    // Low 90 at bar 3 is confirmed at bar 5, the high 130 at bar 7 at bar 9: up-leg from bar 9 on.
    expect(seen[8]).toBeNull();
    expect(seen[9]?.direction).toBe('up');
    expect(seen[9]?.leg.start.index).toBe(3);
    expect(prices(seen[9]?.retracements ?? [])).toEqual([120.56, 114.72, 110, 105.28, 98.56]);
    // The low 92 at bar 13 is confirmed by the last bar's close: down-leg 130 -> 92.
    expect(seen[14]?.direction).toBe('up');
    expect(seen[15]?.direction).toBe('down');
    expect(seen[15]?.startPrice).toBe(130);
    expect(seen[15]?.endPrice).toBe(92);
  });

  it('keeps the retracements between the leg ends and the extensions beyond its end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        (aCents, bCents) => {
          const a = aCents / 100;
          const b = bCents / 100;
          fc.pre(a !== b);
          const f = fibonacciLevels(a, b);
          const lo = Math.min(a, b);
          const hi = Math.max(a, b);
          for (const r of f.retracements) {
            expect(r.price).toBeGreaterThanOrEqual(lo);
            expect(r.price).toBeLessThanOrEqual(hi);
          }
          for (const e of f.extensions) {
            if (f.direction === 'up') expect(e.price).toBeGreaterThan(b);
            else expect(e.price).toBeLessThan(b);
          }
        },
      ),
    );
  });
});

describe.skipIf(!hasRealData)('fibonacci on real BTCUSDT 1h', () => {
  it('draws every leg between two real swing prices, and never from a swing not yet confirmed', () => {
    const s = loadRealColumns('binance_BTCUSDT_1h.csv.gz');
    const d = new SwingDetector({ timeframe: '1h' });
    let legs = 0;
    let checkedLegs = 0;
    // Plain checks collected, one expect at the end: 74k bars of expect() calls take seconds.
    const problems: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const confirmed = d.update({
        openTime: s.openTime[i],
        open: s.open[i],
        high: s.high[i],
        low: s.low[i],
        close: s.close[i],
        volume: s.volume[i],
      });
      const f = fibonacciFromSwings(d);
      if (!f) continue;
      legs++;
      if (confirmed.length === 0) continue; // the leg only changes when a swing is confirmed
      checkedLegs++;
      const { start, end } = f.leg;
      const high = start.kind === 'high' ? start : end;
      const low = start.kind === 'low' ? start : end;
      if (Math.max(start.confirmedIndex, end.confirmedIndex) > i) problems.push(`${i}: leg from the future`);
      if (high.price !== s.high[high.index]) problems.push(`${i}: high is not the bar's high`);
      if (low.price !== s.low[low.index]) problems.push(`${i}: low is not the bar's low`);
      if (!(high.price > low.price)) problems.push(`${i}: high not above low`);
      for (const r of f.retracements) {
        if (r.price < low.price || r.price > high.price)
          problems.push(`${i}: retracement ${r.ratio} outside leg`);
      }
    }
    expect(problems).toEqual([]);
    expect(checkedLegs).toBeGreaterThan(1000);
    expect(legs).toBeGreaterThan(s.length * 0.9);
  });
});
