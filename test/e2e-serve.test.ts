import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Signal } from '../src/core/signals/types.js';
import { type BacktestResult, runBacktest } from '../src/runtime/backtest/backtest.js';
import { BUSY_ENGINE, writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, writeCandlesCsv } from './support/real-data.js';
import { replayArgs, startServe, waitFor } from './support/serve.js';

interface Status {
  source: { state: string };
  pipeline: { candles: number };
}

/**
 * The first 50,000 real BTCUSDT 1m candles (about 35 days), written as a file named so the replay
 * infers the symbol: long enough for the busy engine's signals and outcomes, short enough to replay
 * three times (two serve runs and the crash's restart) in a few seconds each.
 */
const CANDLES = 50_000;
const filter = {
  symbols: ['BTCUSDT'],
  strategies: ['breakout', 'mean_reversion', 'momentum'],
  minConfidence: 0.65,
};
const matches = (s: Signal) =>
  filter.symbols.includes(s.symbol) &&
  filter.strategies.includes(s.strategy) &&
  s.confidence >= filter.minConfidence;

describe.skipIf(!hasRealData)('serve with a replay of real BTCUSDT 1m at maximum speed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-e2e-data-'));
  let file = '';
  /** The in-process backtest of the same file: what every serve run must end with. */
  let bt: BacktestResult;

  beforeAll(async () => {
    file = writeCandlesCsv(
      join(dir, 'binance_BTCUSDT_1m.csv'),
      loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, CANDLES),
    );
    const engine = ConfigSchema.parse({ engine: BUSY_ENGINE }).engine;
    bt = await runBacktest({
      engine,
      inputs: await describeInputs([file]),
      metrics: { bootstrapSamples: 0 },
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers over WebSocket and lists over REST exactly the signals the backtest produces for the filter', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ap-e2e-')), 'e2e.db');
    const svc = await startServe(
      replayArgs(writeBusyConfig(dirname(db)), file, db, ['--start-delay', '2500']),
    );
    try {
      const received: Signal[] = [];
      const ws = new WebSocket(`${svc.url.replace('http', 'ws')}/ws`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const subscribed = new Promise<void>((resolve) => {
        ws.on('message', (raw) => {
          const m = JSON.parse(String(raw)) as { type: string; signal?: Signal };
          if (m.type === 'subscribed') resolve();
          if (m.type === 'signal.created' && m.signal) received.push(m.signal);
        });
      });
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals'], filter }));
      await subscribed;
      await waitFor<Status>(`${svc.url}/api/v1/status`, (s) => s.source.state === 'finished');
      ws.close();

      const expected = bt.signals
        .map((s) => s.signal)
        .filter(matches)
        .map((s) => s.id);
      expect(expected.length).toBeGreaterThan(3);
      expect(received.map((s) => s.id)).toEqual(expected);

      // the REST list, walked page by page, holds the same signals
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({
          symbol: 'BTCUSDT',
          minConfidence: '0.65',
          limit: '7',
          ...(cursor ? { cursor } : {}),
        });
        const res = await fetch(`${svc.url}/api/v1/signals?${q}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { items: Signal[]; nextCursor: string | null };
        listed.push(...page.items.filter((s) => filter.strategies.includes(s.strategy)).map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect([...listed].sort()).toEqual([...expected].sort());
    } finally {
      await svc.stop();
    }
  });

  it('killed with SIGKILL mid-replay and started again, ends with the same signals as an uninterrupted run', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ap-crash-')), 'crash.db');
    const args = replayArgs(writeBusyConfig(dirname(db)), file, db);
    const first = await startServe(args);
    await waitFor<Status>(`${first.url}/api/v1/status`, (s) => s.pipeline.candles > 15_000);
    await first.stop('SIGKILL');
    const count = () => {
      const d = new Database(db, { readonly: true });
      try {
        return (d.prepare('SELECT COUNT(*) AS n FROM candles').get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    const midway = count();
    expect(midway).toBeGreaterThan(15_000);
    expect(midway).toBeLessThan(CANDLES);

    const second = await startServe(args);
    try {
      await waitFor<Status>(`${second.url}/api/v1/status`, (s) => s.source.state === 'finished');
    } finally {
      await second.stop();
    }
    expect(count()).toBe(CANDLES);
    const d = new Database(db, { readonly: true });
    const ids = (d.prepare('SELECT id FROM signals ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    d.close();
    expect(bt.signals.length).toBeGreaterThan(10);
    expect(ids).toEqual(bt.signals.map((s) => s.signal.id).sort());
  });
});
