import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CHART_LIBRARY_PATH, chartLibraryFile, contentSecurityPolicy, registerWeb } from './register-web.js';

const webRoot = join(dirname(fileURLToPath(import.meta.url)), 'public');

describe('registerWeb', () => {
  let app: FastifyInstance | null = null;

  afterEach(async () => {
    await app?.close();
    app = null;
  });

  async function build(): Promise<FastifyInstance> {
    const built = Fastify();
    built.get('/api/v1/status', async () => ({ ok: true }));
    await registerWeb(built, { webRoot });
    app = built;
    return built;
  }

  it('serves index.html at / with a same-origin Content-Security-Policy', async () => {
    const web = await build();
    const res = await web.inject({ method: 'GET', url: '/', headers: { host: '127.0.0.1:8000' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<script type="module" src="/app.js">');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000");
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
  });

  it('serves the page scripts and styles, without the HTML policy', async () => {
    const web = await build();
    for (const [url, type] of [
      ['/app.js', /javascript/],
      ['/lib/store.js', /javascript/],
      ['/styles.css', /text\/css/],
    ] as const) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(type);
      expect(res.headers['content-security-policy'], url).toBeUndefined();
    }
  });

  it('serves the installed chart library at /vendor/lightweight-charts.js', async () => {
    const web = await build();
    const res = await web.inject({ method: 'GET', url: CHART_LIBRARY_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.body).toBe(readFileSync(chartLibraryFile(), 'utf8'));
    expect(res.body).toContain('LightweightCharts');
  });

  it('leaves unknown paths and the API to their own routes', async () => {
    const web = await build();
    expect((await web.inject({ method: 'GET', url: '/api/v1/status' })).json()).toEqual({ ok: true });
    const missing = await web.inject({ method: 'GET', url: '/no-such-page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
  });

  it('never repeats a Host header that is not a plain host[:port] in the policy', () => {
    expect(contentSecurityPolicy('example.org:8443')).toContain(
      'ws://example.org:8443 wss://example.org:8443',
    );
    expect(contentSecurityPolicy('[::1]:8000')).toContain('ws://[::1]:8000');
    for (const host of ["evil; script-src 'unsafe-inline'", 'a b', undefined]) {
      const csp = contentSecurityPolicy(host);
      expect(csp).toContain("connect-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
    }
  });
});
