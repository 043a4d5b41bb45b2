import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { Bar } from '../candles/candle.js';
import { findSwings, type Swing, SwingDetector } from './swings.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

type TimedBar = Bar & { readonly openTime: number };

/** Bars from highs and lows; open/close sit in between and do not matter to swings. */
function bars(highs: readonly number[], lows?: readonly number[]): TimedBar[] {
  return highs.map((h, i) => {
    const l = lows ? lows[i] : h - 1;
    return { openTime: T0 + i * HOUR, open: l, high: h, low: l, close: h, volume: 1 };
  });
}

function feed(detector: SwingDetector, series: readonly TimedBar[]): Swing[] {
  const out: Swing[] = [];
  for (const b of series) out.push(...detector.update(b));
  return out;
}

/** Brute-force statement of the rule, independent of the ring buffer. */
function referenceSwings(series: readonly TimedBar[], left: number, right: number): Swing[] {
  const out: Swing[] = [];
  for (let i = left; i + right < series.length; i++) {
    const h = series[i].high;
    const l = series[i].low;
    let isHigh = true;
    let isLow = true;
    for (let j = i - left; j < i; j++) {
      if (!(h > series[j].high)) isHigh = false;
      if (!(l < series[j].low)) isLow = false;
    }
    for (let j = i + 1; j <= i + right; j++) {
      if (!(h >= series[j].high)) isHigh = false;
      if (!(l <= series[j].low)) isLow = false;
    }
    const confirmedAt = series[i + right].openTime + HOUR;
    const base = { index: i, openTime: series[i].openTime, confirmedIndex: i + right, confirmedAt };
    if (isHigh) out.push({ kind: 'high', price: h, ...base });
    if (isLow) out.push({ kind: 'low', price: l, ...base });
  }
  return out;
}

