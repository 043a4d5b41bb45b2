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
import { eventKey } from '../src/runtime/bus/event-transport.js';
import { type AnnouncedEvent, LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, writeCandlesCsv } from './support/real-data.js';

/**
 * What a worker taking a shard over can offer the event stream again: recovery remakes every
 * event the live run announced, with the same keys, so the stream's dedup keys drop those that
 * went out and send the ones the dead worker stored but never sent.
 */
describe.skipIf(!hasRealData)('LiveRuntime recovery offers what a live run announced', () => {
  it('remakes the announced events with the keys they were published under', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-offer-'));
    const file = join(dir, 'binance_BTCUSDT_1m.csv');
    const candles = loadRealCandles('binance_BTCUSDT_1m_20240726-20240825.csv.gz').slice(0, 9000);
    writeCandlesCsv(file, candles);
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], engine: BUSY_ENGINE });
    const db = openSqlite(join(dir, 'live.db'));
    const open = () => ({ candles: new SqliteCandleStore(db), signals: new SqliteSignalStore(db) });
    const inputs = await describeInputs([file]);

    const live = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    const first = new LiveRuntime({ config, source: live, ...open() });
    const announced: string[] = [];
    for (const topic of ['signal.created', 'signal.updated', 'outcome.closed'] as const)
      first.bus.on(topic, (e) => announced.push(eventKey(e)));
    await first.start(['BTCUSDT']);
    await live.finished();
    await first.stop();

    const offered: AnnouncedEvent[] = [];
    const again = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    const second = new LiveRuntime({ config, source: again, ...open(), onRecovered: (e) => offered.push(e) });
    const published: string[] = [];
    second.bus.on('signal.created', (e) => published.push(e.signal.id));
    await second.start(['BTCUSDT']);
    await again.finished();
    await second.stop();
    db.close();

    const keys = offered
      .filter(
        (e) => e.type === 'signal.created' || e.type === 'signal.updated' || e.type === 'outcome.closed',
      )
      .map((e) => eventKey(e));
    expect(announced.filter((k) => k.startsWith('created:')).length).toBeGreaterThan(0);
    expect(announced.length).toBeGreaterThan(1);
    expect(keys).toEqual(announced);
    // recovery itself publishes nothing on the bus
    expect(published).toEqual([]);
    // the aggregated candles are offered too (the base candle is announced by the runtime, not the pipeline)
    expect(offered.filter((e) => e.type === 'candle.closed' && e.timeframe === '15m')).toHaveLength(
      candles.length / 15,
    );
  }, 120_000);
});
