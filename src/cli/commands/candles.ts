import type { Command } from 'commander';
import { parseTimeframe } from '../../core/candles/timeframe.js';
import { type CandleRead, readStoredCandles } from '../../runtime/candles/read-stored.js';
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
    .action(async (opts: CandlesOptions, cmd: Command) => {
      const tf = parseTimeframe(opts.timeframe);
      if (opts.format !== 'csv' && opts.format !== 'json') {
        throw new CliError(`--format "${opts.format}" is not a format; use csv or json`);
      }
      const from = parseTimeOption(opts.from, '--from');
      const to = parseTimeOption(opts.to, '--to');
      if (from !== undefined && to !== undefined && to <= from)
        throw new CliError('--to must be after --from');
      const loaded = await configFor(cmd, opts.db);
      const store = await openCandleStore(loaded);
      try {
        const exchange = opts.exchange ?? loaded.config.exchange;
        const { candles } = await readStoredCandles(store, exchange, opts.symbol.toUpperCase(), tf, {
          from,
          to,
        });
        if (opts.format === 'csv') {
          const lines = [CSV_HEADER];
          for (const c of candles) lines.push(candleCsvLine(c));
          process.stdout.write(`${lines.join('\n')}\n`);
        } else {
          process.stdout.write(`${JSON.stringify(candles.map(jsonCandle), null, 0)}\n`);
        }
      } finally {
        await store.close();
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
