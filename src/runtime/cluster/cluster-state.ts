import type { RedisHealth } from '../../adapters/redis/redis-connection.js';
import type { ClusterStatus, Readiness, RuntimeStatus, RuntimeView } from '../live/runtime-view.js';

export type { ClusterStatus, Role } from '../live/runtime-view.js';

export interface ClusterReadiness {
  /** Extra checks for /ready, by name. */
  readonly checks: Readiness['checks'];
  /** Names of the checks that make the process unready when they fail (the others are degradations). */
  readonly essential: readonly string[];
}

/**
 * The runtime as the API sees it, with the deployment's state added: `status()` carries
 * `cluster`, `ready()` the Redis and event-stream checks. Redis being away makes a process that
 * can work without it (serve --role all) degraded, not unready; a gateway, whose events come
 * only through the stream, lists it as essential.
 */
export function withClusterState(
  view: RuntimeView,
  cluster: () => ClusterStatus,
  readiness: () => ClusterReadiness,
): RuntimeView {
  return {
    bus: view.bus,
    status: (): RuntimeStatus => ({ ...view.status(), cluster: cluster() }),
    liveSignals: () => view.liveSignals(),
    symbols: () => view.symbols(),
    addSymbol: (symbol, actor) => view.addSymbol(symbol, actor),
    removeSymbol: (symbol, actor) => view.removeSymbol(symbol, actor),
    evaluate: (symbol, timeframe, publish, actor) => view.evaluate(symbol, timeframe, publish, actor),
    closeSignal: (id, reason, actor) => view.closeSignal(id, reason, actor),
    cancelSignal: (id, reason, actor) => view.cancelSignal(id, reason, actor),
    ready: async (): Promise<Readiness> => {
      const base = await view.ready();
      const extra = readiness();
      const essentialOk = extra.essential.every((k) => extra.checks[k]?.ok !== false);
      return { ok: base.ok && essentialOk, checks: { ...base.checks, ...extra.checks } };
    },
  };
}

/** The /ready line of a Redis connection. */
export function redisCheck(health: RedisHealth | null): { ok: boolean; detail: string } {
  if (health === null) return { ok: true, detail: 'no Redis configured: cache and rate limits in memory' };
  if (health.state === 'up') return { ok: true, detail: `Redis at ${health.url} is reachable` };
  return {
    ok: false,
    detail: `Redis at ${health.url} is ${health.state} since ${new Date(health.since).toISOString()} (${health.lastError ?? 'no answer'}): working on the in-memory cache, back to Redis when it returns`,
  };
}
