import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { ConfigSchema } from '../src/config/schema.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { testSignal } from '../test/support/signals.js';
import { fmt, table, writeResults } from './lib.js';

/**
 * 5,000 WebSocket clients on one server, each subscribed to `signals`, receiving a burst of
 * signals published back to back on the bus: per-delivery time (publish to arrival, on one
 * shared clock: `performance.timeOrigin + performance.now()` in both processes) and the server's
 * memory per connected client. The clients live in a child process so they do not share the
 * server's event loop; the server's rss and heap are measured before the clients connect and
 * after they have all subscribed (after a GC when node runs with --expose-gc).
 *
 * The server's responsiveness during a burst is read two ways: the longest event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`, 10 ms resolution) from the first publish until every
 * client has the whole burst, and `GET /health` asked one at a time, every 10 ms at most, by a
 * third process (so neither the clients' load nor the server's own loop times it): how many answers
 * came during the burst and the slowest. The server's CPU time (user + sys) over the same span is
 * its cost of a burst, whoever the bottleneck.
 *
 * File descriptors: the server holds one per client and the child one per client; `ulimit -n`
 * must be above 5,000 plus a margin for each process (the development machines have 20,000).
 */

const CLIENTS = Number(process.env.ALPHAPULSE_BENCH_WS_CLIENTS ?? 5000);
const BURST = 20;
const ROUNDS = 3;
const CONNECT_BATCH = 250;
const CHILD_FLAG = '--websocket-bench-clients';
const PROBE_FLAG = '--websocket-bench-probe';
/** The probe asks at most this often, so both versions of the server answer about as many. */
const PROBE_EVERY_MS = 10;

const wallMs = (): number => performance.timeOrigin + performance.now();

type ToChild = { op: 'connect'; url: string; clients: number } | { op: 'expect'; count: number };
type FromChild =
  | { op: 'connected'; connectMs: number }
  | { op: 'arrived'; arrivals: [string, number][] }
  | { op: 'probing' }
  /** Each /health request: when it was sent (wall ms) and how long its answer took (ms). */
  | { op: 'probed'; requests: [number, number][] };
type ToProbe = { op: 'probe'; url: string } | { op: 'stop' };

/** The child: opens the clients, reports every arrival (signal id, wall ms) once a burst is complete. */
function clientHost(): void {
  const send = (m: FromChild) => process.send?.(m);
  const sockets: WebSocket[] = [];
  let arrivals: [string, number][] = [];
  let expected = Number.POSITIVE_INFINITY;
  const onMessage = (data: WebSocket.RawData) => {
    const at = wallMs();
    const text = String(data);
    if (!text.startsWith('{"type":"signal.created"')) return;
    const id = /"id":"(BENCH-\d+-\d+)"/.exec(text)?.[1];
    if (id === undefined) return;
    arrivals.push([id, at]);
    if (arrivals.length === expected) {
      const done = arrivals;
      arrivals = [];
      expected = Number.POSITIVE_INFINITY;
      send({ op: 'arrived', arrivals: done });
    }
  };
  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('error', reject);
      ws.once('open', () => {
        ws.once('message', () => {
          // the `subscribed` reply; the snapshot (empty) follows
          ws.on('message', onMessage);
          resolve(ws);
        });
        ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals'] }));
      });
    });
  process.on('disconnect', () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
  process.on('message', async (m: ToChild) => {
    if (m.op === 'expect') {
      expected = m.count;
      return;
    }
    const t0 = wallMs();
    for (let i = 0; i < m.clients; i += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, m.clients - i) }, () => open(m.url));
      sockets.push(...(await Promise.all(batch)));
    }
    send({ op: 'connected', connectMs: wallMs() - t0 });
  });
}

/** The probe: `GET /health` one at a time from `probe` to `stop`, each request's start and duration. */
function probeHost(): void {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let requests: [number, number][] = [];
  let running = false;
  const once = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const start = wallMs();
      get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          requests.push([start, wallMs() - start]);
          resolve();
        });
      }).on('error', reject);
    });
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m: ToProbe) => {
    if (m.op === 'stop') {
      running = false;
      return;
    }
    running = true;
    requests = [];
    await once(m.url);
    process.send?.({ op: 'probing' } satisfies FromChild);
    while (running) {
      const start = wallMs();
      await once(m.url);
      const wait = start + PROBE_EVERY_MS - wallMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    process.send?.({ op: 'probed', requests } satisfies FromChild);
  });
}

function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function nextMessage<T extends FromChild['op']>(
  child: ChildProcess,
  op: T,
): Promise<Extract<FromChild, { op: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromChild) => {
      if (m.op !== op) return;
      child.off('message', onMessage);
      resolve(m as Extract<FromChild, { op: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`client process exited (${code}) before ${op}`)));
  });
}

