import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warmSnapshot } from '../../../test/support/snapshots.js';
import type { Candle } from '../candles/candle.js';
import { TIMEFRAMES, type Timeframe } from '../candles/timeframe.js';
import type { TfSnapshot } from '../features/snapshot.js';
import { TimeframeFeatures } from '../features/timeframe-features.js';
import {
  classifyContext,
  MAX_ALIGNMENT_FACTOR,
  MIN_ALIGNMENT_FACTOR,
  regimeOf,
  scoreContext,
  timeframeWeight,
  volumeFactor,
} from './context.js';

const T0 = Date.UTC(2024, 0, 1);
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A warm context snapshot in a clean uptrend (trend +1, momentum +1, trending); override to taste. */
const snapshot = (overrides: Partial<Mutable<TfSnapshot>> = {}): TfSnapshot => warmSnapshot(overrides);

const DOWN: Partial<Mutable<TfSnapshot>> = {
  ema50: 98,
  ema200: 110,
  ema50Slope: -0.01,
  rsi: 40,
  macdHist: -0.5,
};
const COLD: Partial<Mutable<TfSnapshot>> = {
  count: 30,
  ema50: Number.NaN,
  ema200: Number.NaN,
  ema50Slope: Number.NaN,
  rsi: Number.NaN,
  macdHist: Number.NaN,
  adx: Number.NaN,
  volatilityPercentile: Number.NaN,
};

describe('classifyContext', () => {
  it('reads a warm uptrend as trend +1, momentum +1, trending, and mirrors it for a downtrend', () => {
    expect(classifyContext(snapshot())).toEqual({
      trend: 1,
      regime: 'trending',
      volatilityPercentile: 0.4,
      momentum: 1,
      warm: true,
    });
    const down = classifyContext(snapshot(DOWN));
    expect(down.trend).toBe(-1);
    expect(down.momentum).toBe(-1);
  });

  it('needs both EMA order and slope for a trend, and both RSI and MACD for momentum', () => {
    expect(classifyContext(snapshot({ ema50Slope: -0.001 })).trend).toBe(0);
    expect(classifyContext(snapshot({ ema50: 89 })).trend).toBe(0);
    expect(classifyContext(snapshot({ rsi: 45 })).momentum).toBe(0);
    expect(classifyContext(snapshot({ macdHist: -0.1 })).momentum).toBe(0);
    expect(classifyContext(snapshot({ rsi: 50 })).momentum).toBe(0);
  });

  it('classifies the regime by ADX: ≥ 25 trending, below ranging (20–25 included), NaN unknown', () => {
    expect(regimeOf(25)).toBe('trending');
    expect(regimeOf(24.99)).toBe('ranging');
    expect(regimeOf(22)).toBe('ranging');
    expect(regimeOf(10)).toBe('ranging');
    expect(regimeOf(Number.NaN)).toBe('unknown');
  });

  it('gives 0 / unknown and warm=false while nothing is warm; momentum alone already counts as warm', () => {
    expect(classifyContext(snapshot(COLD))).toEqual({
      trend: 0,
      regime: 'unknown',
      volatilityPercentile: Number.NaN,
      momentum: 0,
      warm: false,
    });
    const momentumOnly = classifyContext(snapshot({ ema200: Number.NaN }));
    expect(momentumOnly).toMatchObject({ trend: 0, momentum: 1, warm: true });
  });

  it('reads snapshots built by TimeframeFeatures from a steady synthetic rise and fall', () => {
    const build = (drift: number): TfSnapshot => {
      const f = new TimeframeFeatures('1h');
      let price = 1000;
      for (let i = 0; i < 320; i++) {
        // a drift with a small zig-zag so RSI, ADX and ATR see both up and down moves; in a
        // steady drift the MACD histogram decays to noise, so the last candles speed up
        const pace = i >= 312 ? 3 : 1;
        const next = price * (1 + pace * drift + (i % 2 === 0 ? 0.002 : -0.0012) * Math.sign(drift));
        const c: Candle = {
          openTime: T0 + i * 3_600_000,
          open: price,
          high: Math.max(price, next) * 1.001,
          low: Math.min(price, next) * 0.999,
          close: next,
          volume: 100 + (i % 7),
        };
        f.update(c);
        price = next;
      }
      return f.snapshot;
    };
    const up = classifyContext(build(0.001));
    expect(up).toMatchObject({ trend: 1, momentum: 1, regime: 'trending', warm: true });
    const down = classifyContext(build(-0.001));
    expect(down).toMatchObject({ trend: -1, momentum: -1, regime: 'trending', warm: true });
  });
});

