import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { inferTickSize, roundToTick } from './tick-size.js';

const candle = (p: number) => ({ openTime: 0, open: p, high: p, low: p, close: p, volume: 1 });

describe('roundToTick', () => {
  it('rounds to the grid, nearest, down or up, and prints like the exchange', () => {
    expect(roundToTick(64123.456, 0.01)).toBe(64123.46);
    expect(roundToTick(64123.456, 0.01, 'down')).toBe(64123.45);
    expect(roundToTick(64123.451, 0.01, 'up')).toBe(64123.46);
    expect(roundToTick(0.1 * 3, 0.1)).toBe(0.3);
    expect(roundToTick(1.41536, 0.0001)).toBe(1.4154);
    expect(roundToTick(107.3, 0.5)).toBe(107.5);
    expect(roundToTick(107.3, 0.5, 'down')).toBe(107);
  });

  it('leaves a price already on the grid where it is, in every mode', () => {
    for (const mode of ['nearest', 'down', 'up'] as const) {
      expect(roundToTick(2745.31, 0.01, mode)).toBe(2745.31);
      expect(roundToTick(0.3, 0.1, mode)).toBe(0.3);
    }
  });

  it('leaves the price unchanged when the tick size is unknown', () => {
    expect(roundToTick(1.23456, Number.NaN)).toBe(1.23456);
    expect(roundToTick(1.23456, 0)).toBe(1.23456);
  });

  it('stays within one tick, on the requested side (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.constantFrom(0.01, 0.0001, 0.5, 1, 0.00001),
        (p, tick) => {
          const down = roundToTick(p, tick, 'down');
          const up = roundToTick(p, tick, 'up');
          const near = roundToTick(p, tick);
          expect(down).toBeLessThanOrEqual(p + tick * 1e-6);
          expect(up).toBeGreaterThanOrEqual(p - tick * 1e-6);
          expect(Math.abs(near - p)).toBeLessThanOrEqual(tick / 2 + tick * 1e-6);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('inferTickSize', () => {
  it('finds the finest grid every price sits on', () => {
    expect(inferTickSize([candle(64123.45), candle(64123.5)])).toBe(0.01);
    expect(inferTickSize([candle(1.4153), candle(1.42)])).toBe(0.0001);
    expect(inferTickSize([candle(28080), candle(28081)])).toBe(1);
    expect(inferTickSize([])).toBeNull();
  });

  it.skipIf(!hasRealData)('reads the real files: BTC and ETH 0.01, XRP 0.0001', () => {
    expect(inferTickSize(loadRealCandles('binance_BTCUSDT_1m.csv.gz'))).toBe(0.01);
    expect(inferTickSize(loadRealCandles('binance_ETHUSDT_1h.csv'))).toBe(0.01);
    expect(inferTickSize(loadRealCandles('binance_XRPUSDT_1h.csv'))).toBe(0.0001);
  });
});
