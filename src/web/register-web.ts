import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface WebOptions {
  /** Folder holding index.html, app.js and the rest of the dashboard (src/web/public). */
  readonly webRoot: string;
}

/** The URL the page loads the chart library from; index.html names it. */
export const CHART_LIBRARY_PATH = '/vendor/lightweight-charts.js';

const STANDALONE = 'lightweight-charts.standalone.production.js';

/**
 * The installed lightweight-charts standalone build (it sets `window.LightweightCharts`). The
 * package exports only an ESM `import` entry, so `require.resolve('lightweight-charts')` fails;
 * its exported package.json resolves wherever npm put the package.
 */
export function chartLibraryFile(): string {
  const packageJson = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return join(dirname(packageJson), 'dist', STANDALONE);
}

/** A Host header we may repeat inside a header value: a name or address and an optional port, nothing else. */
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The page may load and connect to its own origin only. `'self'` alone covers ws:/wss: to the
 * same host in current browsers (CSP level 3), but older ones need the socket's origin spelled
 * out, so it is added when the Host header is a plain host[:port].
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host !== undefined && HOST_PATTERN.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the dashboard: the static files of `webRoot` at `/` (index.html for `/`) and the chart
 * library from the installed package at `/vendor/lightweight-charts.js`, so the page needs no
 * build step and makes no request beyond this server. Its HTML files carry a
 * Content-Security-Policy that allows this origin only.
 */
export async function registerWeb(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const libraryFile = chartLibraryFile();
  // read once, on first use: the service must start even if the page is never opened
  let library: Promise<Buffer> | null = null;

  app.get(CHART_LIBRARY_PATH, { schema: { hide: true } }, async (_request, reply) => {
    library ??= readFile(libraryFile);
    const body = await library.catch((e: unknown) => {
      library = null;
      throw e;
    });
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });

  await app.register(fastifyStatic, {
    root: opts.webRoot,
    prefix: '/',
    // one route per file found at start: unknown paths keep the API's own 404 answer
    wildcard: false,
    index: 'index.html',
    decorateReply: false,
    schemaHide: true,
    // only the dashboard's own pages: /docs (Swagger UI) has its own needs
    setHeaders: (reply, path) => {
      if (!path.endsWith('.html')) return;
      reply.header('content-security-policy', contentSecurityPolicy(reply.request.headers.host));
      reply.header('referrer-policy', 'no-referrer');
    },
  });
}
