import type { Command } from 'commander';
import type { CandleStore, SeriesKey } from '../../adapters/store/ports.js';
import { Aggregator } from '../../core/candles/aggregator.js';
import type { Candle } from '../../core/candles/candle.js';
import {
  alignTime,
  compareTimeframes,
  divides,
  parseTimeframe,
  type Timeframe,
  timeframeMs,
} from '../../core/candles/timeframe.js';
import { CliError, configFor, openCandleStore, parseTimeOption } from '../common.js';
import { CSV_HEADER, candleCsvLine } from './resample.js';

interface CandlesOptions {
  symbol: string;
  timeframe: string;
  exchange?: string;
  from?: string;
  to?: string;
  format: string;
  db?: string;
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
export function readStoredCandles(
  store: CandleStore,
  exchange: string,
  symbol: string,
  tf: Timeframe,
  range: { from?: number; to?: number },
): CandleRead {
  const stored = store.findSeries(exchange, symbol);
  if (stored.length === 0)
    throw new CliError(`no candles stored for ${exchange} ${symbol}; import some first`);
  if (stored.some((s) => s.timeframe === tf)) {
    return { candles: store.getCandles({ exchange, symbol, timeframe: tf }, range), source: tf };
  }
  const finer = stored
    .filter((s) => divides(s.timeframe, tf))
    .sort((a, b) => compareTimeframes(b.timeframe, a.timeframe))[0];
  if (!finer) {
    throw new CliError(
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
  for (const c of store.iterateCandles(key, { from, to: readTo })) agg.push(c);
  return { candles: out, source: finer.timeframe };
}

export function registerCandles(program: Command): void {
  program
    .command('candles')
    .description('print stored candles (aggregated from a finer stored timeframe when needed)')
    .requiredOption('-s, --symbol <symbol>', 'symbol, e.g. BTCUSDT')
    .requiredOption('-t, --timeframe <tf>', 'timeframe, e.g. 1h')
    .option('-e, --exchange <name>', 'exchange (default from config)')
    .option('--from <time>', 'first open time, ISO-8601 (inclusive)')
    .option('--to <time>', 'last open time bound, ISO-8601 (exclusive)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .action((opts: CandlesOptions, cmd: Command) => {
      const tf = parseTimeframe(opts.timeframe);
      if (opts.format !== 'csv' && opts.format !== 'json') {
        throw new CliError(`--format "${opts.format}" is not a format; use csv or json`);
      }
      const from = parseTimeOption(opts.from, '--from');
      const to = parseTimeOption(opts.to, '--to');
      if (from !== undefined && to !== undefined && to <= from)
        throw new CliError('--to must be after --from');
      const loaded = configFor(cmd, opts.db);
      const store = openCandleStore(loaded);
      try {
        const exchange = opts.exchange ?? loaded.config.exchange;
        const { candles } = readStoredCandles(store, exchange, opts.symbol.toUpperCase(), tf, { from, to });
        if (opts.format === 'csv') {
          const lines = [CSV_HEADER];
          for (const c of candles) lines.push(candleCsvLine(c));
          process.stdout.write(`${lines.join('\n')}\n`);
        } else {
          process.stdout.write(`${JSON.stringify(candles.map(jsonCandle), null, 0)}\n`);
        }
      } finally {
        store.close();
      }
    });
}

function jsonCandle(c: CandleRead['candles'][number]): Record<string, unknown> {
  return {
    openTime: new Date(c.openTime).toISOString(),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    ...(c.complete === false ? { complete: false, constituents: c.constituents } : {}),
  };
}
