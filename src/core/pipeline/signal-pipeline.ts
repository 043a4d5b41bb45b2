import { Aggregator } from '../candles/aggregator.js';
import type { AggregatedCandle, Candle } from '../candles/candle.js';
import { compareTimeframes, type Timeframe, timeframeMs } from '../candles/timeframe.js';
import { type ConfidencePredictor, scoreConfidence } from '../ensemble/confidence.js';
import { healthScore } from '../ensemble/health.js';
import { alignmentBand, priorityOf } from '../ensemble/priority.js';
import { isReady, type TfSnapshot, warmMask } from '../features/snapshot.js';
import { type FeatureLevel, TimeframeFeatures } from '../features/timeframe-features.js';
import { formatPrice } from '../format.js';
import { DriftMonitor } from '../learn/drift.js';
import { candidateFeatures } from '../learn/features.js';
import { SliceBook, type SliceState } from '../learn/slice-states.js';
import { clamp01 } from '../math.js';
import { entryValidityMsOf, maxHoldingMsOf, trackerSettings } from '../outcomes/settings.js';
import { OutcomeTracker } from '../outcomes/tracker.js';
import { netROf, sliceOf } from '../outcomes/trade-record.js';
import type { Outcome, OutcomeConfig, OutcomeEvent } from '../outcomes/types.js';
import { riskLevelOf } from '../risk/risk-level.js';
import { planRisk, type RiskConfig, type RiskPlan } from '../risk/risk-plan.js';
import { EntryFillBook } from '../signals/entry-fill-book.js';
import { signalId } from '../signals/id.js';
import { SignalBook } from '../signals/signal-book.js';
import type {
  RejectedCandidate,
  RejectionReason,
  Signal,
  SignalStatus,
  StrategyCandidate,
} from '../signals/types.js';
import { durationMs } from '../signals/validity.js';
import type { StrategyContext } from '../strategies/definition.js';
import {
  type ActiveStrategy,
  activate,
  BUILTIN_REGISTRY,
  type StrategyRegistry,
} from '../strategies/registry.js';
import type { EngineConfig, SignalTimeframeConfig } from './engine-settings.js';
import {
  type CandidateEvaluation,
  type CandidateVerdict,
  type Evaluation,
  EvaluationError,
  type FilterVerdict,
  type SignalControlResult,
} from './evaluation.js';
import type { EventSink, PipelineEvent, SliceStateChangedEvent } from './events.js';
import { type FilterInput, filtersNamed, type SignalFilter } from './filters.js';

/** One strategy on one signal timeframe: its rule and how its positions are planned and exit. */
interface ActiveSlice {
  readonly strategy: ActiveStrategy;
  /** The risk settings with this slice's stop distance (slice, else timeframe, else global). */
  readonly risk: RiskConfig;
  readonly exit: EngineConfig['risk']['exit'];
}

interface SignalTf {
  readonly cfg: SignalTimeframeConfig;
  readonly slices: readonly ActiveSlice[];
  /** Entry validity: how long a pending limit entry may wait to fill. */
  readonly entryValidMs: number;
  readonly cooldownMs: number;
  readonly maxHoldingMs: number | null;
  readonly isLowest: boolean;
}

/**
 * A signal timeframe of one symbol with the snapshots its candidates read. Snapshots are
 * updated in place, so they are looked up once here instead of by timeframe key on every
 * close and every candidate.
 */
interface SignalSlot {
  readonly stf: SignalTf;
  /** What the strategies read (the signal timeframe's snapshot among it); fixed per symbol. */
  readonly ctx: Mutable<StrategyContext>;
  /** The context timeframes' snapshots, in configured order. */
  readonly contexts: readonly TfSnapshot[];
  readonly entry: TfSnapshot;
}

/** One timeframe of a symbol: its features, and its signal slot when it is a signal timeframe. */
interface TfSlot {
  readonly features: TimeframeFeatures;
  readonly signal: SignalSlot | null;
}

/** Everything the pipeline keeps for one symbol; symbols share nothing. */
class SymbolState {
  /** Every timeframe the symbol computes features on, by timeframe. */
  readonly slots = new Map<Timeframe, TfSlot>();
  /** The base timeframe's slot, when the base timeframe itself needs features. */
  readonly baseSlot: TfSlot | null;
  readonly aggregator: Aggregator | null;
  readonly book: SignalBook;
  /** Follows every created signal: its events drive the lifecycle in `book`. */
  readonly tracker: OutcomeTracker;
  /** Follows the would-be signals of filtered candidates (their outcomes are reported as shadow). */
  readonly shadow: OutcomeTracker | null;
  /** Would-be signals of the filtered candidates the shadow tracker follows. */
  readonly shadowSignals = new Map<string, Signal>();
  /** Creation time of the last signal per cooldown key (timeframe|strategy|direction). */
  readonly lastSignalAt = new Map<string, number>();
  /**
   * Fill rates of the symbol's entry types so far, from its outcomes. The symbol's own (not
   * shared by the pipeline's symbols), so a worker running some of the symbols computes for
   * them what one process running all of them computes (docs/DEPLOYMENT.md).
   */
  readonly fills: EntryFillBook;
  /** Signal timeframes whose candle closed during the current base candle: the first `closedCount`. */
  readonly closedNow: SignalSlot[] = [];
  closedCount = 0;
  /** The latest base candle's close and close time: the last price, for operators' exits. */
  lastClose = Number.NaN;
  lastCloseAt = Number.NaN;

