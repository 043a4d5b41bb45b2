import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { inferFromName } from './candle-file.js';
import { detectTimeframe, readValidatedCandles } from './read-series.js';

/**
 * Candle files given as inputs (`--input`): what each holds, checked against the pipeline's base
 * timeframe, and merged in time order as a live feed would deliver them. Backtest, the `signals`
 * command and the replay source all read files through here.
 */

export interface FileInput {
  readonly path: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
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
    out.push({ path, symbol, timeframe: await detectTimeframe(path) });
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

export interface SymbolCandle {
  readonly symbol: string;
  readonly candle: Candle;
}

/**
 * Candles of several files merged in time order (ties by symbol name), as a live feed would
 * deliver them. Files are read in validated batches, so memory stays bounded.
 */
export async function* mergeFiles(inputs: readonly FileInput[], to?: number): AsyncGenerator<SymbolCandle[]> {
  const order = [...inputs].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const readers = order.map((f) => ({
    symbol: f.symbol,
    it: readValidatedCandles(f.path, f.timeframe),
    buf: [] as Candle[],
    pos: 0,
    done: false,
  }));
  const fill = async (r: (typeof readers)[number]): Promise<void> => {
    while (!r.done && r.pos >= r.buf.length) {
      const next = await r.it.next();
      if (next.done) r.done = true;
      else {
        r.buf = next.value;
        r.pos = 0;
      }
    }
  };
  try {
    for (const r of readers) await fill(r);
    let batch: SymbolCandle[] = [];
    for (;;) {
      let best = -1;
      let bestTime = Number.POSITIVE_INFINITY;
      for (let i = 0; i < readers.length; i++) {
        const r = readers[i];
        if (r.pos < r.buf.length && r.buf[r.pos].openTime < bestTime) {
          best = i;
          bestTime = r.buf[r.pos].openTime;
        }
      }
      if (best < 0 || (to !== undefined && bestTime >= to)) break;
      const r = readers[best];
      batch.push({ symbol: r.symbol, candle: r.buf[r.pos++] });
      if (r.pos >= r.buf.length) await fill(r);
      if (batch.length >= 8192) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    // a consumer that stops early (a stopped replay) must not leave files open
    for (const r of readers) if (!r.done) await r.it.return(undefined);
  }
}
