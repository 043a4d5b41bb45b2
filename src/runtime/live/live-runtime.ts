import type { MarketSource } from '../../adapters/market/source.js';
import { mergeInTimeOrder, type SymbolSeries } from '../../adapters/market/time-order.js';
import type {
  AuditEntry,
  AuditStore,
  CandleStore,
  SeriesKey,
  SignalStore,
} from '../../adapters/store/ports.js';
import type { Config } from '../../config/schema.js';
import type { Candle } from '../../core/candles/candle.js';
import { type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import type { TfSnapshot } from '../../core/features/snapshot.js';
import type { Evaluation, SignalControlResult } from '../../core/pipeline/evaluation.js';
import { EvaluationError } from '../../core/pipeline/evaluation.js';
import type { EventSink, PipelineEvent } from '../../core/pipeline/events.js';
import type { Signal } from '../../core/signals/types.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import { EventBus } from '../bus/event-bus.js';
import type { ResolvedModels } from '../confidence-models.js';
import { PipelineDriver } from '../driver.js';
import {
  applyOperatorActions,
  type OperatorAction,
  operatorActions,
  operatorReason,
} from '../operator-actions.js';
import { CommitBuffer } from './commit-buffer.js';
import type { Readiness, RuntimeStatus, RuntimeView, SymbolStatus } from './runtime-view.js';
import { SignalActivity } from './signal-activity.js';
import { SignalMonitor } from './signal-monitor.js';
import { storedExchange } from './stored-exchange.js';

/** The market source cannot provide a symbol (unknown market, not in the replay files). */
export class SymbolUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SymbolUnavailableError';
  }
}

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface LiveRuntimeOptions {
  readonly config: Config;
  /** The strategy families the config refers to (default: the built-in ones). */
  readonly registry?: StrategyRegistry;
  readonly source: MarketSource;
  readonly candles: CandleStore;
  readonly signals: SignalStore;
  readonly bus?: EventBus;
  readonly log?: LogFn;
  /** Wall clock, for lag and warm-up windows only (the pipeline's clock is candle time). */
  readonly now?: () => number;
  /** The confidence model and its drift fallback (runtime/confidence-models.ts); none: the formula. */
  readonly confidence?: ResolvedModels;
  /**
   * The audit trail: symbol changes, slice state changes, operators' closes, cancels and
   * on-demand runs are appended to it, and recovery applies the operators' actions again from it
   * (without it they are neither audited nor recovered).
   */
  readonly audit?: AuditStore;
  /**
   * Told of each event recovery remade that a live run would have announced (not published on
   * the bus). A worker taking a shard over offers the recent ones to the event stream again,
   * whose dedup keys drop those the previous owner had sent: what it stored and died before
   * sending goes out after all.
   */
  readonly onRecovered?: (event: AnnouncedEvent) => void;
}

const DAY = 86_400_000;
const TIMING_WINDOW = 2048;

/** The pipeline events a live runtime announces on its bus. */
export type AnnouncedEvent = Exclude<PipelineEvent, { type: 'signal.rejected' }>;

/** Filtered candidates and shadow outcomes are stored for the track record, not announced. */
function announced(e: PipelineEvent): e is AnnouncedEvent {
  return !(e.type === 'signal.rejected' || (e.type === 'outcome.closed' && e.shadow));
}

/** A base candle the pipeline has processed, and what it made of it. */
interface ProcessedCandle {
  readonly symbol: string;
  readonly candle: Candle;
  /** From the source now: the candle is stored with its events and all is published. Recovery: neither. */
  readonly live: boolean;
  readonly events: readonly PipelineEvent[];
}

/**
 * source -> SignalPipeline (with outcome tracking) -> store -> bus. Crash-only: `start` is also
 * the recovery path. It replays the stored base candles through a fresh pipeline (rewriting the
 * same signals, idempotently, publishing nothing), then asks the source for what came after
 * the last stored candle. The pipeline runs on each candle first, collecting its events; the
 * candle and everything it caused are then stored in one commit, and only then published, so
 * a kill -9 loses nothing that was acknowledged.
 */
