import type { Bar } from '../candles/candle.js';

/**
 * The contract every streaming indicator keeps (after bennycode/trading-signals):
 * - `update` takes one closed input, costs O(1) time and memory and allocates nothing;
 * - `getResult` is null until `isStable()`; after that it is the latest value;
 * - `lookback` is TA-Lib's lookback: how many inputs go by without a result, so the
 *   (lookback + 1)-th input yields the first one.
 * Multi-output indicators return the same result object on every update (mutated in place),
 * so a caller that keeps a result across updates must copy it.
 */
export interface StreamingIndicator<TIn, TOut> {
  readonly lookback: number;
  update(input: TIn): TOut | null;
  isStable(): boolean;
  getResult(): TOut | null;
  reset(): void;
}

/** An indicator over one value per step (usually a close). */
export type ValueIndicator<TOut = number> = StreamingIndicator<number, TOut>;

/** An indicator over whole candles (high/low/close/volume). */
export type BarIndicator<TOut = number> = StreamingIndicator<Bar, TOut>;
