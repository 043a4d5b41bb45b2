import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { ConfigSchema } from '../../config/schema.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { snapshotData, type TfSnapshot } from '../../core/features/snapshot.js';
import { TimeframeFeatures } from '../../core/features/timeframe-features.js';
import { EventBus } from '../bus/event-bus.js';
import { SignalCache } from './signal-cache.js';

describe.skipIf(!hasRealData)('SignalCache: the multi-timeframe context it writes', () => {
  it('writes the facts of each timeframe (patterns by name, levels held), not the live objects behind them', async () => {
    const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz').slice(0, 3000);
    const features = new TimeframeFeatures('1h');
    const bus = new EventBus();
    const cache = new SignalCache({ redis: null, config: ConfigSchema.parse({}) });
    // the last candle of the run on which a pattern fired: its names must be in the cache
    let withPattern = -1;
    for (const [i, c] of candles.entries()) {
      features.update(c);
      if (features.snapshot.patterns.size > 0) withPattern = i;
    }
    expect(withPattern).toBeGreaterThan(0);
    const fed = new TimeframeFeatures('1h');
    for (const c of candles.slice(0, withPattern + 1)) fed.update(c);
    const at = candles[withPattern];
    const context = (): Partial<Record<Timeframe, TfSnapshot>> => ({ '1h': fed.snapshot });
    const stop = cache.follow({ bus, context });
    bus.publish({
      type: 'candle.closed',
      symbol: 'BTCUSDT',
      timeframe: '1h',
      candle: { ...at, timeframe: '1h', constituents: 12, expectedConstituents: 12, complete: true },
    });
    stop();
    const cached = (await cache.context('BTCUSDT')) as {
      symbol: string;
      timeframes: Record<string, { patterns: Record<string, number>; levels: unknown[]; close: number }>;
    };
    const tf = cached.timeframes['1h'];
    expect(cached.symbol).toBe('BTCUSDT');
    expect(tf.close).toBe(at.close);
    expect(tf.patterns).toEqual(Object.fromEntries(fed.snapshot.patterns));
    expect(Object.keys(tf.patterns).length).toBeGreaterThan(0);
    expect(tf.levels).toEqual(JSON.parse(JSON.stringify(fed.snapshot.levels.levels())));
    // small: the pattern scanner's window and the level tracker's state stay out (it was ~80 KB)
    expect(JSON.stringify(cached).length).toBeLessThan(8_000);
    expect(JSON.stringify(snapshotData(fed.snapshot))).toBe(JSON.stringify(tf));
  });
});