describe('timeframeWeight', () => {
  it('is positive and strictly increasing with the timeframe (1 + log2 minutes)', () => {
    const w = TIMEFRAMES.map(timeframeWeight);
    expect(w[0]).toBe(1);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThan(w[i - 1]);
    expect(timeframeWeight('1h')).toBeCloseTo(1 + Math.log2(60), 12);
  });
});

describe('scoreContext', () => {
  const contexts = [snapshot({ timeframe: '1h' }), snapshot({ timeframe: '4h' })];

  it('all context agreeing: boost 1, factor 1.25, every view agrees and cites its close time', () => {
    const r = scoreContext(contexts, 'BUY');
    expect(r.mtfBoost).toBe(1);
    expect(r.alignmentFactor).toBe(1.25);
    expect(r.views).toHaveLength(2);
    r.views.forEach((v, i) => {
      expect(v.agrees).toBe(true);
      expect(v.asOf).toBe(contexts[i].closeTime);
      expect(v.timeframe).toBe(contexts[i].timeframe);
      expect(v.weight).toBe(timeframeWeight(contexts[i].timeframe));
      expect(v).toMatchObject({ trend: 1, momentum: 1, regime: 'trending', volatilityPercentile: 0.4 });
    });
  });

  it('all context opposing: boost 0, factor 0.8 (and SELL mirrors BUY)', () => {
    const r = scoreContext(contexts, 'SELL');
    expect(r.mtfBoost).toBe(0);
    expect(r.alignmentFactor).toBe(0.8);
    expect(MIN_ALIGNMENT_FACTOR).toBe(0.8);
    expect(r.views.every((v) => !v.agrees)).toBe(true);
    const down = [snapshot({ ...DOWN, timeframe: '1h' }), snapshot({ ...DOWN, timeframe: '1d' })];
    expect(scoreContext(down, 'SELL')).toMatchObject({ mtfBoost: 1, alignmentFactor: 1.25 });
    expect(scoreContext(down, 'BUY')).toMatchObject({ mtfBoost: 0, alignmentFactor: 0.8 });
  });

  it('no context, or none warm: boost 0, factor 1; cold views are listed with weight 0', () => {
    expect(scoreContext([], 'BUY')).toEqual({ mtfBoost: 0, alignmentFactor: 1, views: [] });
    const cold = scoreContext(
      [snapshot({ ...COLD, timeframe: '1h' }), snapshot({ ...COLD, timeframe: '1d' })],
      'BUY',
    );
    expect(cold.mtfBoost).toBe(0);
    expect(cold.alignmentFactor).toBe(1);
    expect(cold.views.map((v) => [v.weight, v.agrees, v.regime])).toEqual([
      [0, false, 'unknown'],
      [0, false, 'unknown'],
    ]);
  });

  it('leaves out a timeframe with no closed candle, and a cold one does not dilute a warm one', () => {
    const none = snapshot({ ...COLD, count: 0, closeTime: Number.NaN });
    const r = scoreContext(
      [none, snapshot({ ...COLD, timeframe: '1d' }), snapshot({ timeframe: '1h' })],
      'BUY',
    );
    expect(r.views.map((v) => v.timeframe)).toEqual(['1d', '1h']);
    expect(r.mtfBoost).toBe(1);
    expect(r.alignmentFactor).toBe(1.25);
  });

  it('weighs the higher timeframe more when context disagrees with itself', () => {
    const w1h = timeframeWeight('1h');
    const w1d = timeframeWeight('1d');
    const r = scoreContext([snapshot({ timeframe: '1h' }), snapshot({ ...DOWN, timeframe: '1d' })], 'BUY');
    expect(r.mtfBoost).toBeCloseTo(w1h / (w1h + w1d), 12);
    const s = (w1h - w1d) / (w1h + w1d);
    expect(s).toBeLessThan(0);
    expect(r.alignmentFactor).toBeCloseTo(MAX_ALIGNMENT_FACTOR ** s, 12);
    expect(r.alignmentFactor).toBeLessThan(1);
  });

  it('agrees on trend or momentum alone when the other is flat, and is neutral when they conflict', () => {
    const flatMomentum = snapshot({ rsi: 50 });
    expect(scoreContext([flatMomentum], 'BUY')).toMatchObject({ mtfBoost: 1, alignmentFactor: 1.25 });
    const conflict = snapshot({ rsi: 40, macdHist: -1 });
    const r = scoreContext([conflict], 'BUY');
    expect(r).toMatchObject({ mtfBoost: 0, alignmentFactor: 1 });
    expect(r.views[0].agrees).toBe(false);
  });

  it('keeps mtfBoost in [0, 1] and alignmentFactor in [0.8, 1.25] for any mix of stances', () => {
    const stance = fc.record({
      tf: fc.constantFrom<Timeframe>('1h', '4h', '1d', '1w'),
      trend: fc.constantFrom(-1, 0, 1, Number.NaN),
      momentum: fc.constantFrom(-1, 0, 1, Number.NaN),
    });
    fc.assert(
      fc.property(
        fc.array(stance, { maxLength: 5 }),
        fc.constantFrom('BUY' as const, 'SELL' as const),
        (xs, dir) => {
          const snaps = xs.map((x) =>
            snapshot({
              timeframe: x.tf,
              ema50: 100,
              ema200: Number.isNaN(x.trend) ? Number.NaN : 100 - x.trend,
              ema50Slope: x.trend * 0.01,
              rsi: 50 + 10 * x.momentum,
              macdHist: x.momentum,
            }),
          );
          const r = scoreContext(snaps, dir);
          expect(r.mtfBoost).toBeGreaterThanOrEqual(0);
          expect(r.mtfBoost).toBeLessThanOrEqual(1);
          expect(r.alignmentFactor).toBeGreaterThanOrEqual(0.8);
          expect(r.alignmentFactor).toBeLessThanOrEqual(1.25);
          expect(r.views).toHaveLength(snaps.length);
        },
      ),
    );
  });
});

