import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './support/browser.js';
import { repoRoot } from './support/cli.js';
import { writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';
import { replayArgs, startServe, waitFor } from './support/serve.js';

/*
 * The dashboard as a newcomer meets it: the real `alphapulse serve` replaying a month of real
 * BTCUSDT 1m candles at full speed, the page opened in headless Chromium before the replay starts
 * (--start-delay), so the signals reach it over the WebSocket. The page must load nothing from
 * outside the service and log no error.
 */

const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';
const inCi = process.env.CI === 'true';
const SCREENSHOT = join(repoRoot, 'test-output', 'dashboard.png');

if (!hasChromium && !inCi) {
  console.warn(
    `[dashboard] no Chromium at ${CHROMIUM_PATH}: the dashboard test is skipped (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

interface Status {
  readonly source: { readonly label: string; readonly state: string };
}

interface ChartInfo {
  readonly symbol: string | null;
  readonly timeframe: string | null;
  readonly candles: number;
  readonly markers: number;
  readonly priceLines: number;
  readonly selectedId: string | null;
}

interface Observed {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly external: string[];
  readonly sockets: string[];
  /** Ids of the signals the server sent over the WebSocket as `signal.created`. */
  readonly created: string[];
}

/** Blocks and records every request that leaves the service's origin; collects errors and socket frames. */
async function watch(page: Page, origin: string): Promise<Observed> {
  const seen: Observed = { consoleErrors: [], pageErrors: [], external: [], sockets: [], created: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') seen.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    seen.external.push(url);
    return route.abort();
  });
  page.on('websocket', (ws) => {
    seen.sockets.push(ws.url());
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload !== 'string') return;
      const message = JSON.parse(frame.payload) as { type?: string; signal?: { id?: string } };
      if (message.type === 'signal.created' && message.signal?.id) seen.created.push(message.signal.id);
    });
  });
  return seen;
}

/*
 * Browser-side code goes in as strings: the test compiles without the DOM types. `window.alphapulse`
 * is the page's debug handle (src/web/public/app.js).
 */

/**
 * Polls a page expression until it is truthy. Not `page.waitForFunction`: that evaluates its
 * string with eval inside the page, which the page's Content-Security-Policy rightly refuses.
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const ROWS = `document.querySelectorAll('#signals-body tr.signal-row').length`;

const rowCount = (page: Page): Promise<number> => page.evaluate<number>(ROWS);

const chartInfo = (page: Page): Promise<ChartInfo> => page.evaluate<ChartInfo>('window.alphapulse.chart()');

describe.skipIf(!hasRealData || (!hasChromium && !inCi))('the dashboard in headless Chromium', () => {
  it('shows the REPLAY banner, live signals from the WebSocket, a chart with markers, a signal detail; nothing from outside', async () => {
    if (!hasChromium) {
      throw new Error(
        `CI must run the dashboard test but there is no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    const workDir = mkdtempSync(join(tmpdir(), 'ap-dashboard-'));
    // the browser first: the page must be open before the replay starts
    const browser = await launchChromium();
    const svc = await startServe(
      replayArgs(writeBusyConfig(workDir), realDataPath(FILE), join(workDir, 'dashboard.db'), [
        '--start-delay',
        '3000',
      ]),
    );
    try {
      const origin = new URL(svc.url).origin;
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const seen = await watch(page, origin);
      const response = await page.goto(`${svc.url}/`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      const policy = response?.headers()['content-security-policy'] ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

      // the data is not live: a banner says so, prominently
      await page.waitForSelector('#data-banner:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#data-banner-label')).toBe('REPLAY');
      expect(await page.isVisible('#data-banner')).toBe(true);
      expect(await page.textContent('#source-label')).toBe('REPLAY');

      // signals arrive over the WebSocket while the replay runs
      await until(page, `${ROWS} > 0`, 90_000);
      await waitFor<Status>(`${svc.url}/api/v1/status`, (s) => s.source.state === 'finished');
      expect(seen.sockets.every((url) => new URL(url).host === new URL(origin).host)).toBe(true);
      expect(seen.created.length).toBeGreaterThan(0);
      // the list is the newest page of the stored signals; every signal sent live is stored
      const newest = (await (await fetch(`${svc.url}/api/v1/signals?limit=50`)).json()) as {
        items: { id: string }[];
      };
      const newestIds = newest.items.map((s) => s.id);
      await until(
        page,
        `${ROWS} === ${newestIds.length} && document.querySelector('#signals-body tr.signal-row').dataset.id === ${JSON.stringify(newestIds[0])}`,
        15_000,
      );
      const rowIds = await page.$$eval('#signals-body tr.signal-row', (rows) =>
        rows.map((r) => r.getAttribute('data-id')),
      );
      expect(rowIds).toEqual(newestIds);
      const stored = await Promise.all(
        seen.created.map(async (id) => (await fetch(`${svc.url}/api/v1/signals/${id}`)).status),
      );
      expect(stored.every((status) => status === 200)).toBe(true);
      // newest first
      const times = await page.$$eval('#signals-body tr.signal-row td.time', (cells) =>
        cells.map((c) => c.textContent ?? ''),
      );
      expect([...times].sort().reverse()).toEqual(times);

      // the chart: canvases drawn, candles and signal markers on them
      await until(page, 'window.alphapulse.markerCount() > 0', 20_000);
      const canvases = await page.$$eval('#price-chart canvas', (list) =>
        list.map((c) => {
          const r = c.getBoundingClientRect();
          return r.width * r.height;
        }),
      );
      expect(canvases.length).toBeGreaterThan(0);
      expect(Math.max(...canvases)).toBeGreaterThan(10_000);
      const before = await chartInfo(page);
      expect(before.symbol).toBe('BTCUSDT');
      expect(before.candles).toBeGreaterThan(100);
      expect(Number(await page.getAttribute('#price-chart', 'data-markers'))).toBe(before.markers);

      // a click on a row opens its detail and selects it on the chart (entry, SL, TP1-3 lines)
      const row = page.locator('#signals-body tr.signal-row').first();
      const id = await row.getAttribute('data-id');
      expect(id).toBeTruthy();
      await row.click();
      await page.waitForSelector(`#signal-detail[data-signal-id="${id}"] .detail-section`, {
        timeout: 10_000,
      });
      expect(await page.textContent('#detail-id')).toBe(id);
      const detail = (await page.textContent('#signal-detail')) ?? '';
      for (const heading of ['Reasons', 'Confidence', 'Entry', 'Outcome']) expect(detail).toContain(heading);
      await until(
        page,
        `window.alphapulse.chart().selectedId === ${JSON.stringify(id)} && window.alphapulse.chart().priceLines === 5`,
        10_000,
      );
      expect(await page.getAttribute('#signals-body tr.signal-row.selected', 'data-id')).toBe(id);

      // the performance panel has the track record after costs, net with gross beside, per slice
      await until(page, `document.querySelectorAll('#strategy-table tbody tr').length > 0`, 15_000);
      expect(await page.textContent('#performance-costs')).toContain('All figures are after costs');
      const stats = (await page.textContent('#performance-stats')) ?? '';
      for (const words of ['Win rate', 'Expectancy', 'net', 'gross', '95 % CI', 'Costs per trade', 'n = ']) {
        expect(stats).toContain(words);
      }
      expect(await page.textContent('#strategy-table thead')).toContain('net · 95 % CI');
      // the calibration: buckets with trades, with n, and the scores
      await until(page, `document.querySelectorAll('#calibration-view tbody tr').length > 0`, 15_000);
      expect(await page.textContent('#calibration-scores')).toMatch(
        /Brier score 0\.\d{3} .* log loss \d+\.\d{3}/,
      );

      // the socket comes back after a drop and subscribes again: a new snapshot arrives
      const snapshots = `(window.alphapulse.socketCounts().snapshot ?? 0)`;
      const snapshotsBefore = await page.evaluate<number>(snapshots);
      await page.evaluate('window.alphapulse.reconnect()');
      await until(
        page,
        `${snapshots} > ${snapshotsBefore} && document.querySelector('#connection').dataset.state === 'open'`,
        20_000,
      );
      // the page's own status poll has seen the end of the replay
      await page.waitForSelector('#source-state[data-state="finished"]', { timeout: 15_000 });
      expect(await rowCount(page)).toBe(newestIds.length);

      mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
      await page.waitForTimeout(300);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      expect(seen.external).toEqual([]);
      expect(seen.pageErrors).toEqual([]);
      expect(seen.consoleErrors).toEqual([]);
    } finally {
      await browser.close();
      await svc.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
