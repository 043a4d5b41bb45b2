import type { TransportHealth } from '../../adapters/bus/event-transport.js';
import type { SourceLabel, SourceState } from '../../adapters/market/source.js';
import type { RedisHealth } from '../../adapters/redis/redis-connection.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import type { Evaluation, SignalControlResult } from '../../core/pipeline/evaluation.js';
import type { Signal } from '../../core/signals/types.js';
import type { EventBus } from '../bus/event-bus.js';
import type { WriteStatus } from './commit-buffer.js';
import type { MonitorFigures } from './signal-monitor.js';

export interface TimeframeStatus {
  readonly timeframe: Timeframe;
  /** Open time of the last closed candle of this timeframe, or null before the first. */
  readonly lastOpenTime: number | null;
  /** When it closed (open time + timeframe). */
  readonly lastCloseTime: number | null;
  /** Wall-clock now minus the last close: how far behind the feed is (meaningful for live sources). */
  readonly lagMs: number | null;
}

export interface SymbolStatus {
  readonly symbol: string;
  readonly timeframes: readonly TimeframeStatus[];
}

export interface RuntimeStatus {
  readonly source: {
    readonly kind: string;
    readonly label: SourceLabel;
    readonly state: SourceState;
    readonly detail: string;
  };
  readonly symbols: readonly SymbolStatus[];
  /** Time the pipeline took per base candle (store and publish included), in microseconds. */
  readonly pipeline: {
    readonly candles: number;
    readonly p50Us: number | null;
    readonly p99Us: number | null;
  };
  /** Signals created since 00:00 UTC today: the wall clock's day when live, the newest candle's for a replay or the demo; 0 when none. */
  readonly signalsToday: number;
  /** The design's monitor figures since start (absent from runtimes that do not count them). */
  readonly monitor?: MonitorFigures;
  /**
   * Signals created, signal updates and outcomes closed since the service started (recovery
   * included), published or not: a client fetches its lists again when these move.
   */
  readonly activity: { readonly signals: number; readonly updates: number; readonly outcomes: number };
  readonly startedAt: number;
  /** The write path: commits stored as they come, or held while the store is unreachable. */
  readonly store: WriteStatus;
  /** The process's role, Redis and the event stream (absent from a runtime outside a service). */
  readonly cluster?: ClusterStatus;
}

/**
 * What the API and the WebSocket see of the live runtime. `LiveRuntime` implements it; the
 * API never reaches into the pipeline itself.
 */
export interface RuntimeView {
  readonly bus: EventBus;
  status(): RuntimeStatus;
  /** Signals PENDING or ACTIVE now, newest first. */
  liveSignals(): readonly Signal[];
  symbols(): readonly string[];
  /** Adds a symbol at run time: warms it up from history, then follows it. `actor` is audited. */
  addSymbol(symbol: string, actor?: string): Promise<void>;
  removeSymbol(symbol: string, actor?: string): Promise<void>;
  /**
   * The on-demand run of a signal timeframe of a watched symbol on its latest closed candle;
   * rejects with an EvaluationError naming what is wrong. Audited as `actor`.
   */
  evaluate(symbol: string, timeframe: Timeframe, publish: boolean, actor: string): Promise<Evaluation>;
  /** Closes an ACTIVE signal at the last price (outcome MANUAL_EXIT). Audited as `actor`. */
  closeSignal(id: string, reason: string, actor: string): Promise<SignalControlResult>;
  /** Cancels a PENDING signal. Audited as `actor`. */
  cancelSignal(id: string, reason: string, actor: string): Promise<SignalControlResult>;
  /** Readiness: the store answers and the market source is in a usable state. */
  ready(): Promise<Readiness>;
}

export interface Readiness {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

export type Role = 'all' | 'worker' | 'gateway';

/** What /api/v1/status shows of the process's place in a deployment. */
export interface ClusterStatus {
  readonly role: Role;
  /** The shared Redis (cache, rate limits, event stream), or null when none is configured. */
  readonly redis: RedisHealth | null;
  /** Where the shared cache lives now: redis, or memory (none configured, or Redis unreachable). */
  readonly cache: 'redis' | 'memory';
  /** The event stream: published (all, worker) or consumed (gateway); null without Redis. */
  readonly events: TransportHealth | null;
}
