import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { defaultWebRoot } from '../src/cli/commands/serve.js';
import { ConfigSchema } from '../src/config/schema.js';
import { EventBus } from '../src/runtime/bus/event-bus.js';
import type { RuntimeView } from '../src/runtime/live/runtime-view.js';
import { repoRoot } from './support/cli.js';
import { addSubscriber } from './support/delivery.js';
import { testSignal } from './support/signals.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM_PATH);
const inCi = process.env.CI === 'true';
const ADMIN = 'dashboard-admin-key-0123456789';
const T = Date.UTC(2025, 5, 1, 12);

/** The admin view over a store holding one row in each outbox state. */
async function seededApp(): Promise<FastifyInstance> {
  const db = openSqlite(':memory:');
  const store = new SqliteDeliveryStore(db);
  const hook = { kind: 'webhook' as const, target: 'http://127.0.0.1:9/h', secret: 's', active: true };
  const sub = await addSubscriber(
    store,
    { strategies: ['momentum'], destinations: [hook], credits: 10, name: 'ann' },
    T,
  );
  await addSubscriber(store, { strategies: [], destinations: [hook], credits: 0, name: 'bob' }, T);
  const channel = await store.getChannel('momentum');
  if (!channel) throw new Error('seeded');
  const ids = ['A', 'B', 'C', 'D'].map((x) => `BTCUSDT-15m-momentum-BUY-20250601T12${x}`);
  await store.commitCycle({
    cycle: 1,
    day: 1,
    signalIds: ids,
    deliveries: ids.map((id) => ({
      signal: testSignal({ id }),
      subscriberId: sub.id,
      channelId: channel.id,
      price: 2,
      destinations: [hook],
    })),
    skips: [],
    now: T,
  });
  const rows = await store.outbox({ limit: 10 });
  const attempt = (outboxId: number, ok: boolean) => ({
    outboxId,
    startedAt: T,
    finishedAt: T,
    ok,
    status: ok ? 200 : 500,
    error: ok ? null : 'HTTP 500',
  });
  await store.markDelivered(attempt(rows[0].id, true), null);
  await store.markFailed(attempt(rows[1].id, false), T + 10_000);
  await store.markFailed(attempt(rows[2].id, false), null);
  const bus = new EventBus();
  const runtime = { bus, liveSignals: () => [], symbols: () => [] } as unknown as RuntimeView;
  return buildApp({
    runtime,
    signals: new SqliteSignalStore(db),
    candles: new SqliteCandleStore(db),
    config: ConfigSchema.parse({ api: { adminKeys: [ADMIN] } }),
    webRoot: defaultWebRoot(),
    delivery: { store },
  });
}

describe.skipIf(!hasChromium && !inCi)('the delivery admin view in headless Chromium', () => {
  it('shows channels, subscribers, the outbox by state and the ledger once the admin key is given', async () => {
    const app = await seededApp();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${url}/admin.html`);
      await page.fill('#admin-key', 'wrong-key-0123456789');
      await page.click('button[type=submit]');
      await page.waitForSelector('#admin-error:not([hidden])');
      expect(await page.textContent('#admin-error')).toContain('403 the admin key is not valid');
      errors.length = 0; // the browser logs the refused requests themselves
      await page.fill('#admin-key', ADMIN);
      await page.click('button[type=submit]');
      await page.waitForSelector('body[data-loaded="true"]');
      const counts = await page.$$eval('#outbox-counts .stat', (els) => els.map((e) => e.textContent));
      expect(counts).toEqual(['pending1', 'retrying1', 'sending0', 'delivered1', 'dead1']);
      expect(await page.$$eval('#outbox-dead tbody tr', (els) => els.map((e) => e.textContent))).toEqual([
        expect.stringContaining('HTTP 500'),
      ]);
      expect(await page.$$eval('#outbox-retrying tbody tr', (els) => els.length)).toBe(1);
      expect(await page.$$eval('#outbox-pending tbody tr', (els) => els.length)).toBe(1);
      expect(await page.textContent('#channels')).toContain('momentum');
      expect(
        await page.$$eval('.subscriber-row', (els) => els.map((e) => e.children[1]?.textContent)),
      ).toEqual(['ann', 'bob']);
      // top-up, four reservations, one charge, one release
      expect(
        await page.$$eval('.ledger-row', (els) => els.map((e) => e.children[3]?.textContent).sort()),
      ).toEqual(['charge', 'release', 'reserve', 'reserve', 'reserve', 'reserve', 'topup'].sort());
      mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-output', 'delivery-admin.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
