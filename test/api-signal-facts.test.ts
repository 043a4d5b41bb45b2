import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { type Config, ConfigSchema } from '../src/config/schema.js';
import { atLeastPriority, PRIORITY_ORDER } from '../src/core/ensemble/priority.js';
import type { Signal } from '../src/core/signals/types.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

/**
 * Issue 15 through the service: the priority filter, the per-signal facts, the hit log and the
 * monitor figures, over a month of real BTCUSDT 1m (2024-07-26..08-25, the training part)
 * replayed through the live runtime into SQLite.
 */
const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';

function config(): Config {
  return ConfigSchema.parse({ symbols: ['BTCUSDT'], engine: BUSY_ENGINE });
}

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse): Json => JSON.parse(r.body) as Json;
type Item = Signal & { outcome: { type: string } | null };

describe.skipIf(!hasRealData)('issue 15 facts through the REST API and /metrics', () => {
  let db: SqliteDatabase;
  let signals: SqliteSignalStore;
  let runtime: LiveRuntime;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });

  async function all(query: string): Promise<Item[]> {
    const out: Item[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r = await get(
        `/api/v1/signals?limit=500${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.statusCode, r.body).toBe(200);
      const page = json(r) as { items: Item[]; nextCursor: string | null };
      out.push(...page.items);
      cursor = page.nextCursor;
      if (cursor === null) return out;
    }
    throw new Error('pagination did not end');
  }

  beforeAll(async () => {
    db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-facts-')), 'facts.db'));
    const candles = new SqliteCandleStore(db);
    signals = new SqliteSignalStore(db);
    const inputs = await describeInputs([realDataPath(FILE)]);
    const source = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
    runtime = new LiveRuntime({ config: config(), source, candles, signals });
    app = await buildApp({ runtime, signals, candles, config: config() });
    await app.ready();
    await runtime.start(['BTCUSDT']);
    await source.finished();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await runtime?.stop();
    if (db?.open) db.close();
  });

  it('filters by minimum priority (NONE < LOW < MEDIUM < HIGH), exactly like the full list', async () => {
    const every = await all('');
    expect(every.length).toBeGreaterThan(20);
    for (const min of PRIORITY_ORDER) {
      const admitted = PRIORITY_ORDER.slice(PRIORITY_ORDER.indexOf(min));
      const got = await all(`minPriority=${min}`);
      expect(got.map((s) => s.id)).toEqual(
        every.filter((s) => admitted.includes(s.priority)).map((s) => s.id),
      );
    }
    expect(new Set(every.map((s) => s.priority)).size).toBeGreaterThan(1);
  });

  it('answers 400 naming minPriority for a bad value', async () => {
    const r = await get('/api/v1/signals?minPriority=URGENT');
    expect(r.statusCode).toBe(400);
    expect(json(r).message).toMatch(/querystring\/minPriority must be one of NONE, LOW, MEDIUM, HIGH/);
  });

  it('lists and details every signal with validity, risk level, entry confidence and processing time', async () => {
    const every = await all('');
    for (const s of every) {
      expect(s.entryValidMs).toBe(2 * 3_600_000);
      expect(s.expiresAt - s.createdAt).toBe(s.entryValidMs);
      expect(['low', 'medium', 'high']).toContain(s.riskLevel);
      expect(s.entryConfidence?.n).toBeGreaterThanOrEqual(0);
      // stamped by the runtime at the edge: a replay measures from the candle's arrival
      expect(s.processingMs).toBeGreaterThanOrEqual(0);
      expect(s.processingMs).toBeLessThan(60_000);
    }
    const detail = json(await get(`/api/v1/signals/${every[0].id}`)) as { signal: Signal };
    expect(detail.signal.maxHoldingMs).toBe(every[0].maxHoldingMs);
    expect(detail.signal.alignment).toBeDefined();
  });

  it('gives the hit log of a closed signal with each level event precision class', async () => {
    const closed = (await all('status=CLOSED')).find((s) => s.outcome !== null);
    expect(closed).toBeDefined();
    const r = await get(`/api/v1/signals/${closed?.id}/hits`);
    expect(r.statusCode).toBe(200);
    const log = json(r) as {
      rule: { confirm: string };
      levels: { entry: number };
      hits: { kind: string; precision: string | null }[];
    };
    expect(log.rule.confirm).toBe('touch');
    expect(log.hits[0].kind).toBe('FILL');
    const levels = log.hits.filter((h) => h.kind !== 'FILL' && h.kind !== 'TIME_EXIT');
    expect(levels.length).toBeGreaterThan(0);
    for (const h of levels) expect(h.precision).toBe('EXACT_TOUCH');
    const missing = await get('/api/v1/signals/NOPE/hits');
    expect(missing.statusCode).toBe(404);
  });

  it('applies minPriority in the WebSocket subscribe filter (snapshot of the live signals)', async () => {
    const live = runtime.liveSignals().filter((s) => s.published);
    expect(live.length).toBeGreaterThan(0);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    for (const min of PRIORITY_ORDER) {
      const ws = new WebSocket(`${address.replace('http', 'ws')}/ws`);
      const messages: { type: string; signals?: Signal[] }[] = [];
      const snapshot = new Promise<Signal[]>((resolve, reject) => {
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as { type: string; signals?: Signal[] };
          messages.push(m);
          if (m.type === 'snapshot') resolve(m.signals ?? []);
        });
        ws.once('error', reject);
      });
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals'], filter: { minPriority: min } }));
      const got = await snapshot;
      expect(got.map((s) => s.id).sort()).toEqual(
        live
          .filter((s) => atLeastPriority(s.priority, min))
          .map((s) => s.id)
          .sort(),
      );
      ws.terminate();
    }
  });

  it('reports the monitor figures on /api/v1/status and /metrics', async () => {
    const status = json(await get('/api/v1/status')) as {
      monitor: {
        signals: number;
        entryTypes: Record<string, number>;
        refinementFillRate: number | null;
        dedupRate: number | null;
        candidatesPastThresholds: number;
        duplicates: number;
      };
      cache: { hitRate: number | null };
    };
    const m = status.monitor;
    expect(m.signals).toBe(await signals.countSignals());
    expect(Object.values(m.entryTypes).reduce((a, b) => a + b, 0)).toBe(m.signals);
    expect(m.refinementFillRate).toBeGreaterThan(0);
    expect(m.candidatesPastThresholds).toBeGreaterThanOrEqual(m.signals + m.duplicates);
    expect(m.dedupRate).toBeGreaterThanOrEqual(0);
    const text = (await get('/metrics')).body;
    expect(text).toMatch(/^alphapulse_signals_by_entry_type\{entry_type="MARKET_ENTRY"\} \d+$/m);
    expect(text).toMatch(/^alphapulse_refinement_fill_ratio [\d.]+$/m);
    expect(text).toMatch(/^alphapulse_signal_confidence_mean [\d.]+$/m);
    expect(text).toMatch(/^alphapulse_signal_reward_risk_mean [\d.]+$/m);
    expect(text).toMatch(/^alphapulse_dedup_ratio [\d.]+$/m);
    expect(text).toMatch(/^alphapulse_api_cache_hit_ratio [\d.]+$/m);
  });
});
