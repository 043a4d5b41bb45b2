import { basename } from 'node:path';
import { isTimeframe, type Timeframe } from '../../core/candles/timeframe.js';
import { type ByteSource, openByteSource } from './byte-source.js';
import { CandleFileError } from './candle-file-error.js';
import { BINANCE_COLUMNS, CSV_COLUMNS, DelimitedRowParser } from './csv-reader.js';
import { parseDecimal } from './decimal.js';
import { FreqtradeJsonParser } from './freqtrade-json.js';
import { type ParsedRow, quote } from './parsed-row.js';

export { CandleFileError } from './candle-file-error.js';
export type { ParsedRow } from './parsed-row.js';

/**
 * `csv`: ours, `open_time,open,high,low,close,volume` (times in ms).
 * `binance`: Binance public-data klines, 12 columns, times in ms or (2025+ spot) µs.
 * `freqtrade`: freqtrade's JSON, `[[ms, open, high, low, close, volume], ...]`.
 */
export type CandleFileFormat = 'csv' | 'binance' | 'freqtrade';

export interface ReadOptions {
  /** Skip detection and read the file as this format (it must still look like it). */
  readonly format?: CandleFileFormat;
  /** Rows per yielded batch; default 8192. */
  readonly batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 8192;

/** Enough to find the first line of any sane candle file; more means it is not one. */
const HEAD_LIMIT = 1 << 20;
/** How much of the head is checked for bytes no text file holds. */
const BINARY_PROBE = 4096;

const LF = 10;
const CR = 13;

/**
 * Reads a candle file (our CSV, Binance klines as .csv or .zip, freqtrade JSON; any of them
 * gzipped) and yields its rows in file order, in batches. Rows are only parsed: a row that is not
 * numbers in the right shape comes back as a `malformed_row` problem, and everything else
 * (positive prices, high/low, alignment, order, duplicates, gaps) is for the caller's
 * SeriesChecker. A file that cannot be read as a whole throws CandleFileError; that can happen
 * after some batches were yielded (a gzip cut short is only found at its end), so an import
 * must not commit before the generator finishes.
 */
export async function* readCandleRows(path: string, opts: ReadOptions = {}): AsyncGenerator<ParsedRow[]> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const source = await openByteSource(path);
  try {
    const head = await readHead(path, source);
    const plan = planFormat(path, head, source, opts.format);
    const parser =
      plan.format === 'freqtrade'
        ? new FreqtradeJsonParser(path, batchSize)
        : new DelimitedRowParser(path, plan.format, plan.hasHeader, batchSize);
    parser.feed(head);
    for (const batch of parser.takeBatches(false)) yield batch;
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
      parser.feed(chunk);
      for (const batch of parser.takeBatches(false)) yield batch;
    }
    parser.finish();
    for (const batch of parser.takeBatches(true)) yield batch;
    if (parser.rowCount === 0) {
      if (parser instanceof FreqtradeJsonParser) {
        throw new CandleFileError(path, 'is empty: its JSON array holds no candles');
      }
      throw new CandleFileError(
        path,
        parser.sawHeader ? 'is empty: it has a header but no rows' : 'is empty: no rows',
      );
    }
  } finally {
    source.close();
  }
}

interface FormatPlan {
  readonly format: CandleFileFormat;
  readonly hasHeader: boolean;
}

/**
 * The start of the decompressed content: at least its first non-blank line, so the format can be
 * told from it. A UTF-8 byte-order mark is dropped.
 */
async function readHead(path: string, source: ByteSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = await source.next();
    if (chunk === null) break;
    parts.push(chunk);
    total += chunk.length;
    if (total >= HEAD_LIMIT) break;
    const joined = parts.length === 1 ? chunk : Buffer.concat(parts);
    const first = firstNonBlank(joined);
    // JSON is told by its first byte, and freqtrade writes it all on one line.
    if (first >= 0 && (joined[first] === 0x5b || joined[first] === 0x7b || joined.indexOf(LF, first) >= 0))
      break;
  }
  let head = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  if (head.length === 0)
    throw new CandleFileError(path, `is empty: ${describeContainer(source)}holds no bytes`);
  if (firstNonBlank(head) < 0)
    throw new CandleFileError(path, `is empty: ${describeContainer(source)}holds only blank lines`);
  return head;
}

