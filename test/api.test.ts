import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeInputs, type FileInput } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { type BuildAppOptions, buildApp } from '../src/api/app.js';
import { type Config, type ConfigInput, ConfigSchema } from '../src/config/schema.js';
import { calibration, computePerformance, equityCurve } from '../src/core/metrics/index.js';
import type { TradeRecord } from '../src/core/metrics/types.js';
import { tradeOf } from '../src/core/outcomes/trade-record.js';
import type { Signal } from '../src/core/signals/types.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import type { BusTopic } from '../src/runtime/bus/event-bus.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const ALLOWED_ORIGIN = 'https://dashboard.example.com';
const FILES = ['binance_BTCUSDT_1m_20240726-20240825.csv.gz', 'binance_ETHUSDT_1m_20240726-20240825.csv.gz'];
const HOUR = 3_600_000;

function configWith(api: NonNullable<ConfigInput['api']> = {}): Config {
  return ConfigSchema.parse({ symbols: ['BTCUSDT', 'ETHUSDT'], api, engine: BUSY_ENGINE });
}

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse): Json => JSON.parse(r.body) as Json;

interface ListItem {
  id: string;
  symbol: string;
  strategy: string;
  timeframe: string;
  status: string;
  direction: string;
  confidence: number;
  createdAt: number;
  outcome: { type: string; filled: boolean } | null;
}
interface Page {
  items: ListItem[];
  nextCursor: string | null;
}

/**
 * The API over a store written by the real service path: a LiveRuntime replaying a month of
 * real BTCUSDT and ETHUSDT 1m candles (pipeline, outcome tracking, storage, bus), plus one
 * backtest run of the same data saved the way the CLI saves it.
 */