  constructor(
    readonly symbol: string,
    levels: ReadonlyMap<Timeframe, FeatureLevel>,
    signalTfs: ReadonlyMap<Timeframe, SignalTf>,
    base: Timeframe,
    qualityWindow: number,
    dedup: EngineConfig['dedup'],
    outcomes: OutcomeConfig,
    trackRejected: boolean,
    onClose: (state: SymbolState, c: AggregatedCandle) => void,
    onStep: (state: SymbolState, signal: Signal, e: OutcomeEvent) => void,
  ) {
    // every timeframe's features first: a signal slot holds the snapshots of other timeframes
    const features = new Map<Timeframe, TimeframeFeatures>();
    for (const [tf, level] of levels) features.set(tf, new TimeframeFeatures(tf, level, qualityWindow));
    const snapshotOf = (tf: Timeframe): TfSnapshot => {
      const f = features.get(tf);
      if (!f) throw new Error(`no features for ${tf}`);
      return f.snapshot;
    };
    for (const [tf, f] of features) {
      const stf = signalTfs.get(tf);
      const signal: SignalSlot | null = stf
        ? {
            stf,
            ctx: { symbol, signal: f.snapshot, isLowestSignalTimeframe: stf.isLowest, ready: false },
            contexts: stf.cfg.context.map(snapshotOf),
            entry: snapshotOf(stf.cfg.entry),
          }
        : null;
      this.slots.set(tf, { features: f, signal });
    }
    this.baseSlot = this.slots.get(base) ?? null;
    const higher = [...levels.keys()].filter((tf) => tf !== base);
    this.aggregator = higher.length ? new Aggregator(base, higher, (c) => onClose(this, c)) : null;
    this.book = new SignalBook(dedup);
    this.tracker = new OutcomeTracker(outcomes, (sig, e) => onStep(this, sig, e));
    this.shadow = trackRejected ? new OutcomeTracker(outcomes) : null;
    this.fills = new EntryFillBook(symbol);
  }
}

/** A candidate's would-be signal with its plan and features, or why the risk plan refused it. */
type WouldBe =
  | {
      readonly ok: true;
      readonly would: Signal;
      readonly plan: RiskPlan;
      readonly features: Record<string, number>;
    }
  | { readonly ok: false; readonly id: string; readonly reason: RejectionReason; readonly detail: string };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_EVENTS: readonly PipelineEvent[] = Object.freeze([]);

/** What the cooldown counts signals by: timeframe, strategy and direction. */
function cooldownKey(s: Pick<Signal, 'timeframe' | 'strategy' | 'direction'>): string {
  return `${s.timeframe}|${s.strategy}|${s.direction}`;
}

/** A would-be signal's reasons: the strategy's, then each confirmation (one array, no spreads). */
function reasonsOf(cand: StrategyCandidate): string[] {
  const reasons = cand.reasons.slice();
  const confirmations = cand.confirmations;
  for (let k = 0; k < confirmations.length; k++) reasons.push(`Confirmation: ${confirmations[k]}`);
  return reasons;
}

/**
 * The one signal pipeline of AlphaPulse: closed base candles in, events out. Backtest, replay
 * and live all drive this object; only the candle source and the clock differ.
 *
 * Pure and synchronous: time comes from candles only. For each closed base candle of a symbol:
 *  1. live signals of that symbol advance their lifecycle on the candle (fills, expiry, exits);
 *  2. the candle is aggregated; every higher candle that closes updates its timeframe's
 *     features and is announced as `candle.closed` (finer timeframes first);
 *  3. every signal timeframe that closed runs its strategies; candidates are scored (ensemble,
 *     multi-timeframe context from CLOSED higher candles only), given risk and entry, and
 *     either become signals or are rejected with a reason.
 * Per-symbol state is independent, so symbols can be spread over processes.
 */
/** The snapshot fields the model's features read: a candidate is warm when all of them are. */
const DRIFT_WARM_MASK = warmMask([
  'ema50Slope',
  'ema200',
  'rsi',
  'adx',
  'atr',
  'atrPct',
  'volatilityPercentile',
  'bbUpper',
  'volumeRatio',
]);