function memory(): { rss: number; heap: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

export async function runWebSocketBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alphapulse-ws-bench-'));
  const db = openSqlite(join(dir, 'alphapulse.db'));
  const signals = new SqliteSignalStore(db);
  const candles = new SqliteCandleStore(db);
  // every bench client comes from 127.0.0.1: the per-address cap is raised, the global one kept
  const config = ConfigSchema.parse({
    symbols: ['BTCUSDT'],
    api: {
      websocket: { maxConnectionsPerIp: CLIENTS + 100, maxConnections: Math.max(10_000, CLIENTS + 100) },
    },
  });
  const source = new ReplaySource({ inputs: [], timeframe: '1m', speed: 'max' });
  const runtime = new LiveRuntime({ config, source, candles, signals });
  const app = await buildApp({ runtime, signals, candles, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}/ws`;
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { stdio: 'inherit' });
  const probe = fork(fileURLToPath(import.meta.url), [PROBE_FLAG], { stdio: 'inherit' });
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    const before = memory();
    const connected = nextMessage(child, 'connected');
    child.send({ op: 'connect', url, clients: CLIENTS } satisfies ToChild);
    const { connectMs } = await connected;
    const after = memory();
    const sample = testSignal({ id: 'BENCH-0-0' });
    const frameBytes = Buffer.byteLength(JSON.stringify({ type: 'signal.created', signal: sample }));

    const delivery: number[] = [];
    const fromStart: number[] = [];
    const cpuMs: number[] = [];
    const publishMs: number[] = [];
    const lastMs: number[] = [];
    const stallMs: number[] = [];
    const healthAnswered: number[] = [];
    const healthMaxMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const probing = nextMessage(probe, 'probing');
      probe.send({ op: 'probe', url: `http://127.0.0.1:${port}/health` } satisfies ToProbe);
      await probing;
      child.send({ op: 'expect', count: CLIENTS * BURST } satisfies ToChild);
      const arrived = nextMessage(child, 'arrived');
      const sentAt = new Map<string, number>();
      // the histogram's first tick only sets its clock (so does a reset): let it tick before the burst
      loopDelay.reset();
      loopDelay.enable();
      await new Promise((r) => setTimeout(r, 50));
      const t0 = wallMs();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < BURST; i++) {
        const id = `BENCH-${round}-${i}`;
        sentAt.set(id, wallMs());
        runtime.bus.publish({
          type: 'signal.created',
          signal: testSignal({ id, createdAt: sample.createdAt + i }),
        });
      }
      publishMs.push(wallMs() - t0);
      const { arrivals } = await arrived;
      const tEnd = wallMs();
      const cpu = process.cpuUsage(cpu0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      loopDelay.disable();
      stallMs.push(loopDelay.max / 1e6);
      const probed = nextMessage(probe, 'probed');
      probe.send({ op: 'stop' } satisfies ToProbe);
      // a request that started before the burst but was answered in it counts too
      const during = (await probed).requests.filter(([start, ms]) => start + ms >= t0 && start <= tEnd);
      healthAnswered.push(during.filter(([start, ms]) => start + ms <= tEnd).length);
      healthMaxMs.push(Math.max(0, ...during.map(([, ms]) => ms)));
      let last = 0;
      for (const [id, at] of arrivals) {
        const d = at - (sentAt.get(id) ?? at);
        delivery.push(d);
        fromStart.push(at - t0);
        if (at - t0 > last) last = at - t0;
      }
      lastMs.push(last);
      await new Promise((r) => setTimeout(r, 500));
    }
    delivery.sort((a, b) => a - b);
    fromStart.sort((a, b) => a - b);
    const spread = (xs: readonly number[]) =>
      [0.5, 0.99].map((p) => fmt(quantile(xs, p))).join(' / ') + ` / ${fmt(xs[xs.length - 1])} ms`;
    const perClient = {
      rssBytes: (after.rss - before.rss) / CLIENTS,
      heapBytes: (after.heap - before.heap) / CLIENTS,
    };
    console.log(
      `\n## WebSocket: ${fmt(CLIENTS)} clients on one server, bursts of ${BURST} signals (${ROUNDS} rounds, ${fmt(frameBytes)} bytes a frame; clients in a child process)`,
    );
    console.log(
      table(
        ['measure', 'value'],
        [
          ['connect + subscribe all clients', `${fmt(connectMs)} ms`],
          ['publish a burst (the 20 bus.publish calls)', publishMs.map((m) => `${fmt(m)} ms`).join(', ')],
          ['delivery p50 / p99 / max, from its publish', spread(delivery)],
          ['delivery p50 / p99 / max, from the first publish', spread(fromStart)],
          ['whole burst reached every client', lastMs.map((m) => `${fmt(m)} ms`).join(', ')],
          ['server CPU during a burst (user + sys)', cpuMs.map((m) => `${fmt(m)} ms`).join(', ')],
          ['longest event-loop stall during a burst', stallMs.map((m) => `${fmt(m)} ms`).join(', ')],
          ['GET /health answered during a burst', healthAnswered.map((n) => fmt(n)).join(', ')],
          ['slowest GET /health during a burst', healthMaxMs.map((m) => `${fmt(m)} ms`).join(', ')],
          ['server rss per client', `${fmt(perClient.rssBytes / 1024, 1)} KB`],
          ['server heap per client', `${fmt(perClient.heapBytes / 1024, 1)} KB`],
        ],
      ),
    );
    const path = writeResults('websocket', {
      clients: CLIENTS,
      burst: BURST,
      rounds: ROUNDS,
      frameBytes,
      connectMs,
      publishMs,
      burstLastMs: lastMs,
      serverCpuMs: cpuMs,
      eventLoopStallMs: stallMs,
      healthDuringBurst: { answered: healthAnswered, maxMs: healthMaxMs },
      deliveryMs: {
        p50: quantile(delivery, 0.5),
        p90: quantile(delivery, 0.9),
        p99: quantile(delivery, 0.99),
        max: delivery[delivery.length - 1],
        count: delivery.length,
      },
      deliveryFromFirstPublishMs: {
        p50: quantile(fromStart, 0.5),
        p90: quantile(fromStart, 0.9),
        p99: quantile(fromStart, 0.99),
        max: fromStart[fromStart.length - 1],
      },
      serverMemoryPerClient: perClient,
      gc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    });
    console.log(`\nraw numbers: ${path}`);
  } finally {
    loopDelay.disable();
    child.disconnect();
    probe.disconnect();
    await app.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) clientHost();
if (process.argv.includes(PROBE_FLAG)) probeHost();
