import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteAuditStore } from '../src/adapters/store/sqlite-audit-store.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { adminKeyId } from '../src/api/plugins/auth.js';
import { type Config, ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import { type Timeframe, timeframeMs } from '../src/core/candles/timeframe.js';
import { netROf } from '../src/core/outcomes/trade-record.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import type { Signal } from '../src/core/signals/types.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

const ADMIN_KEY = 'operator-test-key-0123456789abcdef';
const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';
const SYMBOL = 'BTCUSDT';
const MIN = 60_000;
const HOUR = 60 * MIN;

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse): Json => JSON.parse(r.body) as Json;

interface CandidateView {
  id: string;
  verdict: string;
  rejection: { reason: string; detail: string } | null;
  plan: { entryPrice: number; stopLoss: number } | null;
  signal: (Signal & { breakdown: { votes: unknown[] } }) | null;
  filters: { name: string; passed: boolean; detail: string | null }[];
}

/**
 * A close of a signal timeframe of real BTCUSDT where the pipeline filtered a candidate with
 * prices (and made a signal, when such a close exists), with a signal ACTIVE and one PENDING
 * right after it: the replay ends there, so the operators' routes have each kind to act on.
 */
function chooseEnd(
  candles: readonly Candle[],
  engine: Config['engine'],
  tick: number | null,
): { end: number; tf: Timeframe } {
  const p = new SignalPipeline(engine);
  if (tick) p.setTickSize(SYMBOL, tick);
  let fallback: { end: number; tf: Timeframe } | null = null;
  for (const c of candles) {
    const events: PipelineEvent[] = [];
    p.process(SYMBOL, c, (e) => events.push(e));
    const close = c.openTime + MIN;
    if (close < candles[0].openTime + 7 * 24 * HOUR) continue;
    const live = p.liveSignals(SYMBOL);
    if (!live.some((s) => s.status === 'ACTIVE') || !live.some((s) => s.status === 'PENDING')) continue;
    for (const tf of ['15m', '1h', '4h'] as const) {
      if (close % timeframeMs(tf) !== 0) continue;
      const rejected = events.some(
        (e) => e.type === 'signal.rejected' && e.candidate.timeframe === tf && e.candidate.signal !== null,
      );
      const created = events.some((e) => e.type === 'signal.created' && e.signal.timeframe === tf);
      if (rejected && created) return { end: close, tf };
      if (rejected) fallback ??= { end: close, tf };
    }
  }
  if (fallback) return fallback;
  throw new Error('no suitable close in the data');
}