function describeContainer(source: ByteSource): string {
  if (source.container === 'gzip') return 'its gzip content ';
  if (source.container === 'zip') return `its zip entry ${source.entryName} `;
  return '';
}

function firstNonBlank(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c !== LF && c !== CR && c !== 32 && c !== 9) return i;
  }
  return -1;
}

type ContentHint = 'csv' | 'json' | null;

/** What the name promises the content is: `.csv[.gz]` and `.zip` CSV, `.json[.gz]` JSON. */
function contentHint(path: string): ContentHint {
  let name = basename(path).toLowerCase();
  if (name.endsWith('.zip')) return 'csv';
  if (name.endsWith('.gz')) name = name.slice(0, -3);
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.json')) return 'json';
  return null;
}

function planFormat(
  path: string,
  head: Buffer,
  source: ByteSource,
  forced: CandleFileFormat | undefined,
): FormatPlan {
  rejectBinary(path, head, source);
  const first = firstNonBlank(head);
  const c = head[first];
  const hint = source.container === 'zip' ? 'csv' : contentHint(path);
  const where = describeContainer(source);
  if (c === 0x5b || c === 0x7b) {
    if (forced !== undefined && forced !== 'freqtrade') {
      throw new CandleFileError(
        path,
        `format '${forced}' was requested but ${where || 'the file '}holds JSON`,
      );
    }
    if (forced === undefined && hint === 'csv') {
      throw new CandleFileError(path, `is named as a CSV file but ${where || 'it '}holds JSON`);
    }
    return { format: 'freqtrade', hasHeader: false };
  }

  const lineNumber = countLines(head, first) + 1;
  const lineEnd = head.indexOf(LF, first);
  let end = lineEnd < 0 ? head.length : lineEnd;
  if (end > first && head[end - 1] === CR) end--;
  const firstLine = head.toString('utf8', first, end);
  if (forced === 'freqtrade') {
    throw new CandleFileError(
      path,
      `format 'freqtrade' was requested but ${where || 'the file '}is not a JSON array: it starts with ${quote(firstLine)}`,
      lineNumber,
    );
  }
  if (forced === undefined && hint === 'json') {
    throw new CandleFileError(
      path,
      `is named as a JSON file but ${where || 'it '}does not hold JSON: it starts with ${quote(firstLine)}`,
      lineNumber,
    );
  }

  const fields = firstLine.split(',');
  const count = fields.length;
  const byCount = count === CSV_COLUMNS.length ? 'csv' : count === BINANCE_COLUMNS.length ? 'binance' : null;
  const isHeader = Number.isNaN(parseDecimal(Buffer.from(fields[0])));
  if (isHeader) {
    const format = headerFormat(fields);
    if (format === null) {
      const fits =
        byCount === null ? `, and its ${count} columns fit no format (our CSV has 6, Binance klines 12)` : '';
      throw new CandleFileError(
        path,
        `header ${quote(firstLine)} is not a candle header: expected ours (${CSV_COLUMNS.join(',')}) or Binance's (${BINANCE_COLUMNS.join(',')})${fits}`,
        lineNumber,
      );
    }
    if (forced !== undefined && forced !== format) {
      throw new CandleFileError(
        path,
        `format '${forced}' was requested but the header ${quote(firstLine)} is that of ${formatName(format)}`,
        lineNumber,
      );
    }
    return { format, hasHeader: true };
  }
  if (forced !== undefined && forced !== byCount) {
    const expected = forced === 'csv' ? CSV_COLUMNS.length : BINANCE_COLUMNS.length;
    throw new CandleFileError(
      path,
      `format '${forced}' was requested but the first row has ${count} columns where ${formatName(forced)} has ${expected}`,
      lineNumber,
    );
  }
  if (byCount === null) {
    throw new CandleFileError(
      path,
      `the first row has ${count} column${count === 1 ? '' : 's'}, which fits no candle format: our CSV has 6 (${CSV_COLUMNS.join(',')}), Binance klines have 12: ${quote(firstLine)}`,
      lineNumber,
    );
  }
  return { format: byCount, hasHeader: false };
}

