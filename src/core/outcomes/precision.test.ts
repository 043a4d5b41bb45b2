import { describe, expect, it } from 'vitest';
import {
  both,
  candles,
  feed,
  makeSignal,
  type Ohlc,
  T0,
  testOutcomeConfig,
} from '../../../test/support/outcome-paths.js';
import { mulberry32 } from '../metrics/random.js';
import { EngineConfig } from '../pipeline/engine-settings.js';
import { OutcomeTracker } from './tracker.js';
import type { Outcome, OutcomeConfig, PrecisionSettings } from './types.js';

const EXACT: PrecisionSettings = {
  toleranceBps: 0,
  toleranceTicks: 0,
  confirm: 'touch',
  minPenetrationBps: 0,
};

function run(
  path: readonly Ohlc[],
  precision: PrecisionSettings | undefined,
  direction: 'BUY' | 'SELL' = 'BUY',
  tickSize = Number.NaN,
  over: Partial<OutcomeConfig> = {},
): Outcome | null {
  const tracker = new OutcomeTracker(testOutcomeConfig({ precision, ...over }));
  tracker.track(makeSignal({ direction }), null, tickSize);
  const closed = feed(tracker, candles(path));
  return closed[0]?.outcome ?? null;
}

const levels = (o: Outcome | null) =>
  (o?.events ?? []).filter((e) => e.kind !== 'FILL').map((e) => [e.kind, e.price, e.precision]);

/** Random walks around the entry that reach the levels now and then. */
function walk(seed: number, n: number): Ohlc[] {
  const r = mulberry32(seed);
  const out: Ohlc[] = [];
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = Math.max(1, o + (r() - 0.5) * 4);
    const hi = Math.max(o, c) + r() * 2;
    const lo = Math.min(o, c) - r() * 2;
    out.push([o, hi, lo, c]);
    p = c;
  }
  return out;
}

describe('TP/SL precision: the defaults change nothing', () => {
  it('the default settings give the same outcomes as no settings, under every policy', () => {
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      for (let seed = 1; seed <= 150; seed++) {
        const path = walk(seed, 60);
        for (const d of ['BUY', 'SELL'] as const) {
          const a = run(path, undefined, d, Number.NaN, { policy });
          const b = run(path, EXACT, d, Number.NaN, { policy });
          expect(b).toEqual(a);
        }
      }
    }
  });

  it('the engine default is the exact touch, and every level event says so', () => {
    expect(EngineConfig.parse({}).outcomes.precision).toEqual(EXACT);
    const o = run(
      [
        [100, 105, 99, 104],
        [104, 104, 94, 95],
      ],
      EXACT,
    );
    expect(levels(o)).toEqual([
      ['TP1', 105, 'EXACT_TOUCH'],
      ['BREAKEVEN_STOP', 100, 'EXACT_TOUCH'],
    ]);
    expect(o?.events[0]).toMatchObject({ kind: 'FILL', precision: null });
  });
});

