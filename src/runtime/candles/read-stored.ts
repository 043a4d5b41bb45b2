import type { CandleStore, SeriesKey } from '../../adapters/store/ports.js';
import { Aggregator } from '../../core/candles/aggregator.js';
import type { Candle } from '../../core/candles/candle.js';
import {
  alignTime,
  compareTimeframes,
  divides,
  type Timeframe,
  timeframeMs,
} from '../../core/candles/timeframe.js';

/**
 * The store holds no candles of the symbol, or none from which the asked timeframe can be built.
 * The message says what is stored; the CLI prints it, the API answers 404 with it.
 */
export class CandlesNotStoredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandlesNotStoredError';
  }
}

export interface CandleRead {
  readonly candles: (Candle & { complete?: boolean; constituents?: number })[];
  /** The stored timeframe the candles were read (and, when different, aggregated) from. */
  readonly source: Timeframe;
}

/**
 * Candles of `tf` from the store; when that timeframe is not stored, aggregated from the
 * coarsest stored timeframe that builds it. Only closed candles are returned; ones with
 * missing constituents are returned and marked incomplete.
 */
export async function readStoredCandles(
  store: CandleStore,
  exchange: string,
  symbol: string,
  tf: Timeframe,
  range: { from?: number; to?: number },
): Promise<CandleRead> {
  const stored = await store.findSeries(exchange, symbol);
  if (stored.length === 0)
    throw new CandlesNotStoredError(`no candles stored for ${exchange} ${symbol}; import some first`);
  if (stored.some((s) => s.timeframe === tf)) {
    return { candles: await store.getCandles({ exchange, symbol, timeframe: tf }, range), source: tf };
  }
  const finer = stored
    .filter((s) => divides(s.timeframe, tf))
    .sort((a, b) => compareTimeframes(b.timeframe, a.timeframe))[0];
  if (!finer) {
    throw new CandlesNotStoredError(
      `${exchange} ${symbol} has no ${tf} candles and none finer that build them (stored: ${stored.map((s) => s.timeframe).join(', ')})`,
    );
  }
  const key: SeriesKey = { exchange, symbol, timeframe: finer.timeframe };
  const from = range.from === undefined ? undefined : alignTime(tf, range.from);
  const out: CandleRead['candles'] = [];
  const agg = new Aggregator(finer.timeframe, [tf], (c) => {
    if (
      (range.from === undefined || c.openTime >= range.from) &&
      (range.to === undefined || c.openTime < range.to)
    ) {
      out.push(c);
    }
  });
  // read up to the end of the last asked candle so that it can close
  const readTo = range.to === undefined ? undefined : alignTime(tf, range.to - 1) + timeframeMs(tf);
  for await (const page of store.candlePages(key, { from, to: readTo })) for (const c of page) agg.push(c);
  return { candles: out, source: finer.timeframe };
}
