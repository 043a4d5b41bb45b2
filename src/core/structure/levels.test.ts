import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import type { Bar, Candle } from '../candles/candle.js';
import { type Level, LevelTracker } from './levels.js';
import { type Swing, SwingDetector } from './swings.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const RIGHT = 2;

type TimedBar = Bar & { readonly openTime: number };

/** The tracker judging every level on every close: the reference for the run-only pass. */
class ScanEveryLevel extends LevelTracker {
  protected override scanEveryLevel = true;
}

/** Levels after every `stride`-th bar, from a tracker built by `make`, fed the detector's swings. */
function levelsEachBar(
  series: readonly TimedBar[],
  make: () => LevelTracker,
  left = 2,
  right = 2,
  stride = 1,
): Level[][] {
  const detector = new SwingDetector({ timeframe: '1h', left, right });
  const tracker = make();
  const out: Level[][] = [];
  for (let i = 0; i < series.length; i++) {
    const b = series[i];
    tracker.update(b, detector.update(b));
    if (i % stride === 0) out.push(tracker.levels());
  }
  return out;
}

/**
 * Drives a tracker bar by bar with hand-made swings, so each test states exactly which swing
 * prices arrive and where the close is.
 */
class Harness {
  readonly tracker: LevelTracker;
  private i = 0;
  constructor(tracker: LevelTracker) {
    this.tracker = tracker;
  }
  /** One bar closing at `close`, confirming swings at the given prices (swing bar RIGHT bars back). */
  bar(close: number, ...swings: ['high' | 'low', number][]): this {
    const index = this.i++;
    const made: Swing[] = swings.map(([kind, price]) => ({
      kind,
      price,
      index: index - RIGHT,
      openTime: T0 + (index - RIGHT) * HOUR,
      confirmedIndex: index,
      confirmedAt: T0 + (index + 1) * HOUR,
    }));
    this.tracker.update(
      { openTime: T0 + index * HOUR, open: close, high: close, low: close, close, volume: 1 },
      made,
    );
    return this;
  }
}

