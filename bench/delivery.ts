import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Relay } from '../src/adapters/delivery/relay.js';
import { createTelegramBot, TelegramRelay } from '../src/adapters/delivery/telegram-relay.js';
import { WebhookRelay } from '../src/adapters/delivery/webhook-relay.js';
import type { Destination } from '../src/core/delivery/types.js';
import type { Signal } from '../src/core/signals/types.js';
import { addSubscriber, CHANNEL as BASE_CHANNEL, type Rig, startRig } from '../test/support/delivery.js';
import { FakeTelegram } from '../test/support/fake-telegram.js';
import { testSignal } from '../test/support/signals.js';
import { fmt, table, writeResults } from './lib.js';

/**
 * Delivery through the outbox, end to end: signals published on the bus -> the engine's cycles
 * (entitlement, caps, credits, one transaction each) -> outbox rows in SQLite (a file, WAL) ->
 * the relay runner -> the destination, every attempt recorded and every reservation charged.
 *
 * Webhooks: 1,000 subscribers of one channel, each with its own signed webhook on a local
 * receiver in a child process (the other core), 10 signals in 10 cycles: 10,000 deliveries.
 * Telegram: 1,000 subscribers with a Telegram chat each, one signal, through grammY and our
 * limiter (30 messages/s overall, 1/s per chat) to the fake Bot API of the tests: the time to
 * drain is set by the limit, the figure to check is that it is not slower than the limit allows.
 */
const SUBSCRIBERS = 1000;
const WEBHOOK_SIGNALS = 10;
const CHILD_FLAG = '--alphapulse-bench-receiver';
const T0 = Date.UTC(2025, 5, 2);

/** The most sends in any window of one second. */
function mostInASecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * The child process: a webhook receiver answering 200 to every POST, and the fake Bot API of the
 * tests, each reporting what it saw on request. Out of the sender's process, as the real ones are.
 */
function receiverHost(): void {
  const telegram = new FakeTelegram();
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', async () => {
    await telegram.start();
    process.send?.({
      port: (server.address() as AddressInfo).port,
      apiRoot: telegram.apiRoot,
      token: telegram.token,
    });
  });
  process.on('message', (m: { ask?: string }) => {
    if (m.ask === 'count') process.send?.({ received });
    if (m.ask === 'telegram') process.send?.({ times: telegram.sent.map((x) => x.at) });
    if (m.ask === 'exit') server.close(() => process.exit(0));
  });
}

interface ReceiverHost {
  readonly child: ChildProcess;
  readonly port: number;
  readonly apiRoot: string;
  readonly token: string;
  ask<T>(what: 'count' | 'telegram'): Promise<T>;
}

async function startReceiver(): Promise<ReceiverHost> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { stdio: 'inherit' });
  const hello = await new Promise<{ port: number; apiRoot: string; token: string }>((resolve) =>
    child.once('message', (m: { port: number; apiRoot: string; token: string }) => resolve(m)),
  );
  const ask = <T>(what: 'count' | 'telegram') =>
    new Promise<T>((resolve) => {
      child.once('message', (m: T) => resolve(m));
      child.send({ ask: what });
    });
  return { child, ...hello, ask };
}

const CHANNEL = { ...BASE_CHANNEL, maxDailyEvents: 100, price: 1 };

/** The engine and relays over a SQLite file, 1,000 subscribers of one channel, the runner not started. */
async function setUp(dir: string, relays: Relay[], destination: (i: number) => Destination): Promise<Rig> {
  const rig = await startRig({
    relays,
    path: join(dir, 'delivery.db'),
    startRunner: false,
    random: Math.random,
  });
  for (let i = 0; i < SUBSCRIBERS; i++)
    await addSubscriber(
      rig.store,
      {
        strategies: ['momentum'],
        destinations: [destination(i)],
        credits: 1000,
        channel: CHANNEL,
        name: `s${i}`,
      },
      T0,
    );
  return rig;
}

function signalAt(minute: number): Signal {
  const t = T0 + minute * 60_000;
  const stamp = new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return testSignal({
    id: `BTCUSDT-15m-momentum-BUY-${stamp}Z`,
    createdAt: t,
    statusAt: t,
    expiresAt: t + 86_400_000,
  });
}

async function publish(s: Rig, signals: readonly Signal[]): Promise<number> {
  const t0 = performance.now();
  for (const signal of signals) {
    await s.publish(signal);
    s.engine.flush();
  }
  await s.engine.idle();
  return performance.now() - t0;
}

