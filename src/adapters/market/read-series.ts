import { basename } from 'node:path';
import type { Candle } from '../../core/candles/candle.js';
import { inferTickSize } from '../../core/candles/tick-size.js';
import { isTimeframe, TIMEFRAMES, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { CandleValidationError, SeriesChecker } from '../../core/candles/validation.js';
import { type CandleFileFormat, inferFromName, readCandleRows } from './candle-file.js';

/**
 * Reads a candle file as validated candles in order (strict: the first bad row throws a
 * CandleValidationError naming file and line). Identical duplicate rows are merged.
 */
export async function* readValidatedCandles(
  path: string,
  timeframe: Timeframe,
  opts: { format?: CandleFileFormat } = {},
): AsyncGenerator<Candle[]> {
  const source = basename(path);
  const checker = new SeriesChecker(timeframe, source);
  for await (const batch of readCandleRows(path, opts)) {
    const out: Candle[] = [];
    for (const row of batch) {
      if (!row.ok) throw new CandleValidationError({ ...row.problem, row: { source, line: row.line } });
      const v = checker.check(row.candle, row.line);
      if (v.kind === 'reject') throw new CandleValidationError(v.problem);
      if (v.kind === 'accept') out.push(row.candle);
    }
    if (out.length) yield out;
  }
}

/**
 * The timeframe of a file: from its name when it says, otherwise the smallest step between
 * the first rows (a file that starts with a gap would mislead only if every early step is one).
 */
export async function detectTimeframe(path: string, format?: CandleFileFormat): Promise<Timeframe> {
  const named = inferFromName(path).timeframe;
  if (named) return named;
  let prev: number | null = null;
  let step = Number.POSITIVE_INFINITY;
  let seen = 0;
  outer: for await (const batch of readCandleRows(path, { format })) {
    for (const row of batch) {
      if (!row.ok) continue;
      if (prev !== null && row.candle.openTime > prev) step = Math.min(step, row.candle.openTime - prev);
      prev = row.candle.openTime;
      if (++seen >= 1000) break outer;
    }
  }
  const tf = TIMEFRAMES.find((t) => timeframeMs(t) === step);
  if (!tf || !isTimeframe(tf)) {
    throw new Error(
      `cannot tell the timeframe of ${path} from its name or its rows; pass the timeframe explicitly`,
    );
  }
  return tf;
}

/** Rows read to infer a file's tick size: enough to see every decimal the prices use. */
const TICK_SAMPLE = 10_000;

/**
 * The tick size a file's prices show (the finest grid its first rows sit on; see inferTickSize),
 * or null for an empty file. Rows that do not parse are left to the reader that fails on them.
 */
export async function detectTickSize(path: string, format?: CandleFileFormat): Promise<number | null> {
  const sample: Candle[] = [];
  outer: for await (const batch of readCandleRows(path, { format })) {
    for (const row of batch) {
      if (row.ok) sample.push(row.candle);
      if (sample.length >= TICK_SAMPLE) break outer;
    }
  }
  return inferTickSize(sample);
}
