import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import type { SignalStore } from '../src/adapters/store/ports.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { type ConfigInput, ConfigSchema } from '../src/config/schema.js';
import type { Signal } from '../src/core/signals/types.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { SIGNAL_TIME, testSignal } from './support/signals.js';

const ADMIN_KEY = 'hardening-admin-key-0123456789';
const MINUTE = 60_000;

type Json = Record<string, unknown>;

/** A pino logger writing into an array, one parsed record per line. */
function captureLog(): { logger: pino.Logger; lines: Json[]; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  const lines: Json[] = [];
  return {
    logger,
    lines,
    text: () => {
      lines.length = 0;
      for (const l of raw.join('').split('\n')) if (l.trim().length > 0) lines.push(JSON.parse(l) as Json);
      return raw.join('');
    },
  };
}

function signalAt(i: number, over: Partial<Signal> = {}): Signal {
  return testSignal({
    id: `BTCUSDT-15m-momentum-BUY-${String(i).padStart(4, '0')}`,
    createdAt: SIGNAL_TIME + i * MINUTE,
    statusAt: SIGNAL_TIME + i * MINUTE,
    ...over,
  });
}

describe('the API, hardened (issue 14 point 5)', () => {
  let dir: string;
  let db: SqliteDatabase;
  let signals: SqliteSignalStore;
  let candles: SqliteCandleStore;
  let runtime: LiveRuntime;
  const apps: FastifyInstance[] = [];

  const build = async (
    api: NonNullable<ConfigInput['api']> = {},
    extra: { loggerInstance?: pino.Logger; signals?: SignalStore; webRoot?: string } = {},
  ): Promise<FastifyInstance> => {
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], api: { adminKeys: [ADMIN_KEY], ...api } });
    const app = await buildApp({
      runtime,
      signals: extra.signals ?? signals,
      candles,
      config,
      loggerInstance: extra.loggerInstance,
      webRoot: extra.webRoot,
    });
    apps.push(app);
    return app;
  };

  const listen = async (app: FastifyInstance): Promise<string> => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    return `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alphapulse-hardening-'));
    db = openSqlite(join(dir, 'alphapulse.db'));
    signals = new SqliteSignalStore(db);
    candles = new SqliteCandleStore(db);
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'] });
    const source = new ReplaySource({ inputs: [], timeframe: '1m', speed: 'max' });
    runtime = new LiveRuntime({ config, source, candles, signals });
    await signals.commit(
      null,
      Array.from({ length: 60 }, (_, i) => ({ type: 'signal.created' as const, signal: signalAt(i) })),
    );
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('rate limits: separate budgets', () => {
    it('lets 1,000 WebSocket clients of one address connect with the default limits', async () => {
      const app = await build();
      const host = await listen(app);
      const opened = await Promise.all(
        Array.from(
          { length: 1000 },
          () =>
            new Promise<{ ws: WebSocket; status: number }>((resolve) => {
              const ws = new WebSocket(`ws://${host}/ws`, { perMessageDeflate: false });
              ws.once('open', () => resolve({ ws, status: 101 }));
              ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
              ws.once('error', () => resolve({ ws, status: -1 }));
            }),
        ),
      );
      const refused = opened.filter((o) => o.status !== 101).length;
      expect(refused).toBe(0);
      expect(app.wsClients.count).toBe(1000);
      // and the API's budget is untouched by them
      const r = await app.inject('/api/v1/symbols');
      expect(r.statusCode).toBe(200);
      expect(Number(r.headers['x-ratelimit-remaining'])).toBe(299);
      await Promise.all(
        opened.map(
          ({ ws }) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close();
            }),
        ),
      );
    }, 60_000);

    it('refuses a WebSocket past maxConnectionsPerIp with 429 and past maxConnections with 503, in the error shape', async () => {
      const refusal = (host: string) =>
        new Promise<{ status: number; body: Json }>((resolve, reject) => {
          const ws = new WebSocket(`ws://${host}/ws`);
          ws.once('open', () => reject(new Error('the upgrade went through')));
          ws.once('unexpected-response', (_req, res) => {
            let body = '';
            res.on('data', (d: Buffer) => {
              body += d.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Json }));
          });
        });
      const open = (host: string) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`ws://${host}/ws`);
          ws.once('open', () => resolve(ws));
          ws.once('unexpected-response', () => reject(new Error('refused')));
        });

      const perIp = await build({ websocket: { maxConnectionsPerIp: 2 } });
      const host = await listen(perIp);
      const two = [await open(host), await open(host)];
      const r = await refusal(host);
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ error: 'Too Many Requests', statusCode: 429 });
      expect(String(r.body.message)).toMatch(/at most 2 open WebSocket connections from one address/);
      // a closed connection gives its slot back
      await new Promise<void>((resolve) => {
        two[0].once('close', () => resolve());
        two[0].close();
      });
      await expect.poll(() => perIp.wsClients.count).toBe(1);
      const again = await open(host);
      again.close();
      two[1].close();

      const full = await build({ websocket: { maxConnections: 1 } });
      const fullHost = await listen(full);
      const one = await open(fullHost);
      const f = await refusal(fullHost);
      expect(f.status).toBe(503);
      expect(String(f.body.message)).toMatch(
        /maximum of 1 WebSocket connections \(api.websocket.maxConnections\)/,
      );
      one.close();
    });

    it("keeps the dashboard's files and the API on separate budgets", async () => {
      const app = await build(
        { rateLimit: { max: 2, assetsMax: 3, timeWindowMs: 60_000 } },
        { webRoot: join(import.meta.dirname, '..', 'src', 'web', 'public') },
      );
      for (let i = 0; i < 2; i++) expect((await app.inject('/api/v1/symbols')).statusCode).toBe(200);
      const api = await app.inject('/api/v1/symbols');
      expect(api.statusCode).toBe(429);
      expect(api.json().message).toMatch(/at most 2 API requests per 60 s from one address/);
      // the page still loads: its files spend their own budget
      for (let i = 0; i < 3; i++) expect((await app.inject('/app.js')).statusCode).toBe(200);
      const asset = await app.inject('/app.js');
      expect(asset.statusCode).toBe(429);
      expect(asset.json().message).toMatch(/at most 3 requests for the dashboard/);
    });

    it('counts each client behind a trusted proxy apart (trustProxy), and all as one otherwise', async () => {
      const viaProxy = (app: FastifyInstance, client: string) =>
        app.inject({ url: '/api/v1/symbols', headers: { 'x-forwarded-for': client } });
      const trusting = await build({ trustProxy: true, rateLimit: { max: 1, timeWindowMs: 60_000 } });
      expect((await viaProxy(trusting, '203.0.113.1')).statusCode).toBe(200);
      expect((await viaProxy(trusting, '203.0.113.2')).statusCode).toBe(200);
      expect((await viaProxy(trusting, '203.0.113.1')).statusCode).toBe(429);

      const plain = await build({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
      expect((await viaProxy(plain, '203.0.113.1')).statusCode).toBe(200);
      expect((await viaProxy(plain, '203.0.113.2')).statusCode).toBe(429);
    });

    it('reads trustProxy from the environment as a list of addresses', () => {
      const c = ConfigSchema.parse({ api: { trustProxy: '127.0.0.1, 10.0.0.0/8' } });
      expect(c.api.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
      expect(ConfigSchema.parse({}).api.trustProxy).toBe(false);
    });
  });

  describe('GET /api/v1/signals: the newest page kept, emptied by the bus', () => {
    it('serves the same body from the cache, and a new signal on the bus shows at once', async () => {
      const app = await build();
      const first = await app.inject('/api/v1/signals?limit=5');
      const again = await app.inject('/api/v1/signals?limit=5');
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(again.body).toBe(first.body);
      const page = first.json() as { items: { id: string; outcome: unknown }[]; nextCursor: string };
      expect(page.items.map((i) => i.id)).toEqual([59, 58, 57, 56, 55].map((i) => signalAt(i).id));
      // serialised by the route's schema: the list item leaves out the body's bulk
      expect(page.items[0]).not.toHaveProperty('features');
      expect(page.items[0].outcome).toBeNull();

      const fresh = signalAt(60);
      await signals.commit(null, [{ type: 'signal.created', signal: fresh }]);
      runtime.bus.publish({ type: 'signal.created', signal: fresh });
      const after = (await app.inject('/api/v1/signals?limit=5')).json() as { items: { id: string }[] };
      expect(after.items[0].id).toBe(fresh.id);

      const cancelled: Signal = { ...fresh, status: 'CANCELLED', statusAt: fresh.createdAt + 1 };
      await signals.commit(null, [{ type: 'signal.updated', signal: cancelled, previous: 'PENDING' }]);
      runtime.bus.publish({ type: 'signal.updated', signal: cancelled, previous: 'PENDING' });
      const updated = (await app.inject('/api/v1/signals?limit=5')).json() as { items: { status: string }[] };
      expect(updated.items[0].status).toBe('CANCELLED');
    });

    it('does not mix pages of different queries, whatever their parameter order', async () => {
      const app = await build();
      const a = await app.inject('/api/v1/signals?limit=3&status=PENDING');
      const b = await app.inject('/api/v1/signals?status=PENDING&limit=3');
      const c = await app.inject('/api/v1/signals?limit=4&status=PENDING');
      expect(b.body).toBe(a.body);
      expect((c.json() as { items: unknown[] }).items).toHaveLength(4);
    });
  });

  describe('logs: one line for each refusal, failure and dropped client, never a key', () => {
    it('logs 401 and 403 with method, path and address, without the key or the header', async () => {
      const log = captureLog();
      const app = await build({}, { loggerInstance: log.logger });
      const wrongKey = 'wrong-key-that-must-not-be-logged-0000';
      expect((await app.inject({ method: 'POST', url: '/api/v1/symbols' })).statusCode).toBe(401);
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/symbols',
        headers: { authorization: `Bearer ${wrongKey}` },
        payload: { symbol: 'ETHUSDT' },
      });
      expect(r.statusCode).toBe(403);
      const text = log.text();
      expect(text).not.toContain(wrongKey);
      expect(text.toLowerCase()).not.toContain('"authorization"');
      expect(text).not.toContain('Bearer h');
      expect(log.lines).toHaveLength(2);
      expect(log.lines.map((l) => l.statusCode)).toEqual([401, 403]);
      expect(log.lines[1]).toMatchObject({ method: 'POST', path: '/api/v1/symbols', ip: '127.0.0.1' });
    });

    it('logs a 500 once with its error, and answers without internals', async () => {
      const log = captureLog();
      const failing: SignalStore = new Proxy(signals, {
        get(target, key, receiver) {
          if (key === 'listSignals') return () => Promise.reject(new Error('disk on fire'));
          return Reflect.get(target, key, receiver);
        },
      });
      const app = await build({}, { loggerInstance: log.logger, signals: failing });
      const r = await app.inject('/api/v1/signals?symbol=ETHUSDT');
      expect(r.statusCode).toBe(500);
      expect(r.body).not.toContain('disk on fire');
      log.text();
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatchObject({ level: 50, statusCode: 500, path: '/api/v1/signals' });
      expect(JSON.stringify(log.lines[0])).toContain('disk on fire');
    });

    it('logs a WebSocket client dropped for reading too slowly', async () => {
      const log = captureLog();
      const app = await build({ websocket: { maxBufferedBytes: 1024 } }, { loggerInstance: log.logger });
      const host = await listen(app);
      const ws = new WebSocket(`ws://${host}/ws`);
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      const subscribed = new Promise<void>((resolve) => ws.once('message', () => resolve()));
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals'] }));
      await subscribed;
      ws.pause(); // stops reading: the kernel buffers fill, then the server's
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      const big = signalAt(100, { reasons: ['x'.repeat(64 * 1024)] });
      // publish until the server gives up on the client (what it says is awaited, not a clock)
      while (!log.text().includes('reads too slowly')) {
        runtime.bus.publish({ type: 'signal.created', signal: big });
        await new Promise((r) => setImmediate(r));
      }
      const line = log.lines.find((l) => l.msg === 'websocket client reads too slowly; dropped');
      expect(line).toMatchObject({ level: 40, remote: '127.0.0.1', limit: 1024 });
      ws.terminate();
      await closed;
    });
  });

  describe('errors keep the documented shape', () => {
    it('answers an id over the path limit with 414 in the error JSON, and a long id under it with 404', async () => {
      const app = await build();
      const r = await app.inject(`/api/v1/signals/${'x'.repeat(300)}`);
      expect(r.statusCode).toBe(414);
      expect(r.json()).toEqual({
        error: 'URI Too Long',
        statusCode: 414,
        message: expect.stringMatching(
          /path parameter \(such as a signal id\) is longer than 200 characters/,
        ),
      });
      const long = await app.inject(`/api/v1/signals/${'x'.repeat(150)}`);
      expect(long.statusCode).toBe(404);
      expect(long.json().message).toMatch(/^no signal with id "x+"$/);
    });

    it('answers an impossible date with 400 naming the field instead of rolling it over', async () => {
      const app = await build();
      for (const [query, why] of [
        ['since=2025-02-30', /querystring\/since "2025-02-30" is not a real time: 2025-02 has 28 days/],
        ['until=2025-13-01', /querystring\/until "2025-13-01" is not a real time: month 13 does not exist/],
        ['since=2025-06-01T24:00:00Z', /querystring\/since .* hour 24 does not exist/],
      ] as const) {
        const r = await app.inject(`/api/v1/signals?${query}`);
        expect(r.statusCode, query).toBe(400);
        expect(r.json()).toMatchObject({ error: 'Bad Request', statusCode: 400 });
        expect(r.json().message, query).toMatch(why);
      }
      expect((await app.inject('/api/v1/signals?since=2024-02-29')).statusCode).toBe(200);
    });

    it('answers a text/plain body with 415 and a __proto__ key with a clear 400', async () => {
      const app = await build();
      const headers = { authorization: `Bearer ${ADMIN_KEY}` };
      const text = await app.inject({
        method: 'POST',
        url: '/api/v1/symbols',
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'ETHUSDT',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toEqual({
        error: 'Unsupported Media Type',
        statusCode: 415,
        message: 'request body must be JSON: send it with Content-Type: application/json',
      });
      const proto = await app.inject({
        method: 'POST',
        url: '/api/v1/symbols',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: '{"symbol":"ETHUSDT","__proto__":{"admin":true}}',
      });
      expect(proto.statusCode).toBe(400);
      expect(proto.json()).toMatchObject({ error: 'Bad Request', statusCode: 400 });
      expect(proto.json().message).toMatch(
        /^body\/__proto__ is not accepted: a "__proto__" or "constructor.prototype" key could change the prototype/,
      );
    });
  });

  describe('WebSocket limits per connection', () => {
    /** Opens /ws and collects every message it receives. */
    const client = async (host: string) => {
      const ws = new WebSocket(`ws://${host}/ws`);
      const got: Json[] = [];
      let bytes = 0;
      ws.on('message', (d: Buffer) => {
        bytes += d.length;
        got.push(JSON.parse(d.toString()) as Json);
      });
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      return { ws, got, bytes: () => bytes };
    };
    /** Sends a ping and waits for its pong: every earlier message has been handled by then. */
    const settle = async (c: Awaited<ReturnType<typeof client>>) => {
      const n = c.got.filter((m) => m.type === 'pong').length;
      // the ping itself may be dropped by the rate limit: retry until one is answered
      while (c.got.filter((m) => m.type === 'pong').length === n) {
        c.ws.send('{"op":"ping"}');
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    it('answers 500 rapid subscribes with the burst and one error, not 1,500 replies', async () => {
      const app = await build({ websocket: { messagesPerSecond: 5, messageBurst: 10 } });
      const c = await client(await listen(app));
      for (let i = 0; i < 500; i++) c.ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals'] }));
      await settle(c);
      const subscribed = c.got.filter((m) => m.type === 'subscribed').length;
      const errors = c.got.filter((m) => m.type === 'error');
      expect(subscribed).toBeLessThanOrEqual(10 + 5 * 10); // the burst, and whatever refilled meanwhile
      expect(subscribed).toBeGreaterThanOrEqual(10);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(String(errors[0].message)).toMatch(/too many messages: at most 5 per second \(bursts of 10\)/);
      expect(c.got.length).toBeLessThan(200);
      c.ws.close();
    });

    it('does not echo an oversized unknown op', async () => {
      const app = await build();
      const c = await client(await listen(app));
      c.ws.send(JSON.stringify({ op: 'z'.repeat(50_000) }));
      await settle(c);
      const error = c.got.find((m) => m.type === 'error');
      expect(String(error?.message)).toMatch(
        /^unknown op "z{39}\.\.\. \(50002 characters\); ops are subscribe/,
      );
      expect(c.bytes()).toBeLessThan(500);
      c.ws.close();
    });

    it('refuses a subscribe past maxSubscriptions and keeps what the connection holds', async () => {
      const app = await build({ websocket: { maxSubscriptions: 3 } });
      const c = await client(await listen(app));
      c.ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals', 'outcomes'] }));
      c.ws.send(JSON.stringify({ op: 'subscribe', channels: ['candles:BTCUSDT:1m', 'candles:ETHUSDT:1m'] }));
      c.ws.send(JSON.stringify({ op: 'subscribe', channels: ['status'] }));
      await settle(c);
      const error = c.got.find((m) => m.type === 'error');
      expect(String(error?.message)).toBe(
        'at most 3 channels per connection: this subscribe would make 4; unsubscribe some first',
      );
      const last = c.got.filter((m) => m.type === 'subscribed').at(-1);
      expect(last?.channels).toEqual(['signals', 'outcomes', 'status']);
      c.ws.close();
    });

    it('has documented defaults in the config', () => {
      expect(ConfigSchema.parse({}).api.websocket).toEqual({
        maxConnections: 10_000,
        maxConnectionsPerIp: 2000,
        messagesPerSecond: 20,
        messageBurst: 40,
        maxSubscriptions: 100,
        maxBufferedBytes: 1024 * 1024,
      });
    });
  });
});
