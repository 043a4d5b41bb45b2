import type { Candle } from '../../core/candles/candle.js';
import type { CandleField, CandleProblem } from '../../core/candles/validation.js';

/**
 * One row of a candle file: a parsed candle, or the reason it could not be parsed. `line` is the
 * 1-based line of the decompressed file (for freqtrade JSON: the 1-based index of the candle).
 */
export type ParsedRow =
  | { readonly ok: true; readonly line: number; readonly candle: Candle }
  | { readonly ok: false; readonly line: number; readonly problem: CandleProblem };

export function malformedRow(
  source: string,
  line: number,
  field: CandleField,
  value: string,
  message: string,
): ParsedRow {
  return {
    ok: false,
    line,
    problem: { reason: 'malformed_row', field, value, message, row: { source, line } },
  };
}

/** Longest raw text quoted back in a message, so one absurd row cannot flood a report. */
const QUOTE_LIMIT = 120;

export function quote(raw: string): string {
  const text = raw.length > QUOTE_LIMIT ? `${raw.slice(0, QUOTE_LIMIT)}…` : raw;
  return JSON.stringify(text);
}

/**
 * Collects rows into fixed-size batches. Parsers push rows synchronously while they walk a
 * chunk, and the reader hands out whatever batches are full between chunks, so the per-row path
 * never touches a promise.
 */
export class RowBatcher {
  rowCount = 0;
  private batch: ParsedRow[] = [];
  private ready: ParsedRow[][] = [];

  constructor(private readonly batchSize: number) {}

  protected push(row: ParsedRow): void {
    this.rowCount++;
    const batch = this.batch;
    batch.push(row);
    if (batch.length === this.batchSize) {
      this.ready.push(batch);
      this.batch = [];
    }
  }

  /** Full batches so far; with `flush`, also the partial one (at end of input). */
  takeBatches(flush: boolean): ParsedRow[][] {
    const out = this.ready;
    this.ready = [];
    if (flush && this.batch.length > 0) {
      out.push(this.batch);
      this.batch = [];
    }
    return out;
  }
}
