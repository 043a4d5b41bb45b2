import type { Candle } from '../../core/candles/candle.js';
import type { CandleField } from '../../core/candles/validation.js';
import { CandleFileError } from './candle-file-error.js';
import { DecimalScanner } from './decimal.js';
import { malformedRow, quote, RowBatcher } from './parsed-row.js';

export type DelimitedFormat = 'csv' | 'binance';

export const CSV_COLUMNS = ['open_time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Binance public-data kline columns, in file order (the header some files carry). */
export const BINANCE_COLUMNS = [
  'open_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close_time',
  'quote_volume',
  'count',
  'taker_buy_volume',
  'taker_buy_quote_volume',
  'ignore',
] as const;

const QUOTE_VOLUME_COLUMN = 7;
const TRADES_COLUMN = 8;

/** Columns whose values make the candle; the rest of a Binance row is not checked. */
const CSV_USED_MASK = 0b111111;
const BINANCE_USED_MASK = 0b111111 | (1 << QUOTE_VOLUME_COLUMN) | (1 << TRADES_COLUMN);

/**
 * Binance spot files switched open times from milliseconds to microseconds in 2025. A
 * millisecond time stays below 1e14 until the year 5138 and a microsecond one has been above it
 * since 1973, so the magnitude tells them apart.
 */
const MICROSECONDS_ABOVE = 1e14;

/** A line this long is no candle row; stop before buffering a whole binary file as one line. */
const MAX_LINE_BYTES = 1 << 20;

const EMPTY = Buffer.alloc(0);
const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const TWO_POW_53 = 9007199254740992;
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const CANDLE_FIELDS: readonly CandleField[] = CSV_COLUMNS;

/**
 * Parses comma-separated candle rows from byte chunks: our CSV (6 columns) or Binance klines
 * (12 columns). Numbers are read straight from the bytes; a string is made only to describe a
 * rejected row. Domain rules (positive prices, high/low, order) are the caller's SeriesChecker's.
 */
export class DelimitedRowParser extends RowBatcher {
  private readonly columns: number;
  private readonly usedMask: number;
  private readonly values = new Float64Array(BINANCE_COLUMNS.length);
  private readonly scanner = new DecimalScanner();
  /**
   * The unfinished last line of the previous chunk. Fields keep one type from construction on
   * (an empty buffer, not null; a number, not boolean | null) so that optimised code is not
   * thrown away when they are first set.
   */
  private carry: Buffer = EMPTY;
  private line = 0;
  private skipHeader: boolean;
  /** 0 until the first Binance row tells; then 1 (milliseconds) or 1000 (microseconds). */
  private timeDivisor = 0;
  /** Set when the first non-blank line was a header; tells "header only" from "empty". */
  sawHeader = false;

  constructor(
    private readonly source: string,
    private readonly format: DelimitedFormat,
    hasHeader: boolean,
    batchSize: number,
  ) {
    super(batchSize);
    this.columns = format === 'csv' ? CSV_COLUMNS.length : BINANCE_COLUMNS.length;
    this.usedMask = format === 'csv' ? CSV_USED_MASK : BINANCE_USED_MASK;
    this.skipHeader = hasHeader;
  }

  feed(chunk: Buffer): void {
    let start = 0;
    const carry = this.carry;
    if (carry.length > 0) {
      const newline = chunk.indexOf(LF);
      if (newline < 0) {
        this.keepCarry(Buffer.concat([carry, chunk]));
        return;
      }
      this.carry = EMPTY;
      const joined = Buffer.concat([carry, chunk.subarray(0, newline + 1)]);
      this.parseLines(joined, 0, joined.length);
      start = newline + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last < start) {
      if (start < chunk.length) this.keepCarry(Buffer.from(chunk.subarray(start)));
      return;
    }
    this.parseLines(chunk, start, last + 1);
    if (last + 1 < chunk.length) this.keepCarry(Buffer.from(chunk.subarray(last + 1)));
  }

  /** End of input: a last line without a newline is still a line. */
  finish(): void {
    const carry = this.carry;
    if (carry.length === 0) return;
    this.carry = EMPTY;
    const terminated = Buffer.concat([carry, Buffer.from('\n')]);
    this.parseLines(terminated, 0, terminated.length);
  }

  private keepCarry(carry: Buffer): void {
    if (carry.length > MAX_LINE_BYTES) {
      throw new CandleFileError(
        this.source,
        `line ${this.line + 1} is longer than ${MAX_LINE_BYTES} bytes: this is not a candle file`,
        this.line + 1,
      );
    }
    this.carry = carry;
  }

  /**
   * `buf[from, to)` holds whole lines, the last one ending in LF.
   *
   * The common case, plain `[-]digits[.digits]` fields, is parsed inline in this one loop: a
   * short import spends most of its time before the JIT has optimised anything, and a call per
   * field is what costs most there. Any line that leaves the fast path (blank, header, exponent,
   * blanks around a field, a bad or long number, a wrong column count) is parsed again by the
   * general `parseLine`, which also produces the messages.
   */
  private parseLines(buf: Buffer, from: number, to: number): void {
    const values = this.values;
    const columns = this.columns;
    const csv = this.format === 'csv';
    let i = from;
    while (i < to) {
      this.line++;
      const start = i;
      let column = 0;
      let fast = !this.skipHeader;
      while (fast) {
        let c = buf[i];
        let negative = false;
        if (c === MINUS) {
          negative = true;
          c = buf[++i];
        }
        let mantissa = 0;
        let digits = 0;
        let d = c - ZERO;
        while (d >= 0 && d <= 9) {
          mantissa = mantissa * 10 + d;
          digits++;
          d = buf[++i] - ZERO;
        }
        let fractionDigits = 0;
        if (buf[i] === DOT) {
          d = buf[++i] - ZERO;
          while (d >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            fractionDigits++;
            d = buf[++i] - ZERO;
          }
        }
        c = buf[i];
        if (c === CR && buf[i + 1] === LF) c = buf[++i];
        if (
          (c !== COMMA && c !== LF) ||
          digits + fractionDigits === 0 ||
          mantissa >= TWO_POW_53 ||
          fractionDigits > 22 ||
          column === values.length
        ) {
          fast = false;
          break;
        }
        const magnitude = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
        values[column++] = negative ? -magnitude : magnitude;
        i++;
        if (c === LF) break;
      }
      if (!fast || column !== columns) {
        i = this.parseLine(buf, start);
      } else if (csv) {
        const candle: Candle = {
          openTime: values[0],
          open: values[1],
          high: values[2],
          low: values[3],
          close: values[4],
          volume: values[5],
        };
        this.push({ ok: true, line: this.line, candle });
      } else {
        this.pushBinance(buf, start);
      }
    }
  }

  /** Parses the line starting at `start`; returns the index after its LF. */
  private parseLine(buf: Buffer, start: number): number {
    let c = buf[start];
    if (c === LF) return start + 1;
    if (c === CR && buf[start + 1] === LF) return start + 2;
    if (this.skipHeader) {
      this.skipHeader = false;
      this.sawHeader = true;
      return buf.indexOf(LF, start) + 1;
    }
    const values = this.values;
    const scanner = this.scanner;
    let i = start;
    let column = 0;
    let badMask = 0;
    for (;;) {
      let value = scanner.scan(buf, i);
      let j = scanner.end;
      c = buf[j];
      if (c !== COMMA && c !== LF && !(c === CR && buf[j + 1] === LF)) {
        value = Number.NaN;
        while (c !== COMMA && c !== LF) c = buf[++j];
      }
      if (Number.isNaN(value) && column < 31) badMask |= 1 << column;
      if (column < values.length) values[column] = value;
      column++;
      if (c === COMMA) {
        i = j + 1;
        continue;
      }
      i = c === CR ? j + 2 : j + 1;
      break;
    }
    if (column !== this.columns) {
      this.rejectColumnCount(buf, start, i, column);
    } else if ((badMask & this.usedMask) !== 0) {
      this.rejectField(buf, start, 31 - Math.clz32(badMask & -badMask));
    } else if (this.format === 'csv') {
      const candle: Candle = {
        openTime: values[0],
        open: values[1],
        high: values[2],
        low: values[3],
        close: values[4],
        volume: values[5],
      };
      this.push({ ok: true, line: this.line, candle });
    } else {
      this.pushBinance(buf, start);
    }
    return i;
  }

  private pushBinance(buf: Buffer, start: number): void {
    const values = this.values;
    let openTime = values[0];
    const divisor = openTime > MICROSECONDS_ABOVE ? 1000 : 1;
    if (this.timeDivisor === 0) this.timeDivisor = divisor;
    if (divisor !== this.timeDivisor) {
      const unit = (d: number) => (d === 1000 ? 'microseconds' : 'milliseconds');
      this.push(
        malformedRow(
          this.source,
          this.line,
          'open_time',
          this.fieldText(buf, start, 0),
          `open_time ${this.fieldText(buf, start, 0)} on line ${this.line} is in ${unit(divisor)} but this file's first row is in ${unit(this.timeDivisor)}`,
        ),
      );
      return;
    }
    if (divisor !== 1) openTime /= divisor;
    const candle: Candle = {
      openTime,
      open: values[1],
      high: values[2],
      low: values[3],
      close: values[4],
      volume: values[5],
      quoteVolume: values[QUOTE_VOLUME_COLUMN],
      trades: values[TRADES_COLUMN],
    };
    this.push({ ok: true, line: this.line, candle });
  }

  private rejectColumnCount(buf: Buffer, start: number, next: number, found: number): void {
    const text = lineText(buf, start, next);
    const names = this.format === 'csv' ? CSV_COLUMNS : BINANCE_COLUMNS;
    const what = this.format === 'csv' ? 'our CSV' : 'Binance klines';
    this.push(
      malformedRow(
        this.source,
        this.line,
        'row',
        text,
        `line ${this.line} has ${found} column${found === 1 ? '' : 's'} but ${what} rows have ${this.columns} (${names.join(',')}): ${quote(text)}`,
      ),
    );
  }

  private rejectField(buf: Buffer, start: number, column: number): void {
    const names = this.format === 'csv' ? CSV_COLUMNS : BINANCE_COLUMNS;
    const name = names[column];
    const raw = this.fieldText(buf, start, column);
    const field: CandleField = column < CANDLE_FIELDS.length ? CANDLE_FIELDS[column] : 'row';
    const problem =
      raw.trim().length === 0
        ? `${name} on line ${this.line} is empty`
        : `${name} ${quote(raw)} on line ${this.line} is not a number`;
    this.push(malformedRow(this.source, this.line, field, raw, problem));
  }

  /** Raw text of one field; only for messages, so it may allocate. */
  private fieldText(buf: Buffer, start: number, column: number): string {
    let i = start;
    for (let k = 0; k < column; k++) i = buf.indexOf(COMMA, i) + 1;
    let end = i;
    let c = buf[end];
    while (c !== COMMA && c !== LF) c = buf[++end];
    if (end > i && buf[end - 1] === CR && c === LF) end--;
    return buf.toString('utf8', i, end);
  }
}

function lineText(buf: Buffer, start: number, next: number): string {
  let end = next - 1;
  if (end > start && buf[end - 1] === CR) end--;
  return buf.toString('utf8', start, end);
}
