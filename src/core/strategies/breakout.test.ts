import { describe, expect, it } from 'vitest';
import {
  type BarShape,
  instantiate,
  mirror,
  runStrategy,
  SeriesBuilder,
} from '../../../test/support/strategy-series.js';
import { breakout } from './breakout.js';

/** A zig-zag between 100 and 104, 16 candles per cycle: six swing highs at 104.10, six swing lows at 99.90. */
const zigzag = (i: number): number => {
  const k = i % 16;
  return k <= 8 ? 100 + 0.5 * k : 104 - 0.5 * (k - 8);
};

/**
 * Six cycles of the range, the climb back to 103, then a candle closing at 105.50 above the
 * resistance with `shape` (3x volume by default), then five more candles drifting up on volume.
 */
function rangeThenBreakout(shape: BarShape = { volume: 300 }): { b: SeriesBuilder; at: number } {
  const b = new SeriesBuilder('1h', 100);
  b.path(16 * 6 + 7, zigzag);
  const at = b.length;
  b.bar(105.5, shape);
  b.path(5, (i) => 105.5 + 0.3 * i, { volume: 300 });
  return { b, at };
}

describe('breakout', () => {
  it('declares itself', () => {
    const s = breakout;
    expect(s.name).toBe('breakout');
    expect(s.timeframes).toBe('all');
    expect(s.warmup).toBe(21);
    expect(s.needs).toContain('volumeRatio');
    expect([s.kind, s.regime]).toEqual(['breakout', 'trending']);
  });

  it('BUY on the high-volume close above a resistance touched six times, and only there', () => {
    const { b, at } = rangeThenBreakout();
    const hits = runStrategy(instantiate(breakout), b.candles, '1h');
    expect(hits.map((h) => h.index)).toEqual([at]);
    const c = hits[0].candidate;
    expect(c.strategy).toBe('breakout');
    expect(c.direction).toBe('BUY');
    expect(c.reasons).toEqual([
      'Breakout BUY: close 105.50 broke resistance 104.10 (6 touches), volume 3.0x average',
      'Previous close 103.00 was below the resistance',
      'The close is also above the 20-candle high 104.10',
    ]);
    expect(c.level?.kind).toBe('resistance');
    expect(c.level?.touches).toBe(6);
    expect(c.level?.price).toBeCloseTo(104.1, 9);
    expect(c.baseConfidence).toBeGreaterThan(0.6);
    expect(c.baseConfidence).toBeLessThanOrEqual(0.8);
  });

  it('SELL on the mirrored series: a high-volume close below support', () => {
    const { b, at } = rangeThenBreakout();
    const hits = runStrategy(instantiate(breakout), mirror(b.candles, 100), '1h');
    expect(hits.map((h) => h.index)).toEqual([at]);
    const c = hits[0].candidate;
    expect(c.direction).toBe('SELL');
    expect(c.reasons[0]).toBe(
      'Breakout SELL: close 94.50 broke support 95.90 (6 touches), volume 3.0x average',
    );
    expect(c.reasons[1]).toBe('Previous close 97.00 was above the support');
    expect(c.level?.kind).toBe('support');
  });

  it('no breakout without volume', () => {
    const { b } = rangeThenBreakout({ volume: 100 });
    const quiet = b.candles.map((c) => ({ ...c, volume: 100 }));
    expect(runStrategy(instantiate(breakout), quiet, '1h')).toEqual([]);
    // 1.4x is below the default 1.5x minimum; a lower minimum lets it through
    const { b: b14, at } = rangeThenBreakout({ volume: 140 });
    expect(runStrategy(instantiate(breakout), b14.candles, '1h')).toEqual([]);
    const loose = runStrategy(instantiate(breakout, { minVolumeRatio: 1.2 }), b14.candles, '1h');
    expect(loose.map((h) => h.index)).toEqual([at]);
  });

  it('no breakout on an incomplete candle', () => {
    const { b, at } = rangeThenBreakout({ volume: 300, complete: false });
    expect(b.candles[at].complete).toBe(false);
    expect(runStrategy(instantiate(breakout), b.candles, '1h')).toEqual([]);
  });

  it('the Donchian channel alone: a level with too few touches does not count, the 20-candle high does', () => {
    const { b, at } = rangeThenBreakout();
    const hits = runStrategy(instantiate(breakout, { minTouches: 7 }), b.candles, '1h');
    expect(hits.map((h) => h.index)).toEqual([at]);
    const c = hits[0].candidate;
    expect(c.reasons).toEqual([
      'Breakout BUY: close 105.50 above the 20-candle high 104.10, volume 3.0x average',
    ]);
    expect(c.level).toEqual({ price: 104.1, touches: 1, kind: 'resistance' });
  });

  it('a run of closes beyond the channel with a short pause is one breakout', () => {
    const { b, at } = rangeThenBreakout();
    // pause 2 candles inside the new channel, then new highs on volume again
    b.bar(105.4, { volume: 100 }).bar(105.3, { volume: 100 });
    b.path(3, (i) => 107 + i, { volume: 400 });
    const hits = runStrategy(instantiate(breakout), b.candles, '1h');
    expect(hits.map((h) => h.index)).toEqual([at]);
  });

  it('volume spikes inside the range are not breakouts', () => {
    const b = new SeriesBuilder('1h', 100);
    b.path(16 * 10, zigzag);
    const spiky = b.candles.map((c, i) => (i % 7 === 3 ? { ...c, volume: 500 } : c));
    expect(runStrategy(instantiate(breakout), spiky, '1h')).toEqual([]);
  });

  it('a marubozu breaking the level confirms it and lifts the confidence', () => {
    const plain = rangeThenBreakout();
    const solid = rangeThenBreakout({ volume: 300, open: 103, high: 105.5, low: 103 });
    const [p] = runStrategy(instantiate(breakout), plain.b.candles, '1h');
    const [m] = runStrategy(instantiate(breakout), solid.b.candles, '1h');
    expect(p.candidate.confirmations).toEqual([]);
    expect(m.candidate.confirmations).toContain('marubozu +100 at broken resistance 104.10');
    expect(m.candidate.baseConfidence).toBeGreaterThan(p.candidate.baseConfidence);
    expect(m.candidate.baseConfidence).toBeLessThanOrEqual(0.9);
  });
});