describe('TP/SL precision: tolerance and confirmation', () => {
  for (const { direction, path } of both) {
    it(`a touch tolerance in basis points takes a level the price came within, at the level (${direction})`, () => {
      // 5 bp of the entry 100 = 0.05: a high of 104.96 is within it of TP1 105
      const near = path([
        [100, 104.96, 99.5, 104],
        [104, 104.5, 94.5, 95],
      ]);
      expect(levels(run(near, EXACT, direction))).toEqual([
        ['SL', direction === 'BUY' ? 95 : 105, 'EXACT_TOUCH'],
      ]);
      const o = run(near, { ...EXACT, toleranceBps: 5 }, direction);
      expect(levels(o)).toEqual([
        ['TP1', direction === 'BUY' ? 105 : 95, 'WITHIN_TOLERANCE'],
        ['BREAKEVEN_STOP', 100, 'EXACT_TOUCH'],
      ]);
    });

    it(`a stop within the tolerance is hit at the stop (${direction})`, () => {
      const o = run(path([[100, 101, 95.04, 96]]), { ...EXACT, toleranceBps: 5 }, direction);
      expect(levels(o)).toEqual([['SL', direction === 'BUY' ? 95 : 105, 'WITHIN_TOLERANCE']]);
      expect(o?.rMultiple).toBeCloseTo(-1, 12);
    });

    it(`a tolerance in ticks uses the symbol's price step (${direction})`, () => {
      const near = path([[100, 104.98, 99.5, 104]]);
      expect(run(near, { ...EXACT, toleranceTicks: 2 }, direction, Number.NaN)).toBeNull();
      const o = run(
        [...near, ...path([[104, 104, 99.9, 100]])],
        { ...EXACT, toleranceTicks: 2 },
        direction,
        0.01,
      );
      expect(levels(o)[0]).toEqual(['TP1', direction === 'BUY' ? 105 : 95, 'WITHIN_TOLERANCE']);
    });

    it(`confirm close: a wick through the stop is not a hit; a close beyond it exits at that close (${direction})`, () => {
      const o = run(
        path([
          [100, 101, 94, 96], // wick to 94, close 96: no stop
          [96, 97, 94, 94.5], // closes beyond the stop: out at 94.5
        ]),
        { ...EXACT, confirm: 'close' },
        direction,
      );
      expect(levels(o)).toEqual([['SL', direction === 'BUY' ? 94.5 : 105.5, 'CLOSE_CONFIRMED']]);
      expect(o?.rMultiple).toBeCloseTo(-1.1, 12);
      expect(o?.ambiguous).toBe(false);
    });

    it(`confirm close takes targets on a close beyond them, at the close (${direction})`, () => {
      const o = run(
        path([
          [100, 106, 99, 104], // high through TP1, close below it: nothing
          [104, 107, 103, 106], // close 106 beyond TP1: TP1 at 106
          [106, 106, 99, 99.5], // close beyond the breakeven stop 100
        ]),
        { ...EXACT, confirm: 'close' },
        direction,
      );
      expect(levels(o)).toEqual([
        ['TP1', direction === 'BUY' ? 106 : 94, 'CLOSE_CONFIRMED'],
        ['BREAKEVEN_STOP', direction === 'BUY' ? 99.5 : 100.5, 'CLOSE_CONFIRMED'],
      ]);
    });

    it(`a minimum penetration needs the price beyond the level by that much, and fills at the level (${direction})`, () => {
      const pen = { ...EXACT, confirm: 'penetration' as const, minPenetrationBps: 10 };
      // 10 bp = 0.1 beyond TP1 105
      const shallow = path([
        [100, 105.05, 99.5, 104],
        [104, 104, 94.95, 95], // the stop touched but not penetrated by 0.1
      ]);
      expect(run(shallow, pen, direction)).toBeNull();
      const o = run(
        path([
          [100, 105.1, 99.5, 104],
          [104, 104, 99.85, 100],
        ]),
        pen,
        direction,
      );
      expect(levels(o)).toEqual([
        ['TP1', direction === 'BUY' ? 105 : 95, 'PENETRATED'],
        ['BREAKEVEN_STOP', 100, 'PENETRATED'],
      ]);
    });
  }

  it('the tolerance also applies without the quiet-candle shortcut, with the same results', () => {
    const p = { ...EXACT, toleranceBps: 20 };
    for (let seed = 1; seed <= 50; seed++) {
      const path = walk(seed, 60);
      const a = new OutcomeTracker(testOutcomeConfig({ precision: p }));
      const b = new OutcomeTracker(testOutcomeConfig({ precision: p }), undefined, { quietShortcut: false });
      a.track(makeSignal({ id: 'x', createdAt: T0 }), null);
      b.track(makeSignal({ id: 'x', createdAt: T0 }), null);
      expect(feed(a, candles(path))).toEqual(feed(b, candles(path)));
    }
  });
});

describe('engine.outcomes.precision config', () => {
  it.each([
    [{ toleranceBps: -1 }, 'outcomes.precision.toleranceBps'],
    [{ toleranceTicks: 1.5 }, 'outcomes.precision.toleranceTicks'],
    [{ confirm: 'wick' }, 'outcomes.precision.confirm'],
    [{ confirm: 'penetration' }, 'outcomes.precision.minPenetrationBps'],
    [{ minPenetrationBps: 5 }, 'outcomes.precision.minPenetrationBps'],
    [{ confirm: 'penetration', minPenetrationBps: 5, toleranceBps: 2 }, 'outcomes.precision.toleranceBps'],
  ])('refuses %o, naming %s', (precision, path) => {
    const r = EngineConfig.safeParse({ outcomes: { precision } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path.join('.')).toBe(path);
  });
});
