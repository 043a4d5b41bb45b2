import type { Command } from 'commander';
import { inferFromName } from '../../adapters/market/candle-file.js';
import { storeLocation } from '../../adapters/store/open-stores.js';
import { parseTimeframe } from '../../core/candles/timeframe.js';
import { importCandles, type OnError } from '../../runtime/import/import-candles.js';
import { CliError, configFor, formatInt, iso, openCandleStore, progress } from '../common.js';

interface ImportCliOptions {
  input: string;
  symbol?: string;
  timeframe?: string;
  exchange?: string;
  onError: string;
  format?: string;
  db?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a candle file (our CSV, Binance kline CSV/ZIP, freqtrade JSON; gzip ok) into the store',
    )
    .requiredOption('-i, --input <file>', 'candle file to import')
    .option('-s, --symbol <symbol>', 'symbol, e.g. BTCUSDT (inferred from the file name when omitted)')
    .option(
      '-t, --timeframe <tf>',
      'timeframe of the file, e.g. 1m (inferred from the file name when omitted)',
    )
    .option(
      '-e, --exchange <name>',
      'exchange the candles come from (default: from the name, else the config)',
    )
    .option('--format <format>', 'force the file format: csv, binance or freqtrade (detected when omitted)')
    .option(
      '--on-error <policy>',
      'reject: first bad row aborts, nothing stored; skip: skip bad rows',
      'reject',
    )
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .action(async (opts: ImportCliOptions, cmd: Command) => {
      const loaded = await configFor(cmd, opts.db);
      const inferred = inferFromName(opts.input);
      const symbol = (opts.symbol ?? inferred.symbol)?.toUpperCase();
      if (!symbol) throw new CliError(`cannot tell the symbol from the name "${opts.input}"; pass --symbol`);
      const tfName = opts.timeframe ?? inferred.timeframe;
      if (!tfName)
        throw new CliError(`cannot tell the timeframe from the name "${opts.input}"; pass --timeframe`);
      const timeframe = parseTimeframe(tfName);
      if (opts.onError !== 'reject' && opts.onError !== 'skip') {
        throw new CliError(`--on-error "${opts.onError}" is not a policy; use reject or skip`);
      }
      if (opts.format && !['csv', 'binance', 'freqtrade'].includes(opts.format)) {
        throw new CliError(`--format "${opts.format}" is not a format; use csv, binance or freqtrade`);
      }
      const exchange = opts.exchange ?? inferred.exchange ?? loaded.config.exchange;
      const store = await openCandleStore(loaded);
      const bar = progress(`importing ${symbol} ${timeframe}`);
      const started = performance.now();
      try {
        const r = await importCandles(store, opts.input, {
          key: { exchange, symbol, timeframe },
          onError: opts.onError as OnError,
          format: opts.format as 'csv' | 'binance' | 'freqtrade' | undefined,
          batchSize: loaded.config.store.batchSize,
          onProgress: (n) => bar.update(n),
        });
        bar.stop();
        const secs = (performance.now() - started) / 1000;
        const skippedTotal = Object.values(r.skipped).reduce((a, b) => a + b, 0);
        const missing = r.gaps.reduce((a, g) => a + g.missing, 0);
        const lines = [
          `imported ${opts.input} -> ${exchange} ${symbol} ${timeframe} (${storeLocation(loaded)})`,
          `  rows read          ${formatInt(r.rowsRead)}`,
          `  stored (new)       ${formatInt(r.inserted)}`,
          `  updated            ${formatInt(r.updated)}`,
          `  unchanged          ${formatInt(r.unchanged)}`,
          `  duplicates merged  ${formatInt(r.duplicatesMerged)}`,
          `  skipped            ${formatInt(skippedTotal)}${
            skippedTotal
              ? ` (${Object.entries(r.skipped)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')})`
              : ''
          }`,
          `  zero-volume        ${formatInt(r.zeroVolume)}`,
          `  gaps               ${formatInt(r.gaps.length)} (${formatInt(missing)} missing candles)`,
          `  range              ${iso(r.first)} .. ${iso(r.last)}`,
          `  time               ${secs.toFixed(2)} s (${formatInt(Math.round(r.rowsRead / Math.max(secs, 1e-9)))} rows/s)`,
        ];
        for (const g of r.gaps.slice(0, 10))
          lines.push(`    gap after ${iso(g.after)}: ${g.missing} missing, next ${iso(g.before)}`);
        if (r.gaps.length > 10) lines.push(`    ... and ${r.gaps.length - 10} more gaps`);
        for (const p of r.skippedExamples)
          lines.push(`    skipped ${p.row?.source ?? ''}:${p.row?.line ?? '?'}: ${p.message}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } catch (e) {
        bar.stop();
        throw e instanceof Error ? new CliError(`import aborted, nothing stored: ${e.message}`) : e;
      } finally {
        await store.close();
      }
    });
}
