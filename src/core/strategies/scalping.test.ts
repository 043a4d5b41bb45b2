import { describe, expect, it } from 'vitest';
import { instantiate, mirror, runStrategy, SeriesBuilder } from '../../../test/support/strategy-series.js';
import { scalping } from './scalping.js';

/**
 * 15m candles: 120 candles sliding 0.02 a candle from 102 (EMA 9 under EMA 21 all along,
 * the second UTC day's VWAP near 99.85), then a rally of +0.30 a candle.
 */
function slideThenRally(): { b: SeriesBuilder; rallyStart: number } {
  const b = new SeriesBuilder('15m', 102, 100, 0.05);
  b.path(120, (i) => 102 - 0.02 * (i + 1));
  const rallyStart = b.length;
  b.path(10, () => b.last + 0.3);
  return { b, rallyStart };
}

describe('scalping', () => {
  it('declares itself: lowest signal timeframe only', () => {
    const s = scalping;
    expect(s.name).toBe('scalping');
    expect(s.timeframes).toBe('lowest');
    expect(s.warmup).toBe(22);
    expect(s.needs).toContain('vwap');
    expect([s.kind, s.regime]).toEqual(['scalp', 'trending']);
  });

  it('BUY on the candle EMA 9 crosses above EMA 21 with the close above VWAP, once', () => {
    const { b, rallyStart } = slideThenRally();
    const crosses: number[] = [];
    const hits = runStrategy(instantiate(scalping), b.candles, '15m', (s, i) => {
      if (s.prevEma9 <= s.prevEma21 && s.ema9 > s.ema21) crosses.push(i);
    });
    expect(crosses).toEqual([rallyStart + 2]);
    expect(hits.map((h) => h.index)).toEqual([rallyStart + 2]);
    const c = hits[0].candidate;
    expect(c.strategy).toBe('scalping');
    expect(c.direction).toBe('BUY');
    expect(c.reasons).toEqual([
      'Scalping BUY: EMA 9 crossed above EMA 21 (99.96 > 99.90), close 100.50 above VWAP 99.87',
      'RSI 78.9, volume 1.0x average',
      'Tight stop: 1 ATR',
    ]);
    expect(c.stopAtr).toBe(1);
    expect(c.baseConfidence).toBeGreaterThanOrEqual(0.4);
    expect(c.baseConfidence).toBeLessThanOrEqual(0.8);
  });

  it('SELL on the mirrored series', () => {
    const { b, rallyStart } = slideThenRally();
    const hits = runStrategy(instantiate(scalping), mirror(b.candles, 100), '15m');
    expect(hits.map((h) => [h.index, h.candidate.direction])).toEqual([[rallyStart + 2, 'SELL']]);
    expect(hits[0].candidate.reasons[0]).toBe(
      'Scalping SELL: EMA 9 crossed below EMA 21 (100.04 < 100.10), close 99.50 below VWAP 100.13',
    );
  });

  it('the stop distance comes from the config', () => {
    const { b } = slideThenRally();
    const [hit] = runStrategy(instantiate(scalping, { stopAtr: 0.75 }), b.candles, '15m');
    expect(hit.candidate.stopAtr).toBe(0.75);
    expect(hit.candidate.reasons).toContain('Tight stop: 0.75 ATR');
  });

  it('no BUY when the cross happens below VWAP', () => {
    const b = new SeriesBuilder('15m', 100, 100, 0.05);
    b.path(96, (i) => 100 - 0.01 * i);
    // the second day trades high first (VWAP near 104), drops to 98 and rebounds slowly
    b.path(20, () => 104);
    b.path(20, (i) => 104 - 0.3 * (i + 1));
    const reboundStart = b.length;
    b.path(16, () => b.last + 0.2);
    const crossesBelowVwap: number[] = [];
    const hits = runStrategy(instantiate(scalping), b.candles, '15m', (s, i) => {
      if (i >= reboundStart && s.prevEma9 <= s.prevEma21 && s.ema9 > s.ema21) {
        expect(s.close).toBeLessThan(s.vwap);
        crossesBelowVwap.push(i);
      }
    });
    expect(crossesBelowVwap).toHaveLength(1);
    expect(hits.filter((h) => h.index >= reboundStart)).toEqual([]);
  });

  it('nothing while EMA 9 stays on one side of EMA 21', () => {
    const b = new SeriesBuilder('15m', 102, 100, 0.05).path(300, (i) => 102 - 0.02 * (i + 1));
    expect(runStrategy(instantiate(scalping), b.candles, '15m')).toEqual([]);
  });
});
