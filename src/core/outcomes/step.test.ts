import { describe, expect, it } from 'vitest';
import {
  both,
  candles,
  feed,
  MIN,
  makeSignal,
  runOne,
  T0,
  testOutcomeConfig,
} from '../../../test/support/outcome-paths.js';
import { OutcomeTracker } from './tracker.js';

describe('OutcomeTracker: limit entries and expiry', () => {
  for (const { direction, path } of both) {
    it(`EXPIRED when the limit is never touched, R 0 (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [103, 104, 101, 102],
          [102, 103, 100.5, 101],
          [101, 102, 100.1, 101.5],
          [101.5, 101.5, 90, 91],
        ]),
        { direction, entryType: 'FIBONACCI_618', expiresAt: T0 + 3 * MIN },
      );
      // candle 2 closes at T0 + 3m = expiresAt without a touch
      expect(at).toBe(2);
      expect(o.type).toBe('EXPIRED');
      expect(o.filled).toBe(false);
      expect(o.rMultiple).toBe(0);
      expect(o.returnPct).toBe(0);
      expect(o.fees).toBe(0);
      expect(o.exitTime).toBe(T0 + 3 * MIN);
      expect(o.timeToExitMs).toBe(3 * MIN);
      expect(o.holdingMs).toBeNull();
      expect(o.fillTime).toBeNull();
      expect(o.events.map((e) => e.kind)).toEqual(['EXPIRED']);
    });

    it(`a limit filled later, on the last candle before expiry (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [103, 104, 101, 102], // no touch
          [102, 103, 100.5, 101], // no touch
          [101, 102.5, 99.5, 101], // fills inside the range: its high may precede the fill
          [101, 106, 100.5, 105], // TP1
          [105, 105, 99, 99.5], // breakeven stop
        ]),
        { direction, entryType: 'EMA_PULLBACK', expiresAt: T0 + 3 * MIN },
      );
      expect(at).toBe(4);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.fillTime).toBe(T0 + 3 * MIN);
      expect(o.timeToFillMs).toBe(3 * MIN);
      expect(o.timeToTp1Ms).toBe(MIN);
      expect(o.holdingMs).toBe(2 * MIN);
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      // MAE: the fill candle's low 99.5 (it can only come after the fill) = −0.5 % = −0.1R.
      // MFE: the fill candle counts its close 101 but not its high 102.5; then candle 3's high 106.
      expect(o.mae).toBeCloseTo(-0.005, 12);
      expect(o.maeR).toBeCloseTo(-0.1, 12);
      expect(o.mfe).toBeCloseTo(0.06, 12);
      expect(o.ambiguous).toBe(false);
    });
  }

  it('MFE on the fill candle ignores a high that may have come before the fill', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal({ entryType: 'SUPPORT_RETEST' }));
    feed(tracker, candles([[104, 104.5, 99.8, 100.2]]));
    const closed = tracker.cancel('TEST-BUY-SUPPORT_RETEST', T0 + MIN, 100.2, 'test');
    expect(closed?.mfe).toBeCloseTo(0.002, 12);
    expect(closed?.mae).toBeCloseTo(-0.002, 12);
  });

  it('a limit candle touching the entry and the stop fills and stops out, and is not ambiguous', () => {
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o } = runOne([[102, 102, 94, 96]], { entryType: 'EMA_PULLBACK' }, { policy });
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.ambiguous).toBe(false);
      expect(o.timeToFillMs).toBe(MIN);
      expect(o.holdingMs).toBe(0);
    }
  });

  it('a limit the open gaps through fills at its own price and the whole candle follows the fill', () => {
    // open 99 is already below the BUY limit 100: the high 106 surely came after the fill, so TP1 counts
    // under every policy (no breakeven here: with it, the low below 100 would make TP1 ambiguous)
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o, at } = runOne(
        [
          [99, 106, 98.5, 104],
          [104, 104.5, 94, 95],
        ],
        { entryType: 'SUPPORT_RETEST' },
        { policy, breakevenAfterTp1: false },
      );
      expect(at).toBe(1);
      expect(o.fillPrice).toBe(100);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.timeToTp1Ms).toBe(0);
      expect(o.rMultiple).toBeCloseTo(0, 12);
      expect(o.ambiguous).toBe(false);
    }
  });

  it('ignores candles that opened before the signal existed', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal());
    // the signal's own candle (opens one minute before createdAt) reaches both the stop and TP3
    const before = candles([[100, 120, 80, 100]], T0 - MIN);
    expect(tracker.onCandle(before[0], T0)).toHaveLength(0);
    expect(tracker.open()[0].state).toBe('filled');
    expect(tracker.open()[0].targetsHit).toBe(0);
  });
});

describe('OutcomeTracker: excursions', () => {
  it('MAE/MFE for a SELL: adverse is a rise, both in fractions of entry and in R', () => {
    const { outcome: o } = runOne(
      [
        [100, 102, 98, 101], // up to 102: adverse 2 % = 0.4R; down to 98: favourable 2 %
        [101, 103.5, 97, 97.5], // adverse 3.5 % = 0.7R; favourable 3 %
        [97.5, 98, 96, 96.5],
      ],
      { direction: 'SELL' },
      { maxHoldingMs: 3 * MIN },
    );
    expect(o.type).toBe('TIME_EXIT');
    expect(o.mae).toBeCloseTo(-0.035, 12);
    expect(o.maeR).toBeCloseTo(-0.7, 12);
    expect(o.mfe).toBeCloseTo(0.04, 12);
    expect(o.mfeR).toBeCloseTo(0.8, 12);
    // exit at close 96.5: R = 3.5 / 5
    expect(o.rMultiple).toBeCloseTo(0.7, 12);
  });
});
