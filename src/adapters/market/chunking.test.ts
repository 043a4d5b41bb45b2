import { describe, expect, it } from 'vitest';
import { DelimitedRowParser } from './csv-reader.js';
import { FreqtradeJsonParser } from './freqtrade-json.js';
import type { ParsedRow } from './parsed-row.js';

interface Parser {
  feed(chunk: Buffer): void;
  finish(): void;
  takeBatches(flush: boolean): ParsedRow[][];
}

/** Feeds `text` in pieces of `size` bytes and returns every row. */
function feedInPieces(parser: Parser, text: string, size: number): ParsedRow[] {
  const bytes = Buffer.from(text);
  const rows: ParsedRow[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    parser.feed(Buffer.from(bytes.subarray(i, i + size)));
    for (const batch of parser.takeBatches(false)) rows.push(...batch);
  }
  parser.finish();
  for (const batch of parser.takeBatches(true)) rows.push(...batch);
  return rows;
}

describe('parsers give the same rows however the bytes are cut', () => {
  it('CSV: CRLF, blank lines, bad fields, wrong column counts, no final newline', () => {
    const text =
      'open_time,open,high,low,close,volume\r\n' +
      '60000,1.25,2,0.5,1.5,10\r\n' +
      '\r\n' +
      '120000,1e2, 3 ,0.5,-1.5,0\n' +
      '180000,1,x,0.5,1.5,10\n' +
      '240000,1,2,0.5\n' +
      '\n' +
      '300000,1,2,0.5,1.5,12345678901234567890';
    const whole = feedInPieces(new DelimitedRowParser('t.csv', 'csv', true, 3), text, text.length);
    expect(whole.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [4, true],
      [5, false],
      [6, false],
      [8, true],
    ]);
    for (let size = 1; size <= 17; size++) {
      expect(feedInPieces(new DelimitedRowParser('t.csv', 'csv', true, 3), text, size)).toEqual(whole);
    }
  });

  it('Binance klines in microseconds', () => {
    const text =
      '1735689600000000,1,2,0.5,1.5,10,1735689659999999,15,7,5,7.5,0\n' +
      '1735689660000000,1,2,0.5,1.5,10,1735689719999999,15,8,5,7.5,0\n';
    const whole = feedInPieces(new DelimitedRowParser('k.csv', 'binance', false, 8192), text, text.length);
    expect(whole.map((r) => (r.ok ? r.candle.openTime : null))).toEqual([1735689600000, 1735689660000]);
    for (let size = 1; size <= 13; size++) {
      expect(feedInPieces(new DelimitedRowParser('k.csv', 'binance', false, 8192), text, size)).toEqual(
        whole,
      );
    }
  });

  it('freqtrade JSON: blanks, exponents, null, strings with escaped quotes', () => {
    const text =
      ' [ [60000, 1.5e0 ,2,0.5,1.5,10] ,\n' +
      '[120000,1,2,0.5,null,10],[180000,"a\\"]b",2,0.5,1.5,10],\r\n' +
      '[240000,1,2,0.5,1.5],[300000,-1,2,0.5,1.5,123456789012345678901234] ]\n';
    const whole = feedInPieces(new FreqtradeJsonParser('f.json', 2), text, text.length);
    expect(whole.map((r) => [r.line, r.ok ? 'ok' : r.problem.value])).toEqual([
      [1, 'ok'],
      [2, 'null'],
      [3, '"a\\"]b"'],
      [4, '5'],
      [5, 'ok'],
    ]);
    for (let size = 1; size <= 19; size++) {
      expect(feedInPieces(new FreqtradeJsonParser('f.json', 2), text, size)).toEqual(whole);
    }
  });
});