export class SignalPipeline {
  readonly config: EngineConfig;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly levels = new Map<Timeframe, FeatureLevel>();
  private readonly signalTfs = new Map<Timeframe, SignalTf>();
  private readonly baseMs: number;
  private sink: EventSink | null = null;
  private readonly outcomeConfig: OutcomeConfig;
  private readonly filters: readonly SignalFilter[];
  /** Fee plus slippage, per side, as a fraction of the notional. */
  private readonly costPerSide: number;
  private readonly tickSizes = new Map<string, number>();
  /** The slices' publication states, moved by their live outcomes (shared by all symbols). */
  private readonly slices: SliceBook;
  /** engine.merge.window in ms; null when merging is off. */
  private readonly mergeWindowMs: number | null;
  /** Gives the confidence when set; else the formula's score does (see setConfidenceModel). */
  private model: ConfidencePredictor | null = null;
  /** What the pipeline falls back to when the model drifts (null: the formula). */
  private fallback: ConfidencePredictor | null = null;
  /** Watches `model` (null: no model, no bins, or the watch is off). */
  private drift: DriftMonitor | null = null;
  private sinceCheck = 0;

  /**
   * @param registry the strategy families the config's `strategies` section refers to (the
   *   built-in ones unless a user loaded more)
   */
  constructor(config: EngineConfig, registry: StrategyRegistry = BUILTIN_REGISTRY) {
    this.config = config;
    this.baseMs = timeframeMs(config.baseTimeframe);
    this.outcomeConfig = trackerSettings(config.outcomes);
    const sorted = [...config.signalTimeframes].sort((a, b) => compareTimeframes(a.timeframe, b.timeframe));
    const lowest = sorted[0]?.timeframe;
    const all = registry.create(config.strategies);
    /** The slice's own rule when it has parameters of its own, else the shared one. */
    const sliceOf = (st: ActiveStrategy, tf: SignalTimeframeConfig): ActiveSlice => {
      const own = config.slices[`${st.definition.name}:${tf.timeframe}`];
      const section = config.strategies[st.definition.name];
      return {
        strategy: own?.params ? activate(st.definition, { ...section, ...own.params }) : st,
        risk: { ...config.risk, stopAtr: own?.stopAtr ?? tf.stopAtr ?? config.risk.stopAtr },
        exit: own?.exit ?? tf.exit ?? config.risk.exit,
      };
    };
    this.filters = filtersNamed(config.filters);
    this.costPerSide = config.outcomes.feePerSide + config.outcomes.slippagePerSide;
    const pub = config.publication;
    this.slices = new SliceBook(pub.states, pub.unlisted, { window: pub.window, minTrades: pub.minTrades });
    this.mergeWindowMs = config.merge.enabled ? durationMs(config.merge.window) : null;
    for (const s of sorted) {
      this.levels.set(s.timeframe, 'full');
      for (const c of s.context) this.levels.set(c, 'full');
    }
    for (const s of sorted) if (!this.levels.has(s.entry)) this.levels.set(s.entry, 'light');
    for (const s of sorted) {
      const tfMs = timeframeMs(s.timeframe);
      this.signalTfs.set(s.timeframe, {
        cfg: s,
        slices: all
          .filter((st) => st.definition.timeframes === 'all' || s.timeframe === lowest)
          .map((st) => sliceOf(st, s)),
        entryValidMs: entryValidityMsOf(s),
        cooldownMs: config.cooldownCandles * tfMs,
        maxHoldingMs: maxHoldingMsOf(config.outcomes, s.timeframe, s.maxHoldingCandles),
        isLowest: s.timeframe === lowest,
      });
    }
  }

  /**
   * The confidence model from now on (null: the formula's score). Signals made before keep the
   * confidence they were given; each says which model gave it (breakdown.model).
   */
  setConfidenceModel(model: ConfidencePredictor | null, fallback: ConfidencePredictor | null = null): void {
    this.model = model;
    this.fallback = model ? fallback : null;
    this.drift = this.watch(model);
  }

  private watch(model: ConfidencePredictor | null): DriftMonitor | null {
    const { enabled, checkEvery: _every, ...opts } = this.config.confidence.drift;
    this.sinceCheck = 0;
    return model && enabled ? new DriftMonitor(model.driftBins ?? [], opts) : null;
  }

  /** Counts an observation of the drift watch; every `checkEvery`, asks for its verdict. */
  private observed(at: number): void {
    const watch = this.drift;
    const model = this.model;
    if (watch === null || model === null) return;
    if (++this.sinceCheck < this.config.confidence.drift.checkEvery) return;
    this.sinceCheck = 0;
    const verdict = watch.verdict();
    if (verdict.status !== 'drift') return;
    const to = this.fallback;
    this.model = to;
    this.fallback = null;
    this.drift = this.watch(to);
    this.emit({ type: 'model.drift', at, from: model.version, to: to?.version ?? null, verdict });
    const reason = `confidence model ${model.version} drifted (${verdict.reasons.join('; ')}); now ${to ? `model ${to.version}` : "the formula's score"}`;
    for (const [slice, state] of Object.entries(this.slices.snapshot())) {
      if (state !== 'validated') continue;
      const change = this.slices.set(slice, 'probation', reason, at);
      if (change) this.emit({ type: 'slice.state_changed', change });
    }
  }

