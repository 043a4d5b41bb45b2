import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import type { Gap } from '../../core/candles/validation.js';
import type { ConfidenceModelJson, ModelMetrics } from '../../core/learn/model.js';
import type { Outcome, OutcomeType } from '../../core/outcomes/types.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { BacktestReport, SignalWithOutcome } from '../../core/pipeline/report-types.js';
import type { Direction, Priority, Signal, SignalStatus } from '../../core/signals/types.js';
import type { AuditRow, AuditVerification } from './audit-chain.js';
import type { TradeRow } from './delivery-port.js';

/** Identifies one stored candle series. */
export interface SeriesKey {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface SeriesInfo extends SeriesKey {
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

export interface UpsertResult {
  /** Rows that were not stored before. */
  readonly inserted: number;
  /** Rows that replaced a stored candle with different values. */
  readonly updated: number;
  /** Rows identical to what was stored. */
  readonly unchanged: number;
}

export interface TimeRange {
  /** Inclusive lower bound on open time (ms). */
  readonly from?: number;
  /** Exclusive upper bound on open time (ms). */
  readonly to?: number;
  /** At most this many candles (the earliest ones). */
  readonly limit?: number;
}

/** What a transaction of `CandleStore.atomically` may write through. */
export interface CandleWriter {
  upsertCandles(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult>;
}

/**
 * The port every candle store implements (SQLite by default; PostgreSQL later). Asynchronous,
 * so that a store behind a network connection fits behind it as well as an embedded one.
 */
export interface CandleStore extends CandleWriter {
  /**
   * Runs `work`; what it writes through `tx` is kept only if `work` resolves. The transaction
   * is explicit so that a pooled store can hold one connection for it.
   */
  atomically<T>(work: (tx: CandleWriter) => Promise<T>): Promise<T>;
  getCandles(key: SeriesKey, range?: TimeRange): Promise<Candle[]>;
  /**
   * The candles of `range` in open-time order, a page at a time: memory stays bounded, and no
   * read is held open while the consumer awaits a page, so writes can go on in between.
   */
  candlePages(key: SeriesKey, range?: TimeRange): AsyncIterable<readonly Candle[]>;
  countCandles(key: SeriesKey, range?: TimeRange): Promise<number>;
  /** Open time of the latest stored candle of the series, or null when it has none. */
  lastOpenTime(key: SeriesKey): Promise<number | null>;
  listSeries(): Promise<SeriesInfo[]>;
  findSeries(exchange: string, symbol: string): Promise<SeriesInfo[]>;
  gaps(key: SeriesKey, range?: TimeRange): Promise<Gap[]>;
  close(): Promise<void>;
}

/** A base candle with the series it is stored under. */
export interface SeriesCandle {
  readonly series: SeriesKey;
  readonly candle: Candle;
}

export interface StoredSignal {
  readonly signal: Signal;
  readonly outcome: Outcome | null;
}

export interface SignalFilter {
  readonly symbol?: string;
  readonly strategy?: string;
  readonly timeframe?: string;
  readonly status?: SignalStatus;
  readonly direction?: Direction;
  readonly priority?: Priority;
  /** Confidence at or above this (0..1). */
  readonly minConfidence?: number;
  /**
   * Priority at or above this (NONE < LOW < MEDIUM < HIGH). Signals stored before priorities
   * had NONE count as what they were stored with.
   */
  readonly minPriority?: Priority;
  /** Only published signals (true) or only unpublished ones (false). */
  readonly published?: boolean;
  /** Created at or after this time (ms). */
  readonly since?: number;
  /** Created before this time (ms). */
  readonly until?: number;
}

/** Where a page ends: the (createdAt, id) of its last row, in the newest-first order. */
export interface SignalCursor {
  readonly createdAt: number;
  readonly id: string;
}

export interface PageRequest {
  readonly limit: number;
  /** Start after this row (the previous page's `next`). */
  readonly after?: SignalCursor;
}

/** What the listing shows of a signal's outcome without loading its event log. */
export interface OutcomeSummary {
  readonly type: OutcomeType;
  readonly filled: boolean;
  readonly rMultiple: number;
  readonly returnPct: number;
  readonly exitTime: number;
}

export interface SignalListItem {
  readonly signal: Signal;
  readonly outcome: OutcomeSummary | null;
}

export interface SignalPage {
  readonly items: readonly SignalListItem[];
  /** Cursor of the next (older) page; null on the last page. */
  readonly next: SignalCursor | null;
}

/** Signals created in [since, until). */
export interface CreationRange {
  readonly since?: number;
  readonly until?: number;
}

export interface BacktestRunInfo {
  readonly id: number;
  readonly savedAt: number;
  readonly symbols: readonly string[];
  readonly from: number | null;
  readonly to: number | null;
  readonly signals: number;
  readonly trades: number;
}

export interface StoredBacktest {
  readonly info: BacktestRunInfo;
  readonly report: BacktestReport;
}

/**
 * The port every signal store implements (SQLite by default; PostgreSQL later): signals with
 * their entry analysis, filtered candidates, outcomes (real and shadow), the queries the API
 * answers from, and backtest runs. Every write is idempotent: signal ids are deterministic, so
 * a replay or a restart rewrites the same rows instead of adding new ones.
 */
export interface SignalStore {
  /**
   * One base candle and everything the pipeline made of it (`events`, in the order emitted),
   * stored in one transaction: all of it or none. `candle` is null when the candle is stored
   * already (recovery rewrites only what it caused). Signals, filtered candidates and outcomes
   * are stored; candle closes of higher timeframes are not.
   */
  commit(candle: SeriesCandle | null, events: readonly PipelineEvent[]): Promise<void>;
  getSignal(id: string): Promise<StoredSignal | null>;
  countSignals(): Promise<number>;
  /**
   * Signals matching `filter`, newest first (ties by id, descending), `page.limit` per page,
   * starting after `page.after`. Keyset pagination: a page is stable while new signals arrive,
   * because they sort before every cursor already handed out.
   */
  listSignals(filter: SignalFilter, page: PageRequest): Promise<SignalPage>;
  /** The live track record's trades: filled real outcomes of signals created in `range`, oldest first. */
  liveTrades(range?: CreationRange): Promise<TradeRow[]>;
  /**
   * Saves a backtest run with its signals and resolves with its id. A run identical to one
   * already stored (same report) is not stored twice: its id is returned.
   */
  saveBacktestRun(report: BacktestReport, signals: readonly SignalWithOutcome[]): Promise<number>;
  /** Stored backtest runs, newest first. */
  listBacktests(): Promise<BacktestRunInfo[]>;
  getBacktest(id: number): Promise<StoredBacktest | null>;
  backtestSignals(id: number): Promise<SignalWithOutcome[]>;
  /** Resolves with a line for the readiness check when the store answers; rejects with why not. */
  ping(): Promise<string>;
  close(): Promise<void>;
}

/** What the model registry lists of a stored confidence model (its body aside). */
export interface StoredModelInfo {
  readonly version: string;
  /** When it was stored (ms). */
  readonly createdAt: number;
  readonly trainedFrom: number;
  readonly trainedTo: number;
  readonly featureNames: readonly string[];
  readonly metrics: ModelMetrics;
  readonly active: boolean;
}

/**
 * The registry of trained confidence models: versioned artefacts with their training window,
 * features and walk-forward metrics, at most one of them active (the one the live runtime loads
 * at start). Saving a version already stored with the same body is a no-op; with another body
 * it is refused (a version names one artefact forever).
 */
export interface ModelStore {
  save(model: ConfidenceModelJson): Promise<StoredModelInfo>;
  /** Newest first (by creation, then version). */
  list(): Promise<StoredModelInfo[]>;
  /** The validated artefact, or null when no such version is stored. */
  get(version: string): Promise<ConfidenceModelJson | null>;
  /** The active model, or null when none is. */
  active(): Promise<ConfidenceModelJson | null>;
  /** Makes `version` the only active model; rejects when it is not stored. */
  activate(version: string): Promise<void>;
  close(): Promise<void>;
}
export * from './delivery-port.js';

/** One action to audit; the store gives it its place in the chain. */
export interface AuditEntry {
  /** Wall-clock time (ms): the audit records when people and the service acted, not candle time. */
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  /** The state before, where the action changes one (any JSON value); absent: none. */
  readonly before?: unknown;
  /** The state after, or what the action found (any JSON value); absent: none. */
  readonly after?: unknown;
}

export interface AuditFilter {
  readonly action?: string;
  readonly actor?: string;
  readonly target?: string;
  /** At or after this time (ms). */
  readonly since?: number;
  /** Before this time (ms). */
  readonly until?: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly items: readonly AuditRow[];
  /** `seq` to pass as `before` for the next (older) page; null on the last page. */
  readonly next: number | null;
}

/**
 * The append-only audit trail (admin actions, configuration at start, symbols, slice states,
 * manual exits, on-demand runs). Each row carries the SHA-256 of the row before it (see
 * audit-chain.ts); `verify` walks the chain and names the first row that does not hold.
 */
export interface AuditStore {
  /** Appends one row after the last (atomically: two appends never share a place). */
  append(entry: AuditEntry): Promise<AuditRow>;
  /** Rows matching `filter`, newest first, `limit` per page, older than seq `before` when given. */
  list(filter: AuditFilter, page: { readonly limit: number; readonly before?: number }): Promise<AuditPage>;
  verify(): Promise<AuditVerification>;
}
