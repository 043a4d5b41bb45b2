import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import type { Candle } from './candle.js';
import { CandleValidationError, checkCandle, findGaps, SeriesChecker } from './validation.js';

const T = Date.UTC(2025, 0, 1);
const good: Candle = { openTime: T, open: 10, high: 12, low: 9, close: 11, volume: 5 };

describe('checkCandle', () => {
  it('accepts a valid candle, including zero volume', () => {
    expect(checkCandle(good, '1m')).toBeNull();
    expect(checkCandle({ ...good, volume: 0 }, '1m')).toBeNull();
  });

  const cases: [string, Partial<Candle>, string, RegExp][] = [
    ['zero price', { open: 0 }, 'open', /open 0 is not a positive price/],
    ['negative price', { low: -1 }, 'low', /low -1 is not a positive price/],
    ['NaN price', { close: Number.NaN }, 'close', /close NaN is not a finite number/],
    ['infinite price', { high: Number.POSITIVE_INFINITY }, 'high', /high Infinity is not a finite number/],
    ['negative volume', { volume: -0.5 }, 'volume', /volume -0.5 is negative/],
    ['NaN volume', { volume: Number.NaN }, 'volume', /volume NaN is not a finite number/],
    ['high below body', { high: 10.5 }, 'high', /high 10.5 is below max\(open, close\) 11/],
    ['low above body', { low: 10.5 }, 'low', /low 10.5 is above min\(open, close\) 10/],
    ['misaligned time', { openTime: T + 30_000 }, 'open_time', /is not aligned to the 1m timeframe/],
    ['fractional time', { openTime: T + 0.5 }, 'open_time', /not an integer millisecond timestamp/],
  ];
  for (const [name, patch, field, message] of cases) {
    it(`rejects ${name}, naming the field and value`, () => {
      const p = checkCandle({ ...good, ...patch }, '1m', { source: 'x.csv', line: 7 });
      expect(p?.field).toBe(field);
      expect(p?.message).toMatch(message);
      if (p) expect(new CandleValidationError(p).message).toMatch(/^x\.csv:7: /);
    });
  }
});

describe('SeriesChecker', () => {
  it('merges identical duplicates, rejects conflicting ones and out-of-order rows, records gaps', () => {
    const s = new SeriesChecker('1m');
    expect(s.check(good)).toEqual({ kind: 'accept', zeroVolume: false });
    expect(s.check({ ...good })).toEqual({ kind: 'duplicate' });
    const conflict = s.check({ ...good, close: 11.5 }, 3);
    expect(conflict.kind === 'reject' && conflict.problem.message).toMatch(
      /appears twice with different values/,
    );
    expect(s.check({ ...good, openTime: T + 3 * 60_000, volume: 0 })).toEqual({
      kind: 'accept',
      zeroVolume: true,
    });
    const back = s.check({ ...good, openTime: T + 60_000 });
    expect(back.kind === 'reject' && back.problem.reason).toBe('out_of_order');
    expect(s.gaps).toEqual([{ after: T, before: T + 3 * 60_000, missing: 2 }]);
    expect(s.zeroVolume).toBe(1);
    expect(s.duplicates).toBe(1);
  });
});

describe.skipIf(!hasRealData)('validation on real candles', () => {
  it('finds the 28 gaps (128 missing hours) and 4 zero-volume candles of BTC 1h, and nothing wrong', () => {
    const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
    const s = new SeriesChecker('1h');
    // expect() only for a candle that is not accepted: 75k expect() calls cost seconds
    for (const c of candles) {
      const kind = s.check(c).kind;
      if (kind !== 'accept') expect(kind, `candle ${c.openTime}`).toBe('accept');
    }
    expect(s.gaps).toHaveLength(28);
    expect(s.gaps.reduce((a, g) => a + g.missing, 0)).toBe(128);
    expect(s.zeroVolume).toBe(4);
    expect(
      findGaps(
        candles.map((c) => c.openTime),
        '1h',
      ),
    ).toEqual(s.gaps);
    expect(s.gaps[0]).toEqual({
      after: Date.UTC(2017, 8, 6, 16),
      before: Date.UTC(2017, 8, 6, 23),
      missing: 6,
    });
  });
});