  /** A closed outcome of a candidate the model in use scored: its calibration on live data. */
  private observeOutcome(signal: Signal, o: Outcome): void {
    if (this.drift === null || !o.filled || signal.breakdown.model !== this.model?.version) return;
    this.drift.observeOutcome(signal.confidence, o.returnPct > 0);
    this.observed(o.exitTime);
  }

  get confidenceModel(): ConfidencePredictor | null {
    return this.model;
  }

  /** Timeframes the pipeline builds for each symbol, with how much it computes on each. */
  timeframes(): ReadonlyMap<Timeframe, FeatureLevel> {
    return this.levels;
  }

  /**
   * The price step of `symbol` (from the exchange's market precision, or inferred from the
   * data's decimals for files): plans are rounded to it and texts print its decimals. Unknown
   * (NaN) until set; it may be set before or after the symbol's first candle.
   */
  setTickSize(symbol: string, tickSize: number): void {
    this.tickSizes.set(symbol, tickSize);
    const st = this.symbols.get(symbol);
    if (st) for (const slot of st.slots.values()) slot.features.setTickSize(tickSize);
  }

  /** Signals of `symbol` that are PENDING or ACTIVE now. */
  liveSignals(symbol: string): readonly Signal[] {
    return this.symbols.get(symbol)?.book.liveSignals() ?? [];
  }

  /** The feature snapshot of a symbol's timeframe (for inspection and tests). */
  snapshot(symbol: string, tf: Timeframe): TfSnapshot | null {
    return this.symbols.get(symbol)?.slots.get(tf)?.features.snapshot ?? null;
  }

  /** Feeds one closed base candle of `symbol` and returns the events it caused. */
  onCandle(symbol: string, candle: Candle & { readonly complete?: boolean }): readonly PipelineEvent[] {
    let out: PipelineEvent[] | null = null;
    this.process(symbol, candle, (e) => {
      if (out === null) out = [];
      out.push(e);
    });
    return out ?? NO_EVENTS;
  }

  /** Feeds one closed base candle, passing each event to `sink` as it happens. */
  process(symbol: string, candle: Candle & { readonly complete?: boolean }, sink: EventSink): void {
    // the sink is only read during this call (aggregator callbacks included); no try/finally
    // here: an exception means a caller bug and the pipeline is not reused after one
    this.sink = sink;
    const st = this.symbols.get(symbol) ?? this.state(symbol);
    // 1. outcomes (and so the lifecycle) on the finest data, before this candle can create anything
    const closeAt = candle.openTime + this.baseMs;
    st.lastClose = candle.close;
    st.lastCloseAt = closeAt;
    if (st.tracker.size > 0) {
      const closed = st.tracker.onCandle(candle, closeAt);
      for (let i = 0; i < closed.length; i++) this.onOutcome(st, closed[i]);
    }
    if (st.shadow !== null && st.shadow.size > 0) {
      const closed = st.shadow.onCandle(candle, closeAt);
      for (let i = 0; i < closed.length; i++) this.onShadowOutcome(st, closed[i]);
    }
    // 2. aggregation and features
    st.closedCount = 0;
    const base = st.baseSlot;
    if (base !== null) {
      base.features.update(candle);
      if (base.signal) st.closedNow[st.closedCount++] = base.signal;
    }
    st.aggregator?.push(candle);
    // 3. strategies on every signal timeframe that closed now, finest first
    for (let i = 0; i < st.closedCount; i++) this.evaluate(st, st.closedNow[i]);
    this.sink = null;
  }

  private state(symbol: string): SymbolState {
    let st = this.symbols.get(symbol);
    if (!st) {
      st = new SymbolState(
        symbol,
        this.levels,
        this.signalTfs,
        this.config.baseTimeframe,
        this.config.qualityWindow,
        this.config.dedup,
        this.outcomeConfig,
        this.config.outcomes.trackRejected,
        (s, c) => this.onHigherClose(s, c),
        (s, sig, e) => this.onStep(s, sig, e),
      );
      this.symbols.set(symbol, st);
      const tick = this.tickSizes.get(symbol);
      if (tick !== undefined) for (const slot of st.slots.values()) slot.features.setTickSize(tick);
    }
    return st;
  }

  private emit(e: PipelineEvent): void {
    this.sink?.(e);
  }

  private onHigherClose(st: SymbolState, c: AggregatedCandle): void {
    const slot = st.slots.get(c.timeframe);
    slot?.features.update(c);
    this.emit({ type: 'candle.closed', symbol: st.symbol, timeframe: c.timeframe, candle: c });
    if (slot?.signal) st.closedNow[st.closedCount++] = slot.signal;
  }

