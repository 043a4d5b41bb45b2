import { describe, expect, it } from 'vitest';
import { instantiate, mirror, runStrategy, SeriesBuilder } from '../../../test/support/strategy-series.js';
import { momentum } from './momentum.js';

/**
 * 150 candles of a ±0.5 sideways market around 100, then a trend that climbs +1.0 / −0.6
 * candle after candle: RSI stays in 55-70 (inside the BUY band), ADX climbs through 20 on
 * the trend's third candle while the setup's other conditions hold every other candle.
 */
function rangeThenTrend(trendCandles = 40): { b: SeriesBuilder; trendStart: number } {
  const b = new SeriesBuilder('1h', 100);
  b.range(150, 100, 0.5, 12);
  const trendStart = b.length;
  let p = b.last;
  for (let i = 0; i < trendCandles; i++) {
    p += i % 2 === 0 ? 1.0 : -0.6;
    b.bar(p);
  }
  return { b, trendStart };
}

describe('momentum', () => {
  it('declares itself', () => {
    const m = momentum;
    expect(m.name).toBe('momentum');
    expect(m.timeframes).toBe('all');
    expect(m.warmup).toBe(50);
    expect(m.needs).toContain('macdHist');
    expect([m.kind, m.regime]).toEqual(['trend', 'trending']);
  });

  it('BUY once when a range turns into a trend, on the candle ADX reaches minAdx', () => {
    const { b, trendStart } = rangeThenTrend();
    const hits = runStrategy(instantiate(momentum), b.candles, '1h');
    expect(hits).toHaveLength(1);
    const [{ index, candidate }] = hits;
    // ADX crosses 20 on the third trend candle, an up candle: the setup's last condition
    expect(index).toBe(trendStart + 2);
    expect(candidate.strategy).toBe('momentum');
    expect(candidate.direction).toBe('BUY');
    expect(candidate.reasons[0]).toBe(
      'Momentum BUY: EMA 9 > EMA 21 > EMA 50 (100.69 > 100.37 > 100.17), close 101.65 above EMA 21',
    );
    expect(candidate.reasons[1]).toBe('RSI 67.3 rising from 57.1 (BUY band 50-72)');
    expect(candidate.reasons[2]).toMatch(/^MACD histogram 0\.\d+ rising from 0\.\d+$/);
    expect(candidate.reasons[3]).toBe('ADX 20.3 ≥ 20 with +DI 28.9 > -DI 10.5');
    expect(candidate.baseConfidence).toBeGreaterThanOrEqual(0.4);
    expect(candidate.baseConfidence).toBeLessThanOrEqual(0.8);
    expect(candidate.stopAtr).toBeUndefined();
  });

  it('SELL once on the mirrored series', () => {
    const { b, trendStart } = rangeThenTrend();
    const hits = runStrategy(instantiate(momentum), mirror(b.candles, 100), '1h');
    expect(hits).toHaveLength(1);
    expect(hits[0].index).toBe(trendStart + 2);
    expect(hits[0].candidate.direction).toBe('SELL');
    expect(hits[0].candidate.reasons[0]).toMatch(/^Momentum SELL: EMA 9 < EMA 21 < EMA 50 \(/);
    expect(hits[0].candidate.reasons[1]).toBe('RSI 32.7 falling from 42.9 (SELL band 28-50)');
    expect(hits[0].candidate.reasons[3]).toBe('ADX 20.3 ≥ 20 with -DI 28.9 > +DI 10.5');
  });

  it('a pullback that breaks the trend structure re-arms it: the continuation fires again', () => {
    const { b, trendStart } = rangeThenTrend(30);
    const pullbackStart = b.length;
    b.path(6, () => b.last - 0.6);
    const resumeStart = b.length;
    let p = b.last;
    for (let i = 0; i < 30; i++) {
      p += i % 2 === 0 ? 1.0 : -0.6;
      b.bar(p);
    }
    const hits = runStrategy(instantiate(momentum), b.candles, '1h');
    expect(hits.map((h) => h.candidate.direction)).toEqual(['BUY', 'BUY']);
    expect(hits[0].index).toBe(trendStart + 2);
    expect(hits[1].index).toBeGreaterThanOrEqual(resumeStart);
    expect(hits[1].index).toBeLessThan(resumeStart + 12);
    expect(hits.every((h) => h.index < pullbackStart || h.index >= resumeStart)).toBe(true);
  });

  it('an incomplete candle does not fire; the next complete candle where the setup holds does', () => {
    const { b, trendStart } = rangeThenTrend();
    const candles = b.candles.map((c, i) => (i === trendStart + 2 ? { ...c, complete: false } : c));
    const hits = runStrategy(instantiate(momentum), candles, '1h');
    expect(hits).toHaveLength(1);
    // the setup holds on every up candle of the trend: the next one is two candles later
    expect(hits[0].index).toBe(trendStart + 4);
  });

  it('nothing in a sideways market', () => {
    const b = new SeriesBuilder('1h', 100).range(400, 100, 0.5, 12);
    expect(runStrategy(instantiate(momentum), b.candles, '1h')).toEqual([]);
  });

  it('nothing on a dead flat price (indicators degenerate, no trend)', () => {
    const b = new SeriesBuilder('1h', 100).path(300, () => 100);
    expect(runStrategy(instantiate(momentum), b.candles, '1h')).toEqual([]);
  });

  it('no BUY in an overbought sprint: RSI above rsiCeiling before ADX confirms', () => {
    const b = new SeriesBuilder('1h', 100).range(150, 100, 0.5, 12);
    b.path(40, () => b.last + 1);
    const hits = runStrategy(instantiate(momentum), b.candles, '1h');
    expect(hits).toEqual([]);
    // with a higher ceiling the same sprint is a trend to follow
    const loose = runStrategy(instantiate(momentum, { rsiCeiling: 100 }), b.candles, '1h');
    expect(loose.map((h) => h.candidate.direction)).toEqual(['BUY']);
  });

  it('minAdx gates the trend strength', () => {
    const { b } = rangeThenTrend();
    expect(runStrategy(instantiate(momentum, { minAdx: 90 }), b.candles, '1h')).toEqual([]);
  });

  it('waits for its warm-up: a trend from the first candle fires only once EMA 50 exists', () => {
    const b = new SeriesBuilder('1h', 100);
    let p = 100;
    for (let i = 0; i < 120; i++) {
      p += i % 2 === 0 ? 1.0 : -0.6;
      b.bar(p);
    }
    const hits = runStrategy(instantiate(momentum), b.candles, '1h');
    expect(hits).toHaveLength(1);
    expect(hits[0].index).toBeGreaterThanOrEqual(momentum.warmup - 1);
  });
});
