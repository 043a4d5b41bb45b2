import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Signal } from '../src/core/signals/types.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { hasRealData, realDataPath } from './support/real-data.js';

const config = ConfigSchema.parse({ symbols: ['BTCUSDT'] });

function stores() {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-live-')), 'live.db'));
  return { db, candles: new SqliteCandleStore(db), signals: new SqliteSignalStore(db) };
}

describe.skipIf(!hasRealData)('LiveRuntime replaying real BTCUSDT 1m', () => {
  it('stores and publishes exactly the signals the backtest of the same candles produces', async () => {
    const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1m_20240726-20240825.csv.gz')]);
    const { db, candles, signals } = stores();
    const source = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    const runtime = new LiveRuntime({ config, source, candles, signals });
    const published: Signal[] = [];
    const updates: string[] = [];
    runtime.bus.on('signal.created', (e) => published.push(e.signal));
    runtime.bus.on('signal.updated', (e) => updates.push(`${e.signal.id}:${e.previous}->${e.signal.status}`));
    await runtime.start(['BTCUSDT']);
    await source.finished();
    expect(source.state()).toBe('finished');

    const backtest = await runBacktest({ engine: config.engine, inputs, metrics: { bootstrapSamples: 0 } });
    const expected = backtest.signals.map((s) => s.signal.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(published.map((s) => s.id)).toEqual(expected);
    expect(published).toEqual(backtest.signals.map((s) => s.signal));
    expect(signals.countSignals()).toBe(expected.length);
    expect(await candles.countCandles({ exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' })).toBe(
      43_209,
    );
    // every final status stored is the one the backtest's outcome implies
    for (const s of backtest.signals) {
      const stored = signals.getSignal(s.signal.id);
      expect(stored?.outcome?.type ?? null, s.signal.id).toBe(s.outcome?.type ?? null);
    }
    expect(updates.length).toBeGreaterThan(0);
    const st = runtime.status();
    expect(st.source.label).toBe('REPLAY');
    expect(st.pipeline.candles).toBe(43_209);
    expect(st.symbols[0].timeframes.map((t) => t.timeframe)).toContain('4h');
    expect(runtime.ready().ok).toBe(true);
    await runtime.stop();
    db.close();
  });

  it('recovers after a stop mid-replay: a restart ends with the same signals as one uninterrupted run', async () => {
    const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1m_20240726-20240825.csv.gz')]);
    const { db, candles, signals } = stores();
    // first run: stop after about half of the candles
    const first = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    const r1 = new LiveRuntime({ config, source: first, candles, signals });
    let n = 0;
    const halfway = new Promise<void>((resolve) => {
      r1.bus.on('candle.closed', (e) => {
        if (e.timeframe === '1m' && ++n === 20_000) resolve();
      });
    });
    await r1.start(['BTCUSDT']);
    await halfway;
    await r1.stop();
    const storedMidway = await candles.countCandles({
      exchange: 'replay',
      symbol: 'BTCUSDT',
      timeframe: '1m',
    });
    expect(storedMidway).toBeGreaterThanOrEqual(20_000);
    expect(storedMidway).toBeLessThan(43_209);
    const lastBeforeRestart =
      (await candles.lastOpenTime({ exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' })) ?? 0;
    // second run on the same store: recovery, then the rest of the replay
    const second = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    const r2 = new LiveRuntime({ config, source: second, candles, signals });
    const republished: string[] = [];
    r2.bus.on('signal.created', (e) => republished.push(e.signal.id));
    await r2.start(['BTCUSDT']);
    await second.finished();
    const backtest = await runBacktest({ engine: config.engine, inputs, metrics: { bootstrapSamples: 0 } });
    const ids = (db.prepare('SELECT id FROM signals ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(backtest.signals.map((s) => s.signal.id).sort());
    // and each with the same final outcome
    for (const s of backtest.signals)
      expect(signals.getSignal(s.signal.id)?.outcome?.type ?? null).toBe(s.outcome?.type ?? null);
    // what the restart publishes is exactly what came after the last candle stored before it
    const afterRestart = backtest.signals
      .map((x) => x.signal)
      .filter((x) => x.createdAt > lastBeforeRestart + 60_000)
      .map((x) => x.id);
    expect(republished).toEqual(afterRestart);
    expect(await candles.countCandles({ exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' })).toBe(
      43_209,
    );
    await r2.stop();
    db.close();
  });
});
