import { describe, expect, it } from 'vitest';
import { instantiate, mirror, runStrategy, SeriesBuilder } from '../../../test/support/strategy-series.js';
import { defaultParams } from './definition.js';
import { meanReversion } from './mean-reversion.js';

const defaults = defaultParams(meanReversion.params);

/**
 * 120 candles of a ±1 sideways market around 100 (ADX about 15, swing lows at 98.90), a dip
 * through the lower Bollinger band, the candle closing back inside it, then the range again.
 */
function rangeWithDip(dip: readonly number[]): { b: SeriesBuilder; dipStart: number } {
  const b = new SeriesBuilder('1h', 100);
  b.range(120, 100, 1.0, 12);
  const dipStart = b.length;
  for (const p of dip) b.bar(p);
  b.range(30, 100, 1.0, 12);
  return { b, dipStart };
}

/** Down to RSI 28.6 with a close below the band, then a close back inside it at 98.30. */
const DEEP_DIP = [99.0, 98.0, 97.2, 98.3, 99.0];
/** Down to RSI 32.8 (not oversold) with a close below the band, back inside at 98.90, on the old swing lows. */
const SHALLOW_DIP = [99.3, 98.5, 98.0, 98.9, 99.5];

describe('mean reversion', () => {
  it('declares itself', () => {
    const s = meanReversion;
    expect(s.name).toBe('mean_reversion');
    expect(s.timeframes).toBe('all');
    expect(s.warmup).toBe(28);
    expect([s.kind, s.regime]).toEqual(['reversion', 'ranging']);
  });

  it('BUY when an oversold dip in a range turns up and closes back inside the lower band', () => {
    const { b, dipStart } = rangeWithDip(DEEP_DIP);
    const hits = runStrategy(instantiate(meanReversion), b.candles, '1h');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].index).toBe(dipStart + 3);
    const c = hits[0].candidate;
    expect(c.strategy).toBe('mean_reversion');
    expect(c.direction).toBe('BUY');
    expect(c.reasons).toEqual([
      'Mean reversion BUY: RSI 40.8 turned up from 28.6 (oversold ≤ 30)',
      'The close 98.30 back inside the lower Bollinger band 97.53 after a close 97.20 below it (97.66)',
      'Ranging market: ADX 19.4 < 22',
    ]);
    expect(c.baseConfidence).toBeGreaterThanOrEqual(0.4);
    expect(c.baseConfidence).toBeLessThanOrEqual(0.8);
  });

  it('SELL on the mirrored series (overbought spike back inside the upper band)', () => {
    const { b, dipStart } = rangeWithDip(DEEP_DIP);
    const hits = runStrategy(instantiate(meanReversion), mirror(b.candles, 100), '1h');
    expect(hits[0].index).toBe(dipStart + 3);
    const c = hits[0].candidate;
    expect(c.direction).toBe('SELL');
    expect(c.reasons[0]).toBe('Mean reversion SELL: RSI 59.2 turned down from 71.4 (overbought ≥ 70)');
    expect(c.reasons[1]).toBe(
      'The close 101.70 back inside the upper Bollinger band 102.47 after a close 102.80 above it (102.34)',
    );
  });

  it('a Bollinger re-entry alone, on the old swing lows: support named and the engulfing candle confirms', () => {
    const { b, dipStart } = rangeWithDip(SHALLOW_DIP);
    const hits = runStrategy(instantiate(meanReversion), b.candles, '1h');
    expect(hits[0].index).toBe(dipStart + 3);
    const c = hits[0].candidate;
    expect(c.direction).toBe('BUY');
    expect(c.reasons[0]).toBe(
      'Mean reversion BUY: close 98.90 back inside the lower Bollinger band 97.96 after a close 98.00 below it (98.02)',
    );
    expect(c.reasons).toContain('Low 97.90 tested support 98.90 (9 touches)');
    expect(c.level).toMatchObject({ kind: 'support', touches: 9 });
    expect(c.level?.price).toBeCloseTo(98.9, 9);
    expect(c.confirmations).toEqual(['engulfing +80 at support 98.90']);
  });

  it('nothing while the market is only ranging', () => {
    const b = new SeriesBuilder('1h', 100).range(300, 100, 1.0, 12);
    expect(runStrategy(instantiate(meanReversion), b.candles, '1h')).toEqual([]);
  });

  it('nothing in a trending market, although RSI is oversold and price rides the lower band', () => {
    const b = new SeriesBuilder('1h', 100).range(60, 100, 0.5, 12);
    const trendStart = b.length;
    let p = b.last;
    for (let i = 0; i < 120; i++) {
      p += i % 3 === 2 ? 0.3 : -1.0;
      b.bar(p);
    }
    let oversold = 0;
    let belowBand = 0;
    const hits = runStrategy(instantiate(meanReversion), b.candles, '1h', (s, i) => {
      if (i < trendStart) return;
      if (s.rsi <= defaults.rsiOversold) oversold++;
      if (s.close < s.bbLower) belowBand++;
      if (i >= trendStart + 3) expect(s.adx).toBeGreaterThanOrEqual(defaults.maxAdx);
    });
    expect(oversold).toBeGreaterThan(50);
    expect(belowBand).toBeGreaterThan(0);
    expect(hits.filter((h) => h.index >= trendStart)).toEqual([]);
    // the RSI turns every third candle would be trades without the regime filter
    const unfiltered = runStrategy(instantiate(meanReversion, { maxAdx: 100 }), b.candles, '1h');
    expect(unfiltered.filter((h) => h.index >= trendStart).length).toBeGreaterThan(10);
  });

  it('maxAdx gates the regime: the same dip under a stricter ceiling is no trade', () => {
    const { b } = rangeWithDip(DEEP_DIP);
    expect(runStrategy(instantiate(meanReversion, { maxAdx: 12 }), b.candles, '1h')).toEqual([]);
  });

  it('an RSI recovering candle after candle below oversold fires on the first up-tick only', () => {
    const b = new SeriesBuilder('1h', 100).range(120, 100, 1.0, 12);
    const start = b.length;
    // a slide into oversold, then a slow recovery whose RSI stays under 30 for a few candles
    for (const p of [99.2, 98.4, 97.6, 96.8, 96.0, 95.2, 95.25, 95.3, 95.35]) b.bar(p, { wick: 0.05 });
    // the slide lifts ADX to 28: this test is about the RSI rule, so the regime is let through
    const hits = runStrategy(instantiate(meanReversion, { maxAdx: 50 }), b.candles, '1h');
    const rsiTurns = hits.filter(
      (h) => h.index >= start && h.candidate.reasons.some((r) => r.includes('turned up')),
    );
    expect(rsiTurns.map((h) => [h.index - start, h.candidate.direction])).toEqual([[6, 'BUY']]);
    expect(rsiTurns[0].candidate.reasons[0]).toBe(
      'Mean reversion BUY: RSI 20.8 turned up from 20.1 (oversold ≤ 30)',
    );
  });
});