  private changeStatus(st: SymbolState, id: string, status: SignalStatus, at: number, reason: string): void {
    const ch = st.book.setStatus(id, status, at, reason);
    if (ch) this.emit({ type: 'signal.updated', signal: ch.signal, previous: ch.previous });
  }

  /** A step of a followed signal: a fill makes it ACTIVE; a target hit is news for subscribers. */
  private onStep(st: SymbolState, signal: Signal, e: OutcomeEvent): void {
    if (e.kind === 'FILL') {
      // a market entry is ACTIVE from its creation; only limit fills change the status
      if (st.book.get(signal.id)?.status === 'PENDING') {
        this.changeStatus(st, signal.id, 'ACTIVE', e.time, `entry filled at ${this.price(st, e.price)}`);
      }
    } else if (e.kind === 'TP1' || e.kind === 'TP2') {
      this.changeStatus(st, signal.id, 'ACTIVE', e.time, `${e.kind} hit at ${this.price(st, e.price)}`);
    }
  }

  /** A price of the symbol as every signal text prints it. */
  private price(st: SymbolState, x: number): string {
    return formatPrice(x, this.tickSizes.get(st.symbol));
  }

  private onOutcome(st: SymbolState, o: Outcome): void {
    const status: SignalStatus =
      o.type === 'EXPIRED' ? 'EXPIRED' : o.type === 'CANCELLED' ? 'CANCELLED' : 'CLOSED';
    const signal = st.book.get(o.signalId);
    st.fills.onOutcome(o.signalId, o.filled, o.type === 'EXPIRED');
    this.changeStatus(st, o.signalId, status, o.exitTime, `${o.type}: ${o.reason}`);
    if (!signal) return;
    this.emit({ type: 'outcome.closed', outcome: o, signal, shadow: false });
    this.observeOutcome(signal, o);
    if (o.filled) {
      const change = this.slices.onOutcome(sliceOf(signal), netROf(o), o.exitTime);
      if (change) this.emit({ type: 'slice.state_changed', change });
    }
  }

  /** The publication state of each slice that has one other than the unlisted default. */
  sliceStates(): Record<string, SliceState> {
    return this.slices.snapshot();
  }

  /**
   * Sets a slice's publication state from outside (a validation, an operator, a drift alarm);
   * returns the change, which the caller announces (it happens between candles).
   */
  setSliceState(slice: string, state: SliceState, reason: string, at: number): SliceStateChangedEvent | null {
    const change = this.slices.set(slice, state, reason, at);
    return change ? { type: 'slice.state_changed', change } : null;
  }

  /**
   * The on-demand run (an operator's "force run"): the strategies of `timeframe` on the latest
   * closed candle of it for `symbol`, each candidate with its plan, scores and the verdict of
   * every filter, judged against the state now. A candidate the pipeline made a signal of on that
   * candle is judged without itself (it passed every filter then) and reported `created`.
   *
   * Changes nothing unless `publish`: then each candidate that passes now and was not made yet
   * becomes a signal by the normal rules, judged after the ones before it were made, and its
   * events go to `sink`. Publishing needs a fresh candle (no base candle closed after it): later,
   * its signals would be dated before candles their tracking never saw. Rules may be asked again
   * about a candle they saw: they answer the same (CandleMemory).
   */
  evaluateNow(
    symbol: string,
    timeframe: Timeframe,
    publish = false,
    sink: EventSink | null = null,
  ): Evaluation {
    const stf = this.signalTfs.get(timeframe);
    if (!stf) {
      throw new EvaluationError(
        'not_signal_timeframe',
        `${timeframe} is not a signal timeframe; the signal timeframes are ${[...this.signalTfs.keys()].join(', ')}`,
      );
    }
    const st = this.symbols.get(symbol);
    const slot = st?.slots.get(timeframe)?.signal;
    if (!st || !slot)
      throw new EvaluationError('unknown_symbol', `the pipeline has seen no candle of ${symbol}`);
    const snap = slot.ctx.signal;
    if (!(snap.count > 0)) {
      throw new EvaluationError('no_closed_candle', `no ${timeframe} candle of ${symbol} has closed yet`);
    }
    const fresh = snap.closeTime === st.lastCloseAt;
    if (publish && !fresh) {
      throw new EvaluationError(
        'stale',
        `the latest ${timeframe} candle of ${symbol} closed at ${new Date(snap.closeTime).toISOString()} and base candles up to ${new Date(st.lastCloseAt).toISOString()} followed it: a signal published now would be dated before them; publish right after a ${timeframe} close, or evaluate without publish`,
      );
    }
    const candidates: CandidateEvaluation[] = [];
    const created: Signal[] = [];
    this.sink = publish ? sink : null;
    const ctx = slot.ctx;
    for (const slice of stf.slices) {
      ctx.ready = isReady(ctx.signal, slice.strategy.needMask);
      const cand = slice.strategy.rule.evaluate(ctx);
      if (cand) candidates.push(this.judge(st, slot, slice, cand, publish, created));
    }
    this.sink = null;
    return {
      symbol,
      timeframe,
      candle: { openTime: snap.openTime, closeTime: snap.closeTime, close: snap.close },
      asOf: st.lastCloseAt,
      fresh,
      candidates,
      created,
    };
  }