describe('LevelTracker', () => {
  it('clusters swing highs within tolerance into one resistance level at their mean', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.003 }));
    h.bar(95, ['high', 100]).bar(95).bar(96, ['high', 100.2]).bar(94, ['high', 99.9]);
    const levels = h.tracker.levels();
    expect(levels).toHaveLength(1);
    const [l] = levels;
    expect(l.price).toBeCloseTo((100 + 100.2 + 99.9) / 3, 12);
    expect(l.kind).toBe('resistance');
    expect(l.touches).toBe(3);
    expect(l.highTouches).toBe(3);
    expect(l.lowTouches).toBe(0);
    expect(l.firstTouchTime).toBe(T0 + (0 - RIGHT) * HOUR);
    expect(l.lastTouchTime).toBe(T0 + (3 - RIGHT) * HOUR);
    expect(l.barsSinceLastTouch).toBe(RIGHT);
    expect(l.breaks).toBe(0);
    expect(l.lastBreakTime).toBeNull();
  });

  it('starts a new level for a swing outside the tolerance and sorts levels by price', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.003 }));
    h.bar(100, ['high', 105]).bar(100, ['low', 95]).bar(100, ['high', 100.4]);
    expect(h.tracker.levels().map((l) => [l.price, l.kind])).toEqual([
      [95, 'support'],
      [100.4, 'resistance'],
      [105, 'resistance'],
    ]);
  });

  it('joins the nearest level when two are within tolerance', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.01 }));
    h.bar(90, ['high', 100]).bar(90, ['high', 101.5]).bar(90, ['high', 100.9]);
    // 100.9 is within 1% of both; 101.5 is nearer, and their mean 101.2 stays > 1% from 100.
    const levels = h.tracker.levels();
    expect(levels.map((l) => l.touches)).toEqual([1, 2]);
    expect(levels[0].price).toBe(100);
    expect(levels[1].price).toBeCloseTo(101.2, 12);
  });

  it('merges two levels when a moving mean brings them within tolerance', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.01 }));
    h.bar(90, ['high', 100]).bar(90, ['high', 101.1]).bar(90, ['high', 100.5]);
    // 100.5 joins 100 (nearer), whose mean 100.25 is then within 1% of 101.1: one level remains.
    const levels = h.tracker.levels();
    expect(levels).toHaveLength(1);
    expect(levels[0].price).toBeCloseTo((100 + 101.1 + 100.5) / 3, 12);
    expect(levels[0].touches).toBe(3);
  });

  it('flips a broken resistance to support and counts the retest from above as a touch', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.003 }));
    h.bar(97, ['high', 100]).bar(98).bar(97, ['high', 100.1]).bar(99.5);
    expect(h.tracker.nearestResistance(99.5)?.touches).toBe(2);
    h.bar(102); // closes beyond the band: a break
    const broken = h.tracker.levels();
    expect(broken).toHaveLength(1);
    expect(broken[0].kind).toBe('support');
    expect(broken[0].breaks).toBe(1);
    expect(broken[0].lastBreakTime).toBe(T0 + 4 * HOUR);
    h.bar(101).bar(103, ['low', 100.05]); // the retest holds from above
    const [l] = h.tracker.levels();
    expect(l.touches).toBe(3);
    expect(l.highTouches).toBe(2);
    expect(l.lowTouches).toBe(1);
    expect(l.breaks).toBe(1);
    expect(h.tracker.nearestSupport(103)?.price).toBeCloseTo((100 + 100.1 + 100.05) / 3, 12);
    expect(h.tracker.nearestResistance(103)).toBeNull();
  });

  it('does not count closes inside the band as breaks', () => {
    const h = new Harness(new LevelTracker({ tolerance: 0.01 }));
    h.bar(95, ['high', 100]).bar(99.5).bar(100.9).bar(99.2).bar(100.5);
    expect(h.tracker.levels()[0].breaks).toBe(0);
    h.bar(101.2).bar(98.8);
    expect(h.tracker.levels()[0].breaks).toBe(2);
  });

  it('decays strength with a half-life in bars', () => {
    const h = new Harness(new LevelTracker({ halfLifeBars: 10 }));
    h.bar(90, ['high', 100]).bar(90, ['high', 100]);
    for (let k = 0; k < 10; k++) h.bar(90);
    const [l] = h.tracker.levels();
    expect(l.barsSinceLastTouch).toBe(10 + RIGHT);
    expect(l.strength).toBeCloseTo(2 * 0.5 ** ((10 + RIGHT) / 10), 12);
  });

  it('keeps at most maxLevels, dropping the weakest but never the newest', () => {
    const h = new Harness(new LevelTracker({ maxLevels: 3, halfLifeBars: Number.POSITIVE_INFINITY }));
    h.bar(50, ['high', 100], ['low', 60])
      .bar(50, ['high', 100])
      .bar(50, ['high', 80])
      .bar(50, ['high', 80])
      .bar(50, ['high', 80]);
    expect(h.tracker.levels().map((l) => [l.price, l.touches])).toEqual([
      [60, 1],
      [80, 3],
      [100, 2],
    ]);
    h.bar(50, ['high', 120]); // 60 is the weakest: gone
    expect(h.tracker.levels().map((l) => l.price)).toEqual([80, 100, 120]);
    h.bar(50, ['high', 140]); // 120 and 140 both have one touch; 120 is not the newest: gone
    expect(h.tracker.levels().map((l) => l.price)).toEqual([80, 100, 140]);
    expect(h.tracker.size).toBe(3);
  });

  it('breaks strength ties by dropping the level touched longest ago', () => {
    const h = new Harness(new LevelTracker({ maxLevels: 2, halfLifeBars: Number.POSITIVE_INFINITY }));
    h.bar(50, ['high', 200]).bar(50, ['high', 100]).bar(50, ['high', 150]);
    expect(h.tracker.levels().map((l) => l.price)).toEqual([100, 150]);
  });

  it('answers nearest support (at or below) and resistance (strictly above)', () => {
    const h = new Harness(new LevelTracker());
    h.bar(100, ['low', 90], ['high', 110]).bar(100, ['low', 80]);
    expect(h.tracker.nearestSupport(100)?.price).toBe(90);
    expect(h.tracker.nearestSupport(90)?.price).toBe(90);
    expect(h.tracker.nearestSupport(90)?.kind).toBe('support');
    expect(h.tracker.nearestResistance(90)?.price).toBe(110);
    expect(h.tracker.nearestResistance(90)?.kind).toBe('resistance');
    expect(h.tracker.nearestSupport(79)).toBeNull();
    expect(h.tracker.nearestResistance(110)).toBeNull();
    expect(h.tracker.levels(85).map((l) => l.kind)).toEqual(['support', 'resistance', 'resistance']);
  });

  it('works with the SwingDetector on an obvious series', () => {
    // Two tops at ~120, a bottom at 100 between them, then a breakout to 130.
    const highs = [
      110, 112, 115, 120, 115, 112, 108, 105, 108, 112, 116, 120.2, 116, 113, 118, 125, 130, 128, 129,
    ];
    const series: TimedBar[] = highs.map((hi, i) => ({
      openTime: T0 + i * HOUR,
      open: hi - 3,
      high: hi,
      low: hi - 5,
      close: hi - 1,
      volume: 1,
    }));
    const detector = new SwingDetector({ timeframe: '1h', left: 2, right: 2 });
    const tracker = new LevelTracker({ tolerance: 0.003 });
    for (const b of series) tracker.update(b, detector.update(b));
    const levels = tracker.levels();
    const top = levels.find((l) => Math.abs(l.price - 120.1) < 1e-9);
    expect(top).toMatchObject({ touches: 2, highTouches: 2, kind: 'support', breaks: 1 });
    expect(levels.find((l) => l.price === 100)).toMatchObject({ touches: 1, lowTouches: 1 });
  });

  it('starts over after reset', () => {
    const h = new Harness(new LevelTracker());
    h.bar(90, ['high', 100]);
    h.tracker.reset();
    expect(h.tracker.levels()).toEqual([]);
    expect(h.tracker.size).toBe(0);
  });

  it.each([
    [{ tolerance: 0 }, /tolerance must be a number > 0 and < 1/],
    [{ tolerance: -0.01 }, /tolerance/],
    [{ tolerance: 1 }, /tolerance/],
    [{ tolerance: Number.NaN }, /tolerance/],
    [{ maxLevels: 0 }, /maxLevels must be an integer >= 1, got 0/],
    [{ maxLevels: 2.5 }, /maxLevels/],
    [{ halfLifeBars: 0 }, /halfLifeBars must be a number > 0, got 0/],
    [{ halfLifeBars: Number.NaN }, /halfLifeBars/],
  ])('rejects bad parameters %o', (bad, message) => {
    expect(() => new LevelTracker(bad)).toThrow(RangeError);
    expect(() => new LevelTracker(bad)).toThrow(message);
  });

  describe('properties', () => {
    const walkArb = fc
      .array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 200 })
      .map((steps): TimedBar[] => {
        let p = 1000;
        return steps.map((s, i) => {
          const open = p;
          p = Math.max(100, p + s);
          return {
            openTime: T0 + i * HOUR,
            open,
            high: Math.max(open, p) + 2,
            low: Math.min(open, p) - 2,
            close: p,
            volume: 1,
          };
        });
      });
    const optsArb = fc.record({
      tolerance: fc.double({ min: 0.0005, max: 0.05, noNaN: true }),
      maxLevels: fc.integer({ min: 1, max: 8 }),
      halfLifeBars: fc.integer({ min: 1, max: 100 }),
    });

    function run(
      series: readonly TimedBar[],
      opts: { tolerance: number; maxLevels: number; halfLifeBars: number },
    ) {
      const detector = new SwingDetector({ timeframe: '1h', left: 2, right: 2 });
      const tracker = new LevelTracker(opts);
      const snapshots: Level[][] = [];
      for (const b of series) {
        tracker.update(b, detector.update(b));
        snapshots.push(tracker.levels());
      }
      return snapshots;
    }

    it('judging only the levels a close moved past equals judging every level on every close', () => {
      fc.assert(
        fc.property(walkArb, optsArb, (series, opts) => {
          expect(levelsEachBar(series, () => new LevelTracker(opts))).toEqual(
            levelsEachBar(series, () => new ScanEveryLevel(opts)),
          );
        }),
      );
    });

    it('has no lookahead: levels up to a cut are the same whether the series stops there or runs on', () => {
      fc.assert(
        fc.property(walkArb, optsArb, fc.nat(), (series, opts, seed) => {
          const cut = seed % (series.length + 1);
          const whole = run(series, opts);
          const part = run(series.slice(0, cut), opts);
          expect(part).toEqual(whole.slice(0, cut));
        }),
      );
    });

    it('stays bounded, sorted and with no two levels within tolerance', () => {
      fc.assert(
        fc.property(walkArb, optsArb, (series, opts) => {
          for (const levels of run(series, opts)) {
            expect(levels.length).toBeLessThanOrEqual(opts.maxLevels);
            for (let k = 1; k < levels.length; k++) {
              expect(levels[k].price - levels[k - 1].price).toBeGreaterThan(
                opts.tolerance * levels[k - 1].price,
              );
            }
            for (const l of levels) {
              expect(l.touches).toBe(l.highTouches + l.lowTouches);
              expect(l.firstTouchTime).toBeLessThanOrEqual(l.lastTouchTime);
            }
          }
        }),
      );
    });
  });
});