export class LiveRuntime implements RuntimeView {
  readonly bus: EventBus;
  private readonly config: Config;
  private readonly source: MarketSource;
  private readonly candleStore: CandleStore;
  private readonly signalStore: SignalStore;
  private readonly log: LogFn;
  private readonly now: () => number;
  private readonly base: Timeframe;
  private readonly baseMs: number;
  private readonly driver: PipelineDriver;
  /** What the driver's sink collected from the candle being processed. */
  private readonly collected: PipelineEvent[] = [];
  private readonly watched = new Set<string>();
  private readonly lastBase = new Map<string, number>();
  /** Per symbol, a live candle the pipeline processed but the store failed to take (see `commit`). */
  private readonly unstored = new Map<string, ProcessedCandle>();
  /** Commits in order, held and retried while the store is unreachable (see `CommitBuffer`). */
  private readonly writes: CommitBuffer<ProcessedCandle>;
  private readonly timings = new Float64Array(TIMING_WINDOW);
  private timingCount = 0;
  /** Processing times stamped on the live signals, kept on their later states. */
  private readonly processingMs = new Map<string, number>();
  /** The design's monitor figures over what this process ran live. */
  private readonly monitor = new SignalMonitor();
  private readonly activity = new SignalActivity();
  private readonly startedAt: number;
  private started = false;
  private readonly auditStore: AuditStore | null;
  private readonly onRecovered: ((event: AnnouncedEvent) => void) | null;
  /** Operators' actions to apply again during recovery, by `symbol|candle close time`. */
  private replayActions = new Map<string, OperatorAction[]>();

  constructor(opts: LiveRuntimeOptions) {
    this.config = opts.config;
    this.source = opts.source;
    this.candleStore = opts.candles;
    this.signalStore = opts.signals;
    this.bus =
      opts.bus ?? new EventBus((topic, e) => this.log('error', `listener of ${topic} failed: ${String(e)}`));
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? Date.now;
    this.base = opts.config.engine.baseTimeframe;
    this.baseMs = timeframeMs(this.base);
    this.driver = new PipelineDriver(opts.config.engine, (e) => this.collected.push(e), {
      registry: opts.registry,
      confidence: opts.confidence,
    });
    this.startedAt = this.now();
    const { writeBuffer, retryMs, retryMaxMs } = opts.config.store;
    this.writes = new CommitBuffer<ProcessedCandle>({
      write: (p) =>
        this.signalStore.commit(p.live ? { series: this.key(p.symbol), candle: p.candle } : null, p.events),
      stored: (p) => this.stored(p),
      bound: writeBuffer,
      retryMs,
      retryMaxMs: Math.max(retryMs, retryMaxMs),
      now: this.now,
      log: (level, msg) => this.log(level, msg),
      onState: (st) =>
        this.bus.publish({
          type: 'status',
          reason:
            st.state === 'ok'
              ? 'store reachable again'
              : st.state === 'full'
                ? 'store unreachable: write buffer full, not taking candles'
                : 'store unreachable: buffering commits',
        }),
    });
    this.auditStore = opts.audit ?? null;
    this.onRecovered = opts.onRecovered ?? null;
  }

  private key(symbol: string): SeriesKey {
    return { exchange: storedExchange(this.source, this.config.exchange), symbol, timeframe: this.base };
  }

  async start(symbols: readonly string[] = this.config.symbols): Promise<void> {
    if (this.started) throw new Error('the runtime is already started');
    this.started = true;
    for (const s of symbols) this.watched.add(s);
    if (this.source.label !== 'REPLAY') {
      for (const s of symbols) await this.backfill(s);
    }
    for (const s of symbols) await this.learnTickSize(s);
    await this.recover(symbols);
    const after = new Map<string, number>();
    for (const s of symbols) after.set(s, this.lastBase.get(s) ?? Number.NEGATIVE_INFINITY);
    this.log('info', `${this.source.label}: ${this.source.describe()}`);
    await this.source.start(after, (symbol, candle) => this.onCandle(symbol, candle));
    this.bus.publish({ type: 'status', reason: 'started' });
  }