  /** One candidate of an on-demand run (see evaluateNow); with `publish`, made when it passes. */
  private judge(
    st: SymbolState,
    slot: SignalSlot,
    slice: ActiveSlice,
    cand: StrategyCandidate,
    publish: boolean,
    created: Signal[],
  ): CandidateEvaluation {
    const built = this.wouldBe(st, slot, slice, cand);
    const id = built.ok ? built.would.id : built.id;
    const head = { id, strategy: cand.strategy, direction: cand.direction, candidate: cand };
    if (!built.ok) {
      const rejection = { reason: built.reason, detail: built.detail };
      const liveStatus = st.book.get(id)?.status ?? null;
      return { ...head, plan: null, signal: null, filters: [], verdict: 'rejected', rejection, liveStatus };
    }
    const { would, plan } = built;
    const last = st.lastSignalAt.get(cooldownKey(would));
    // a signal of this cooldown key made on this very candle has this id: the candidate itself
    const made = last === would.createdAt;
    const book = st.book.get(id) ? this.bookWithout(st, id) : st.book;
    const input = this.filterInput(st, slot.stf, would, plan, made ? undefined : last, book);
    const filters: FilterVerdict[] = this.filters.map((f) => {
      const detail = f.check(input);
      return { name: f.name, reason: f.reason, passed: detail === null, detail };
    });
    const failed = filters.find((v) => !v.passed);
    const rejection = !made && failed?.detail ? { reason: failed.reason, detail: failed.detail } : null;
    let verdict: CandidateVerdict = made ? 'created' : rejection ? 'rejected' : 'passes';
    if (publish && verdict === 'passes') {
      this.create(st, slot.stf, would, slot.ctx.signal);
      created.push(would);
      verdict = 'created';
    }
    return {
      ...head,
      plan,
      signal: would,
      filters,
      verdict,
      rejection,
      liveStatus: st.book.get(id)?.status ?? null,
    };
  }

  /** The symbol's live signals but one: what a signal's own candidate is judged against. */
  private bookWithout(st: SymbolState, id: string): SignalBook {
    const book = new SignalBook(this.config.dedup);
    for (const s of st.book.liveSignals()) if (s.id !== id) book.add(s);
    return book;
  }

  /**
   * An operator closes an ACTIVE signal at the symbol's last price (the latest base candle's
   * close, at its close time): outcome MANUAL_EXIT, after costs like any exit. Its events
   * (signal.updated, outcome.closed, perhaps slice.state_changed) go to `sink`.
   */
  closeSignal(id: string, reason: string, sink: EventSink): SignalControlResult {
    return this.control(id, 'ACTIVE', 'MANUAL_EXIT', reason, sink);
  }

  /** An operator withdraws a PENDING signal (nothing traded): outcome CANCELLED. */
  cancelSignal(id: string, reason: string, sink: EventSink): SignalControlResult {
    return this.control(id, 'PENDING', 'CANCELLED', reason, sink);
  }

  private control(
    id: string,
    need: SignalStatus,
    type: 'MANUAL_EXIT' | 'CANCELLED',
    reason: string,
    sink: EventSink,
  ): SignalControlResult {
    for (const st of this.symbols.values()) {
      const live = st.book.get(id);
      if (!live) continue;
      if (live.status !== need) return { ok: false, code: 'wrong_status', status: live.status };
      let updated: Signal = live;
      this.sink = (e) => {
        if (e.type === 'signal.updated' && e.signal.id === id) updated = e.signal;
        sink(e);
      };
      const o = st.tracker.cancel(id, st.lastCloseAt, st.lastClose, reason, type);
      if (o) this.onOutcome(st, o);
      this.sink = null;
      return o ? { ok: true, signal: updated, outcome: o } : { ok: false, code: 'not_live' };
    }
    return { ok: false, code: 'not_live' };
  }

  private onShadowOutcome(st: SymbolState, o: Outcome): void {
    const signal = st.shadowSignals.get(o.signalId);
    st.shadowSignals.delete(o.signalId);
    st.fills.onOutcome(o.signalId, o.filled, o.type === 'EXPIRED');
    if (!signal) return;
    this.emit({ type: 'outcome.closed', outcome: o, signal, shadow: true });
    this.observeOutcome(signal, o);
  }

