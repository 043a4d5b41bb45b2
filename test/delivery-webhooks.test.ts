import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../src/adapters/delivery/webhook-signature.js';
import { checkWebhookUrl } from '../src/adapters/delivery/webhook-url.js';
import {
  addSubscriber,
  books,
  type Receiver,
  type Rig,
  startReceiver,
  startRig,
} from './support/delivery.js';
import { testSignal } from './support/signals.js';

/** The test vector of docs/DELIVERY.md. */
const VECTOR = {
  secret: 'whsec_alphapulse_test',
  timestamp: 1717243200,
  body: '{"event":"signal.delivered","deliveryId":"BTCUSDT-1h-momentum-BUY-20240601T1200Z/7/webhook/signal"}',
  header: 't=1717243200,v1=025e39f01a3879293c8eaa8622bb1f96a559c705832c9cb56aa29d9f4676743b',
};

describe('webhook signatures', () => {
  it('the documented test vector signs and verifies', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.header);
    expect(verifyWebhookSignature(VECTOR.secret, VECTOR.header, VECTOR.body, VECTOR.timestamp + 299)).toEqual(
      { ok: true },
    );
  });

  it('refuses an old timestamp, another body, another secret and a malformed header', () => {
    const v = (
      header: string | undefined,
      body = VECTOR.body,
      secret = VECTOR.secret,
      now = VECTOR.timestamp,
    ) => verifyWebhookSignature(secret, header, body, now);
    expect(v(VECTOR.header, VECTOR.body, VECTOR.secret, VECTOR.timestamp + 301)).toEqual({
      ok: false,
      reason: 'the timestamp is more than 300 s away from now',
    });
    expect(v(VECTOR.header, `${VECTOR.body} `)).toEqual({ ok: false, reason: 'no signature matches' });
    expect(v(VECTOR.header, VECTOR.body, 'other')).toEqual({ ok: false, reason: 'no signature matches' });
    expect(v('v1=abc')).toEqual({ ok: false, reason: 'the signature header has no t=<unix seconds>' });
    expect(v(undefined)).toEqual({ ok: false, reason: 'no X-AlphaPulse-Signature header' });
  });
});

describe('webhook URLs', () => {
  it('refuses private and loopback receivers unless allowed, and credentials always', async () => {
    const deny = { allowPrivate: false, resolve: async () => ['10.1.2.3'] };
    expect(await checkWebhookUrl('http://127.0.0.1:8080/h', deny)).toMatch(
      /private or loopback address \(127\.0\.0\.1\)/,
    );
    expect(await checkWebhookUrl('https://[::1]/h', deny)).toMatch(/private or loopback/);
    expect(await checkWebhookUrl('https://localhost/h', deny)).toBe('localhost is a loopback name');
    expect(await checkWebhookUrl('https://hooks.example.com/h', deny)).toMatch(/\(10\.1\.2\.3\)/);
    expect(
      await checkWebhookUrl('https://hooks.example.com/h', {
        allowPrivate: false,
        resolve: async () => ['93.184.215.14'],
      }),
    ).toBeNull();
    expect(await checkWebhookUrl('ftp://x.example.com/h', deny)).toBe('ftp: is not http or https');
    expect(await checkWebhookUrl('https://u:p@x.example.com/h', { allowPrivate: true })).toBe(
      'a webhook URL must not carry credentials',
    );
    expect(await checkWebhookUrl('http://127.0.0.1:8080/h', { allowPrivate: true })).toBeNull();
  });
});

describe('webhook delivery against a local receiver (fake timers)', () => {
  let rig: Rig;
  let receiver: Receiver;
  const T0 = Date.UTC(2025, 5, 1, 12, 0, 30);

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
    receiver = await startReceiver();
    rig = await startRig();
  });

  afterEach(async () => {
    await rig.stop();
    await receiver.close();
    vi.useRealTimers();
  });

  /** Runs the clock from timer to timer, letting the real HTTP traffic finish in between. */
  async function runUntil(done: () => boolean, maxSteps = 200): Promise<void> {
    for (let i = 0; i < maxSteps && !done(); i++) {
      await rig.settle();
      if (done()) return;
      await vi.advanceTimersToNextTimerAsync();
    }
    await rig.settle();
  }

  const subscriber = (url: string, credits: number) =>
    addSubscriber(
      rig.store,
      {
        strategies: ['momentum'],
        destinations: [{ kind: 'webhook', target: url, secret: 'sekret', active: true }],
        credits,
      },
      T0,
    );

  it('500 three times then 200: one delivered row, the same delivery id on every attempt, backoff 10 s, 1 min, 5 min', async () => {
    const sub = await subscriber(receiver.url, 10);
    receiver.script.push(500, 500, 500);
    await rig.publish(
      testSignal({ createdAt: Date.UTC(2025, 5, 1, 12), statusAt: Date.UTC(2025, 5, 1, 12) }),
    );
    await runUntil(() => receiver.received.length >= 4);

    expect(receiver.received).toHaveLength(4);
    const ids = new Set(receiver.received.map((r) => r.headers['x-alphapulse-delivery']));
    expect([...ids]).toEqual([`BTCUSDT-15m-momentum-BUY-20250601T1200Z/${sub.id}/webhook/signal`]);
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i].at);
    expect(gaps).toEqual([10_000, 60_000, 300_000]);
    for (const r of receiver.received) {
      expect(r.headers['x-alphapulse-event']).toBe('signal.delivered');
      const sig = String(r.headers['x-alphapulse-signature']);
      expect(verifyWebhookSignature('sekret', sig, r.body, Math.floor(r.at / 1000))).toEqual({ ok: true });
    }
    const body = JSON.parse(receiver.received[3].body) as {
      signal: { id: string };
      channel: { slug: string };
    };
    expect(body.signal.id).toBe('BTCUSDT-15m-momentum-BUY-20250601T1200Z');
    expect(body.channel.slug).toBe('momentum');

    const rows = await rig.store.outbox({ limit: 10 });
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([['delivered', 4]]);
    expect((await rig.store.attempts(rows[0].id)).map((a) => [a.ok, a.status])).toEqual([
      [false, 500],
      [false, 500],
      [false, 500],
      [true, 200],
    ]);
    expect(books(rig.db, sub.id)).toMatchObject({
      balance: 8,
      column: 8,
      charged: 2,
      reserved: 0,
      problems: [],
    });
  });

  it('a receiver down past the 24 h window: dead-lettered, the reservation released', async () => {
    await receiver.close();
    const sub = await subscriber(receiver.url, 10);
    await rig.publish(
      testSignal({ createdAt: Date.UTC(2025, 5, 1, 12), statusAt: Date.UTC(2025, 5, 1, 12) }),
    );
    await runUntil(
      () => rig.db.prepare("SELECT 1 FROM delivery_outbox WHERE state = 'dead'").get() !== undefined,
      500,
    );
    const [row] = await rig.store.outbox({ limit: 10 });
    expect(row.state).toBe('dead');
    // attempts at 0, 10 s, 70 s, 6 min, 36 min, 2.6 h, 8.6 h, 14.6 h, 20.6 h; the next would pass 24 h
    expect(row.attempts).toBe(9);
    expect(Date.now() - T0).toBeLessThanOrEqual(86_400_000);
    expect(books(rig.db, sub.id)).toMatchObject({
      balance: 10,
      column: 10,
      released: 2,
      charged: 0,
      reserved: 0,
      problems: [],
    });
  });
});
