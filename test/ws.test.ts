import { mkdtempSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { registerWebSocket } from '../src/api/ws.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Signal } from '../src/core/signals/types.js';
import type { BusEvents, BusTopic } from '../src/runtime/bus/event-bus.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

/** A server message as it arrived: always an object with a `type`. */
type Msg = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A real `ws` client that records every message from the moment the socket exists. */
class Client {
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  pings = 0;
  /** The TCP socket under the WebSocket, to stop reading from it (a slow consumer). */
  tcp: Socket | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('upgrade', (res) => {
      this.tcp = res.socket;
    });
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Msg);
      this.wake();
    });
    ws.on('ping', () => {
      this.pings++;
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        this.wake();
      });
    });
  }

  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
    const c = new Client(new WebSocket(url, options));
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
    });
    return c;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `ready()` holds, re-checked after each message; fails after `ms`. */
  async until(ready: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.messages.length} messages`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), sleep(Math.min(left, 200))]);
    }
  }

  /** The n-th (0-based) message of a type, waiting for it. */
  async nth(type: string, n = 0): Promise<Msg> {
    let found: Msg | undefined;
    await this.until(() => {
      found = this.messages.filter((m) => m.type === type)[n];
      return found !== undefined;
    }, `${type} #${n}`);
    if (!found) throw new Error('unreachable');
    return found;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * Sends a ping op and waits for its pong. The server answers in order, so every event it sent
   * before reading the ping has arrived by then.
   */
  async sync(): Promise<void> {
    const pongs = this.messages.filter((m) => m.type === 'pong').length;
    this.send({ op: 'ping' });
    await this.nth('pong', pongs);
  }

  ofTypes(...types: string[]): Msg[] {
    return this.messages.filter((m) => types.includes(m.type));
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

function url(app: FastifyInstance, path: string): string {
  const { port } = app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}${path}`;
}

/** What a JSON round trip makes of a value: the form a client sees. */
function wire<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

type Recorded = { [K in BusTopic]: { topic: K; payload: BusEvents[K] } }[BusTopic];

interface Subscription {
  readonly channels: readonly string[];
  readonly symbols?: readonly string[];
  readonly strategies?: readonly string[];
  readonly minConfidence?: number;
}

/** The protocol's delivery rule, written out independently of the server's code. */
function expectedMessages(events: readonly Recorded[], sub: Subscription): unknown[] {
  const signalOk = (s: Signal) =>
    (!sub.symbols || sub.symbols.includes(s.symbol)) &&
    (!sub.strategies || sub.strategies.includes(s.strategy)) &&
    s.confidence >= (sub.minConfidence ?? 0);
  const out: unknown[] = [];
  for (const e of events) {
    switch (e.topic) {
      case 'signal.created':
        if (sub.channels.includes('signals') && signalOk(e.payload.signal))
          out.push(wire({ type: 'signal.created', signal: e.payload.signal }));
        break;
      case 'signal.updated':
        if (sub.channels.includes('signals') && signalOk(e.payload.signal))
          out.push(wire({ type: 'signal.updated', signal: e.payload.signal, previous: e.payload.previous }));
        break;
      case 'outcome.closed':
        if (sub.channels.includes('outcomes') && signalOk(e.payload.signal))
          out.push(wire({ type: 'outcome.closed', outcome: e.payload.outcome, signal: e.payload.signal }));
        break;
      case 'candle.closed': {
        const { symbol, timeframe, candle } = e.payload;
        if (
          sub.channels.includes(`candles:${symbol}:${timeframe}`) &&
          (!sub.symbols || sub.symbols.includes(symbol))
        )
          out.push(wire({ type: 'candle.closed', symbol, timeframe, candle }));
        break;
      }
      case 'status':
        break;
    }
  }
  return out;
}

const EVENT_TYPES = ['signal.created', 'signal.updated', 'outcome.closed', 'candle.closed'];

describe.skipIf(!hasRealData)(
  'WebSocket delivery from a LiveRuntime replaying real BTCUSDT and ETHUSDT 1m',
  () => {
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT', 'ETHUSDT'], engine: BUSY_ENGINE });
    const db = hasRealData ? openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-ws-')), 'live.db')) : null;
    let runtime: LiveRuntime;
    let source: ReplaySource;
    let app: FastifyInstance;
    const apps: FastifyInstance[] = [];
    const recorded: Recorded[] = [];
    /** How many listeners per topic the test itself keeps on the bus. */
    let ownListeners = 0;

    const subs = {
      everything: { channels: ['signals', 'outcomes', 'status', 'candles:BTCUSDT:1h'] },
      filtered: {
        channels: ['signals', 'outcomes', 'candles:ETHUSDT:4h', 'candles:BTCUSDT:4h'],
        symbols: ['ETHUSDT'],
        strategies: ['breakout', 'mean_reversion'],
        minConfidence: 0.7,
      },
      signalsAlias: { channels: ['signals'], symbols: ['BTCUSDT'] },
      notificationsAlias: { channels: ['signals', 'outcomes', 'status'], minConfidence: 0.75 },
    } satisfies Record<string, Subscription>;
    const clients: Record<keyof typeof subs, Client> = {} as Record<keyof typeof subs, Client>;
    let liveAtStop: readonly Signal[] = [];

    async function listen(a: FastifyInstance): Promise<FastifyInstance> {
      await a.listen({ port: 0, host: '127.0.0.1' });
      apps.push(a);
      return a;
    }

    beforeAll(async () => {
      if (!db) return;
      const inputs = await describeInputs([
        realDataPath('binance_BTCUSDT_1m_20240726-20240825.csv.gz'),
        realDataPath('binance_ETHUSDT_1m_20240726-20240825.csv.gz'),
      ]);
      source = new ReplaySource({ inputs, timeframe: '1m', speed: 'max' });
      runtime = new LiveRuntime({
        config,
        source,
        candles: new SqliteCandleStore(db),
        signals: new SqliteSignalStore(db),
      });
      runtime.bus.on('signal.created', (payload) => recorded.push({ topic: 'signal.created', payload }));
      runtime.bus.on('signal.updated', (payload) => recorded.push({ topic: 'signal.updated', payload }));
      runtime.bus.on('outcome.closed', (payload) => recorded.push({ topic: 'outcome.closed', payload }));
      runtime.bus.on('candle.closed', (payload) => recorded.push({ topic: 'candle.closed', payload }));
      runtime.bus.on('status', (payload) => recorded.push({ topic: 'status', payload }));
      ownListeners = 1;

      // As buildApp does: @fastify/websocket registered first (not awaited), with its own maxPayload.
      app = Fastify();
      app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
      await registerWebSocket(app, { runtime });
      await listen(app);

      // Clients subscribed before the replay starts see every event of it.
      clients.everything = await Client.open(url(app, '/ws'));
      clients.everything.send({ op: 'subscribe', channels: subs.everything.channels });
      clients.filtered = await Client.open(url(app, '/ws'));
      const { channels, ...filter } = subs.filtered;
      clients.filtered.send({ op: 'subscribe', channels, filter });
      clients.signalsAlias = await Client.open(url(app, '/ws/signals?symbols=btcusdt'));
      clients.notificationsAlias = await Client.open(url(app, '/ws/notifications?minConfidence=0.75'));
      for (const c of Object.values(clients)) await c.nth('subscribed');
      expect(app.wsClients.count).toBe(4);

      // Stop once two signals are live at the same time (so the snapshot has something to show).
      let base1m = 0;
      const stopped = new Promise<void>((resolve) => {
        const off = runtime.bus.on('candle.closed', (e) => {
          if (e.timeframe === '1m' && ++base1m > 30_000 && runtime.liveSignals().length >= 2) {
            off();
            resolve();
          }
        });
      });
      await runtime.start(['BTCUSDT', 'ETHUSDT']);
      await Promise.race([stopped, source.finished()]);
      await runtime.stop();
      liveAtStop = runtime.liveSignals();
      for (const c of Object.values(clients)) await c.sync();
    });

    afterAll(async () => {
      for (const a of apps) await a.close();
      await runtime?.stop();
      db?.close();
    });

    describe('during the replay', () => {
      it('sent enough real traffic to mean something', () => {
        const created = recorded.filter((e) => e.topic === 'signal.created').length;
        expect(created).toBeGreaterThan(20);
        expect(recorded.filter((e) => e.topic === 'outcome.closed').length).toBeGreaterThan(10);
        expect(liveAtStop.length).toBeGreaterThanOrEqual(2);
      });

      it('confirms each subscription with its channels and filter, then an empty snapshot (nothing was live yet)', () => {
        expect(clients.everything.messages.slice(0, 3)).toEqual([
          { type: 'subscribed', channels: subs.everything.channels, filter: {} },
          { type: 'snapshot', signals: [] },
          expect.objectContaining({ type: 'status', reason: 'subscribed' }),
        ]);
        expect(clients.filtered.messages.slice(0, 2)).toEqual([
          {
            type: 'subscribed',
            channels: subs.filtered.channels,
            filter: { symbols: ['ETHUSDT'], strategies: ['breakout', 'mean_reversion'], minConfidence: 0.7 },
          },
          { type: 'snapshot', signals: [] },
        ]);
        expect(clients.signalsAlias.messages.slice(0, 2)).toEqual([
          { type: 'subscribed', channels: ['signals'], filter: { symbols: ['BTCUSDT'] } },
          { type: 'snapshot', signals: [] },
        ]);
        expect(clients.notificationsAlias.messages.slice(0, 2)).toEqual([
          {
            type: 'subscribed',
            channels: ['signals', 'outcomes', 'status'],
            filter: { minConfidence: 0.75 },
          },
          { type: 'snapshot', signals: [] },
        ]);
      });

      it('delivers exactly the bus events each subscription matches, in bus order', () => {
        for (const [name, sub] of Object.entries(subs)) {
          const got = clients[name as keyof typeof subs].ofTypes(...EVENT_TYPES);
          const want = expectedMessages(recorded, sub);
          expect(got.length, name).toBe(want.length);
          expect(got, name).toEqual(want);
        }
        // the filters really filtered: each narrower client saw less, but not nothing
        const all = clients.everything.ofTypes('signal.created').length;
        for (const name of ['filtered', 'signalsAlias', 'notificationsAlias'] as const) {
          const n = clients[name].ofTypes('signal.created').length;
          expect(n, name).toBeGreaterThan(0);
          expect(n, name).toBeLessThan(all);
        }
        expect(clients.filtered.ofTypes('candle.closed').every((m) => m.symbol === 'ETHUSDT')).toBe(true);
        expect(clients.filtered.ofTypes('candle.closed').length).toBeGreaterThan(0);
      });

      it('sends status events with the runtime status to status subscribers only', () => {
        const started = clients.everything.ofTypes('status').find((m) => m.reason === 'started');
        expect(started).toMatchObject({
          type: 'status',
          reason: 'started',
          status: { source: { label: 'REPLAY' } },
        });
        expect(clients.notificationsAlias.ofTypes('status').map((m) => m.reason)).toEqual([
          'subscribed',
          'started',
        ]);
        expect(clients.filtered.ofTypes('status')).toEqual([]);
        expect(clients.signalsAlias.ofTypes('status')).toEqual([]);
      });

      it('gives a newcomer the live signals as a snapshot, filtered by its filter', async () => {
        const live = wire(liveAtStop) as Signal[];
        const alias = await Client.open(url(app, '/ws/signals'));
        expect((await alias.nth('snapshot')).signals).toEqual(live);

        const symbol = liveAtStop[0].symbol;
        const bySymbol = await Client.open(url(app, '/ws'));
        bySymbol.send({ op: 'subscribe', channels: ['signals'], filter: { symbols: [symbol] } });
        expect((await bySymbol.nth('snapshot')).signals).toEqual(live.filter((s) => s.symbol === symbol));

        const none = await Client.open(url(app, `/ws/notifications?minConfidence=1&symbols=${symbol}`));
        expect((await none.nth('snapshot')).signals).toEqual(
          live.filter((s) => s.symbol === symbol && s.confidence >= 1),
        );
        // a subscribe without `signals` sends no snapshot
        const candlesOnly = await Client.open(url(app, '/ws'));
        candlesOnly.send({ op: 'subscribe', channels: ['candles:BTCUSDT:1m'] });
        await candlesOnly.nth('subscribed');
        await candlesOnly.sync();
        expect(candlesOnly.ofTypes('snapshot')).toEqual([]);
        for (const c of [alias, bySymbol, none, candlesOnly]) await c.close();
      });

      it('counts the clients and drops its bus listeners once the last one has gone', async () => {
        await eventually(() => app.wsClients.count === 4, 'the four replay clients only');
        expect(runtime.bus.listenerCount('signal.created')).toBe(ownListeners + 1);
        for (const c of Object.values(clients)) await c.close();
        await eventually(() => app.wsClients.count === 0, 'no clients');
        for (const topic of [
          'signal.created',
          'signal.updated',
          'outcome.closed',
          'candle.closed',
          'status',
        ] as const)
          expect(runtime.bus.listenerCount(topic), topic).toBe(ownListeners);
      });
    });

    describe('protocol over the wire', () => {
      it('answers each bad message with an error naming the problem and keeps the connection usable', async () => {
        const c = await Client.open(url(app, '/ws'));
        const bad: [string, string][] = [
          ['hello', 'message is not JSON'],
          ['{"op":"subscrbe","channels":["signals"]}', 'unknown op "subscrbe"'],
          ['{"op":"subscribe","channels":["signals","trades"]}', 'channels.1: unknown channel "trades"'],
          ['{"op":"subscribe","channels":["candles:BTCUSDT:7m"]}', 'unknown timeframe "7m"'],
          ['{"op":"subscribe","channels":[]}', 'channels: give at least one channel'],
          [
            '{"op":"subscribe","channels":["signals"],"filter":{"minConfidence":2}}',
            'filter.minConfidence: expected a number from 0 to 1, got 2',
          ],
          [
            '{"op":"subscribe","channels":["signals"],"filter":{"strategies":["swing"]}}',
            'unknown strategy "swing"',
          ],
        ];
        for (const [i, [text, problem]] of bad.entries()) {
          c.send(text);
          const err = await c.nth('error', i);
          expect(String(err.message), text).toContain(problem);
        }
        c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
        expect((await c.nth('error', bad.length)).message).toBe(
          'binary frames are not accepted; send JSON text',
        );
        // still usable: the bad subscribes changed nothing, a good one works
        await c.sync();
        c.send({ op: 'subscribe', channels: ['signals'] });
        expect(await c.nth('subscribed')).toEqual({ type: 'subscribed', channels: ['signals'], filter: {} });
        expect(c.ws.readyState).toBe(WebSocket.OPEN);
        await c.close();
      });

      it('stops sending a channel after unsubscribe while other channels and clients carry on', async () => {
        const signal = recorded.find((e) => e.topic === 'signal.created')
          ?.payload as BusEvents['signal.created'];
        const outcome = recorded.find((e) => e.topic === 'outcome.closed')
          ?.payload as BusEvents['outcome.closed'];
        const a = await Client.open(url(app, '/ws'));
        const b = await Client.open(url(app, '/ws'));
        for (const c of [a, b]) {
          c.send({ op: 'subscribe', channels: ['signals', 'outcomes'] });
          await c.nth('snapshot');
        }
        a.send({ op: 'unsubscribe', channels: ['signals'] });
        expect(await a.nth('unsubscribed')).toEqual({
          type: 'unsubscribed',
          channels: ['signals'],
          remaining: ['outcomes'],
        });
        runtime.bus.publish(signal);
        runtime.bus.publish(outcome);
        for (const c of [a, b]) await c.sync();
        expect(a.ofTypes(...EVENT_TYPES).map((m) => m.type)).toEqual(['outcome.closed']);
        expect(b.ofTypes(...EVENT_TYPES).map((m) => m.type)).toEqual(['signal.created', 'outcome.closed']);
        expect(b.ofTypes('signal.created')[0].signal).toEqual(wire(signal.signal));
        await a.close();
        await b.close();
      });

      it('closes with 1009 a frame over maxPayload (the app registered @fastify/websocket with 4096)', async () => {
        const before = app.wsClients.count;
        const c = await Client.open(url(app, '/ws'));
        await eventually(() => app.wsClients.count === before + 1, 'the client to be counted');
        // just under the limit: an ordinary error, the connection lives on
        c.send(`{"op":"ping","pad":"${'x'.repeat(4000)}"}`);
        expect(String((await c.nth('error')).message)).toContain('Unrecognized key');
        c.send(`{"op":"ping","pad":"${'x'.repeat(5000)}"}`);
        expect((await c.closed).code).toBe(1009);
        await eventually(() => app.wsClients.count === before, 'the oversize client to be gone');
      });

      it('refuses a ready-subscribed endpoint with a bad query string: error, then close 1008', async () => {
        const c = await Client.open(url(app, '/ws/notifications?minconfidence=0.7'));
        expect(await c.nth('error')).toEqual({
          type: 'error',
          message:
            'unknown query parameter "minconfidence"; accepted are symbols, strategies, minConfidence, minPriority',
        });
        expect((await c.closed).code).toBe(1008);
        const d = await Client.open(url(app, '/ws/signals?strategies=swing'));
        expect(String((await d.nth('error')).message)).toContain('unknown strategy "swing"');
        expect((await d.closed).code).toBe(1008);
      });
    });

    describe('heartbeat', () => {
      it('terminates a client that does not answer pings and keeps one that does', async () => {
        const beat = Fastify();
        await registerWebSocket(beat, { runtime, heartbeatMs: 100 });
        await listen(beat);
        const silent = await Client.open(url(beat, '/ws'), { autoPong: false });
        const alive = await Client.open(url(beat, '/ws'));
        const t0 = Date.now();
        const { code } = await silent.closed;
        const elapsed = Date.now() - t0;
        expect(code).toBe(1006); // terminated: no closing handshake
        expect(silent.pings).toBeGreaterThanOrEqual(1);
        expect(elapsed).toBeLessThan(1000);
        await sleep(500);
        expect(alive.ws.readyState).toBe(WebSocket.OPEN);
        expect(alive.pings).toBeGreaterThanOrEqual(4);
        expect(beat.wsClients.count).toBe(1);
        await alive.sync();
        await alive.close();
      });
    });

    describe('shutdown', () => {
      it('closes promptly with a client that stopped reading, and leaves no listener on the bus', async () => {
        const before = runtime.bus.listenerCount('signal.created');
        const closing = Fastify();
        await registerWebSocket(closing, { runtime });
        await closing.listen({ port: 0, host: '127.0.0.1' });
        const stalled = await Client.open(url(closing, '/ws/notifications'));
        await stalled.nth('snapshot');
        stalled.tcp?.pause();
        expect(runtime.bus.listenerCount('signal.created')).toBe(before + 1);
        const t0 = Date.now();
        await closing.close();
        // without the hub's own shutdown this waits for ws's 30 s closing timeout
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(closing.wsClients.count).toBe(0);
        expect(runtime.bus.listenerCount('signal.created')).toBe(before);
        stalled.tcp?.resume();
        await stalled.closed;
      });
    });

    describe('slow readers', () => {
      it('drops a client that stops reading once its buffer passes the limit; a fast one gets every event', async () => {
        const limit = 256 * 1024;
        const slowApp = Fastify();
        await registerWebSocket(slowApp, { runtime, maxBufferedBytes: limit });
        await listen(slowApp);
        const fast = await Client.open(url(slowApp, '/ws/signals'));
        const slow = await Client.open(url(slowApp, '/ws/signals'));
        await fast.nth('snapshot');
        await slow.nth('snapshot');
        const tcp = slow.tcp;
        if (!tcp) throw new Error('no TCP socket under the slow client');
        tcp.pause();

        const real = recorded.filter((e) => e.topic === 'signal.created').map((e) => e.payload);
        const sequence: string[] = [];
        const t0 = Date.now();
        // Published in bursts, as a runtime does per candle; the fast client keeps up between bursts.
        while (slowApp.wsClients.count > 1 && sequence.length < 40_000) {
          for (let k = 0; k < 20; k++) {
            const e = real[sequence.length % real.length];
            sequence.push(e.signal.id);
            runtime.bus.publish(e);
          }
          await fast.until(
            () => fast.ofTypes('signal.created').length === sequence.length,
            'the fast client',
          );
        }
        const publishMs = Date.now() - t0;
        expect(slowApp.wsClients.count).toBe(1);
        expect(fast.ofTypes('signal.created').map((m) => (m.signal as Signal).id)).toEqual(sequence);
        expect(fast.ws.readyState).toBe(WebSocket.OPEN);
        expect(publishMs).toBeLessThan(60_000);

        // once it reads again it finds a prefix of the events, then the 1013 close
        tcp.resume();
        const { code } = await slow.closed;
        expect(code).toBe(1013);
        const got = slow.ofTypes('signal.created').map((m) => (m.signal as Signal).id);
        expect(got.length).toBeGreaterThan(0);
        expect(got.length).toBeLessThan(sequence.length);
        expect(got).toEqual(sequence.slice(0, got.length));
        await fast.close();
      });
    });
  },
);
