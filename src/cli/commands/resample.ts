import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { detectTimeframe, readValidatedCandles } from '../../adapters/market/read-series.js';
import { Aggregator } from '../../core/candles/aggregator.js';
import type { AggregatedCandle } from '../../core/candles/candle.js';
import { compareTimeframes, parseTimeframe } from '../../core/candles/timeframe.js';
import { formatDecimal } from '../../core/format.js';
import { CliError, formatInt, progress } from '../common.js';

interface ResampleOptions {
  input: string;
  timeframe: string;
  out: string;
  sourceTimeframe?: string;
  includeIncomplete?: boolean;
}

export const CSV_HEADER = 'open_time,open,high,low,close,volume';

export function candleCsvLine(c: {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}): string {
  return `${c.openTime},${formatDecimal(c.open)},${formatDecimal(c.high)},${formatDecimal(c.low)},${formatDecimal(c.close)},${formatDecimal(c.volume)}`;
}

export function registerResample(program: Command): void {
  program
    .command('resample')
    .description('aggregate a candle file to a higher timeframe and write our CSV format')
    .requiredOption('-i, --input <file>', 'candle file to read')
    .requiredOption('-t, --timeframe <tf>', 'target timeframe, e.g. 1h')
    .requiredOption('-o, --out <file>', 'CSV file to write')
    .option('--source-timeframe <tf>', 'timeframe of the input (from the name or the rows when omitted)')
    .option('--include-incomplete', 'also write candles with missing constituents (gaps in the input)')
    .action(async (opts: ResampleOptions) => {
      const target = parseTimeframe(opts.timeframe);
      const base = opts.sourceTimeframe
        ? parseTimeframe(opts.sourceTimeframe)
        : await detectTimeframe(opts.input);
      if (compareTimeframes(target, base) <= 0) {
        throw new CliError(`--timeframe ${target} must be higher than the input's timeframe ${base}`);
      }
      // written beside the target and renamed at the end, so a failed run leaves no half file
      const partial = `${opts.out}.partial`;
      const out = createWriteStream(partial);
      const pending: string[] = [CSV_HEADER];
      let written = 0;
      let incomplete = 0;
      const agg = new Aggregator(base, [target], (c: AggregatedCandle) => {
        if (!c.complete) {
          incomplete++;
          if (!opts.includeIncomplete) return;
        }
        pending.push(candleCsvLine(c));
        written++;
      });
      const bar = progress(`resampling to ${target}`);
      let read = 0;
      let ok = false;
      try {
        for await (const batch of readValidatedCandles(opts.input, base)) {
          for (const c of batch) agg.push(c);
          read += batch.length;
          bar.update(read);
          if (pending.length) {
            if (!out.write(`${pending.join('\n')}\n`)) await once(out, 'drain');
            pending.length = 0;
          }
        }
        if (pending.length) out.write(`${pending.join('\n')}\n`);
        ok = true;
      } finally {
        bar.stop();
        out.end();
        await once(out, 'close');
        if (ok) renameSync(partial, opts.out);
        else rmSync(partial, { force: true });
      }
      process.stdout.write(
        `wrote ${formatInt(written)} ${target} candles from ${formatInt(read)} ${base} candles to ${opts.out}` +
          (incomplete
            ? ` (${formatInt(incomplete)} incomplete ${opts.includeIncomplete ? 'included' : 'left out'})`
            : '') +
          '\n',
      );
    });
}
