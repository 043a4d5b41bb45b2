import { describe, expect, it } from 'vitest';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import type { Signal } from '../src/core/signals/types.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

describe('settings of one strategy on one timeframe (engine.slices)', () => {
  it('refuses a slice of an unknown family, a bad parameter and an unknown one, naming them', () => {
    const bad = (slices: unknown) => () => EngineConfig.parse({ slices });
    expect(bad({ 'grid:1h': {} })).toThrow(/slices.*grid:1h.*no strategy grid/s);
    expect(bad({ 'breakout:1h': { params: { minTouches: 0 } } })).toThrow(
      /slices.*breakout:1h.*params.*minTouches/s,
    );
    expect(bad({ 'breakout:1h': { params: { minTuches: 2 } } })).toThrow(/minTuches/);
    expect(bad({ breakout: {} })).toThrow(/strategy:timeframe/);
  });

  it.skipIf(!hasRealData)(
    'applies the slice its own parameters, stop and exit, leaving the other slices alone',
    () => {
      const engine = EngineConfig.parse({
        ...BUSY_ENGINE,
        slices: {
          'breakout:15m': {
            params: { minVolumeRatio: 1.2 },
            stopAtr: 2.5,
            exit: { style: 'trailing', trailAtr: 4 },
          },
        },
      });
      const pipeline = new SignalPipeline(engine);
      const seen: Signal[] = [];
      const sink = (e: PipelineEvent) => {
        if (e.type === 'signal.created') seen.push(e.signal);
        else if (e.type === 'signal.rejected' && e.candidate.signal) seen.push(e.candidate.signal);
      };
      for (const c of loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, 30 * 1440))
        pipeline.process('BTCUSDT', c, sink);
      const own = seen.filter((s) => s.strategy === 'breakout' && s.timeframe === '15m');
      const others = seen.filter((s) => !(s.strategy === 'breakout' && s.timeframe === '15m'));
      expect(own.length).toBeGreaterThan(0);
      expect(others.length).toBeGreaterThan(0);
      for (const s of own) {
        expect(s.exit?.style).toBe('trailing');
        // the trail is 4 ATRs, the stop at least 2.5 ATRs (stop_atr is the stop distance in ATRs)
        expect(
          (s.exit?.trailDistance ?? 0) / (Math.abs(s.entryPrice - s.stopLoss) / s.features.stop_atr),
        ).toBeCloseTo(4, 9);
        expect(s.features.stop_atr).toBeGreaterThanOrEqual(2.5 - 1e-9);
      }
      for (const s of others) expect(s.exit?.style).toBe('targets');
      // a lower volume bar lets more breakouts through than the family's 1.5 on the other timeframes
      const ratios = own.map((s) => s.reasons[0]).filter((r) => /volume 1\.[2-4]x average/.test(r));
      expect(ratios.length).toBeGreaterThan(0);
    },
  );
});