  private evaluate(st: SymbolState, slot: SignalSlot): void {
    const ctx = slot.ctx;
    const slices = slot.stf.slices;
    for (let k = 0; k < slices.length; k++) {
      const slice = slices[k];
      ctx.ready = isReady(ctx.signal, slice.strategy.needMask);
      const cand = slice.strategy.rule.evaluate(ctx);
      if (cand) this.consider(st, slot, slice, cand);
    }
  }

  private consider(st: SymbolState, slot: SignalSlot, slice: ActiveSlice, cand: StrategyCandidate): void {
    const stf = slot.stf;
    const createdAt = slot.ctx.signal.closeTime;
    const built = this.wouldBe(st, slot, slice, cand);
    if (!built.ok) {
      this.reject(st, stf, built.id, cand, createdAt, built.reason, built.detail, null);
      return;
    }
    const { would, plan, features } = built;
    // a candidate made while indicators or contexts still warm up is unlike any the model was
    // trained to watch for: the watch sees only warm ones
    const snap = slot.ctx.signal;
    const context = would.breakdown.context;
    if (
      this.drift !== null &&
      (snap.warm & DRIFT_WARM_MASK) === DRIFT_WARM_MASK &&
      context.length === slot.contexts.length &&
      context.every((v) => v.weight > 0)
    ) {
      this.drift.observeCandidate(features);
      this.observed(createdAt);
    }
    const input = this.filterInput(st, stf, would, plan, st.lastSignalAt.get(cooldownKey(would)));
    for (let k = 0; k < this.filters.length; k++) {
      const filter = this.filters[k];
      const detail = filter.check(input);
      if (detail !== null) {
        this.reject(st, stf, would.id, cand, createdAt, filter.reason, detail, would);
        return;
      }
    }
    if (this.mergeWindowMs !== null && this.mergeInto(st, stf, would.id, cand, createdAt, would)) return;
    this.create(st, stf, would, snap);
  }

  /**
   * The signal a candidate would become on the signal timeframe's latest closed candle: risk
   * plan, scores, health, features and confidence. Pure: reads the pipeline's state, changes
   * nothing (the drift watch is the caller's).
   */
  private wouldBe(st: SymbolState, slot: SignalSlot, slice: ActiveSlice, cand: StrategyCandidate): WouldBe {
    const stf = slot.stf;
    const signal = slot.ctx.signal;
    const cfg = this.config;
    const family = slice.strategy.definition;
    const tf = stf.cfg.timeframe;
    const createdAt = signal.closeTime;
    const id = signalId(st.symbol, tf, cand.strategy, cand.direction, createdAt);
    const risk = planRisk(cand, signal, slot.entry, slice.risk, this.costPerSide);
    if (!risk.ok) return { ok: false, id, reason: risk.reason, detail: risk.detail };
    const plan = risk.plan;
    const scored = scoreConfidence(cand, family, signal, slot.contexts, cfg.ensemble, cfg.ensemble.baseScale);
    const model = this.model;
    const breakdown = model ? { ...scored.breakdown, model: model.version } : scored.breakdown;
    const health = healthScore({
      signal,
      warmupComplete: signal.count >= family.warmup,
      qualityWindow: cfg.qualityWindow,
      rewardRisk: plan.rewardRisk,
      minRewardRisk: cfg.thresholds.minRewardRisk,
      family,
    });
    const features = candidateFeatures({
      kind: family.kind,
      direction: cand.direction,
      strategyBase: cand.baseConfidence,
      breakdown,
      health,
      signal,
      entryPrice: plan.entryPrice,
      stopLoss: plan.stopLoss,
      rewardRisk: plan.rewardRisk,
      limitEntry: plan.entryType !== 'MARKET_ENTRY',
      roundTripCost: 2 * this.costPerSide,
    });
    const confidence = model ? clamp01(model.predict(features)) : scored.confidence;
    const alignment = alignmentBand(breakdown.alignmentFactor, cfg.priority);
    const would: Signal = {
      id,
      symbol: st.symbol,
      direction: cand.direction,
      timeframe: tf,
      entryTimeframe: stf.cfg.entry,
      strategy: cand.strategy,
      entryType: plan.entryType,
      entryPrice: plan.entryPrice,
      stopLoss: plan.stopLoss,
      takeProfits: plan.takeProfits,
      rewardRisk: plan.rewardRisk,
      published: this.slices.state(`${cand.strategy}:${tf}`) === 'validated',
      exit: {
        style: slice.exit.style,
        trailDistance: slice.exit.style === 'trailing' ? slice.exit.trailAtr * signal.atr : null,
      },
      confidence,
      breakdown,
      health,
      priority: priorityOf(confidence, alignment, cfg.priority),
      alignment,
      riskLevel: riskLevelOf(plan.entryPrice, plan.stopLoss, signal.volatilityPercentile),
      entryConfidence: st.fills.estimate(plan.entryType, tf, signal.volatilityPercentile),
      processingMs: null,
      reasons: reasonsOf(cand),
      entryAnalysis: plan.analysis,
      features,
      createdAt,
      expiresAt: createdAt + stf.entryValidMs,
      entryValidMs: stf.entryValidMs,
      maxHoldingMs: stf.maxHoldingMs,
      status: plan.entryType === 'MARKET_ENTRY' ? 'ACTIVE' : 'PENDING',
      statusAt: createdAt,
      statusReason:
        plan.entryType === 'MARKET_ENTRY'
          ? 'market entry'
          : `limit ${plan.entryType} at ${formatPrice(plan.entryPrice, plan.tickSize)}`,
    };
    return { ok: true, would, plan, features };
  }

