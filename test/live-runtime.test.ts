import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import type { CandleHandler, MarketSource, SourceState } from '../src/adapters/market/source.js';
import type { SeriesCandle } from '../src/adapters/store/ports.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import type { Signal } from '../src/core/signals/types.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], engine: BUSY_ENGINE });

function stores() {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-live-')), 'live.db'));
  return { db, candles: new SqliteCandleStore(db), signals: new SqliteSignalStore(db) };
}

describe.skipIf(!hasRealData)('LiveRuntime replaying real BTCUSDT 1m', () => {
  // the backtest both tests compare with: the same candles and engine, so run once for the file
  let backtestRun: ReturnType<typeof runBacktest> | undefined;
  const sharedBacktest = () => {
    backtestRun ??= describeInputs([realDataPath('binance_BTCUSDT_1m_20240726-20240825.csv.gz')]).then(
      (inputs) => runBacktest({ engine: config.engine, inputs, metrics: { bootstrapSamples: 0 } }),
    );
    return backtestRun;
  };
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

    const backtest = await sharedBacktest();
    const expected = backtest.signals.map((s) => s.signal.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(published.map((s) => s.id)).toEqual(expected);
    // the same signals; only the runtime stamps a processing time (the backtest leaves it null)
    for (const s of published) expect(s.processingMs).toBeGreaterThanOrEqual(0);
    expect(published.map((s) => ({ ...s, processingMs: null }))).toEqual(
      backtest.signals.map((s) => s.signal),
    );
    expect(await signals.countSignals()).toBe(expected.length);
    expect(await candles.countCandles({ exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' })).toBe(
      43_209,
    );
    // every final status stored is the one the backtest's outcome implies
    for (const s of backtest.signals) {
      const stored = await signals.getSignal(s.signal.id);
      expect(stored?.outcome?.type ?? null, s.signal.id).toBe(s.outcome?.type ?? null);
    }
    expect(updates.length).toBeGreaterThan(0);
    const st = runtime.status();
    expect(st.source.label).toBe('REPLAY');
    expect(st.pipeline.candles).toBe(43_209);
    expect(st.symbols[0].timeframes.map((t) => t.timeframe)).toContain('4h');
    expect((await runtime.ready()).ok).toBe(true);
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
    const backtest = await sharedBacktest();
    const ids = (db.prepare('SELECT id FROM signals ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(backtest.signals.map((s) => s.signal.id).sort());
    // and each with the same final outcome
    for (const s of backtest.signals)
      expect((await signals.getSignal(s.signal.id))?.outcome?.type ?? null).toBe(s.outcome?.type ?? null);
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

/** Delivers candles of one symbol in order; a candle whose handler fails is offered again, as the exchange source does. */
class RetryingSource implements MarketSource {
  readonly kind = 'scripted';
  readonly label = 'REPLAY' as const;
  readonly timeframe = '1m' as const;
  failures = 0;
  private run: Promise<void> | null = null;

  constructor(
    private readonly symbol: string,
    private readonly candles: readonly Candle[],
  ) {}

  async tickSize(): Promise<number | null> {
    return null;
  }

  state(): SourceState {
    return this.run ? 'live' : 'idle';
  }
  describe(): string {
    return `${this.candles.length} candles of ${this.symbol}`;
  }
  async history(): Promise<Candle[]> {
    return [];
  }
  async start(_after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    this.run = (async () => {
      for (const c of this.candles) {
        for (;;) {
          try {
            await onCandle(this.symbol, c);
            break;
          } catch {
            this.failures++;
          }
        }
      }
    })();
  }
  async addSymbol(): Promise<void> {}
  removeSymbol(): void {}
  async stop(): Promise<void> {}
  finished(): Promise<void> {
    return this.run ?? Promise.resolve();
  }
}

/** The real SQLite store, failing once (a full disk, a lock held too long) on the first commit that creates a signal. */
class StoreFailingOnce extends SqliteSignalStore {
  failed: SeriesCandle | null = null;
  override async commit(candle: SeriesCandle | null, events: readonly PipelineEvent[]): Promise<void> {
    if (!this.failed && candle && events.some((e) => e.type === 'signal.created')) {
      this.failed = candle;
      throw new Error('disk I/O error');
    }
    return super.commit(candle, events);
  }
}

describe.skipIf(!hasRealData)('LiveRuntime when the store fails to take a candle', () => {
  it('stores and publishes it when the source offers it again: nothing lost, nothing twice', async () => {
    const btc = loadRealCandles('binance_BTCUSDT_1m_20240726-20240825.csv.gz');
    const { db, candles } = stores();
    const signals = new StoreFailingOnce(db);
    const source = new RetryingSource('BTCUSDT', btc);
    const runtime = new LiveRuntime({ config, source, candles, signals });
    const published: number[] = [];
    const created: string[] = [];
    runtime.bus.on('candle.closed', (e) => {
      if (e.timeframe === '1m') published.push(e.candle.openTime);
    });
    runtime.bus.on('signal.created', (e) => created.push(e.signal.id));
    await runtime.start(['BTCUSDT']);
    await source.finished();
    expect(source.failures).toBe(1);
    expect(signals.failed).not.toBeNull();
    expect(published).toEqual(btc.map((c) => c.openTime));
    const key = { exchange: 'scripted', symbol: 'BTCUSDT', timeframe: '1m' } as const;
    expect(await candles.countCandles(key)).toBe(btc.length);
    expect(runtime.status().pipeline.candles).toBe(btc.length);
    // the store and the bus hold exactly what an uninterrupted backtest of the same candles creates
    const backtest = await runBacktest({
      engine: config.engine,
      inputs: [{ path: 'memory', symbol: 'BTCUSDT', timeframe: '1m' }],
      feed: [btc.map((candle) => ({ symbol: 'BTCUSDT', candle }))],
      metrics: { bootstrapSamples: 0 },
    });
    const ids = backtest.signals.map((s) => s.signal.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(created).toEqual(ids);
    const stored = (db.prepare('SELECT id FROM signals ORDER BY id').all() as { id: string }[]).map(
      (r) => r.id,
    );
    expect(stored).toEqual([...ids].sort());
    await runtime.stop();
    db.close();
  });
});