describe('SwingDetector', () => {
  it('finds an obvious peak with the default 5/5 window, confirmed 5 bars later', () => {
    const highs = [10, 11, 12, 13, 14, 20, 14, 13, 12, 11, 10, 9];
    const d = new SwingDetector({ timeframe: '1h' });
    const series = bars(highs);
    const results = series.map((b) => [...d.update(b)]);
    // Nothing before bar 10 closes; the peak at bar 5 arrives with bar 10 (5 + right).
    for (let i = 0; i < 10; i++) expect(results[i]).toEqual([]);
    expect(results[10]).toEqual([
      {
        kind: 'high',
        index: 5,
        openTime: T0 + 5 * HOUR,
        price: 20,
        confirmedIndex: 10,
        confirmedAt: T0 + 11 * HOUR,
      },
    ]);
    expect(results[11]).toEqual([]);
    expect(d.lastSwingHigh?.price).toBe(20);
    expect(d.lastSwingLow).toBeNull();
  });

  it('finds alternating highs and lows in a zig-zag with left = right = 2', () => {
    //            0  1  2  3  4  5  6  7  8  9 10 11 12
    const highs = [5, 6, 9, 7, 6, 4, 5, 8, 11, 9, 7, 6, 7];
    const lows = highs.map((h) => h - 1);
    const swings = feed(new SwingDetector({ timeframe: '1h', left: 2, right: 2 }), bars(highs, lows));
    expect(swings.map((s) => [s.kind, s.index, s.price, s.confirmedIndex])).toEqual([
      ['high', 2, 9, 4],
      ['low', 5, 3, 7],
      ['high', 8, 11, 10],
    ]);
  });

  describe('tie rule: strictly above the left bars, at or above the right bars', () => {
    const opts = { timeframe: '1h' as const, left: 2, right: 2 };

    it('gives one swing at the first bar of a flat top', () => {
      const swings = feed(new SwingDetector(opts), bars([1, 2, 5, 5, 5, 3, 2, 1]));
      expect(swings.filter((s) => s.kind === 'high').map((s) => s.index)).toEqual([2]);
    });

    it('accepts an equal high among the right bars', () => {
      const swings = feed(new SwingDetector(opts), bars([1, 2, 5, 4, 5, 1, 0]));
      // bar 2 (5 >= 4, 5 >= 5) is a swing; bar 4 has an equal high to its left and is not.
      expect(swings.filter((s) => s.kind === 'high').map((s) => s.index)).toEqual([2]);
    });

    it('rejects an equal high among the left bars', () => {
      // bar 2 would be a swing but for the equal high at bar 0, two bars to its left.
      const swings = feed(new SwingDetector(opts), bars([5, 1, 5, 2, 1]));
      expect(swings.filter((s) => s.kind === 'high')).toEqual([]);
    });

    it('mirrors the rule for lows', () => {
      const lows = [9, 8, 3, 3, 6, 7, 8];
      const swings = feed(
        new SwingDetector(opts),
        bars(
          lows.map((l) => l + 10),
          lows,
        ),
      );
      expect(swings.filter((s) => s.kind === 'low').map((s) => s.index)).toEqual([2]);
    });
  });

  it('reports an outside bar as both a high and a low, high first', () => {
    const highs = [5, 5, 9, 5, 5];
    const lows = [4, 4, 1, 4, 4];
    const d = new SwingDetector({ timeframe: '1h', left: 2, right: 2 });
    const swings = feed(d, bars(highs, lows));
    expect(swings.map((s) => `${s.kind}@${s.index}`)).toEqual(['high@2', 'low@2']);
    expect(d.lastSwingHigh?.index).toBe(2);
    expect(d.lastSwingLow?.index).toBe(2);
  });

  it('never treats the first `left` bars as swings', () => {
    const swings = feed(new SwingDetector({ timeframe: '1h', left: 3, right: 1 }), bars([9, 8, 7, 6, 5, 4]));
    expect(swings.filter((s) => s.kind === 'high')).toEqual([]);
  });

  it('does not report a swing before its right bars have closed (truncation)', () => {
    const highs = [10, 11, 12, 13, 14, 20, 14, 13, 12, 11, 10];
    const right = 5;
    const i = 5;
    const truncated = bars(highs).slice(0, i + right); // ends with bar i + right - 1
    expect(feed(new SwingDetector({ timeframe: '1h' }), truncated)).toEqual([]);
    const whole = feed(new SwingDetector({ timeframe: '1h' }), bars(highs));
    expect(whole.map((s) => s.index)).toEqual([i]);
  });

  it('uses the timeframe for the confirmation time', () => {
    const series = bars([1, 3, 1]).map((b, k) => ({ ...b, openTime: T0 + k * 86_400_000 }));
    const [s] = feed(new SwingDetector({ timeframe: '1d', left: 1, right: 1 }), series);
    expect(s.confirmedAt).toBe(T0 + 3 * 86_400_000);
  });

  it('starts over after reset', () => {
    const d = new SwingDetector({ timeframe: '1h', left: 1, right: 1 });
    const series = bars([1, 3, 1, 2]);
    const first = feed(d, series);
    d.reset();
    expect(d.lastSwingHigh).toBeNull();
    expect(d.barCount).toBe(0);
    expect(feed(d, series)).toEqual(first);
  });

  it.each([
    [{ left: 0 }, /left must be an integer >= 1, got 0/],
    [{ left: 2.5 }, /left must be an integer >= 1, got 2.5/],
    [{ right: 0 }, /right must be an integer >= 1, got 0/],
    [{ right: Number.NaN }, /right must be an integer >= 1, got NaN/],
    [{ left: -3 }, /left must be/],
  ])('rejects bad parameters %o', (bad, message) => {
    expect(() => new SwingDetector({ timeframe: '1h', ...bad })).toThrow(RangeError);
    expect(() => new SwingDetector({ timeframe: '1h', ...bad })).toThrow(message);
  });

  it('rejects an unknown timeframe', () => {
    // @ts-expect-error: a value from outside the type system, as config could give
    expect(() => new SwingDetector({ timeframe: '7m' })).toThrow(/timeframe/);
  });

  describe('properties', () => {
    const seriesArb = fc
      .array(fc.record({ h: fc.integer({ min: 0, max: 20 }), span: fc.integer({ min: 0, max: 6 }) }), {
        minLength: 0,
        maxLength: 120,
      })
      // Small integer prices make ties common, which is where the rule is easy to get wrong.
      .map((rows) =>
        rows.map(
          (r, i): TimedBar => ({
            openTime: T0 + i * HOUR,
            open: r.h - r.span,
            high: r.h,
            low: r.h - r.span,
            close: r.h,
            volume: 1,
          }),
        ),
      );
    const windowArb = fc.record({
      left: fc.integer({ min: 1, max: 6 }),
      right: fc.integer({ min: 1, max: 6 }),
    });

    it('equals the brute-force rule', () => {
      fc.assert(
        fc.property(seriesArb, windowArb, (series, { left, right }) => {
          const got = feed(new SwingDetector({ timeframe: '1h', left, right }), series);
          expect(got).toEqual(referenceSwings(series, left, right));
        }),
      );
    });

    it('has no lookahead: a cut series gives exactly the swings the whole series gave up to the cut', () => {
      fc.assert(
        fc.property(seriesArb, windowArb, fc.nat(), (series, { left, right }, cutSeed) => {
          const cut = series.length === 0 ? 0 : cutSeed % (series.length + 1);
          const whole = new SwingDetector({ timeframe: '1h', left, right });
          const perBarWhole = series.map((b) => [...whole.update(b)]);
          const part = new SwingDetector({ timeframe: '1h', left, right });
          const perBarPart = series.slice(0, cut).map((b) => [...part.update(b)]);
          expect(perBarPart).toEqual(perBarWhole.slice(0, cut));
          const lastHighBeforeCut = perBarWhole
            .slice(0, cut)
            .flat()
            .filter((s) => s.kind === 'high')
            .at(-1);
          expect(part.lastSwingHigh).toEqual(lastHighBeforeCut ?? null);
        }),
      );
    });
  });
});

