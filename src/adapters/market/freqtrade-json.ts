import type { CandleField } from '../../core/candles/validation.js';
import { CandleFileError } from './candle-file-error.js';
import { DecimalScanner, parseDecimal } from './decimal.js';
import { malformedRow, quote, RowBatcher } from './parsed-row.js';

/** freqtrade's candle JSON: `[[ms, open, high, low, close, volume], ...]`. */
const FREQTRADE_FIELDS: readonly CandleField[] = ['open_time', 'open', 'high', 'low', 'close', 'volume'];
const SHAPE = '[open_time_ms, open, high, low, close, volume]';

// Tokenizer states.
/** Before the outer '['. */
const S_START = 0;
/** After the outer '[': a candle or ']'. */
const S_OUTER_FIRST = 1;
/** After a candle: ',' or ']'. */
const S_OUTER_NEXT = 2;
/** After ',' in the outer array: a candle. */
const S_OUTER_AFTER_COMMA = 3;
/** After a candle's '[': a value or ']'. */
const S_INNER_FIRST = 4;
/** After a value: ',' or ']'. */
const S_INNER_NEXT = 5;
/** After ',' in a candle: a value. */
const S_INNER_AFTER_COMMA = 6;
/** Inside a bare token (number, null, ...) that ran past the end of a chunk. */
const S_TOKEN = 7;
/** Inside a string value. */
const S_STRING = 8;
/** Inside a string, just after a backslash. */
const S_STRING_ESCAPE = 9;
/** After the outer ']': only blanks. */
const S_DONE = 10;

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const QUOTE = 34;
const BACKSLASH = 92;

const MAX_VALUES = 16;
const MAX_TOKEN_BYTES = 4096;

