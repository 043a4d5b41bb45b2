import { describe, expect, it } from 'vitest';
import {
  alignTime,
  closeTime,
  divides,
  isAligned,
  parseTimeframe,
  TIMEFRAMES,
  timeframeMs,
} from './timeframe.js';

describe('Timeframe', () => {
  it('parses every Binance interval we support and rejects others with the valid list', () => {
    for (const tf of TIMEFRAMES) expect(parseTimeframe(tf)).toBe(tf);
    expect(() => parseTimeframe('2m')).toThrow(/unknown timeframe "2m"; valid timeframes are 1m, 3m, 5m/);
    expect(() => parseTimeframe('1M')).toThrow(/unknown timeframe/);
  });

  it('aligns to UTC epoch boundaries like Binance', () => {
    const t = Date.UTC(2025, 4, 20, 13, 47, 31, 123);
    expect(alignTime('1m', t)).toBe(Date.UTC(2025, 4, 20, 13, 47));
    expect(alignTime('15m', t)).toBe(Date.UTC(2025, 4, 20, 13, 45));
    expect(alignTime('4h', t)).toBe(Date.UTC(2025, 4, 20, 12));
    expect(alignTime('1d', t)).toBe(Date.UTC(2025, 4, 20));
    // Binance 3d candles count from the epoch: 2025-05-18 is day 20226, a multiple of 3
    expect(alignTime('3d', t)).toBe(Date.UTC(2025, 4, 18));
  });

  it('starts weeks on Monday 00:00 UTC', () => {
    // 2025-05-20 was a Tuesday
    expect(alignTime('1w', Date.UTC(2025, 4, 20, 10))).toBe(Date.UTC(2025, 4, 19));
    expect(alignTime('1w', Date.UTC(2025, 4, 19))).toBe(Date.UTC(2025, 4, 19));
    expect(alignTime('1w', Date.UTC(2025, 4, 18, 23, 59))).toBe(Date.UTC(2025, 4, 12));
    expect(new Date(alignTime('1w', 0)).getUTCDay()).toBe(1);
  });

  it('knows closes, alignment and which timeframes nest', () => {
    expect(closeTime('1h', 0)).toBe(3_600_000);
    expect(isAligned('5m', 300_000)).toBe(true);
    expect(isAligned('5m', 360_000)).toBe(false);
    expect(timeframeMs('1w')).toBe(604_800_000);
    expect(divides('1m', '1h')).toBe(true);
    expect(divides('5m', '3m')).toBe(false);
    expect(divides('1h', '1h')).toBe(false);
    expect(divides('1d', '1w')).toBe(true);
    expect(divides('3d', '1w')).toBe(false);
  });
});