describe('volumeFactor', () => {
  it('is 1 at the average volume and for NaN, 0.8 for no volume, 1.2 at the infinite limit', () => {
    expect(volumeFactor(1)).toBe(1);
    expect(volumeFactor(Number.NaN)).toBe(1);
    expect(volumeFactor(0)).toBe(0.8);
    expect(volumeFactor(Number.POSITIVE_INFINITY)).toBe(1.2);
    expect(volumeFactor(2)).toBeCloseTo(1.12, 12);
    expect(volumeFactor(0.5)).toBeCloseTo(0.88, 12);
  });

  it('stays within [0.8, 1.2] for any input', () => {
    fc.assert(
      fc.property(fc.double(), (r) => {
        const f = volumeFactor(r);
        expect(f).toBeGreaterThanOrEqual(0.8);
        expect(f).toBeLessThanOrEqual(1.2);
      }),
    );
  });

  it('never decreases as the ratio grows', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(volumeFactor(lo)).toBeLessThanOrEqual(volumeFactor(hi));
      }),
      { numRuns: 2000 },
    );
    // and across the typical range, finely
    let prev = volumeFactor(0);
    for (let r = 0.001; r < 50; r *= 1.01) {
      const f = volumeFactor(r);
      expect(f).toBeGreaterThanOrEqual(prev);
      prev = f;
    }
  });
});