describe.skipIf(!hasRealData)(
  'REST API on a month of real BTCUSDT and ETHUSDT replayed through the live runtime',
  () => {
    let db: SqliteDatabase;
    let signals: SqliteSignalStore;
    let candles: SqliteCandleStore;
    let source: ReplaySource;
    let runtime: LiveRuntime;
    let inputs: FileInput[];
    let app: FastifyInstance;
    let backtestId: number;
    const listenersBefore = new Map<BusTopic, number>();
    const topics: BusTopic[] = [
      'signal.created',
      'signal.updated',
      'outcome.closed',
      'candle.closed',
      'status',
    ];
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };

    const build = (config: Config, extra: Partial<BuildAppOptions> = {}) =>
      buildApp({ runtime, signals, candles, config, ...extra });
    const get = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers });

    async function walk(query: string, limit: number): Promise<ListItem[]> {
      const out: ListItem[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 1000; pages++) {
        const sep = query ? '&' : '';
        const url = `/api/v1/signals?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await get(url);
        expect(r.statusCode, url).toBe(200);
        const page = json(r) as unknown as Page;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        out.push(...page.items);
        if (page.nextCursor === null) return out;
        expect(page.items.length).toBe(limit);
        cursor = page.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    beforeAll(async () => {
      db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-api-')), 'api.db'));
      candles = new SqliteCandleStore(db);
      signals = new SqliteSignalStore(db);
      inputs = await describeInputs(FILES.map(realDataPath));
      source = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
      runtime = new LiveRuntime({ config: configWith(), source, candles, signals });
      for (const t of topics) listenersBefore.set(t, runtime.bus.listenerCount(t));
      // built before the replay starts, so its metrics and cache see the bus events as they happen
      app = await build(
        configWith({
          adminKeys: [ADMIN_KEY],
          corsOrigins: [ALLOWED_ORIGIN],
          rateLimit: { max: 100_000, timeWindowMs: 60_000 },
          bodyLimitBytes: 1024,
        }),
      );
      await app.ready();
      await runtime.start(['BTCUSDT', 'ETHUSDT']);
      await source.finished();

      const btc = inputs.filter((f) => f.symbol === 'BTCUSDT');
      const first = loadRealCandles(FILES[0])[0].openTime;
      const bt = await runBacktest({
        engine: configWith().engine,
        inputs: btc,
        to: first + 14 * 24 * HOUR,
        metrics: { bootstrapSamples: 200 },
      });
      backtestId = await signals.saveBacktestRun(bt.report, bt.signals);
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await runtime?.stop();
      if (db?.open) db.close();
    });

    describe('probes', () => {
      it('GET /health is always ok', async () => {
        const r = await get('/health');
        expect(r.statusCode).toBe(200);
        expect(json(r)).toEqual({ status: 'ok' });
      });

      it('GET /ready reports the runtime checks', async () => {
        const r = await get('/ready');
        expect(r.statusCode).toBe(200);
        expect(json(r)).toEqual({ ok: true, checks: (await runtime.ready()).checks });
      });

      it('GET /ready is 503 with the failing check when the store no longer answers', async () => {
        const brokenDb = openSqlite(':memory:');
        const brokenSignals = new SqliteSignalStore(brokenDb);
        const brokenCandles = new SqliteCandleStore(brokenDb);
        const brokenSource = new ReplaySource({ inputs: [], timeframe: '1m', speed: 'max' });
        const broken = new LiveRuntime({
          config: configWith(),
          source: brokenSource,
          candles: brokenCandles,
          signals: brokenSignals,
        });
        const a = await buildApp({
          runtime: broken,
          signals: brokenSignals,
          candles: brokenCandles,
          config: configWith(),
        });
        brokenDb.close();
        const r = await a.inject('/ready');
        expect(r.statusCode).toBe(503);
        const body = json(r) as { ok: boolean; checks: Record<string, { ok: boolean; detail: string }> };
        expect(body.ok).toBe(false);
        expect(Object.values(body.checks).some((c) => !c.ok)).toBe(true);
        await a.close();
      });
    });

    describe('GET /api/v1/signals', () => {
      it('lists the stored signals newest first with their outcome', async () => {
        const r = await get('/api/v1/signals');
        expect(r.statusCode).toBe(200);
        const page = json(r) as unknown as Page;
        const total = await signals.countSignals();
        expect(total).toBeGreaterThan(20);
        expect(page.items.length).toBe(Math.min(50, total));
        for (let i = 1; i < page.items.length; i++) {
          const a = page.items[i - 1];
          const b = page.items[i];
          expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
        }
        const withOutcome = page.items.find((s) => s.outcome !== null);
        expect(withOutcome?.outcome?.type).toBe(
          (await signals.getSignal(withOutcome?.id ?? ''))?.outcome?.type,
        );
      });

      it('walks every page without duplicates or gaps', async () => {
        const all = (await walk('', 7)).map((s) => s.id);
        expect(new Set(all).size).toBe(all.length);
        const expected = (
          db.prepare('SELECT id FROM signals ORDER BY created_at DESC, id DESC').all() as { id: string }[]
        ).map((r) => r.id);
        expect(all).toEqual(expected);
      });

      it('filters by each field, alone and together, across pages', async () => {
        const all = await walk('', 500);
        const sample = all[Math.floor(all.length / 2)];
        const mid = sample.createdAt;
        const cases: [string, (s: ListItem) => boolean][] = [
          ['symbol=ETHUSDT', (s) => s.symbol === 'ETHUSDT'],
          [`strategy=${sample.strategy}`, (s) => s.strategy === sample.strategy],
          [`timeframe=${sample.timeframe}`, (s) => s.timeframe === sample.timeframe],
          [`status=${sample.status}`, (s) => s.status === sample.status],
          ['direction=SELL', (s) => s.direction === 'SELL'],
          ['minConfidence=0.7', (s) => s.confidence >= 0.7],
          [`since=${mid}`, (s) => s.createdAt >= mid],
          [`until=${new Date(mid).toISOString()}`, (s) => s.createdAt < mid],
          [
            `symbol=BTCUSDT&direction=BUY&since=${new Date(all[all.length - 1].createdAt).toISOString()}&until=${mid}`,
            (s) => s.symbol === 'BTCUSDT' && s.direction === 'BUY' && s.createdAt < mid,
          ],
        ];
        for (const [query, keep] of cases) {
          const want = all.filter(keep).map((s) => s.id);
          expect(want.length, query).toBeGreaterThan(0);
          expect(
            (await walk(query, 3)).map((s) => s.id),
            query,
          ).toEqual(want);
        }
      });

      it('answers 400 naming the field for a bad query', async () => {
        const bad: [string, RegExp][] = [
          ['limit=501', /querystring\/limit must be <= 500/],
          ['limit=0', /querystring\/limit must be >= 1/],
          ['limit=ten', /querystring\/limit must be integer/],
          ['colour=red', /querystring\/colour is not a known parameter; known: symbol, strategy/],
          ['status=OPEN', /querystring\/status must be one of PENDING, ACTIVE, CLOSED, EXPIRED, CANCELLED/],
          ['direction=LONG', /querystring\/direction must be one of BUY, SELL/],
          ['minConfidence=1.5', /querystring\/minConfidence must be <= 1/],
          ['symbol=btc-usdt', /querystring\/symbol must match pattern/],
          ['since=yesterday', /querystring\/since must match pattern/],
          [
            'since=2024-02-30T99:00:00Z',
            /querystring\/since "2024-02-30T99:00:00Z" is not a real time: 2024-02 has 29 days/,
          ],
          ['since=2024-08-10&until=2024-08-01', /querystring\/until must be after querystring\/since/],
          ['cursor=bm90LWEtY3Vyc29y', /querystring\/cursor is not a cursor this API gave out/],
        ];
        for (const [query, message] of bad) {
          const r = await get(`/api/v1/signals?${query}`);
          expect(r.statusCode, query).toBe(400);
          const body = json(r);
          expect(body.error).toBe('Bad Request');
          expect(body.statusCode).toBe(400);
          expect(body.message, query).toMatch(message);
        }
      });
    });

    describe('GET /api/v1/signals/:id', () => {
      it('gives the signal in full with votes, breakdown, entry analysis and outcome', async () => {
        const ids = (
          db.prepare('SELECT signal_id AS id FROM outcomes WHERE shadow = 0 LIMIT 3').all() as {
            id: string;
          }[]
        ).map((r) => r.id);
        expect(ids.length).toBe(3);
        for (const id of ids) {
          const r = await get(`/api/v1/signals/${encodeURIComponent(id)}`);
          expect(r.statusCode).toBe(200);
          const body = json(r) as { signal: Signal; outcome: Json | null };
          // nothing dropped or added by the response schema
          expect(body).toEqual(JSON.parse(JSON.stringify(await signals.getSignal(id))));
          expect(body.signal.breakdown.votes.length).toBeGreaterThan(0);
          expect(body.signal.entryAnalysis.considered.length).toBeGreaterThan(0);
          expect(body.outcome?.signalId).toBe(id);
        }
      });

      it('answers 404 JSON naming an unknown id', async () => {
        const r = await get('/api/v1/signals/BTCUSDT-1h-momentum-BUY-19990101T0000Z');
        expect(r.statusCode).toBe(404);
        expect(json(r)).toEqual({
          error: 'Not Found',
          message: 'no signal with id "BTCUSDT-1h-momentum-BUY-19990101T0000Z"',
          statusCode: 404,
        });
      });
    });

    describe('GET /api/v1/performance', () => {
      /** The trades as the backtester would count them, read signal by signal through the store. */
      async function tradesFromStore(keep: (s: Signal) => boolean = () => true): Promise<TradeRecord[]> {
        const ids = (
          db.prepare('SELECT id FROM signals ORDER BY created_at, id').all() as { id: string }[]
        ).map((r) => r.id);
        const out: TradeRecord[] = [];
        for (const id of ids) {
          const s = await signals.getSignal(id);
          if (!s?.outcome || !keep(s.signal)) continue;
          const t = tradeOf(s.signal, s.outcome);
          if (t) out.push(t);
        }
        return out;
      }
      const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

      it('measures the filled real trades exactly as the metrics functions do', async () => {
        const r = await get('/api/v1/performance');
        expect(r.statusCode).toBe(200);
        const body = json(r);
        const trades = await tradesFromStore();
        expect(trades.length).toBeGreaterThan(10);
        expect(body.trades).toBe(trades.length);
        expect(body.overall).toEqual(roundTrip(computePerformance(trades, { minTrades: 30 })));
        expect(body.calibration).toEqual(roundTrip(calibration(trades, { minTrades: 30 })));
        expect(body.equity).toEqual(roundTrip(equityCurve(trades)));
        expect(body.groups).toBeNull();
        // the figures say which costs and sizing they are after
        expect(body.costs).toMatchObject({ feePerSide: 0.001, slippagePerSide: 0.0002 });
        expect((body.costs as { roundTrip: number }).roundTrip).toBeCloseTo(0.0024, 12);
        expect(body.sizing).toEqual({ riskPerTrade: 0.01, maxOpenRisk: 0.1 });
      });

      it('groups, windows and gates by minTrades', async () => {
        const r = await get('/api/v1/performance?groupBy=strategy&minTrades=5');
        const body = json(r) as {
          groups: Record<string, { trades: number; winRate: { reliable: boolean } }>;
        };
        const trades = await tradesFromStore();
        expect(Object.keys(body.groups)).toEqual([...new Set(trades.map((t) => t.strategy))].sort());
        expect(Object.values(body.groups).reduce((a, g) => a + g.trades, 0)).toBe(trades.length);
        for (const g of Object.values(body.groups)) expect(g.winRate.reliable).toBe(g.trades >= 5);

        const created: number[] = [];
        for (const t of trades) created.push((await signals.getSignal(t.id))?.signal.createdAt ?? 0);
        created.sort((a, b) => a - b);
        const mid = created[Math.floor(created.length / 2)];
        const windowed = json(
          await get(`/api/v1/performance?since=${new Date(mid).toISOString()}&groupBy=direction`),
        );
        expect(windowed.trades).toBe((await tradesFromStore((s) => s.createdAt >= mid)).length);
        expect(windowed.since).toBe(mid);
      });

      it('answers 400 naming the field for a bad query', async () => {
        const r = await get('/api/v1/performance?groupBy=colour');
        expect(r.statusCode).toBe(400);
        expect(json(r).message).toBe(
          'querystring/groupBy must be one of slice, strategy, symbol, timeframe, direction, priority, entryType (got "colour")',
        );
        expect(json(await get('/api/v1/performance?minTrades=0')).message).toMatch(
          /querystring\/minTrades must be >= 1/,
        );
      });

      it('serves a repeated query from the cache', async () => {
        const before = (json(await get('/api/v1/status')).cache as { hits: number }).hits;
        const a = await get('/api/v1/performance?groupBy=symbol&minTrades=7');
        const b = await get('/api/v1/performance?groupBy=symbol&minTrades=7');
        expect(b.body).toBe(a.body);
        const after = json(await get('/api/v1/status')).cache as { hits: number; hitRate: number };
        expect(after.hits).toBe(before + 1);
        expect(after.hitRate).toBeGreaterThan(0);
      });
    });

    describe('GET /api/v1/backtests', () => {
      it('lists the stored runs and gives one report in full', async () => {
        const list = json(await get('/api/v1/backtests')) as { items: { id: number; symbols: string[] }[] };
        expect(list.items.map((i) => i.id)).toContain(backtestId);
        const r = await get(`/api/v1/backtests/${backtestId}`);
        expect(r.statusCode).toBe(200);
        const stored = await signals.getBacktest(backtestId);
        expect(json(r)).toEqual(JSON.parse(JSON.stringify(stored)));
        expect((json(r).info as { symbols: string[] }).symbols).toEqual(['BTCUSDT']);
      });

      it('answers 404 for an unknown run and 400 for a bad id', async () => {
        const r = await get('/api/v1/backtests/999999');
        expect(r.statusCode).toBe(404);
        expect(json(r).message).toBe('no backtest run with id 999999');
        const bad = await get('/api/v1/backtests/latest');
        expect(bad.statusCode).toBe(400);
        expect(json(bad).message).toMatch(/^params\/id must be integer/);
      });
    });

    describe('GET /api/v1/candles/:symbol/:timeframe', () => {
      const minutes = () => loadRealCandles(FILES[0]);

      it('aggregates 1h candles from the stored 1m ones, newest first by default', async () => {
        const r = await get('/api/v1/candles/BTCUSDT/1h?limit=24');
        expect(r.statusCode).toBe(200);
        const body = json(r) as {
          exchange: string;
          source: string;
          candles: {
            openTime: number;
            open: number;
            high: number;
            low: number;
            close: number;
            volume: number;
          }[];
        };
        expect(body.exchange).toBe('replay');
        expect(body.source).toBe('1m');
        expect(body.candles.length).toBe(24);
        const m = minutes();
        const lastMinute = m[m.length - 1].openTime;
        const newest = body.candles[23];
        // the newest closed hour: its last minute is in the data
        expect(newest.openTime + HOUR - 60_000).toBeLessThanOrEqual(lastMinute);
        expect(newest.openTime + 2 * HOUR - 60_000).toBeGreaterThan(lastMinute);
        for (const c of body.candles) {
          expect(c.openTime % HOUR).toBe(0);
          const inside = m.filter((x) => x.openTime >= c.openTime && x.openTime < c.openTime + HOUR);
          expect(inside.length).toBe(60);
          expect(c.open).toBe(inside[0].open);
          expect(c.close).toBe(inside[59].close);
          expect(c.high).toBe(Math.max(...inside.map((x) => x.high)));
          expect(c.low).toBe(Math.min(...inside.map((x) => x.low)));
          expect(c.volume).toBeCloseTo(
            inside.reduce((a, x) => a + x.volume, 0),
            6,
          );
        }
      });

      it('starts at from and computes indicators aligned with the candles', async () => {
        const from = '2024-08-05T00:00:00Z';
        const r = await get(
          `/api/v1/candles/ETHUSDT/4h?from=${from}&limit=10&indicators=sma:20,rsi,macd:12:26:9`,
        );
        expect(r.statusCode).toBe(200);
        const body = json(r) as {
          warmup: number;
          stable: boolean;
          candles: { openTime: number; close: number }[];
          indicators: { spec: string; outputs: string[]; values: Record<string, (number | null)[]> }[];
        };
        expect(body.candles.length).toBe(10);
        expect(body.candles[0].openTime).toBe(Date.parse(from));
        expect(body.indicators.map((i) => i.spec)).toEqual(['sma:20', 'rsi:14', 'macd:12:26:9']);
        expect(body.indicators[2].outputs).toEqual(['macd', 'signal', 'histogram']);
        expect(body.warmup).toBeGreaterThanOrEqual(33);
        expect(body.stable).toBe(true);
        // the SMA over the 20 four-hour closes ending at the first candle, from the raw minutes
        const eth = loadRealCandles(FILES[1]);
        const t0 = body.candles[0].openTime;
        const closes: number[] = [];
        for (let k = 19; k >= 0; k--) {
          const end = t0 - k * 4 * HOUR + 4 * HOUR;
          const last = eth.filter((x) => x.openTime < end).at(-1);
          closes.push(last?.close ?? Number.NaN);
        }
        expect(body.indicators[0].values.value[0]).toBeCloseTo(closes.reduce((a, b) => a + b, 0) / 20, 8);
        for (const ind of body.indicators) {
          for (const column of Object.values(ind.values)) expect(column.length).toBe(10);
        }
        // a date-time without a zone is UTC, whatever the server's time zone
        const noZone = json(
          await get('/api/v1/candles/ETHUSDT/4h?from=2024-08-05T00:00&limit=1'),
        ) as typeof body;
        expect(noZone.candles[0].openTime).toBe(Date.parse(from));
        const rsi = body.indicators[1].values.value;
        for (const v of rsi) expect(v).toBeGreaterThanOrEqual(0);
      });

      it('answers 400 listing the valid specs for an unknown indicator, and for bad parameters', async () => {
        const r = await get('/api/v1/candles/BTCUSDT/1h?indicators=sma:20,foo:3');
        expect(r.statusCode).toBe(400);
        expect(json(r).message).toMatch(
          /^querystring\/indicators: unknown indicator "foo" in "foo:3"; valid indicators are sma:period=20, .*macd:fast=12:slow=26:signal=9/,
        );
        const cases: [string, RegExp][] = [
          ['BTCUSDT/2m', /^params\/timeframe must be one of 1m, 3m, 5m/],
          ['btcusdt/1h', /^params\/symbol must match pattern/],
          ['BTCUSDT/1h?limit=5001', /^querystring\/limit must be <= 5000/],
          ['BTCUSDT/1h?indicators=rsi:1', /^querystring\/indicators: "rsi:1": .*period/],
          ['BTCUSDT/1h?from=2024-08-10&to=2024-08-09', /querystring\/to must be after querystring\/from/],
        ];
        for (const [path, message] of cases) {
          const res = await get(`/api/v1/candles/${path}`);
          expect(res.statusCode, path).toBe(400);
          expect(json(res).message, path).toMatch(message);
        }
      });

      it('answers 404 for a symbol with no stored candles', async () => {
        const r = await get('/api/v1/candles/DOGEUSDT/1h');
        expect(r.statusCode).toBe(404);
        expect(json(r).message).toMatch(/no candles stored for DOGEUSDT/);
      });
    });

    describe('symbols (admin)', () => {
      it('lists the watched symbols without a key', async () => {
        expect(json(await get('/api/v1/symbols'))).toEqual({ symbols: ['BTCUSDT', 'ETHUSDT'] });
      });

      it('refuses POST and DELETE without a key (401) and with a wrong one (403)', async () => {
        const calls = [
          { method: 'POST' as const, url: '/api/v1/symbols', payload: { symbol: 'ETHUSDT' } },
          { method: 'DELETE' as const, url: '/api/v1/symbols/ETHUSDT' },
        ];
        for (const call of calls) {
          const none = await app.inject(call);
          expect(none.statusCode).toBe(401);
          expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
          expect(json(none).message).toMatch(/Authorization: Bearer/);
          const wrong = await app.inject({
            ...call,
            headers: { authorization: 'Bearer not-the-key-000000000000' },
          });
          expect(wrong.statusCode).toBe(403);
          expect(json(wrong)).toEqual({
            error: 'Forbidden',
            message: 'the admin key is not valid',
            statusCode: 403,
          });
          const malformed = await app.inject({ ...call, headers: { authorization: ADMIN_KEY } });
          expect(malformed.statusCode).toBe(401);
        }
        expect(runtime.symbols()).toEqual(['BTCUSDT', 'ETHUSDT']);
      });

      it('checks the key before the body, then validates the body naming the field', async () => {
        const unauthenticated = await app.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          payload: { nope: 1 },
        });
        expect(unauthenticated.statusCode).toBe(401);
        const cases: [unknown, RegExp][] = [
          [{ symbol: 'btc' }, /^body\/symbol must match pattern "\^\[A-Z0-9\]\{2,20\}\$" \(got "btc"\)$/],
          [{}, /^body\/symbol is required$/],
          [{ symbol: 'SOLUSDT', force: true }, /^body\/force is not a known field; known: symbol$/],
          [{ symbol: 42 }, /^body\/symbol must be string \(got 42\)$/],
          ['BTCUSDT', /^body must be object \(got "BTCUSDT"\)$/],
        ];
        for (const [payload, message] of cases) {
          const r = await app.inject({
            method: 'POST',
            url: '/api/v1/symbols',
            headers: { ...admin, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          });
          expect(r.statusCode, JSON.stringify(payload)).toBe(400);
          expect(json(r).message).toMatch(message);
        }
        const big = await app.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: { ...admin, 'content-type': 'application/json' },
          payload: JSON.stringify({ symbol: 'X'.repeat(2000) }),
        });
        expect(big.statusCode).toBe(413);
        expect(json(big).message).toBe('request body is larger than the limit of 1024 bytes');
      });

      it('removes a symbol with the key; 404 and 409 say why not', async () => {
        const del = await app.inject({ method: 'DELETE', url: '/api/v1/symbols/ETHUSDT', headers: admin });
        expect(del.statusCode).toBe(200);
        expect(json(del)).toEqual({ symbol: 'ETHUSDT', symbols: ['BTCUSDT'] });
        expect(runtime.symbols()).toEqual(['BTCUSDT']);
        const again = await app.inject({ method: 'DELETE', url: '/api/v1/symbols/ETHUSDT', headers: admin });
        expect(again.statusCode).toBe(404);
        expect(json(again).message).toBe('ETHUSDT is not watched');
        const dup = await app.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: admin,
          payload: { symbol: 'BTCUSDT' },
        });
        expect(dup.statusCode).toBe(409);
        expect(json(dup).message).toBe('BTCUSDT is already watched');
      });

      it('adds a symbol with the key: the runtime warms it up and follows it', async () => {
        // a runtime of its own (replay of both files, nothing watched yet), so the shared one is untouched
        const freshDb = openSqlite(':memory:');
        const freshSignals = new SqliteSignalStore(freshDb);
        const freshCandles = new SqliteCandleStore(freshDb);
        const fresh = new LiveRuntime({
          config: configWith(),
          source: new ReplaySource({ inputs, timeframe: '1m', speed: 'max' }),
          candles: freshCandles,
          signals: freshSignals,
        });
        const a = await buildApp({
          runtime: fresh,
          signals: freshSignals,
          candles: freshCandles,
          config: configWith({ adminKeys: [ADMIN_KEY] }),
        });
        const add = await a.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: admin,
          payload: { symbol: 'ETHUSDT' },
        });
        expect(add.statusCode, add.body).toBe(201);
        expect(json(add)).toEqual({ symbol: 'ETHUSDT', symbols: ['ETHUSDT'] });
        expect(fresh.symbols()).toEqual(['ETHUSDT']);
        expect(json(await a.inject('/api/v1/symbols'))).toEqual({ symbols: ['ETHUSDT'] });
        // a symbol the replay has no file for: 422 naming it, and it is not listed
        const missing = await a.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: admin,
          payload: { symbol: 'XRPUSDT' },
        });
        expect(missing.statusCode, missing.body).toBe(422);
        expect(json(missing).message).toMatch(/cannot provide XRPUSDT/);
        expect(fresh.symbols()).toEqual(['ETHUSDT']);
        // removed, then added again: the symbol resumes without replaying what it has seen
        expect(
          (await a.inject({ method: 'DELETE', url: '/api/v1/symbols/ETHUSDT', headers: admin })).statusCode,
        ).toBe(200);
        const again = await a.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: admin,
          payload: { symbol: 'ETHUSDT' },
        });
        expect(again.statusCode, again.body).toBe(201);
        await a.close();
        freshDb.close();
      });

      it('closes the admin routes when no admin keys are configured', async () => {
        const closed = await build(configWith());
        for (const headers of [{}, admin]) {
          const r = await closed.inject({
            method: 'POST',
            url: '/api/v1/symbols',
            headers,
            payload: { symbol: 'SOLUSDT' },
          });
          expect(r.statusCode).toBe(403);
          expect(json(r).message).toMatch(/admin keys must be configured/);
        }
        await closed.close();
      });
    });

    describe('GET /api/v1/status', () => {
      it('reports the runtime, the cache and connected WebSocket clients', async () => {
        const body = json(await get('/api/v1/status')) as {
          source: { label: string; state: string };
          symbols: { symbol: string; timeframes: { timeframe: string }[] }[];
          pipeline: { candles: number };
          cache: { hits: number; misses: number; entries: number };
          websocket: { clients: number };
        };
        expect(body.source).toMatchObject({ label: 'REPLAY', state: 'finished' });
        expect(body.symbols.map((s) => s.symbol)).toContain('BTCUSDT');
        expect(body.pipeline.candles).toBeGreaterThan(80_000);
        expect(body.cache.misses).toBeGreaterThan(0);
        expect(body.websocket.clients).toBe(0);

        // a real connection: the WebSocket plugin counts it into app.wsClients
        const address = await app.listen({ port: 0, host: '127.0.0.1' });
        const ws = new WebSocket(`${address.replace('http', 'ws')}/ws`);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        const during = json(await get('/api/v1/status')) as { websocket: { clients: number } };
        expect(during.websocket.clients).toBe(1);
        expect((await get('/metrics')).body).toMatch(/^alphapulse_websocket_clients 1$/m);
        ws.terminate();
        for (
          let i = 0;
          i < 100 && (json(await get('/api/v1/status')) as typeof during).websocket.clients > 0;
          i++
        ) {
          await new Promise((r) => setTimeout(r, 10));
        }
        expect((json(await get('/api/v1/status')) as typeof during).websocket.clients).toBe(0);
      });
    });

    describe('GET /metrics', () => {
      it('serves Prometheus text with process, HTTP and pipeline metrics', async () => {
        await get('/health');
        const r = await get('/metrics');
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        const text = r.body;
        expect(text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
        expect(text).toMatch(/^# TYPE alphapulse_http_requests_total counter$/m);
        expect(text).toMatch(
          /^alphapulse_http_requests_total\{method="GET",route="\/health",status_code="200"\} \d+$/m,
        );
        expect(text).toMatch(/^# TYPE alphapulse_http_request_duration_seconds histogram$/m);
        expect(text).toMatch(/^alphapulse_pipeline_candles_total\{symbol="BTCUSDT",timeframe="1m"\} \d+$/m);
        // every signal the replay created went through the bus into the counter
        const created = [...text.matchAll(/^alphapulse_signals_created_total\{[^}]*\} (\d+)$/gm)].reduce(
          (a, m) => a + Number(m[1]),
          0,
        );
        expect(created).toBe(await signals.countSignals());
        expect(text).toMatch(/^alphapulse_websocket_clients 0$/m);
      });

      it('keeps the instruments of two apps in one process apart', async () => {
        const other = await build(configWith());
        await other.inject('/health');
        await other.inject('/health');
        const text = (await other.inject('/metrics')).body;
        expect(text).toMatch(
          /^alphapulse_http_requests_total\{method="GET",route="\/health",status_code="200"\} 2$/m,
        );
        await other.close();
      });
    });

    describe('hygiene', () => {
      it('answers 429 JSON past the rate limit, but never limits the probes', async () => {
        const limited = await build(configWith({ rateLimit: { max: 3, timeWindowMs: 60_000 } }));
        for (let i = 0; i < 3; i++) expect((await limited.inject('/api/v1/symbols')).statusCode).toBe(200);
        const r = await limited.inject('/api/v1/symbols');
        expect(r.statusCode).toBe(429);
        expect(r.headers['retry-after']).toBeDefined();
        expect(json(r)).toMatchObject({ error: 'Too Many Requests', statusCode: 429 });
        expect(json(r).message).toMatch(
          /^rate limit exceeded: at most 3 API requests per 60 s from one address; retry in/,
        );
        expect((await limited.inject('/health')).statusCode).toBe(200);
        expect((await limited.inject('/metrics')).statusCode).toBe(200);
        await limited.close();
      });

      it('sends CORS headers only to the configured origins', async () => {
        const allowed = await get('/api/v1/symbols', { origin: ALLOWED_ORIGIN });
        expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
        const other = await get('/api/v1/symbols', { origin: 'https://evil.example.net' });
        expect(other.statusCode).toBe(200);
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await app.inject({
          method: 'OPTIONS',
          url: '/api/v1/symbols',
          headers: {
            origin: ALLOWED_ORIGIN,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
        expect(preflight.statusCode).toBe(204);
        expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
        expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);

        const none = await build(configWith());
        const r = await none.inject({ url: '/api/v1/symbols', headers: { origin: ALLOWED_ORIGIN } });
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
        await none.close();
      });

      it('answers JSON 404 for unknown routes and 400 for a body that is not JSON', async () => {
        const r = await get('/api/v1/nothing-here?x=1');
        expect(r.statusCode).toBe(404);
        expect(json(r)).toEqual({
          error: 'Not Found',
          message: 'no route GET /api/v1/nothing-here',
          statusCode: 404,
        });
        const broken = await app.inject({
          method: 'POST',
          url: '/api/v1/symbols',
          headers: { ...admin, 'content-type': 'application/json' },
          payload: '{"symbol":',
        });
        expect(broken.statusCode).toBe(400);
        expect(json(broken)).toMatchObject({ error: 'Bad Request', statusCode: 400 });
      });

      it('never leaks internals in a 500: a generic message, the details in the log', async () => {
        const lines: string[] = [];
        const stream = new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        });
        const lostDb = openSqlite(':memory:');
        const lost = new SqliteSignalStore(lostDb);
        const a = await buildApp({
          runtime,
          signals: lost,
          candles,
          config: configWith(),
          logger: { level: 'error', stream },
        });
        lostDb.close();
        const r = await a.inject('/api/v1/signals');
        expect(r.statusCode).toBe(500);
        const body = json(r);
        expect(body.error).toBe('Internal Server Error');
        expect(body.message).toMatch(
          /^internal error \(request [\w-]+\); the details are in the server log$/,
        );
        expect(r.body).not.toMatch(/database|sqlite|connection|stack|\.ts/i);
        expect(lines.join('')).toMatch(/database connection is not open/);
        await a.close();
      });
    });

    describe('dashboard and server settings', () => {
      it('serves the dashboard files at / when webRoot is given; API misses stay JSON', async () => {
        const web = mkdtempSync(join(tmpdir(), 'ap-web-'));
        writeFileSync(join(web, 'index.html'), '<!doctype html><title>AlphaPulse</title>');
        writeFileSync(join(web, 'app.js'), 'console.log(1)');
        const a = await build(configWith(), { webRoot: web });
        const index = await a.inject('/');
        expect(index.statusCode).toBe(200);
        expect(index.headers['content-type']).toMatch(/^text\/html/);
        expect(index.body).toMatch(/<title>AlphaPulse<\/title>/);
        expect((await a.inject('/app.js')).headers['content-type']).toMatch(/javascript/);
        const miss = await a.inject('/api/v1/nope');
        expect(miss.statusCode).toBe(404);
        expect(json(miss).message).toBe('no route GET /api/v1/nope');
        expect((await a.inject('/api/v1/symbols')).statusCode).toBe(200);
        await a.close();
      });

      it('applies the configured request timeout to the HTTP server', async () => {
        const a = await build(configWith({ requestTimeoutMs: 1234 }));
        await a.ready();
        expect(a.server.requestTimeout).toBe(1234);
        await a.close();
      });

      it('drops cached candle windows of a symbol when the bus says a candle of it closed', async () => {
        const url = '/api/v1/candles/BTCUSDT/15m?limit=4';
        const hits = async () => (json(await get('/api/v1/status')).cache as { hits: number }).hits;
        await get(url);
        const h0 = await hits();
        await get(url);
        expect(await hits()).toBe(h0 + 1);
        const last = (
          await candles.getCandles({ exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' })
        ).at(-1);
        if (!last) throw new Error('no stored candle');
        // what the runtime publishes after storing a candle: other symbols' windows are kept
        runtime.bus.publish({ type: 'candle.closed', symbol: 'ETHUSDT', timeframe: '1m', candle: last });
        await get(url);
        expect(await hits()).toBe(h0 + 2);
        runtime.bus.publish({ type: 'candle.closed', symbol: 'BTCUSDT', timeframe: '1m', candle: last });
        await get(url);
        expect(await hits()).toBe(h0 + 2);
      });
    });

    describe('OpenAPI', () => {
      const routes = [
        'GET /health',
        'GET /ready',
        'GET /metrics',
        'GET /api/v1/signals',
        'GET /api/v1/signals/{id}',
        'GET /api/v1/signals/{id}/hits',
        'GET /api/v1/performance',
        'GET /api/v1/backtests',
        'GET /api/v1/backtests/{id}',
        'GET /api/v1/candles/{symbol}/{timeframe}',
        'GET /api/v1/symbols',
        'POST /api/v1/symbols',
        'DELETE /api/v1/symbols/{symbol}',
        'GET /api/v1/status',
        'POST /api/v1/evaluate',
        'POST /api/v1/signals/{id}/close',
        'POST /api/v1/signals/{id}/cancel',
        'GET /api/v1/audit',
      ];

      it('lists every route with its parameters, responses and the admin security', async () => {
        const r = await get('/docs/json');
        expect(r.statusCode).toBe(200);
        const doc = json(r) as {
          openapi: string;
          paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>;
          components: { schemas: Record<string, unknown> };
        };
        expect(doc.openapi).toBe('3.1.0');
        const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
        );
        expect(listed.sort()).toEqual([...routes].sort());
        for (const [path, ops] of Object.entries(doc.paths)) {
          for (const [method, op] of Object.entries(ops)) {
            // POST /symbols creates; the operators' POSTs act on what exists
            const ok = method === 'post' && path === '/api/v1/symbols' ? '201' : '200';
            expect(op.responses[ok], `${method} ${path}`).toBeDefined();
          }
        }
        expect(doc.paths['/api/v1/symbols'].post.security).toEqual([{ adminKey: [] }]);
        for (const [path, method] of [
          ['/api/v1/evaluate', 'post'],
          ['/api/v1/signals/{id}/close', 'post'],
          ['/api/v1/signals/{id}/cancel', 'post'],
          ['/api/v1/audit', 'get'],
        ] as const)
          expect(doc.paths[path][method].security, path).toEqual([{ adminKey: [] }]);
        expect(Object.keys(doc.components.schemas)).toEqual(
          expect.arrayContaining(['Error', 'Signal', 'Outcome', 'Performance', 'BacktestReport']),
        );
      });

      it('serves Swagger UI from the package, not a CDN', async () => {
        const page = await get('/docs');
        expect(page.statusCode).toBe(200);
        expect(page.body).toMatch(/Swagger UI/);
        expect(page.body).not.toMatch(/(src|href)="https?:/);
        const assets = [...page.body.matchAll(/(?:src|href)="(\/docs\/static\/[^"]+)"/g)].map((m) => m[1]);
        expect(assets.length).toBeGreaterThan(2);
        for (const asset of assets) expect((await get(asset)).statusCode, asset).toBe(200);
      });
    });

    describe('close', () => {
      it('leaves no bus listener behind', async () => {
        const a = await build(configWith());
        await a.ready();
        expect(runtime.bus.listenerCount('candle.closed')).toBeGreaterThan(
          listenersBefore.get('candle.closed') ?? 0,
        );
        await a.close();
        await app.close();
        for (const t of topics) expect(runtime.bus.listenerCount(t), t).toBe(listenersBefore.get(t));
      });
    });
  },
);
