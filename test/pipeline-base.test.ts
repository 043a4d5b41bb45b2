import { describe, expect, it } from 'vitest';
import { Aggregator } from '../src/core/candles/aggregator.js';
import type { AggregatedCandle, Candle } from '../src/core/candles/candle.js';
import type { Timeframe } from '../src/core/candles/timeframe.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

/**
 * A base timeframe that is itself one the pipeline computes features on (here 5m, the entry
 * timeframe of 15m signals) takes the base-candle path rather than the aggregator's. Its
 * features must be what the same timeframe gets when built from 1m candles.
 */
describe.skipIf(!hasRealData)('SignalPipeline with a base timeframe that has features', () => {
  const oneMinute = hasRealData ? loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, 30 * 1440) : [];
  const fiveMinute: AggregatedCandle[] = [];
  const agg = new Aggregator('1m', ['5m'], (c) => {
    if (c.complete) fiveMinute.push(c);
  });
  for (const c of oneMinute) agg.push(c);

  const closes = (p: SignalPipeline, candles: readonly Candle[]): string[] => {
    const out: string[] = [];
    for (const c of candles)
      p.process('BTCUSDT', c, (e) => {
        if (e.type === 'candle.closed' && e.timeframe !== '5m')
          out.push(`${e.timeframe} ${e.candle.openTime} ${e.candle.close}`);
      });
    return out;
  };
  const fromOne = new SignalPipeline(EngineConfig.parse({}));
  const fromFive = new SignalPipeline(EngineConfig.parse({ baseTimeframe: '5m' }));
  const closedFromOne = hasRealData ? closes(fromOne, oneMinute) : [];
  const closedFromFive = hasRealData ? closes(fromFive, fiveMinute) : [];

  it('closes the same higher candles', () => {
    expect(fiveMinute.length).toBeGreaterThan(8000);
    expect(closedFromFive.length).toBeGreaterThan(2000);
    expect(closedFromFive).toEqual(closedFromOne);
  });

  it('ends with the same features on the base timeframe and above', () => {
    for (const tf of ['5m', '15m', '1h', '4h'] as Timeframe[]) {
      const a = fromOne.snapshot('BTCUSDT', tf);
      const b = fromFive.snapshot('BTCUSDT', tf);
      if (a === null || b === null) throw new Error(`no ${tf} snapshot`);
      expect(b.count, tf).toBeGreaterThan(0);
      for (const key of ['count', 'closeTime', 'close', 'ema21', 'atr'] as const) {
        expect(Object.is(b[key], a[key]), `${tf} ${key}: ${b[key]} vs ${a[key]}`).toBe(true);
      }
    }
  });
});