  /** What the filters read of a would-be signal, with the book and cooldown they judge against. */
  private filterInput(
    st: SymbolState,
    stf: SignalTf,
    would: Signal,
    plan: RiskPlan,
    lastSignalAt: number | undefined,
    book: SignalBook = st.book,
  ): FilterInput {
    return {
      signal: would,
      plan,
      config: this.config,
      book,
      lastSignalAt,
      cooldownMs: stf.cooldownMs,
      costPerSide: this.costPerSide,
    };
  }

  /**
   * Makes `would` a signal on the candle `snap` (its price and volatility): opposite ones
   * cancelled (when configured), followed, announced.
   */
  private create(st: SymbolState, stf: SignalTf, would: Signal, snap: TfSnapshot): void {
    const createdAt = would.createdAt;
    if (this.config.cancelOnOpposite) {
      for (const other of st.book.opposite(would.direction)) {
        const o = st.tracker.cancel(
          other.id,
          createdAt,
          snap.close,
          `cancelled by opposite signal ${would.id}`,
        );
        if (o) this.onOutcome(st, o);
      }
    }
    st.book.add(would);
    st.tracker.track(would, stf.maxHoldingMs, this.tickSizes.get(st.symbol));
    st.fills.follow(would.id, EntryFillBook.key(would.entryType, would.timeframe, snap.volatilityPercentile));
    st.lastSignalAt.set(cooldownKey(would), createdAt);
    this.emit({ type: 'signal.created', signal: would });
  }

  /**
   * engine.merge: when a live signal of another signal timeframe of this symbol points the same
   * way and was created within the window (and is published, or this one is not), this one
   * becomes evidence on it (signal.updated) and is filtered as `merged`; true when it did.
   */
  private mergeInto(
    st: SymbolState,
    stf: SignalTf,
    id: string,
    cand: StrategyCandidate,
    createdAt: number,
    would: Signal,
  ): boolean {
    const windowMs = this.mergeWindowMs ?? 0;
    let leader: Signal | null = null;
    for (const s of st.book.liveSignals()) {
      if (s.direction !== would.direction || s.timeframe === would.timeframe) continue;
      if (s.createdAt < createdAt - windowMs || (would.published && !s.published)) continue;
      if (leader === null || s.createdAt < leader.createdAt) leader = s;
    }
    if (leader === null) return false;
    const evidence = [
      ...(leader.evidence ?? []),
      {
        signalId: id,
        timeframe: would.timeframe,
        strategy: would.strategy,
        createdAt,
        confidence: would.confidence,
      },
    ];
    const ch = st.book.amend(
      leader.id,
      { evidence },
      createdAt,
      `merged ${would.timeframe} ${would.direction} signal ${id} as evidence`,
    );
    if (ch) this.emit({ type: 'signal.updated', signal: ch.signal, previous: ch.previous });
    this.reject(
      st,
      stf,
      id,
      cand,
      createdAt,
      'merged',
      `merged into the live ${leader.timeframe} signal ${leader.id}`,
      would,
    );
    return true;
  }

  /** Records a candidate as filtered, and follows its would-be signal as a shadow when it has one. */
  private reject(
    st: SymbolState,
    stf: SignalTf,
    id: string,
    cand: StrategyCandidate,
    createdAt: number,
    reason: RejectionReason,
    detail: string,
    would: Signal | null,
  ): void {
    const r: RejectedCandidate = {
      id,
      reason,
      detail,
      symbol: st.symbol,
      timeframe: stf.cfg.timeframe,
      strategy: cand.strategy,
      direction: cand.direction,
      createdAt,
      signal: would,
    };
    this.emit({ type: 'signal.rejected', candidate: r });
    if (would && st.shadow !== null) {
      st.shadowSignals.set(id, would);
      st.shadow.track(would, stf.maxHoldingMs, this.tickSizes.get(st.symbol));
      const vol = st.slots.get(stf.cfg.timeframe)?.features.snapshot.volatilityPercentile ?? Number.NaN;
      st.fills.follow(id, EntryFillBook.key(would.entryType, stf.cfg.timeframe, vol));
    }
  }
}