function formatName(format: CandleFileFormat): string {
  if (format === 'csv') return 'our CSV';
  if (format === 'binance') return 'Binance klines';
  return 'freqtrade JSON';
}

/**
 * Our header and Binance's are accepted exactly. Another name for the time column (time,
 * timestamp, date) is tolerated when the price columns are named and ordered as ours, since the
 * columns still mean the same; any other header is refused rather than guessed at.
 */
function headerFormat(fields: readonly string[]): 'csv' | 'binance' | null {
  const names = fields.map((f) => {
    const t = f.trim().toLowerCase();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  });
  let format: 'csv' | 'binance';
  if (names.length === CSV_COLUMNS.length) format = 'csv';
  else if (names.length === BINANCE_COLUMNS.length) format = 'binance';
  else return null;
  const expected: readonly string[] = format === 'csv' ? CSV_COLUMNS : BINANCE_COLUMNS;
  if (names.every((n, i) => n === expected[i])) return format;
  for (let i = 1; i < CSV_COLUMNS.length; i++) if (names[i] !== CSV_COLUMNS[i]) return null;
  return TIME_COLUMN_NAMES.has(names[0]) ? format : null;
}

const TIME_COLUMN_NAMES = new Set(['open_time', 'opentime', 'time', 'timestamp', 'date', 'datetime']);

function countLines(buf: Buffer, end: number): number {
  let lines = 0;
  for (let i = 0; i < end; i++) if (buf[i] === LF) lines++;
  return lines;
}

function rejectBinary(path: string, head: Buffer, source: ByteSource): void {
  const n = Math.min(head.length, BINARY_PROBE);
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if ((c < 32 && c !== LF && c !== CR && c !== 9) || c === 127) {
      throw new CandleFileError(
        path,
        `${describeContainer(source) || 'it '}holds binary data (byte 0x${c.toString(16).padStart(2, '0')} at offset ${i}), not CSV or JSON candles`,
      );
    }
  }
}

/**
 * What a file name says about its series: `binance_BTCUSDT_1m.csv.gz`,
 * `binance_BTCUSDT_1m_20240726-20240825.csv.gz`, Binance's `BTCUSDT-1m-2025-01.zip`, freqtrade's
 * `BTC_USDT-1h.json` (and `BTC_USDT_USDT-1h-futures.json`). Only what is there is returned.
 */
export function inferFromName(path: string): { exchange?: string; symbol?: string; timeframe?: Timeframe } {
  let name = basename(path);
  for (;;) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || !KNOWN_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) break;
    name = name.slice(0, dot);
  }
  const tokens = name.split(/[_-]/).filter((t) => t.length > 0);
  const tfIndex = tokens.findIndex((t) => isTimeframe(t));
  if (tfIndex < 0) return {};
  const timeframe = tokens[tfIndex] as Timeframe;
  let before = tokens.slice(0, tfIndex);
  let exchange: string | undefined;
  if (before.length >= 2 && isLowerWord(before[0])) {
    exchange = before[0];
    before = before.slice(1);
  }
  // freqtrade futures pairs carry their settle currency: BTC_USDT_USDT is BTC/USDT:USDT.
  if (before.length === 3 && before[1].toUpperCase() === before[2].toUpperCase()) before = before.slice(0, 2);
  const symbol = before.join('').toUpperCase();
  const out: { exchange?: string; symbol?: string; timeframe?: Timeframe } = { timeframe };
  if (exchange !== undefined) out.exchange = exchange;
  if (symbol.length > 0 && isAlphanumeric(symbol)) out.symbol = symbol;
  return out;
}

const KNOWN_EXTENSIONS = new Set(['gz', 'zip', 'csv', 'json', 'txt', 'feather', 'parquet']);

function isLowerWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function isAlphanumeric(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return true;
}
