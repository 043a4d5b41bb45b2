import type { Timeframe } from '../../core/candles/timeframe.js';
import { inferFromName } from './candle-file.js';
import { detectTickSize, detectTimeframe, readValidatedCandles } from './read-series.js';
import { mergeInTimeOrder, type SymbolCandle } from './time-order.js';

/**
 * Candle files given as inputs (`--input`): what each holds, checked against the pipeline's base
 * timeframe, and merged in time order as a live feed would deliver them. Backtest, the `signals`
 * command and the replay source all read files through here.
 */

export interface FileInput {
  readonly path: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The price step the file's prices show (see detectTickSize); null when unknown. */
  readonly tickSize?: number | null;
}

/** Resolves the symbol and timeframe of each input file (from its name, else its rows). */
export async function describeInputs(
  paths: readonly string[],
  symbolOverride?: string,
): Promise<FileInput[]> {
  if (symbolOverride && paths.length > 1) throw new Error('--symbol can only be given with a single --input');
  const out: FileInput[] = [];
  for (const path of paths) {
    const symbol = (symbolOverride ?? inferFromName(path).symbol)?.toUpperCase();
    if (!symbol)
      throw new Error(
        `cannot tell the symbol of ${path} from its name; rename it like binance_BTCUSDT_1m.csv.gz or pass --symbol`,
      );
    out.push({ path, symbol, timeframe: await detectTimeframe(path), tickSize: await detectTickSize(path) });
  }
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.symbol)) throw new Error(`two inputs hold ${f.symbol}; give one file per symbol`);
    seen.add(f.symbol);
  }
  return out;
}

/** Refuses inputs whose candles are not of the base timeframe the pipeline is fed with. */
export function requireTimeframe(inputs: readonly FileInput[], base: Timeframe): void {
  for (const f of inputs) {
    if (f.timeframe !== base) {
      throw new Error(`${f.path} holds ${f.timeframe} candles but the engine's base timeframe is ${base}`);
    }
  }
}

/**
 * Candles of several files merged in time order (ties by symbol name), as a live feed would
 * deliver them. Files are read in validated batches, so memory stays bounded.
 */
export function mergeFiles(inputs: readonly FileInput[], to?: number): AsyncGenerator<SymbolCandle[]> {
  const bySymbol = [...inputs].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return mergeInTimeOrder(
    bySymbol.map((f) => ({ symbol: f.symbol, batches: readValidatedCandles(f.path, f.timeframe) })),
    to,
  );
}