describe.skipIf(!hasRealData)('operators on real BTCUSDT replayed through the live runtime', () => {
  let dir: string;
  let dbPath: string;
  let db: SqliteDatabase;
  let signals: SqliteSignalStore;
  let audit: SqliteAuditStore;
  let runtime: LiveRuntime;
  let app: FastifyInstance;
  let config: Config;
  let end: number;
  let tf: Timeframe;
  let inputPath: string;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const post = (url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    app.inject({ method: 'POST', url, payload: payload as Json, headers });
  const get = (url: string, headers: Record<string, string> = admin) =>
    app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    config = ConfigSchema.parse({ symbols: [SYMBOL], api: { adminKeys: [ADMIN_KEY] }, engine: BUSY_ENGINE });
    const all = loadRealCandles(FILE).slice(0, 20 * 1440);
    const [described] = await describeInputs([realDataPath(FILE)]);
    ({ end, tf } = chooseEnd(all, config.engine, described.tickSize ?? null));
    // the replay's file: the real candles up to that close
    dir = mkdtempSync(join(tmpdir(), 'ap-operator-'));
    inputPath = join(dir, 'binance_BTCUSDT_1m_cut.csv');
    const rows = all.filter((c) => c.openTime + MIN <= end);
    const decimals = (x: number) => String(x);
    writeFileSync(
      inputPath,
      `open_time,open,high,low,close,volume\n${rows.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume].map(decimals).join(',')).join('\n')}\n`,
    );
    dbPath = join(dir, 'operator.db');
    db = openSqlite(dbPath);
    signals = new SqliteSignalStore(db);
    audit = new SqliteAuditStore(db);
    const source = new ReplaySource({
      inputs: await describeInputs([inputPath]),
      timeframe: '1m',
      speed: 'max',
    });
    runtime = new LiveRuntime({ config, source, candles: new SqliteCandleStore(db), signals, audit });
    app = await buildApp({ runtime, signals, candles: new SqliteCandleStore(db), config, audit });
    await app.ready();
    await runtime.start([SYMBOL]);
    await source.finished();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await runtime?.stop();
    if (db?.open) db.close();
  });

  const storedOn = (closeTime: number) => {
    const created = (
      db.prepare('SELECT id FROM signals WHERE timeframe = ? AND created_at = ?').all(tf, closeTime) as {
        id: string;
      }[]
    ).map((r) => r.id);
    const rejected = (
      db.prepare('SELECT id, body FROM rejected_candidates WHERE created_at = ?').all(closeTime) as {
        id: string;
        body: string;
      }[]
    )
      .map((r) => ({
        id: r.id,
        ...(JSON.parse(r.body) as {
          timeframe: string;
          reason: string;
          detail: string;
          signal: Signal | null;
        }),
      }))
      .filter((r) => r.timeframe === tf);
    return { created, rejected };
  };

  it('POST /evaluate returns every candidate as the pipeline made it on that candle, and stores nothing', async () => {
    const countBefore = await signals.countSignals();
    const r = await post('/api/v1/evaluate', { symbol: SYMBOL, timeframe: tf });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r) as {
      candle: { closeTime: number };
      fresh: boolean;
      candidates: CandidateView[];
      created: string[];
    };
    expect(body.candle.closeTime).toBe(end);
    expect(body.fresh).toBe(true);
    expect(body.created).toEqual([]);
    const stored = storedOn(end);
    expect(stored.created.length + stored.rejected.length).toBeGreaterThan(0);
    expect(body.candidates.map((k) => k.id).sort()).toEqual(
      [...stored.created, ...stored.rejected.map((x) => x.id)].sort(),
    );
    for (const k of body.candidates) {
      const rejected = stored.rejected.find((x) => x.id === k.id);
      if (rejected) {
        expect(k.verdict).toBe('rejected');
        expect(k.rejection).toEqual({ reason: rejected.reason, detail: rejected.detail });
        expect(k.signal?.entryPrice).toBe(rejected.signal?.entryPrice);
        expect(k.signal?.stopLoss).toBe(rejected.signal?.stopLoss);
        expect(k.signal?.takeProfits).toEqual(rejected.signal?.takeProfits);
      } else {
        expect(k.verdict).toBe('created');
        const s = (await signals.getSignal(k.id))?.signal;
        expect(k.signal?.entryPrice).toBe(s?.entryPrice);
        expect(k.signal?.stopLoss).toBe(s?.stopLoss);
        expect(k.signal?.takeProfits).toEqual(s?.takeProfits);
        expect(k.signal?.confidence).toBe(s?.confidence);
        expect(k.plan?.entryPrice).toBe(s?.entryPrice);
      }
      if (k.signal) {
        // every filter's verdict, not only the first failing one; votes and entry analysis in full
        expect(k.filters.map((f) => f.name)).toEqual(config.engine.filters);
        expect(k.signal.breakdown.votes.length).toBeGreaterThan(0);
        expect(k.signal.entryAnalysis.considered.length).toBeGreaterThan(0);
      }
    }
    expect(await signals.countSignals()).toBe(countBefore);
    // publishing on a fresh candle finds its signals made already: dedup by id, nothing new
    const again = await post('/api/v1/evaluate', { symbol: SYMBOL, timeframe: tf, publish: true });
    expect(again.statusCode, again.body).toBe(200);
    expect((json(again) as { created: string[] }).created).toEqual([]);
    expect(await signals.countSignals()).toBe(countBefore);
    const rows = await audit.list({ action: 'evaluate.run' }, { limit: 10 });
    expect(rows.items).toHaveLength(2);
    expect(rows.items[0].actor).toBe(adminKeyId(ADMIN_KEY));
    expect(rows.items[0].target).toBe(`${SYMBOL} ${tf}`);
  });

  it('POST /evaluate names what is wrong', async () => {
    const cases: [unknown, number, RegExp][] = [
      [
        { symbol: SYMBOL, timeframe: '1m' },
        400,
        /1m is not a signal timeframe; the signal timeframes are 15m, 1h, 4h/,
      ],
      [{ symbol: SYMBOL, timeframe: '2x' }, 400, /body\/timeframe/],
      [{ timeframe: tf }, 400, /body\/symbol is required/],
      [{ symbol: SYMBOL, timeframe: tf, publish: 'yes' }, 400, /body\/publish/],
      [{ symbol: SYMBOL, timeframe: tf, extra: 1 }, 400, /extra is not a known field/],
      [{ symbol: 'XRPUSDT', timeframe: tf }, 404, /XRPUSDT is not watched/],
    ];
    for (const [payload, status, message] of cases) {
      const r = await post('/api/v1/evaluate', payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
      expect(json(r).message).toMatch(message);
    }
    expect((await post('/api/v1/evaluate', { symbol: SYMBOL, timeframe: tf }, {})).statusCode).toBe(401);
  });

  it('POST /signals/{id}/close ends an ACTIVE signal with MANUAL_EXIT: stored, on the WebSocket, in the metrics after costs', async () => {
    const active = runtime.liveSignals().find((s) => s.status === 'ACTIVE');
    expect(active).toBeDefined();
    if (!active) return;
    const tradesBefore = (json(await get('/api/v1/performance')) as { trades: number }).trades;
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const ws = new WebSocket(`${address.replace('http', 'ws')}/ws`);
    const received: Json[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Json;
        received.push(m);
        if (m.type === 'subscribed') resolve();
      });
      ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals', 'outcomes'] })));
    });

    const r = await post(`/api/v1/signals/${active.id}/close`, { reason: 'news: exchange halt' });
    expect(r.statusCode, r.body).toBe(200);
    const { signal, outcome } = json(r) as { signal: Signal; outcome: Outcome };
    expect(signal.status).toBe('CLOSED');
    expect(signal.statusReason).toMatch(/^MANUAL_EXIT: closed by key:[0-9a-f]{12}: news: exchange halt$/);
    expect(outcome.type).toBe('MANUAL_EXIT');
    expect(outcome.filled).toBe(true);
    // at the last price: the close of the last base candle
    const lastClose = loadRealCandles(FILE).find((c) => c.openTime + MIN === end)?.close;
    expect(outcome.events.at(-1)).toMatchObject({ kind: 'MANUAL_EXIT', price: lastClose, time: end });

    for (let i = 0; i < 100 && !received.some((m) => m.type === 'outcome.closed'); i++)
      await new Promise((res) => setTimeout(res, 10));
    ws.terminate();
    const wsOutcome = received.find((m) => m.type === 'outcome.closed') as { outcome: Outcome } | undefined;
    expect(wsOutcome?.outcome.type).toBe('MANUAL_EXIT');
    expect(wsOutcome?.outcome.signalId).toBe(active.id);
    expect(received.some((m) => m.type === 'signal.updated')).toBe(true);

    const stored = await signals.getSignal(active.id);
    expect(stored?.signal.status).toBe('CLOSED');
    expect(stored?.outcome?.type).toBe('MANUAL_EXIT');
    const trade = (await signals.liveTrades()).find((t) => t.signal.id === active.id);
    expect(trade).toBeDefined();
    // counted as a trade after costs: net R below gross R by the round trip
    if (trade) expect(netROf(trade.outcome)).toBeLessThan(trade.outcome.rMultiple);
    expect((json(await get('/api/v1/performance')) as { trades: number }).trades).toBe(tradesBefore + 1);

    const row = (await audit.list({ action: 'signal.closed' }, { limit: 5 })).items[0];
    expect(row.target).toBe(active.id);
    expect(row.actor).toBe(adminKeyId(ADMIN_KEY));
    expect(JSON.parse(row.before ?? 'null')).toEqual({ status: 'ACTIVE' });
    expect(JSON.parse(row.after ?? 'null')).toMatchObject({
      status: 'CLOSED',
      reason: 'news: exchange halt',
    });
    expect(`${row.before}${row.after}${row.actor}`).not.toContain(ADMIN_KEY);
  });

  it('POST /signals/{id}/cancel withdraws a PENDING signal; wrong status is 409, unknown id 404, no reason 400', async () => {
    const pending = runtime.liveSignals().find((s) => s.status === 'PENDING');
    expect(pending).toBeDefined();
    if (!pending) return;
    const wrong = await post(`/api/v1/signals/${pending.id}/close`, { reason: 'x' });
    expect(wrong.statusCode).toBe(409);
    expect(json(wrong).message).toMatch(/is PENDING: only a ACTIVE signal can be closed; cancel it instead/);
    const r = await post(`/api/v1/signals/${pending.id}/cancel`, { reason: 'setup gone' });
    expect(r.statusCode, r.body).toBe(200);
    const { signal, outcome } = json(r) as { signal: Signal; outcome: Outcome };
    expect(signal.status).toBe('CANCELLED');
    expect(outcome).toMatchObject({ type: 'CANCELLED', filled: false, rMultiple: 0 });
    expect((await signals.getSignal(pending.id))?.signal.status).toBe('CANCELLED');

    const twice = await post(`/api/v1/signals/${pending.id}/cancel`, {});
    expect(twice.statusCode).toBe(409);
    expect(json(twice).message).toMatch(/is CANCELLED \(CANCELLED\): only a PENDING signal can be cancelled/);
    const unknown = await post('/api/v1/signals/NOPE-1h-momentum-BUY-20240101T0000Z/close', { reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).message).toMatch(/no signal with id "NOPE/);
    const noReason = await post(`/api/v1/signals/${pending.id}/close`, {});
    expect(noReason.statusCode).toBe(400);
    expect(json(noReason).message).toMatch(/body\/reason is required/);
    expect((await post(`/api/v1/signals/${pending.id}/cancel`, {}, {})).statusCode).toBe(401);
    // the refused attempts are audited as admin requests with their status
    const refused = (await audit.list({ action: 'admin.request' }, { limit: 20 })).items.map((x) =>
      JSON.parse(x.after ?? '{}'),
    );
    expect(refused.map((x: { statusCode: number }) => x.statusCode)).toEqual(
      expect.arrayContaining([409, 404, 400]),
    );
  });

  it('GET /api/v1/audit filters and pages; the chain verifies until a row is altered with raw SQL', async () => {
    const all = json(await get('/api/v1/audit?limit=500')) as { items: { seq: number; action: string }[] };
    const actions = new Set(all.items.map((x) => x.action));
    for (const a of ['evaluate.run', 'signal.closed', 'signal.cancelled', 'admin.request'])
      expect(actions).toContain(a);
    const page1 = json(await get(`/api/v1/audit?actor=${adminKeyId(ADMIN_KEY)}&limit=2`)) as {
      items: { seq: number; actor: string }[];
      nextCursor: string;
    };
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((x) => x.actor === adminKeyId(ADMIN_KEY))).toBe(true);
    const page2 = json(
      await get(`/api/v1/audit?actor=${adminKeyId(ADMIN_KEY)}&limit=2&cursor=${page1.nextCursor}`),
    ) as {
      items: { seq: number }[];
    };
    expect(page2.items[0].seq).toBeLessThan(page1.items[1].seq);
    const closed = json(await get('/api/v1/audit?action=signal.closed')) as {
      items: { after: { outcome: { type: string } } }[];
    };
    expect(closed.items[0].after.outcome.type).toBe('MANUAL_EXIT');
    expect((await get('/api/v1/audit?since=2000-01-02&until=2000-01-01')).statusCode).toBe(400);
    expect((await get('/api/v1/audit?bogus=1')).statusCode).toBe(400);
    expect((await get('/api/v1/audit', {})).statusCode).toBe(401);

    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('a restart recovers the operators’ actions: the closed and cancelled signals stay so, and stay out of the live book', async () => {
    const [closedRow] = (await audit.list({ action: 'signal.closed' }, { limit: 1 })).items;
    const [cancelledRow] = (await audit.list({ action: 'signal.cancelled' }, { limit: 1 })).items;
    const before = await signals.getSignal(closedRow.target);
    // a fresh runtime on the same database: recovery replays the stored candles
    const source = new ReplaySource({
      inputs: await describeInputs([inputPath]),
      timeframe: '1m',
      speed: 'max',
    });
    const again = new LiveRuntime({ config, source, candles: new SqliteCandleStore(db), signals, audit });
    await again.start([SYMBOL]);
    await source.finished();
    const ids = again.liveSignals().map((s) => s.id);
    expect(ids).not.toContain(closedRow.target);
    expect(ids).not.toContain(cancelledRow.target);
    expect(await signals.getSignal(closedRow.target)).toEqual(before);
    expect((await signals.getSignal(cancelledRow.target))?.signal.status).toBe('CANCELLED');
    await again.stop();
  });

  it('audit verification fails after a row is altered with raw SQL, naming the row', async () => {
    const [row] = (await audit.list({ action: 'signal.closed' }, { limit: 1 })).items;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = ?").run(row.seq);
    const v = await audit.verify();
    expect(v).toMatchObject({ ok: false, badSeq: row.seq });
    if (!v.ok)
      expect(v.problem).toMatch(new RegExp(`row ${row.seq} \\(signal\\.closed on .*\\) was altered`));
  });
});
