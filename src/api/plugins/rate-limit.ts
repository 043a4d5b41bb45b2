import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export interface RateLimitOptions {
  /** API requests (`/api/...`) per client IP per window. */
  readonly max: number;
  readonly timeWindowMs: number;
  /** Requests for the dashboard's own files per client IP per window. */
  readonly assetsMax: number;
}

/** Which budget a request spends: the API's or the dashboard's files'. */
export type Budget = 'api' | 'assets';

/** The budget of a request, from its route (or, for a request no route matched, its path). */
export function budgetOf(request: FastifyRequest): Budget {
  const path = request.routeOptions.url ?? request.url;
  return path === '/api' || path.startsWith('/api/') ? 'api' : 'assets';
}

/**
 * Per-client-IP request budgets: one for the API, one for the dashboard's files, so loading
 * the page does not spend what a bot's calls may use and the other way round. WebSocket
 * routes opt out with `config: { rateLimit: false }` (their connections have limits of their
 * own, src/api/ws/connection-budget.ts: counting upgrades here refused 701 of 1,000 clients of
 * one address), and so do the probes and /metrics. Past a budget: 429 with the error JSON and Retry-After.
 * `request.ip` is the socket's address unless `api.trustProxy` says to believe X-Forwarded-For.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  opts: RateLimitOptions,
  /** Where the counters live (shared Redis); default: this process's memory. */
  store?: FastifyRateLimitStoreCtor,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    ...(store ? { store } : {}),
    timeWindow: opts.timeWindowMs,
    keyGenerator: (request) => `${budgetOf(request)}|${request.ip}`,
    max: (request) => (budgetOf(request) === 'api' ? opts.max : opts.assetsMax),
    errorResponseBuilder: (request, context) =>
      new ApiError(
        context.statusCode,
        `rate limit exceeded: at most ${context.max} ${budgetOf(request) === 'api' ? 'API requests' : 'requests for the dashboard'} per ${opts.timeWindowMs / 1000} s from one address; retry in ${context.after}`,
      ),
  });
}
