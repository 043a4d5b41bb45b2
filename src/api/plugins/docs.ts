import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

function packageVersion(): string {
  try {
    // the same relative path from src/api/plugins and dist/api/plugins
    const raw = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    const v = (JSON.parse(raw) as { version?: unknown }).version;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The OpenAPI document, generated from the routes' own schemas, at /docs/json (and /docs/yaml),
 * with Swagger UI at /docs served from the package's bundled assets (no CDN). Registered before
 * the routes so that it sees every one of them.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AlphaPulse API',
        version: packageVersion(),
        description:
          'Signals, their outcomes and the track record of the AlphaPulse signal engine, stored candles with indicators, backtest reports, and the running service. Times are Unix milliseconds (UTC); returns are fractions (0.012 = +1.2 %). Every error is `{ error, message, statusCode }`.',
      },
      tags: [
        { name: 'service', description: 'Liveness, readiness, status and metrics' },
        { name: 'signals', description: 'Stored signals and their outcomes' },
        { name: 'performance', description: 'The live track record' },
        { name: 'backtests', description: 'Stored backtest reports' },
        { name: 'candles', description: 'Stored candles, aggregated on demand, with indicators' },
        { name: 'symbols', description: 'The symbols the service watches' },
        {
          name: 'subscriber',
          description: 'A subscriber with their API key: channels, feed, balance (docs/DELIVERY.md)',
        },
        { name: 'delivery admin', description: 'Channels, subscribers, credits, the outbox and the ledger' },
      ],
      components: {
        securitySchemes: {
          adminKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'One of the admin keys in config api.adminKeys',
          },
          subscriberKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'A subscriber API key (aps_...), issued by POST /api/v1/admin/subscribers',
          },
        },
      },
    },
    // shared schemas keep their $id as component name (Signal, Performance, ...) instead of def-N
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });
}
