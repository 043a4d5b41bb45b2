import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { detectTimeframe, readValidatedCandles } from '../../adapters/market/read-series.js';
import type { Candle } from '../../core/candles/candle.js';
import { toColumns } from '../../core/candles/candle.js';
import { formatDecimal } from '../../core/format.js';
import { parseIndicatorSpecs } from '../../core/indicators/specs.js';
import { PATTERN_NAMES } from '../../core/patterns/candlesticks.js';
import { scanPatterns } from '../../core/patterns/scanner.js';
import { CliError, formatInt } from '../common.js';

/** Output names as people write them in column headers (`macd:12:26:9.hist`, `stoch:14:3:3.k`). */
const COLUMN_NAMES: Readonly<Record<string, string>> = {
  histogram: 'hist',
  slowK: 'k',
  slowD: 'd',
  fastK: 'k',
  fastD: 'd',
};

async function readAll(path: string): Promise<Candle[]> {
  const tf = await detectTimeframe(path);
  const out: Candle[] = [];
  for await (const batch of readValidatedCandles(path, tf)) for (const c of batch) out.push(c);
  if (out.length === 0) throw new CliError(`${path} holds no candles`);
  return out;
}

/** Writes rows to `out` via a temporary file renamed at the end (no half-written CSV on failure). */
async function writeCsv(
  out: string,
  header: string[],
  rows: number,
  cell: (row: number, col: number) => string,
): Promise<void> {
  const partial = `${out}.partial`;
  const stream = createWriteStream(partial);
  let ok = false;
  try {
    let chunk: string[] = [header.join(',')];
    for (let i = 0; i < rows; i++) {
      const line: string[] = [];
      for (let c = 0; c < header.length; c++) line.push(cell(i, c));
      chunk.push(line.join(','));
      if (chunk.length >= 4096) {
        if (!stream.write(`${chunk.join('\n')}\n`)) await once(stream, 'drain');
        chunk = [];
      }
    }
    if (chunk.length) stream.write(`${chunk.join('\n')}\n`);
    ok = true;
  } finally {
    stream.end();
    await once(stream, 'close');
    if (ok) renameSync(partial, out);
    else rmSync(partial, { force: true });
  }
}

export function registerIndicators(program: Command): void {
  program
    .command('indicators')
    .description('compute indicators over a candle file and write them as CSV (TA-Lib-exact numbers)')
    .requiredOption('-i, --input <file>', 'candle file')
    .requiredOption(
      '--set <list>',
      'comma list of specs, e.g. sma:20,ema:20,rsi:14,macd:12:26:9,atr:14,bbands:20:2:2,stoch:14:3:3,adx:14,obv,vwap',
    )
    .requiredOption('-o, --out <file.csv>', 'CSV to write: open_time then one column per output')
    .action(async (opts: { input: string; set: string; out: string }) => {
      let specs: ReturnType<typeof parseIndicatorSpecs>;
      try {
        specs = parseIndicatorSpecs(opts.set);
      } catch (e) {
        throw new CliError(`--set: ${(e as Error).message}`);
      }
      const candles = await readAll(opts.input);
      const cols = toColumns(candles);
      const header = ['open_time'];
      const data: Float64Array[] = [];
      for (const spec of specs) {
        const outputs = spec.compute(cols);
        spec.outputs.forEach((name, k) => {
          header.push(
            spec.outputs.length === 1 ? spec.canonical : `${spec.canonical}.${COLUMN_NAMES[name] ?? name}`,
          );
          data.push(outputs[k]);
        });
      }
      await writeCsv(opts.out, header, candles.length, (i, c) => {
        if (c === 0) return String(cols.openTime[i]);
        const v = data[c - 1][i];
        return Number.isNaN(v) ? '' : formatDecimal(v);
      });
      process.stdout.write(
        `wrote ${formatInt(candles.length)} rows x ${header.length - 1} columns to ${opts.out}\n`,
      );
    });

  program
    .command('patterns')
    .description('scan a candle file for TA-Lib candlestick patterns and write them as CSV')
    .requiredOption('-i, --input <file>', 'candle file')
    .option('--set <list>', 'comma list of patterns (e.g. engulfing,hammer) or all', 'all')
    .requiredOption(
      '-o, --out <file.csv>',
      'CSV to write: open_time then one column per pattern (+100, -100, 0, ...)',
    )
    .action(async (opts: { input: string; set: string; out: string }) => {
      const names =
        opts.set.trim() === 'all'
          ? [...PATTERN_NAMES]
          : opts.set.split(',').map((s) => s.trim().toLowerCase().replace(/^cdl/, ''));
      const unknown = names.filter((n) => !(PATTERN_NAMES as readonly string[]).includes(n));
      if (unknown.length) {
        throw new CliError(
          `--set: unknown pattern(s) ${unknown.join(', ')}; valid patterns are ${PATTERN_NAMES.join(', ')}, or all`,
        );
      }
      const candles = await readAll(opts.input);
      const cols = toColumns(candles);
      const results = scanPatterns(cols, names);
      const arrays = names.map(
        (n) => results.get(n as (typeof PATTERN_NAMES)[number]) ?? new Int32Array(candles.length),
      );
      await writeCsv(opts.out, ['open_time', ...names], candles.length, (i, c) =>
        c === 0 ? String(cols.openTime[i]) : String(arrays[c - 1][i]),
      );
      process.stdout.write(
        `wrote ${formatInt(candles.length)} rows x ${names.length} patterns to ${opts.out}\n`,
      );
    });
}
