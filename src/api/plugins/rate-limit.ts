import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * Per-client-IP request budget for every route (probes and /metrics opt out with
 * `config: { rateLimit: false }`). Past it: 429 with the error JSON and Retry-After.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  opts: { readonly max: number; readonly timeWindowMs: number },
  /** Where the counters live (shared Redis); default: this process's memory. */
  store?: FastifyRateLimitStoreCtor,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    ...(store ? { store } : {}),
    max: opts.max,
    timeWindow: opts.timeWindowMs,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        context.statusCode,
        `rate limit exceeded: at most ${context.max} requests per ${opts.timeWindowMs / 1000} s; retry in ${context.after}`,
      ),
  });
}