describe.skipIf(!hasRealData)('LevelTracker on real BTCUSDT 1h', () => {
  it('judging only the levels a close moved past equals judging every level (compared every 7th bar)', () => {
    const candles: Candle[] = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
    // every 7th bar: a missed or extra break stays in the counts, so sampling still sees it
    const fast = levelsEachBar(candles, () => new LevelTracker(), 5, 5, 7);
    const every = levelsEachBar(candles, () => new ScanEveryLevel(), 5, 5, 7);
    expect(fast.length).toBe(Math.ceil(candles.length / 7));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(every));
  });

  it('stays bounded and consistent over the whole history', () => {
    const candles: Candle[] = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
    const detector = new SwingDetector({ timeframe: '1h' });
    const tracker = new LevelTracker();
    let maxSeen = 0;
    let touches = 0;
    for (let i = 0; i < candles.length; i++) {
      const c = candles[i];
      const swings = detector.update(c);
      touches += swings.length;
      tracker.update(c, swings);
      maxSeen = Math.max(maxSeen, tracker.size);
      // A full snapshot every 500 bars keeps the run short.
      if (i % 500 !== 0 && i !== candles.length - 1) continue;
      const levels = tracker.levels();
      for (let k = 1; k < levels.length; k++) {
        expect(levels[k].price - levels[k - 1].price).toBeGreaterThan(
          tracker.tolerance * levels[k - 1].price,
        );
      }
      for (const l of levels) {
        expect(l.kind).toBe(l.price <= c.close ? 'support' : 'resistance');
        expect(l.strength).toBeGreaterThan(0);
        expect(l.strength).toBeLessThanOrEqual(l.touches);
        expect(l.lastTouchTime).toBeLessThan(c.openTime);
      }
      const support = tracker.nearestSupport(c.close);
      const resistance = tracker.nearestResistance(c.close);
      if (support) expect(support.price).toBeLessThanOrEqual(c.close);
      if (resistance) expect(resistance.price).toBeGreaterThan(c.close);
    }
    expect(touches).toBeGreaterThan(1000);
    expect(maxSeen).toBe(20);
  });
});
