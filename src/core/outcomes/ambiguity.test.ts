import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  both,
  candlePath,
  feed,
  MIN,
  type Ohlc,
  PROPERTY_RUNS,
  runOne,
  type SignalSpec,
  scenario,
  setup,
  T0,
  testOutcomeConfig,
} from '../../../test/support/outcome-paths.js';
import { OutcomeTracker } from './tracker.js';

describe('OutcomeTracker: same-candle ambiguity', () => {
  // one candle reaching TP1 (105) and the stop (95); the open decides the ohlc_path order
  const highNearOpen: Ohlc = [102, 106, 94, 100]; // 4 to the high, 8 to the low
  const lowNearOpen: Ohlc = [97, 106, 94, 100]; // 9 to the high, 3 to the low

  for (const { direction, path } of both) {
    it(`pessimistic: the stop first -> SL_HIT −1R, flagged (${direction})`, () => {
      const { outcome: o } = runOne(path([highNearOpen]), { direction }, { policy: 'pessimistic' });
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.ambiguous).toBe(true);
      expect(o.ambiguousCandles).toBe(1);
      expect(o.events.at(-1)?.ambiguous).toBe(true);
    });

    it(`optimistic: TP1 first, then the stop then in force (breakeven) -> PARTIAL_TP 0.5R (${direction})`, () => {
      const { outcome: o } = runOne(path([lowNearOpen]), { direction }, { policy: 'optimistic' });
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      expect(o.events.map((e) => [e.kind, e.ambiguous])).toEqual([
        ['FILL', false],
        ['TP1', true],
        ['BREAKEVEN_STOP', true],
      ]);
      expect(o.ambiguousCandles).toBe(1);
    });

    it(`optimistic without breakeven: TP1, then the original stop -> 0R (${direction})`, () => {
      const { outcome: o } = runOne(
        path([highNearOpen]),
        { direction },
        { policy: 'optimistic', breakevenAfterTp1: false },
      );
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0, 12);
    });

    it(`ohlc_path follows the open: high nearer -> TP1 then breakeven; low nearer -> stop (${direction})`, () => {
      const high = runOne(path([highNearOpen]), { direction }, { policy: 'ohlc_path' }).outcome;
      expect(high.type).toBe('PARTIAL_TP');
      expect(high.rMultiple).toBeCloseTo(0.5, 12);
      expect(high.ambiguous).toBe(true);
      const low = runOne(path([lowNearOpen]), { direction }, { policy: 'ohlc_path' }).outcome;
      expect(low.type).toBe('SL_HIT');
      expect(low.rMultiple).toBeCloseTo(-1, 12);
      expect(low.ambiguous).toBe(true);
    });
  }

  it('a candle reaching TP1 and the breakeven level (not the stop): the three policies differ over the path', () => {
    // candle 0: TP1 105 and back to 99.5 (below the breakeven stop 100, above the stop 95)
    //   pessimistic: TP1, then the breakeven stop -> closed, 0.5R
    //   optimistic: the low came first (stop still 95), then TP1; close 104 is above 100 -> still open
    //   ohlc_path: open 104 is nearer the high -> TP1 -> low 99.5 -> breakeven stop, 0.5R
    // candle 1 then runs to TP3 for whoever is still open: optimistic 0.5 + 0.6 + 0.6 = 1.7R
    const path: Ohlc[] = [
      [104, 106, 99.5, 104],
      [104, 116, 103, 115],
    ];
    const pessimistic = runOne(path, {}, { policy: 'pessimistic' });
    expect(pessimistic.at).toBe(0);
    expect(pessimistic.outcome.rMultiple).toBeCloseTo(0.5, 12);
    expect(pessimistic.outcome.ambiguous).toBe(true);
    const optimistic = runOne(path, {}, { policy: 'optimistic' });
    expect(optimistic.at).toBe(1);
    expect(optimistic.outcome.type).toBe('TP_HIT');
    expect(optimistic.outcome.rMultiple).toBeCloseTo(1.7, 12);
    expect(optimistic.outcome.ambiguousCandles).toBe(1);
    const lowFirst: Ohlc[] = [[101, 106, 99.5, 104], path[1]];
    const pathLow = runOne(lowFirst, {}, { policy: 'ohlc_path' });
    expect(pathLow.outcome.rMultiple).toBeCloseTo(1.7, 12);
    const pathHigh = runOne(path, {}, { policy: 'ohlc_path' });
    expect(pathHigh.at).toBe(0);
    expect(pathHigh.outcome.rMultiple).toBeCloseTo(0.5, 12);
  });

  it('a limit filled inside a candle that also reaches TP1: pessimistic takes no target, optimistic takes it', () => {
    // open 103 above the BUY limit 100; the candle reaches 106 and 99.8 and closes at 104:
    //   pessimistic: 106 came before the fill -> filled, no target; candle 1 hits the stop -> −1R
    //   optimistic: fill, then TP1 (stop -> 100); candle 1 takes the rest at breakeven -> 0.5R
    //   ohlc_path: 3 to the high, 3.2 to the low -> 106 first (not filled yet), 99.8 fills, close 104 < TP1 -> −1R
    const path: Ohlc[] = [
      [103, 106, 99.8, 104],
      [104, 104.5, 94, 95],
    ];
    const spec: SignalSpec = { entryType: 'FIBONACCI_618' };
    for (const [policy, r] of [
      ['pessimistic', -1],
      ['optimistic', 0.5],
      ['ohlc_path', -1],
    ] as const) {
      const o = runOne(path, spec, { policy }).outcome;
      expect(o.rMultiple).toBeCloseTo(r, 12);
      expect(o.ambiguousCandles).toBe(1);
      expect(o.events[0]).toMatchObject({ kind: 'FILL', ambiguous: true, time: T0 + MIN });
    }
  });

  it('the stop moved by TP1 on an optimistic candle is hit when the close is beyond it', () => {
    // low 99.5 may have come before TP1, but the close 99.8 surely came after it
    const { outcome: o } = runOne([[101, 106, 99.5, 99.8]], {}, { policy: 'optimistic' });
    expect(o.type).toBe('PARTIAL_TP');
    expect(o.rMultiple).toBeCloseTo(0.5, 12);
  });

  it('a gap through the stop exits at the stop price (no gap slippage model)', () => {
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o } = runOne(
        [
          [100, 101, 99, 100],
          [90, 91, 88, 89],
        ],
        {},
        { policy },
      );
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.maeR).toBeCloseTo(-1, 12);
    }
  });
});

describe('OutcomeTracker: properties on random candle paths', () => {
  it('without an ambiguous candle the three policies agree exactly', () => {
    let compared = 0;
    fc.assert(
      fc.property(candlePath, setup, (steps, s) => {
        const runs = (['pessimistic', 'optimistic', 'ohlc_path'] as const).map((policy) => {
          const { bars, signal, config } = scenario(steps, s);
          const tracker = new OutcomeTracker(testOutcomeConfig({ ...config, policy }));
          tracker.track(signal);
          const closed = feed(tracker, bars).map(({ outcome, at }) => ({ ...outcome, policy: null, at }));
          return { closed, open: tracker.open() };
        });
        const flagged = runs.some(
          (r) => r.closed.some((c) => c.ambiguous) || r.open.some((o) => o.ambiguousCandles > 0),
        );
        if (flagged) return;
        compared++;
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[2]).toEqual(runs[0]);
      }),
      { numRuns: PROPERTY_RUNS / 2 },
    );
    expect(compared).toBeGreaterThan(100);
  });
});
