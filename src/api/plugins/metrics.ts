import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MemoryCache } from '../../adapters/cache/memory-cache.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import type { MonitorFigures } from '../../runtime/live/signal-monitor.js';

export interface ApiMetrics {
  /** This app's own instruments; several apps in one process never share a metric. */
  readonly registry: Registry;
  /** Prometheus text: the process metrics followed by this app's. */
  render(): Promise<string>;
  readonly contentType: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/**
 * Node's process metrics (CPU, memory, event loop, GC) describe the process, not an app, and
 * prom-client's collectors for them install observers it never removes. So they live in one
 * registry per process, created on first use; everything an app measures lives in its own.
 */
let processRegistry: Registry | null = null;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Prometheus instruments: HTTP requests (count and latency by route), the pipeline's candles,
 * signals and outcomes (from the runtime's bus), WebSocket clients, the response cache and the
 * pipeline's per-candle latency. Bus subscriptions end when the app closes.
 */
export function registerMetrics(
  app: FastifyInstance,
  opts: {
    readonly runtime: RuntimeView;
    readonly cache: MemoryCache<unknown>;
    readonly wsClients: () => number;
  },
): void {
  const registry = new Registry();
  const requests = new Counter({
    name: 'alphapulse_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'alphapulse_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const candles = new Counter({
    name: 'alphapulse_pipeline_candles_total',
    help: 'Closed candles through the pipeline, by symbol and timeframe (base and aggregated)',
    labelNames: ['symbol', 'timeframe'] as const,
    registers: [registry],
  });
  const signals = new Counter({
    name: 'alphapulse_signals_created_total',
    help: 'Signals created, by symbol, strategy and direction',
    labelNames: ['symbol', 'strategy', 'direction'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'alphapulse_outcomes_closed_total',
    help: 'Signal outcomes closed, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'alphapulse_websocket_clients',
    help: 'WebSocket clients connected now',
    registers: [registry],
    collect() {
      this.set(opts.wsClients());
    },
  });
  new Gauge({
    name: 'alphapulse_api_cache_hit_ratio',
    help: 'Hits over lookups of the API response cache since start (0 before the first lookup)',
    registers: [registry],
    collect() {
      this.set(opts.cache.stats().hitRate ?? 0);
    },
  });
  new Gauge({
    name: 'alphapulse_pipeline_candle_latency_microseconds',
    help: 'Time the pipeline takes per base candle (store and publish included), recent quantiles',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      const p = opts.runtime.status().pipeline;
      if (p.p50Us !== null) this.set({ quantile: '0.5' }, p.p50Us);
      if (p.p99Us !== null) this.set({ quantile: '0.99' }, p.p99Us);
    },
  });

  registerMonitorGauges(registry, opts.runtime);

  const bus = opts.runtime.bus;
  const unsubscribe = [
    bus.on('candle.closed', (e) => candles.inc({ symbol: e.symbol, timeframe: e.timeframe })),
    bus.on('signal.created', ({ signal: s }) =>
      signals.inc({ symbol: s.symbol, strategy: s.strategy, direction: s.direction }),
    ),
    bus.on('outcome.closed', ({ outcome }) => outcomes.inc({ type: outcome.type })),
  ];
  app.addHook('onClose', async () => {
    for (const off of unsubscribe) off();
  });

  app.addHook('onResponse', async (request, reply) => {
    // the route pattern, not the URL, keeps the label set small; unmatched URLs share one label
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const shared = processMetrics();
  app.decorate('metrics', {
    registry,
    contentType: registry.contentType,
    render: async () => `${await shared.metrics()}\n${await registry.metrics()}`,
  });
}

/**
 * The design's monitor figures (runtime/live/signal-monitor.ts) as gauges read at scrape time:
 * the entry-type distribution, the refinement fill rate, mean confidence and reward:risk, and
 * the dedup rate. The response cache's hit ratio is alphapulse_api_cache_hit_ratio above.
 */
function registerMonitorGauges(registry: Registry, runtime: RuntimeView): void {
  const figures = () => runtime.status().monitor;
  const gauge = (name: string, help: string, read: (f: MonitorFigures) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const f = figures();
        const v = f ? read(f) : null;
        if (v !== null) this.set(v);
      },
    });
  new Gauge({
    name: 'alphapulse_signals_by_entry_type',
    help: 'Signals created since start, by entry type (the entry-type distribution)',
    labelNames: ['entry_type'] as const,
    registers: [registry],
    collect() {
      const f = figures();
      if (f) for (const [t, n] of Object.entries(f.entryTypes)) this.set({ entry_type: t }, n);
    },
  });
  gauge(
    'alphapulse_refinement_fill_ratio',
    'Refined (limit) entries filled over those filled or expired, since start',
    (f) => f.refinementFillRate,
  );
  gauge(
    'alphapulse_signal_confidence_mean',
    'Mean confidence of the signals created since start',
    (f) => f.averageConfidence,
  );
  gauge(
    'alphapulse_signal_reward_risk_mean',
    'Mean reward:risk (to TP2, after costs) of the signals created since start',
    (f) => f.averageRewardRisk,
  );
  gauge(
    'alphapulse_dedup_ratio',
    'Duplicates (and merged signals) over the candidates past the thresholds, since start',
    (f) => f.dedupRate,
  );
  gauge(
    'alphapulse_candidates_past_thresholds',
    'Candidates past the thresholds since start: signals plus those filtered as duplicate, merged or in cooldown',
    (f) => f.candidatesPastThresholds,
  );
}
