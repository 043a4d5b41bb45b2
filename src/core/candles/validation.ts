import type { Candle } from './candle.js';
import { isAligned, type Timeframe, timeframeMs } from './timeframe.js';

/** Where a row came from, so a rejection can name it. */
export interface RowRef {
  readonly source?: string;
  readonly line?: number;
}

export type CandleField = 'open_time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'row';

/** One reason a candle (or a row that should have been one) was rejected. */
export interface CandleProblem {
  readonly reason:
    | 'non_positive_price'
    | 'not_finite'
    | 'negative_volume'
    | 'high_below_body'
    | 'low_above_body'
    | 'misaligned_time'
    | 'conflicting_duplicate'
    | 'out_of_order'
    | 'malformed_row';
  readonly field: CandleField;
  readonly value: string;
  readonly message: string;
  readonly row?: RowRef;
}

export function describeRow(row: RowRef | undefined): string {
  if (!row) return '';
  if (row.source && row.line !== undefined) return `${row.source}:${row.line}: `;
  if (row.source) return `${row.source}: `;
  if (row.line !== undefined) return `line ${row.line}: `;
  return '';
}

/** Thrown at the edge when input is rejected; carries the structured problem. */
export class CandleValidationError extends Error {
  readonly problem: CandleProblem;
  constructor(problem: CandleProblem) {
    super(`${describeRow(problem.row)}${problem.message}`);
    this.name = 'CandleValidationError';
    this.problem = problem;
  }
}

function problem(
  reason: CandleProblem['reason'],
  field: CandleField,
  value: number | string,
  message: string,
  row?: RowRef,
): CandleProblem {
  return { reason, field, value: String(value), message, row };
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/**
 * Checks one candle against the rules every stored candle obeys. Returns the first problem or
 * null. Zero volume is allowed (Binance publishes such placeholders around maintenance).
 */
export function checkCandle(c: Candle, tf: Timeframe, row?: RowRef): CandleProblem | null {
  if (!Number.isSafeInteger(c.openTime)) {
    return problem(
      'not_finite',
      'open_time',
      c.openTime,
      `open_time ${c.openTime} is not an integer millisecond timestamp`,
      row,
    );
  }
  if (!isAligned(tf, c.openTime)) {
    return problem(
      'misaligned_time',
      'open_time',
      c.openTime,
      `open_time ${c.openTime} (${isoOrRaw(c.openTime)}) is not aligned to the ${tf} timeframe`,
      row,
    );
  }
  for (const f of PRICE_FIELDS) {
    const v = c[f];
    if (!Number.isFinite(v)) return problem('not_finite', f, v, `${f} ${v} is not a finite number`, row);
    if (v <= 0) return problem('non_positive_price', f, v, `${f} ${v} is not a positive price`, row);
  }
  if (!Number.isFinite(c.volume)) {
    return problem('not_finite', 'volume', c.volume, `volume ${c.volume} is not a finite number`, row);
  }
  if (c.volume < 0)
    return problem('negative_volume', 'volume', c.volume, `volume ${c.volume} is negative`, row);
  const top = c.open > c.close ? c.open : c.close;
  const bottom = c.open < c.close ? c.open : c.close;
  if (c.high < top) {
    return problem('high_below_body', 'high', c.high, `high ${c.high} is below max(open, close) ${top}`, row);
  }
  if (c.low > bottom) {
    return problem('low_above_body', 'low', c.low, `low ${c.low} is above min(open, close) ${bottom}`, row);
  }
  return null;
}

function isoOrRaw(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

/** A run of missing candles between two present ones. */
export interface Gap {
  /** Open time of the last candle before the gap. */
  readonly after: number;
  /** Open time of the first candle after the gap. */
  readonly before: number;
  /** Number of candles missing. */
  readonly missing: number;
}

export type SeriesVerdict =
  | { readonly kind: 'accept'; readonly zeroVolume: boolean }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'reject'; readonly problem: CandleProblem };

/**
 * Streaming checks over a series in file order: candle rules, duplicates (identical rows merged
 * silently, conflicting rows rejected), order and gaps. O(1) state: it remembers only the last
 * accepted candle.
 */
export class SeriesChecker {
  readonly gaps: Gap[] = [];
  zeroVolume = 0;
  duplicates = 0;
  accepted = 0;
  private last: Candle | null = null;
  private readonly step: number;

  /** `source` (a file name) is put into the row reference of every rejection. */
  constructor(
    readonly timeframe: Timeframe,
    readonly source?: string,
  ) {
    this.step = timeframeMs(timeframe);
  }

  /** Checks the next candle; `line` is its line in the source, when there is one. */
  check(c: Candle, line?: number): SeriesVerdict {
    const p = checkCandle(c, this.timeframe);
    if (p) return { kind: 'reject', problem: { ...p, row: this.rowRef(line) } };
    const last = this.last;
    if (last) {
      if (c.openTime === last.openTime) {
        if (sameValues(c, last)) {
          this.duplicates++;
          return DUPLICATE;
        }
        return {
          kind: 'reject',
          problem: problem(
            'conflicting_duplicate',
            'open_time',
            c.openTime,
            `open_time ${c.openTime} (${isoOrRaw(c.openTime)}) appears twice with different values`,
            this.rowRef(line),
          ),
        };
      }
      if (c.openTime < last.openTime) {
        return {
          kind: 'reject',
          problem: problem(
            'out_of_order',
            'open_time',
            c.openTime,
            `open_time ${c.openTime} (${isoOrRaw(c.openTime)}) comes after ${last.openTime} (${isoOrRaw(last.openTime)}): rows are out of order`,
            this.rowRef(line),
          ),
        };
      }
      const missing = (c.openTime - last.openTime) / this.step - 1;
      if (missing > 0) this.gaps.push({ after: last.openTime, before: c.openTime, missing });
    }
    this.last = c;
    this.accepted++;
    if (c.volume === 0) {
      this.zeroVolume++;
      return ACCEPT_ZERO_VOLUME;
    }
    return ACCEPT;
  }

  private rowRef(line: number | undefined): RowRef | undefined {
    if (this.source === undefined && line === undefined) return undefined;
    return { source: this.source, line };
  }
}

// shared verdicts: the accept path allocates nothing
const ACCEPT: SeriesVerdict = Object.freeze({ kind: 'accept', zeroVolume: false });
const ACCEPT_ZERO_VOLUME: SeriesVerdict = Object.freeze({ kind: 'accept', zeroVolume: true });
const DUPLICATE: SeriesVerdict = Object.freeze({ kind: 'duplicate' });

function sameValues(a: Candle, b: Candle): boolean {
  return (
    a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume
  );
}

/** Gaps in an ordered list of open times. */
export function findGaps(openTimes: ArrayLike<number>, tf: Timeframe): Gap[] {
  const step = timeframeMs(tf);
  const gaps: Gap[] = [];
  for (let i = 1; i < openTimes.length; i++) {
    const prev = openTimes[i - 1];
    const cur = openTimes[i];
    const missing = (cur - prev) / step - 1;
    if (missing > 0) gaps.push({ after: prev, before: cur, missing });
  }
  return gaps;
}