describe.skipIf(!hasRealData)('SwingDetector on real BTCUSDT 1h', () => {
  it('keeps its invariants over the whole history', () => {
    const s = loadRealColumns('binance_BTCUSDT_1h.csv.gz');
    const left = 5;
    const right = 5;
    const swings = findSwings(s, { timeframe: '1h', left, right });
    expect(swings.length).toBeGreaterThan(s.length / 20);
    let highs = 0;
    let prevConfirmed = -1;
    // Plain checks collected, one expect at the end: an expect() per bar of the window is slow.
    const problems: string[] = [];
    for (const sw of swings) {
      const i = sw.index;
      const at = `${sw.kind} at ${i}`;
      if (sw.confirmedIndex !== i + right) problems.push(`${at}: confirmed at ${sw.confirmedIndex}`);
      if (sw.confirmedIndex < prevConfirmed) problems.push(`${at}: out of order`);
      prevConfirmed = sw.confirmedIndex;
      if (sw.openTime !== s.openTime[i]) problems.push(`${at}: openTime`);
      if (sw.confirmedAt !== s.openTime[i + right] + 3_600_000) problems.push(`${at}: confirmedAt`);
      const own = sw.kind === 'high' ? s.high : s.low;
      // Distance above the others: positive for a high, so one rule checks both kinds.
      const sign = sw.kind === 'high' ? 1 : -1;
      if (sw.kind === 'high') highs++;
      if (sw.price !== own[i]) problems.push(`${at}: price is not the bar's ${sw.kind}`);
      for (let j = i - left; j < i; j++) {
        if (!(sign * (sw.price - own[j]) > 0)) problems.push(`${at}: not strictly beyond bar ${j}`);
      }
      for (let j = i + 1; j <= i + right; j++) {
        if (!(sign * (sw.price - own[j]) >= 0)) problems.push(`${at}: beaten by bar ${j}`);
      }
    }
    expect(problems).toEqual([]);
    expect(highs).toBeGreaterThan(0);
    expect(highs).toBeLessThan(swings.length);
  });
});