  /** The symbol's price step from the source, before any of its candles reach the pipeline. */
  private async learnTickSize(symbol: string): Promise<void> {
    const tick = await this.source.tickSize(symbol);
    if (tick !== null) this.driver.pipeline.setTickSize(symbol, tick);
  }

  /** Fetches missing history (warm-up window, or the gap since the last stored candle) into the store. */
  private async backfill(symbol: string): Promise<void> {
    const now = this.now();
    const from = now - this.config.live.warmupDays * DAY;
    const last = await this.candleStore.lastOpenTime(this.key(symbol));
    const start = last === null ? from : Math.max(from, last + this.baseMs);
    const got = await this.source.history(symbol, start, now);
    if (got.length) {
      await this.candleStore.upsertCandles(this.key(symbol), got);
      this.log('info', `${symbol}: stored ${got.length} candles of history`);
    }
  }

  /** Replays stored candles into a fresh pipeline: state rebuilt, signals rewritten, nothing published. */
  private async recover(symbols: readonly string[]): Promise<void> {
    if (this.auditStore) this.replayActions = await operatorActions(this.auditStore);
    const stored: SymbolSeries[] = [];
    for (const symbol of symbols) {
      const last = await this.candleStore.lastOpenTime(this.key(symbol));
      if (last === null) continue;
      const from = this.source.label === 'REPLAY' ? undefined : last - this.config.live.warmupDays * DAY;
      const pages = this.candleStore.candlePages(this.key(symbol), { from });
      stored.push({ symbol, batches: pages[Symbol.asyncIterator]() });
    }
    let n = 0;
    for await (const batch of mergeInTimeOrder(stored)) {
      for (const { symbol, candle } of batch) await this.process(symbol, candle, false);
      n += batch.length;
    }
    if (n) this.log('info', `recovered: replayed ${n} stored candles into the pipeline`);
    this.replayActions.clear();
  }

  private async onCandle(symbol: string, candle: Candle): Promise<void> {
    if (!this.watched.has(symbol)) return;
    const last = this.lastBase.get(symbol);
    if (last !== undefined && candle.openTime <= last) {
      // already processed: a source repeats candles after a reconnect, and offers a candle again
      // when handling it failed, which for a candle the store did not take means: store it now
      const unstored = this.unstored.get(symbol);
      if (unstored?.candle.openTime === candle.openTime) await this.commit(unstored);
      return;
    }
    const t0 = performance.now();
    await this.process(symbol, candle, true, this.now());
    this.timings[this.timingCount++ % TIMING_WINDOW] = (performance.now() - t0) * 1000;
  }

  /** One closed base candle through the pipeline, then into the store with what it caused. */
  private async process(symbol: string, candle: Candle, live: boolean, receivedAt?: number): Promise<void> {
    this.driver.feed(symbol, candle);
    if (!live && this.replayActions.size > 0) this.applyAgain(symbol, candle.openTime + this.baseMs);
    const events = this.collected.splice(0);
    if (live) this.stampAndCount(events, receivedAt ?? this.now());
    else if (this.onRecovered) for (const e of events) if (announced(e)) this.onRecovered(e);
    this.lastBase.set(symbol, candle.openTime);
    for (const e of events) {
      if (e.type === 'signal.created') this.activity.signal(e.signal.createdAt);
      else if (e.type === 'signal.updated') this.activity.update();
      else if (e.type === 'outcome.closed' && !e.shadow) this.activity.outcome();
      else if (e.type === 'model.drift') {
        this.log(
          'warn',
          `confidence model ${e.from} drifted: ${e.verdict.reasons.join('; ')}; now ${e.to ? `model ${e.to}` : "the formula's score"}, validated slices on probation`,
        );
      }
    }
    await this.commit({ symbol, candle, live, events });
  }

  /**
   * Stores the candle (when live) and everything it caused in one commit, then (when live)
   * publishes: nothing is announced before it is stored. The commit goes through the write
   * buffer: when the store is unreachable it is held and retried, and this resolves once it is
   * held (or, with the buffer full, once there is room). When the store refuses it for another
   * reason, the pipeline has moved past the candle already; it is kept until the source offers
   * it again.
   */
  private async commit(processed: ProcessedCandle): Promise<void> {
    try {
      await this.writes.add(processed);
    } catch (e) {
      if (processed.live) this.unstored.set(processed.symbol, processed);
      throw e;
    }
  }

