import type { Candle } from '../../src/core/candles/candle.js';
import { type Timeframe, timeframeMs } from '../../src/core/candles/timeframe.js';
import { isReady, type TfSnapshot, warmMask } from '../../src/core/features/snapshot.js';
import { TimeframeFeatures } from '../../src/core/features/timeframe-features.js';
import type { StrategyCandidate } from '../../src/core/signals/types.js';
import {
  defaultParams,
  type ParamSpecs,
  type ParamValues,
  type StrategyDefinition,
  type StrategyRule,
} from '../../src/core/strategies/definition.js';

/** Monday 2024-01-01 00:00 UTC: aligned for every timeframe up to a day. */
export const SERIES_START = Date.UTC(2024, 0, 1);

export interface BarShape {
  readonly open?: number;
  /** Wick beyond the body, each side, unless high / low are given. */
  readonly wick?: number;
  readonly high?: number;
  readonly low?: number;
  readonly volume?: number;
  readonly complete?: boolean;
}

export type SeriesCandle = Candle & { readonly complete?: boolean };

/**
 * Hand-made candle series for strategy tests: each bar opens at the previous close (unless
 * told otherwise), with symmetric wicks and a constant volume, on aligned open times.
 */
export class SeriesBuilder {
  readonly candles: SeriesCandle[] = [];
  readonly step: number;
  last: number;

  constructor(
    readonly timeframe: Timeframe,
    start: number,
    readonly baseVolume = 100,
    readonly baseWick = 0.1,
  ) {
    this.step = timeframeMs(timeframe);
    this.last = start;
  }

  get length(): number {
    return this.candles.length;
  }

  bar(close: number, shape: BarShape = {}): this {
    const open = shape.open ?? this.last;
    const wick = shape.wick ?? this.baseWick;
    const c: SeriesCandle = {
      openTime: SERIES_START + this.candles.length * this.step,
      open,
      high: shape.high ?? Math.max(open, close) + wick,
      low: shape.low ?? Math.min(open, close) - wick,
      close,
      volume: shape.volume ?? this.baseVolume,
      ...(shape.complete === false ? { complete: false } : {}),
    };
    this.candles.push(c);
    this.last = close;
    return this;
  }

  /** Closes following `f(i)` for i = 0..n-1. */
  path(n: number, f: (i: number) => number, shape: BarShape = {}): this {
    for (let i = 0; i < n; i++) this.bar(f(i), shape);
    return this;
  }

  /** A sideways market: a sine of `amplitude` around `center` with `period` candles. */
  range(n: number, center: number, amplitude: number, period = 12): this {
    const k = this.candles.length;
    return this.path(n, (i) => center + amplitude * Math.sin((2 * Math.PI * (k + i)) / period));
  }
}

/**
 * The same series upside down around `pivot` (price p → 2·pivot − p, high and low swapped):
 * every bullish feature becomes the bearish one, so a BUY test gives its SELL twin.
 */
export function mirror(candles: readonly SeriesCandle[], pivot: number): SeriesCandle[] {
  return candles.map((c) => ({
    ...c,
    open: 2 * pivot - c.open,
    close: 2 * pivot - c.close,
    high: 2 * pivot - c.low,
    low: 2 * pivot - c.high,
  }));
}

export interface Hit {
  readonly index: number;
  readonly candidate: StrategyCandidate;
}

/** A rule of `def` with its defaults overridden by `params`, and the warm mask of its needs. */
export interface StrategyUnderTest {
  readonly rule: StrategyRule;
  readonly needMask: number;
}

export function instantiate<S extends ParamSpecs>(
  def: StrategyDefinition<S>,
  params: Partial<ParamValues<S>> = {},
): StrategyUnderTest {
  return { rule: def.create({ ...defaultParams(def.params), ...params }), needMask: warmMask(def.needs) };
}

/**
 * Feeds the series through full TimeframeFeatures and evaluates the strategy on every candle,
 * with readiness as the pipeline computes it.
 */
export function runStrategy(
  strategy: StrategyUnderTest,
  candles: readonly SeriesCandle[],
  timeframe: Timeframe,
  inspect?: (s: TfSnapshot, index: number) => void,
): Hit[] {
  const features = new TimeframeFeatures(timeframe, 'full');
  const hits: Hit[] = [];
  for (let i = 0; i < candles.length; i++) {
    features.update(candles[i]);
    inspect?.(features.snapshot, i);
    const candidate = strategy.rule.evaluate({
      symbol: 'TEST',
      signal: features.snapshot,
      isLowestSignalTimeframe: true,
      ready: isReady(features.snapshot, strategy.needMask),
    });
    if (candidate) hits.push({ index: i, candidate });
  }
  return hits;
}
