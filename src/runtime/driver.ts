import type { SymbolCandle } from '../adapters/market/time-order.js';
import type { Candle } from '../core/candles/candle.js';
import type { ConfidencePredictor } from '../core/ensemble/confidence.js';
import type { EngineConfig } from '../core/pipeline/engine-settings.js';
import type { EventSink, PipelineEvent } from '../core/pipeline/events.js';
import { SignalPipeline } from '../core/pipeline/signal-pipeline.js';
import type { StrategyRegistry } from '../core/strategies/registry.js';

export interface PipelineDriverOptions {
  /**
   * Signals and filtered candidates created before this time are not passed on; the candles
   * before it still warm the pipeline up, and outcomes are passed on whenever they close.
   */
  readonly from?: number;
  /** Sees each candle before the pipeline does (e.g. trackers that must settle it before new signals). */
  readonly beforeCandle?: (symbol: string, candle: Candle) => void;
  /** The strategy families the config refers to (default: the built-in ones). */
  readonly registry?: StrategyRegistry;
  /** Symbols whose price step is known beforehand (candle files carry theirs). */
  readonly symbols?: readonly { readonly symbol: string; readonly tickSize?: number | null }[];
  /**
   * The confidence model and what its drift falls back to (runtime/confidence-models.ts resolves
   * them from engine.confidence.model); none: the formula's score.
   */
  readonly confidence?: {
    readonly model: ConfidencePredictor | null;
    readonly fallback: ConfidencePredictor | null;
  };
}

/** Batches of closed base candles in time order, as files, a store or a benchmark hand them out. */
export type CandleFeed = AsyncIterable<readonly SymbolCandle[]> | Iterable<readonly SymbolCandle[]>;

function createdBefore(e: PipelineEvent, from: number): boolean {
  if (e.type === 'signal.created') return e.signal.createdAt < from;
  if (e.type === 'signal.rejected') return e.candidate.createdAt < from;
  return false;
}

/**
 * Drives one SignalPipeline: each closed base candle in, its events out to `sink`. The backtest,
 * the `signals` command and the live runtime all feed the pipeline through this, so they differ
 * only in where candles come from and what is done with the events. Push-based: a live source
 * calls `feed` a candle at a time; `run` feeds a whole feed of batches.
 */
export class PipelineDriver {
  readonly pipeline: SignalPipeline;
  private readonly sink: EventSink;
  private readonly beforeCandle: ((symbol: string, candle: Candle) => void) | undefined;
  private fed = 0;

  constructor(engine: EngineConfig, sink: EventSink, opts: PipelineDriverOptions = {}) {
    this.pipeline = new SignalPipeline(engine, opts.registry);
    if (opts.confidence) this.pipeline.setConfidenceModel(opts.confidence.model, opts.confidence.fallback);
    for (const { symbol, tickSize } of opts.symbols ?? []) {
      if (tickSize) this.pipeline.setTickSize(symbol, tickSize);
    }
    const { from } = opts;
    this.sink =
      from === undefined
        ? sink
        : (e) => {
            if (!createdBefore(e, from)) sink(e);
          };
    this.beforeCandle = opts.beforeCandle;
  }

  /** Base candles fed so far. */
  get candles(): number {
    return this.fed;
  }

  feed(symbol: string, candle: Candle): void {
    this.beforeCandle?.(symbol, candle);
    this.pipeline.process(symbol, candle, this.sink);
    this.fed++;
  }

  /**
   * Feeds every candle of `feed` in order; `onProgress` hears the count fed so far after each
   * batch. Resolves with that count once the feed ends.
   */
  async run(feed: CandleFeed, onProgress?: (candles: number) => void): Promise<number> {
    for await (const batch of feed) {
      for (const { symbol, candle } of batch) this.feed(symbol, candle);
      onProgress?.(this.fed);
    }
    return this.fed;
  }
}
