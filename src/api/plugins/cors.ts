import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Browsers may call the API only from the configured origins (exact match). With none, no CORS
 * headers are sent at all: same-origin pages (the dashboard) and non-browser clients are unaffected.
 */
export async function registerCors(
  app: FastifyInstance,
  opts: { readonly origins: readonly string[] },
): Promise<void> {
  await app.register(cors, {
    origin: opts.origins.length > 0 ? [...opts.origins] : false,
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
}