async function drain(s: Rig, total: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const c = await s.store.outboxCounts();
    if (c.delivered + c.dead >= total) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function webhookBench(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-delivery-'));
  const receiver = await startReceiver();
  const relay = new WebhookRelay({ timeoutMs: 10_000, concurrency, allowPrivate: true });
  const s = await setUp(dir, [relay], (i) => ({
    kind: 'webhook',
    target: `http://127.0.0.1:${receiver.port}/hook/${i}`,
    secret: `secret-${i}-0123456789abcdef`,
    active: true,
  }));
  const total = SUBSCRIBERS * WEBHOOK_SIGNALS;
  const cpu0 = process.cpuUsage();
  // enqueue first, then send: the two costs apart
  const enqueueMs = await publish(
    s,
    Array.from({ length: WEBHOOK_SIGNALS }, (_, i) => signalAt(i)),
  );
  const t0 = performance.now();
  s.runner.start();
  const sendMs = await drain(s, total);
  const cpu = process.cpuUsage(cpu0);
  const { received } = await receiver.ask<{ received: number }>('count');
  const counts = await s.store.outboxCounts();
  await s.stop();
  receiver.child.send({ ask: 'exit' });
  rmSync(dir, { recursive: true, force: true });
  return {
    concurrency,
    deliveries: total,
    received,
    delivered: counts.delivered,
    enqueueMs,
    enqueuePerSecond: total / (enqueueMs / 1000),
    sendMs,
    sendPerSecond: total / (sendMs / 1000),
    endToEndPerSecond: total / ((enqueueMs + (performance.now() - t0)) / 1000),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function telegramBench() {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-telegram-'));
  const host = await startReceiver();
  const { bot, limiter } = createTelegramBot({
    token: host.token,
    apiRoot: host.apiRoot,
    globalPerSecond: 30,
    perChatPerSecond: 1,
    perGroupPerMinute: 20,
  });
  // when each send really left this process (after the limiter let it go)
  const wire: number[] = [];
  const record = limiter.sent.bind(limiter);
  limiter.sent = (chat) => {
    wire.push(Date.now());
    record(chat);
  };
  const relay = new TelegramRelay(bot, async () => {});
  const s = await setUp(dir, [relay], (i) => ({
    kind: 'telegram',
    target: String(100_000 + i),
    secret: null,
    active: true,
  }));
  const enqueueMs = await publish(s, [signalAt(0)]);
  s.runner.start();
  const drainMs = await drain(s, SUBSCRIBERS);
  const { times } = await host.ask<{ times: number[] }>('telegram');
  const counts = await s.store.outboxCounts();
  await s.stop();
  host.child.send({ ask: 'exit' });
  rmSync(dir, { recursive: true, force: true });
  return {
    chats: SUBSCRIBERS,
    sent: times.length,
    delivered: counts.delivered,
    enqueueMs,
    drainMs,
    sendsPerSecond: SUBSCRIBERS / (drainMs / 1000),
    floorMs: (SUBSCRIBERS - 1) * (1000 / 30),
    mostInASecondAtWire: mostInASecond(wire),
    mostInASecondAtReceiver: mostInASecond(times),
  };
}

export async function runDeliveryBench(): Promise<void> {
  const webhooks = [];
  for (const c of [32, 128]) webhooks.push(await webhookBench(c));
  console.log(
    `\n## Delivery: ${fmt(SUBSCRIBERS)} webhook subscribers x ${WEBHOOK_SIGNALS} signals through the outbox`,
  );
  console.log(
    table(
      [
        'relay concurrency',
        'deliveries',
        'enqueue ms',
        'enqueue/s',
        'send ms',
        'sent/s',
        'end-to-end/s',
        'CPU ms (this process)',
      ],
      webhooks.map((w) => [
        w.concurrency,
        fmt(w.deliveries),
        fmt(w.enqueueMs),
        fmt(w.enqueuePerSecond),
        fmt(w.sendMs),
        fmt(w.sendPerSecond),
        fmt(w.endToEndPerSecond),
        fmt(w.cpuMs),
      ]),
    ),
  );
  const telegram = await telegramBench();
  console.log(
    `\n## Delivery: one signal to ${fmt(SUBSCRIBERS)} Telegram chats (fake Bot API, 30 messages/s limit)`,
  );
  console.log(
    table(
      [
        'chats',
        'sent',
        'enqueue ms',
        'drain s',
        'floor s (limit)',
        'sent/s',
        'most in 1 s (sent)',
        'most in 1 s (received)',
      ],
      [
        [
          telegram.chats,
          telegram.sent,
          fmt(telegram.enqueueMs),
          fmt(telegram.drainMs / 1000, 1),
          fmt(telegram.floorMs / 1000, 1),
          fmt(telegram.sendsPerSecond, 1),
          telegram.mostInASecondAtWire,
          telegram.mostInASecondAtReceiver,
        ],
      ],
    ),
  );
  const path = writeResults('delivery', { webhooks, telegram });
  console.log(`\nresults: ${path}`);
}

if (process.argv.includes(CHILD_FLAG)) receiverHost();