function isBlank(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** Bytes that end a bare token. */
function endsToken(c: number): boolean {
  return (
    c === COMMA || c === CLOSE_BRACKET || c === OPEN_BRACKET || isBlank(c) || c === OPEN_BRACE || c === QUOTE
  );
}

/**
 * An incremental tokenizer for exactly one shape, an array of arrays of numbers, so a large
 * freqtrade file streams in constant memory instead of going through `JSON.parse` whole. A
 * candle that is not six numbers is a rejected row; anything that breaks the shape (an object,
 * nesting, a top-level scalar, truncation) is a CandleFileError.
 */
export class FreqtradeJsonParser extends RowBatcher {
  private state = S_START;
  private readonly scanner = new DecimalScanner();
  private readonly values = new Float64Array(MAX_VALUES);
  private valueCount = 0;
  /** Index of the first value that is not a number in the current candle, or -1. */
  private badIndex = -1;
  private badRaw = '';
  private token: Buffer[] = [];
  private tokenBytes = 0;
  private stringText = '';
  /** Bytes consumed before the current chunk, for messages. */
  private offset = 0;

  constructor(
    private readonly source: string,
    batchSize: number,
  ) {
    super(batchSize);
  }

  feed(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk[i];
      switch (this.state) {
        case S_START:
          if (c === OPEN_BRACKET) this.state = S_OUTER_FIRST;
          else if (!isBlank(c))
            this.fail(i, `JSON is not an array of candles: it starts with ${describe(c)}`);
          i++;
          break;
        case S_OUTER_FIRST:
        case S_OUTER_AFTER_COMMA:
          if (c === OPEN_BRACKET) {
            this.state = S_INNER_FIRST;
            this.valueCount = 0;
            this.badIndex = -1;
          } else if (c === CLOSE_BRACKET && this.state === S_OUTER_FIRST) {
            this.state = S_DONE;
          } else if (!isBlank(c)) {
            this.fail(
              i,
              `JSON is not an array of arrays: element ${this.rowCount + 1} starts with ${describe(c)}, expected '[' of ${SHAPE}`,
            );
          }
          i++;
          break;
        case S_OUTER_NEXT:
          if (c === COMMA) this.state = S_OUTER_AFTER_COMMA;
          else if (c === CLOSE_BRACKET) this.state = S_DONE;
          else if (!isBlank(c))
            this.fail(i, `expected ',' or ']' after candle ${this.rowCount}, found ${describe(c)}`);
          i++;
          break;
        case S_INNER_FIRST:
        case S_INNER_AFTER_COMMA:
          if (c === CLOSE_BRACKET && this.state === S_INNER_FIRST) {
            this.endCandle();
            i++;
          } else if (isBlank(c)) {
            i++;
          } else if (c === QUOTE) {
            this.state = S_STRING;
            this.stringText = '"';
            i++;
          } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
            this.fail(
              i,
              `candle ${this.rowCount + 1} holds ${c === OPEN_BRACE ? 'an object' : 'a nested array'}; expected numbers ${SHAPE}`,
            );
          } else if (c === COMMA || c === CLOSE_BRACKET) {
            this.fail(i, `candle ${this.rowCount + 1} has an empty value before ${describe(c)}`);
          } else {
            i = this.scanValue(chunk, i);
          }
          break;
        case S_INNER_NEXT:
          if (c === COMMA) this.state = S_INNER_AFTER_COMMA;
          else if (c === CLOSE_BRACKET) this.endCandle();
          else if (!isBlank(c)) {
            this.fail(i, `expected ',' or ']' in candle ${this.rowCount + 1}, found ${describe(c)}`);
          }
          i++;
          break;
        case S_TOKEN:
          i = this.continueToken(chunk, i);
          break;
        case S_STRING:
          if (c === QUOTE) {
            this.addValue(Number.NaN, `${this.stringText}"`);
            this.state = S_INNER_NEXT;
          } else {
            if (c === BACKSLASH) this.state = S_STRING_ESCAPE;
            if (this.stringText.length < 64) this.stringText += String.fromCharCode(c);
          }
          i++;
          break;
        case S_STRING_ESCAPE:
          if (this.stringText.length < 64) this.stringText += String.fromCharCode(c);
          this.state = S_STRING;
          i++;
          break;
        case S_DONE:
          if (!isBlank(c))
            this.fail(i, `unexpected ${describe(c)} after the closing ']' of the candle array`);
          i++;
          break;
      }
    }
    this.offset += n;
  }

  finish(): void {
    if (this.state === S_TOKEN) this.endToken(Buffer.concat(this.token));
    if (this.state === S_DONE) return;
    if (this.state === S_START) {
      throw new CandleFileError(this.source, 'holds no JSON (only blanks)');
    }
    throw new CandleFileError(
      this.source,
      `JSON ends after ${this.rowCount} candle${this.rowCount === 1 ? '' : 's'} before its array is closed: the file is truncated`,
    );
  }

  /** A bare value inside a candle; returns the index after it. */
  private scanValue(chunk: Buffer, start: number): number {
    const value = this.scanner.scan(chunk, start);
    let end = this.scanner.end;
    if (end >= chunk.length) return this.startToken(chunk, start);
    if (endsToken(chunk[end])) {
      this.addValue(value, '');
      this.state = S_INNER_NEXT;
      return end;
    }
    while (end < chunk.length && !endsToken(chunk[end])) end++;
    if (end >= chunk.length) return this.startToken(chunk, start);
    this.addValue(Number.NaN, chunk.toString('utf8', start, end));
    this.state = S_INNER_NEXT;
    return end;
  }

  /** A token cut by the chunk boundary: keep its bytes until its end arrives. */
  private startToken(chunk: Buffer, start: number): number {
    this.token = [Buffer.from(chunk.subarray(start))];
    this.tokenBytes = chunk.length - start;
    this.state = S_TOKEN;
    return chunk.length;
  }

  private continueToken(chunk: Buffer, start: number): number {
    let end = start;
    while (end < chunk.length && !endsToken(chunk[end])) end++;
    this.token.push(Buffer.from(chunk.subarray(start, end)));
    this.tokenBytes += end - start;
    if (this.tokenBytes > MAX_TOKEN_BYTES) {
      this.fail(start, `a value in candle ${this.rowCount + 1} is longer than ${MAX_TOKEN_BYTES} bytes`);
    }
    if (end < chunk.length) this.endToken(Buffer.concat(this.token));
    return end;
  }

  private endToken(token: Buffer): void {
    this.token = [];
    this.tokenBytes = 0;
    const value = parseDecimal(token);
    this.addValue(value, !Number.isNaN(value) ? '' : token.toString('utf8'));
    this.state = S_INNER_NEXT;
  }

  private addValue(value: number, raw: string): void {
    const k = this.valueCount++;
    if (k < MAX_VALUES) this.values[k] = value;
    if (Number.isNaN(value) && this.badIndex < 0) {
      this.badIndex = k;
      this.badRaw = raw;
    }
  }

  private endCandle(): void {
    this.state = S_OUTER_NEXT;
    const index = this.rowCount + 1;
    const count = this.valueCount;
    if (count !== FREQTRADE_FIELDS.length) {
      this.push(
        malformedRow(
          this.source,
          index,
          'row',
          String(count),
          `candle ${index} has ${count} value${count === 1 ? '' : 's'} but freqtrade candles have ${FREQTRADE_FIELDS.length} ${SHAPE}`,
        ),
      );
      return;
    }
    if (this.badIndex >= 0) {
      const field = FREQTRADE_FIELDS[this.badIndex];
      this.push(
        malformedRow(
          this.source,
          index,
          field,
          this.badRaw,
          `${field} ${this.badRaw.length > 120 ? quote(this.badRaw) : this.badRaw} in candle ${index} is not a number`,
        ),
      );
      return;
    }
    const v = this.values;
    this.push({
      ok: true,
      line: index,
      candle: { openTime: v[0], open: v[1], high: v[2], low: v[3], close: v[4], volume: v[5] },
    });
  }

  private fail(at: number, detail: string): never {
    throw new CandleFileError(this.source, `${detail} (at byte ${this.offset + at})`);
  }
}

function describe(c: number): string {
  if (c >= 33 && c <= 126) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
