import type { Bar, CandleColumns } from '../candles/candle.js';

/**
 * How the shared contract test drives one configured indicator. Each indicator module
 * contributes cases through a catalog file; the contract test knows nothing else about it.
 */
export interface ContractCase {
  /** Spec-like name, e.g. `sma:20` or `macd:12:26:9`. */
  readonly name: string;
  /** Output names, in the order `read` and `batch` give them (`['value']` for one output). */
  readonly outputs: readonly string[];
  /** Inputs without a result before the first one (equals the TA-Lib lookback where one exists). */
  readonly lookback: number;
  /** A fresh streaming instance, wrapped so the test can feed bars and read every output. */
  createStream(): ContractStream;
  /** The batch function on the same series: one array per output, NaN during warm-up. */
  batch(series: CandleColumns): readonly Float64Array[];
}

export interface ContractStream {
  push(bar: Bar & { readonly openTime: number }): void;
  isStable(): boolean;
  /** Latest outputs, or null when the indicator has no result yet. */
  read(): readonly number[] | null;
}
