import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startServe, waitFor } from './support/serve.js';

/** A port on 127.0.0.1 that nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A config whose exchange lives at an address that refuses connections (never the internet). */
async function unreachableExchange(dir: string): Promise<string> {
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  const file = join(dir, 'alphapulse.config.yaml');
  writeFileSync(
    file,
    [
      'live:',
      '  source: binance',
      '  connectTimeoutMs: 2000',
      '  warmupDays: 1',
      '  exchangeUrls:',
      '    api:',
      `      public: ${base}/api/v3`,
      `      private: ${base}/api/v3`,
      `      v1: ${base}/api/v1`,
      '    ws:',
      `      spot: ws://127.0.0.1:${port}/stream/ws`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('serve when the exchange cannot be reached', () => {
  it('says so in one line and carries on with the DEMO source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-fallback-'));
    const config = await unreachableExchange(dir);
    const svc = await startServe([
      '--config',
      config,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      join(dir, 'a.db'),
    ]);
    try {
      const status = await waitFor<{ source: { label: string; state: string } }>(
        `${svc.url}/api/v1/status`,
        (s) => s.source.state === 'live',
      );
      expect(status.source.label).toBe('DEMO');
      const lines = svc
        .output()
        .split('\n')
        .filter((l) => l.includes('cannot reach binance'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/running the DEMO market simulator instead/);
    } finally {
      await svc.stop();
    }
  });

  it('refuses to start with --no-fallback, naming the exchange', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-nofallback-'));
    const config = await unreachableExchange(dir);
    const r = runCli([
      '--config',
      config,
      'serve',
      '--no-fallback',
      '--port',
      '0',
      '--db',
      join(dir, 'b.db'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach binance within 2000 ms/);
  });
});
