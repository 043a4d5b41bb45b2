import type { Candle } from '../../core/candles/candle.js';

export interface SymbolCandle {
  readonly symbol: string;
  readonly candle: Candle;
}

/** One symbol's candles in open-time order, in batches (a file's validated rows, a store's pages). */
export interface SymbolSeries {
  readonly symbol: string;
  readonly batches: AsyncIterator<readonly Candle[], unknown, undefined>;
}

/** Candles per merged batch handed out: large enough that awaiting each batch costs nothing. */
const MERGED_BATCH = 8192;

/**
 * Candles of several symbols merged in time order, as a live feed would deliver them; equal
 * open times come in the order the series are given. Only candles opening before `to` are
 * merged. Each series is read a batch at a time, so memory stays bounded. A consumer that stops
 * early closes every series it has not finished (files are not left open).
 */
export async function* mergeInTimeOrder(
  series: readonly SymbolSeries[],
  to?: number,
): AsyncGenerator<SymbolCandle[]> {
  const readers = series.map((s) => ({
    symbol: s.symbol,
    it: s.batches,
    buf: [] as readonly Candle[],
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
      if (batch.length >= MERGED_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } finally {
    for (const r of readers) if (!r.done) await r.it.return?.(undefined);
  }
}