  /** A commit reached the store: publish what it holds (live candles only). */
  private stored(processed: ProcessedCandle): void {
    if (!processed.live) return;
    this.unstored.delete(processed.symbol);
    this.bus.publish({
      type: 'candle.closed',
      symbol: processed.symbol,
      timeframe: this.base,
      candle: processed.candle,
    });
    this.announce(processed.events);
    void this.auditSlices(processed.events).catch((e: unknown) =>
      this.log('error', `auditing slice changes failed: ${(e as Error).message}`),
    );
  }

  private announce(events: readonly PipelineEvent[]): void {
    for (const e of events) if (announced(e)) this.bus.publish(e);
  }

  /**
   * At the runtime edge: stamps each new signal with its processing time and keeps the stamp on
   * its later states (the core reads no clock); counts the monitor figures. Processing time from
   * a LIVE source is the wall clock now minus the close of the candle that made the signal (the
   * design's candle close to signal, exchange delivery included); from REPLAY and DEMO, whose
   * candles closed in the past or in simulated time, it is now minus when the candle arrived.
   */
  private stampAndCount(events: PipelineEvent[], receivedAt: number): void {
    const now = this.now();
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.type === 'signal.created') {
        const from = this.source.label === 'LIVE' ? e.signal.createdAt : receivedAt;
        const ms = Math.max(0, now - from);
        this.processingMs.set(e.signal.id, ms);
        events[i] = { ...e, signal: { ...e.signal, processingMs: ms } };
      } else if (e.type === 'signal.updated' || e.type === 'outcome.closed') {
        const ms = this.processingMs.get(e.signal.id);
        if (ms !== undefined) events[i] = { ...e, signal: { ...e.signal, processingMs: ms } };
        const s = e.signal;
        if (e.type === 'outcome.closed' || (s.status !== 'PENDING' && s.status !== 'ACTIVE'))
          this.processingMs.delete(s.id);
      }
      this.monitor.observe(events[i]);
    }
  }

  /** Slice state changes are audited as the engine's actions (live ones only: recovery redoes old ones). */
  private async auditSlices(events: readonly PipelineEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type !== 'slice.state_changed') continue;
      const { slice, from, to, reason, at } = e.change;
      await this.audit({
        actor: 'engine',
        action: 'slice.state_changed',
        target: slice,
        before: { state: from },
        after: { state: to, reason, candleTime: at },
      });
    }
  }

  /** Appends to the audit trail when there is one; a failure is logged, never undoes the action. */
  private async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    if (!this.auditStore) return;
    try {
      await this.auditStore.append({ at: this.now(), ...entry });
    } catch (e) {
      this.log(
        'error',
        `audit trail: cannot record ${entry.action} on ${entry.target}: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Stores and announces what an operator's action made the pipeline do between candles (there
   * is no candle to store with it), and audits the slice changes among it.
   */
  private async commitAction(events: readonly PipelineEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) if (e.type === 'signal.created') this.activity.signal(e.signal.createdAt);
    await this.signalStore.commit(null, events);
    this.announce(events);
    await this.auditSlices(events);
  }

  /**
   * The on-demand run of a symbol's signal timeframe on its latest closed candle (see
   * SignalPipeline.evaluateNow); with `publish`, the signals it makes are stored and announced
   * like any. Audited, with what it found.
   */
  async evaluate(symbol: string, timeframe: Timeframe, publish: boolean, actor: string): Promise<Evaluation> {
    if (!this.watched.has(symbol)) {
      throw new EvaluationError(
        'unknown_symbol',
        `${symbol} is not watched; watched: ${this.symbols().join(', ')}`,
      );
    }
    const events: PipelineEvent[] = [];
    const run = this.driver.pipeline.evaluateNow(symbol, timeframe, publish, (e) => events.push(e));
    await this.commitAction(events);
    await this.audit({
      actor,
      action: 'evaluate.run',
      target: `${symbol} ${timeframe}`,
      after: {
        symbol,
        timeframe,
        publish,
        candleTime: run.candle.closeTime,
        fresh: run.fresh,
        candidates: run.candidates.map((k) => ({
          id: k.id,
          verdict: k.verdict,
          rejection: k.rejection?.reason ?? null,
        })),
        created: run.created.map((sig) => sig.id),
      },
    });
    return run;
  }

  /** An operator closes an ACTIVE signal at the last price (MANUAL_EXIT); stored, announced, audited. */
  closeSignal(id: string, reason: string, actor: string): Promise<SignalControlResult> {
    return this.control('signal.closed', id, reason, actor);
  }

  /** An operator cancels a PENDING signal; stored, announced, audited. */
  cancelSignal(id: string, reason: string, actor: string): Promise<SignalControlResult> {
    return this.control('signal.cancelled', id, reason, actor);
  }

  private async control(
    action: 'signal.closed' | 'signal.cancelled',
    id: string,
    reason: string,
    actor: string,
  ): Promise<SignalControlResult> {
    const text = operatorReason(action, actor, reason);
    const events: PipelineEvent[] = [];
    const sink: EventSink = (e) => events.push(e);
    const pipeline = this.driver.pipeline;
    const r =
      action === 'signal.closed'
        ? pipeline.closeSignal(id, text, sink)
        : pipeline.cancelSignal(id, text, sink);
    if (!r.ok) return r;
    await this.commitAction(events);
    const o = r.outcome;
    await this.audit({
      actor,
      action,
      target: id,
      before: { status: action === 'signal.closed' ? 'ACTIVE' : 'PENDING' },
      after: {
        symbol: r.signal.symbol,
        candleTime: o.exitTime,
        reason,
        status: r.signal.status,
        outcome: {
          type: o.type,
          exitPrice: o.averageExitPrice,
          rMultiple: o.rMultiple,
          returnPct: o.returnPct,
        },
      },
    });
    return r;
  }

  /** Recovery: the operators' actions taken right after this candle, applied again (into `collected`). */
  private applyAgain(symbol: string, closeAt: number): void {
    applyOperatorActions(
      this.driver.pipeline,
      this.replayActions,
      symbol,
      closeAt,
      (e) => this.collected.push(e),
      (msg) => this.log('warn', `recovery: ${msg}`),
    );
  }

  /**
   * The UTC day "Signals today" counts: the wall clock's for a live market; for a replay or the
   * demo, whose clock is the data's, the day of the newest candle (its close).
   */
  private today(now: number): number {
    if (this.source.label === 'LIVE') return now;
    let latest = Number.NEGATIVE_INFINITY;
    for (const t of this.lastBase.values()) latest = Math.max(latest, t + this.baseMs);
    return Number.isFinite(latest) ? latest : now;
  }

  async stop(): Promise<void> {
    // the source first stops asking for more; a handler waiting for room in the write buffer
    // would keep its stop waiting, so the buffer then lets it go (its commit was never
    // acknowledged: the next start's recovery and backfill make it again)
    const sourceStopped = this.source.stop();
    await this.writes.stop();
    await sourceStopped;
  }

  liveSignals(): readonly Signal[] {
    const all: Signal[] = [];
    for (const s of this.watched) all.push(...this.driver.pipeline.liveSignals(s));
    return all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  symbols(): readonly string[] {
    return [...this.watched].sort();
  }

  /** The symbol's latest closed candle and features on each timeframe (its multi-timeframe context). */
  context(symbol: string): Partial<Record<Timeframe, TfSnapshot>> {
    const out: Partial<Record<Timeframe, TfSnapshot>> = {};
    for (const tf of this.driver.pipeline.timeframes().keys()) {
      const snap = this.driver.pipeline.snapshot(symbol, tf);
      if (snap) out[tf] = snap;
    }
    return out;
  }

  async addSymbol(symbol: string, actor = 'system'): Promise<void> {
    if (this.watched.has(symbol)) return;
    const before = this.symbols();
    try {
      if (this.source.label !== 'REPLAY') await this.backfill(symbol);
    } catch (e) {
      throw new SymbolUnavailableError(
        `${this.source.label} source cannot provide ${symbol}: ${(e as Error).message}`,
      );
    }
    await this.learnTickSize(symbol);
    // warm the symbol up from its stored candles; a symbol watched before (then removed) keeps
    // its pipeline state and only catches up on what came after it was dropped
    const seen = this.lastBase.get(symbol);
    const from =
      seen !== undefined
        ? seen + 1
        : this.source.label === 'REPLAY'
          ? undefined
          : this.now() - this.config.live.warmupDays * DAY;
    for (const c of await this.candleStore.getCandles(this.key(symbol), { from }))
      await this.process(symbol, c, false);
    try {
      await this.source.addSymbol(symbol, this.lastBase.get(symbol));
    } catch (e) {
      throw new SymbolUnavailableError(
        `${this.source.label} source cannot provide ${symbol}: ${(e as Error).message}`,
      );
    }
    this.watched.add(symbol);
    this.bus.publish({ type: 'status', reason: `added ${symbol}` });
    await this.audit({ actor, action: 'symbol.added', target: symbol, before, after: this.symbols() });
  }

  async removeSymbol(symbol: string, actor = 'system'): Promise<void> {
    const before = this.symbols();
    if (!this.watched.delete(symbol)) return;
    this.source.removeSymbol(symbol);
    this.bus.publish({ type: 'status', reason: `removed ${symbol}` });
    await this.audit({ actor, action: 'symbol.removed', target: symbol, before, after: this.symbols() });
  }

  status(): RuntimeStatus {
    const now = this.now();
    const tfs = [this.base, ...[...this.driver.pipeline.timeframes().keys()].filter((t) => t !== this.base)];
    const symbols: SymbolStatus[] = this.symbols().map((symbol) => ({
      symbol,
      timeframes: tfs.map((timeframe) => {
        const lastOpen =
          timeframe === this.base
            ? (this.lastBase.get(symbol) ?? null)
            : (this.driver.pipeline.snapshot(symbol, timeframe)?.openTime ?? null);
        const open = lastOpen === null || Number.isNaN(lastOpen) ? null : lastOpen;
        const close = open === null ? null : open + timeframeMs(timeframe);
        return {
          timeframe,
          lastOpenTime: open,
          lastCloseTime: close,
          lagMs: close === null ? null : now - close,
        };
      }),
    }));
    const n = Math.min(this.timingCount, TIMING_WINDOW);
    const sorted = Array.from(this.timings.subarray(0, n)).sort((a, b) => a - b);
    const q = (p: number) => (n === 0 ? null : sorted[Math.min(n - 1, Math.floor(p * n))]);
    return {
      source: {
        kind: this.source.kind,
        label: this.source.label,
        state: this.source.state(),
        detail: this.source.describe(),
      },
      symbols,
      pipeline: { candles: this.driver.candles, p50Us: q(0.5), p99Us: q(0.99) },
      signalsToday: this.activity.createdOnDayOf(this.today(now)),
      monitor: this.monitor.figures(),
      activity: this.activity.snapshot(),
      startedAt: this.startedAt,
      store: this.writes.status(),
    };
  }

  async ready(): Promise<Readiness> {
    let store: { ok: boolean; detail: string };
    try {
      store = { ok: true, detail: await this.signalStore.ping() };
    } catch (e) {
      store = { ok: false, detail: `store unreachable: ${(e as Error).message}` };
    }
    const w = this.writes.status();
    const writes = {
      ok: w.state === 'ok',
      detail:
        w.state === 'ok'
          ? 'commits are stored as they come'
          : `${w.buffered} of at most ${w.bound} commits waiting for the store since ${new Date(w.since ?? 0).toISOString()} (${w.attempts} failed attempts; last: ${w.lastError})${w.state === 'full' ? '; not taking candles until the store is back' : ''}`,
    };
    const st = this.source.state();
    const source = {
      ok: st === 'live' || st === 'finished',
      detail: `${this.source.label} source is ${st}`,
    };
    return { ok: store.ok && writes.ok && source.ok, checks: { store, writes, source } };
  }
}
