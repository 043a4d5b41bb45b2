import { describe, expect, it } from 'vitest';
import type { SliceState } from '../src/core/learn/slice-states.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

describe.skipIf(!hasRealData)('publication by slice state on a month of real BTCUSDT 1m', () => {
  it('publishes the signals of validated slices only, and live outcomes move the states with events', () => {
    const engine = EngineConfig.parse({
      ...BUSY_ENGINE,
      publication: {
        states: { 'breakout:15m': 'validated' },
        unlisted: 'disabled',
        window: 10,
        minTrades: 5,
      },
    });
    const pipeline = new SignalPipeline(engine);
    const events: PipelineEvent[] = [];
    for (const c of loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, 45 * 1440)) {
      pipeline.process('BTCUSDT', c, (e) => events.push(e));
    }
    // replay the state changes: every signal is published exactly when its slice was validated then
    const state = new Map<string, SliceState>([['breakout:15m', 'validated']]);
    let created = 0;
    let published = 0;
    for (const e of events) {
      if (e.type === 'slice.state_changed') {
        expect(state.get(e.change.slice) ?? 'disabled').toBe(e.change.from);
        state.set(e.change.slice, e.change.to);
        expect(e.change.reason.length).toBeGreaterThan(0);
      } else if (e.type === 'signal.created') {
        created++;
        const slice = `${e.signal.strategy}:${e.signal.timeframe}`;
        expect(e.signal.published, e.signal.id).toBe((state.get(slice) ?? 'disabled') === 'validated');
        if (e.signal.published) published++;
      } else if (e.type === 'signal.rejected' && e.candidate.signal) {
        expect(e.candidate.signal.published).toBe(
          (state.get(`${e.candidate.strategy}:${e.candidate.timeframe}`) ?? 'disabled') === 'validated',
        );
      }
    }
    expect(events.some((e) => e.type === 'slice.state_changed')).toBe(true);
    expect(created).toBeGreaterThan(published);
    expect(published).toBeGreaterThan(0);
    expect(pipeline.sliceStates()).toEqual(Object.fromEntries([...state].sort()));
  });
});
