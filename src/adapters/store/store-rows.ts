import { createHash } from 'node:crypto';
import type { Candle } from '../../core/candles/candle.js';
import { isTimeframe } from '../../core/candles/timeframe.js';
import { PRIORITY_ORDER } from '../../core/ensemble/priority.js';
import type { OutcomeType } from '../../core/outcomes/types.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { Signal } from '../../core/signals/types.js';
import type {
  BacktestRunInfo,
  SeriesInfo,
  SignalCursor,
  SignalFilter,
  SignalListItem,
  SignalPage,
  StoredSignal,
} from './ports.js';

/**
 * What the SQLite and PostgreSQL stores share above their SQL: how bodies are written and
 * read, which events a commit stores, how a listing's WHERE clause and cursor are built, and
 * how rows become the port's values. Only the placeholder syntax and the column types differ.
 */

/**
 * JSON with non-finite numbers kept recognisable: JSON turns NaN into null silently, which
 * would read back as a different value. Signals may carry NaN for a context not yet warm.
 */
export function toJson(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export function fromJson<T>(body: string): T {
  return JSON.parse(body) as T;
}

/** What a commit writes for each kind of event; candle closes of higher timeframes are not stored. */
export interface EventWriter {
  signal(s: Signal): void | Promise<void>;
  rejected(e: Extract<PipelineEvent, { type: 'signal.rejected' }>): void | Promise<void>;
  outcome(e: Extract<PipelineEvent, { type: 'outcome.closed' }>): void | Promise<void>;
  sliceChange(e: Extract<PipelineEvent, { type: 'slice.state_changed' }>): void | Promise<void>;
}

/** A stored candle as both stores read it. */
export interface CandleRow {
  readonly open_time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quote_volume: number | null;
  readonly trades: number | null;
}

export const CANDLE_COLUMNS = 'open_time, open, high, low, close, volume, quote_volume, trades';

export function toCandle(r: CandleRow): Candle {
  const c: { -readonly [K in keyof Candle]: Candle[K] } = {
    openTime: r.open_time,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume,
  };
  if (r.quote_volume !== null) c.quoteVolume = r.quote_volume;
  if (r.trades !== null) c.trades = r.trades;
  return c;
}

/** A candle's column values after its series id, in `CANDLE_COLUMNS` order. */
export function candleValues(seriesId: number, c: Candle): (number | null)[] {
  return [
    seriesId,
    c.openTime,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.quoteVolume ?? null,
    c.trades ?? null,
  ];
}

/** The open end of a time range: later than any candle. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** Candles per page of `candlePages`: each page is read whole, so nothing stays open between pages. */
const READ_PAGE = 10_000;

/**
 * `CandleStore.candlePages` over a store's "up to `limit` candles from `from`" read: pages of
 * READ_PAGE, each starting after the last one's final candle.
 */
export async function* candlePagesOf(
  read: (from: number, to: number, limit: number) => Promise<Candle[]> | Candle[],
  range: { readonly from?: number; readonly to?: number; readonly limit?: number },
): AsyncGenerator<Candle[]> {
  let from = range.from ?? 0;
  const to = range.to ?? MAX_TIME;
  let left = range.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const want = Math.min(READ_PAGE, left);
    const rows = await read(from, to, want);
    if (rows.length) yield rows;
    if (rows.length < want) return;
    left -= rows.length;
    from = rows[rows.length - 1].openTime + 1;
  }
}

export interface SeriesRow {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** Series with a timeframe this version knows (a newer one's are left out). */
export function seriesInfoOf(rows: readonly SeriesRow[]): SeriesInfo[] {
  return rows.flatMap((r) => {
    const tf = r.timeframe;
    return isTimeframe(tf) ? [{ ...r, timeframe: tf }] : [];
  });
}

/** Whether a commit of `events` writes anything besides its candle. */
export function storesAnything(events: readonly PipelineEvent[]): boolean {
  return events.some((e) => e.type !== 'candle.closed');
}

/** Hands each event to the writer, in order; awaits only a writer that returns a promise. */
export async function writeEvents(events: readonly PipelineEvent[], w: EventWriter): Promise<void> {
  for (const e of events) {
    const done = routeEvent(e, w);
    if (done) await done;
  }
}

/** The synchronous form, for a store whose writes return nothing (better-sqlite3 in a transaction). */
export function writeEventsSync(events: readonly PipelineEvent[], w: EventWriter): void {
  for (const e of events) routeEvent(e, w);
}

function routeEvent(e: PipelineEvent, w: EventWriter): void | Promise<void> {
  switch (e.type) {
    case 'signal.created':
    case 'signal.updated':
      return w.signal(e.signal);
    case 'signal.rejected':
      return w.rejected(e);
    case 'outcome.closed':
      return w.outcome(e);
    case 'slice.state_changed':
      return w.sliceChange(e);
    case 'candle.closed':
      return;
    case 'model.drift':
      // announced on the bus; the slice changes it causes are stored with it as their reason
      return;
  }
}

/** A bound parameter's placeholder: `?` for SQLite, `$n` (1-based) for PostgreSQL. */
export type Placeholder = (n: number) => string;

export const sqlitePlaceholder: Placeholder = () => '?';
export const postgresPlaceholder: Placeholder = (n) => `$${n}`;

/** A top-level string field of the signal's JSON body, as SQL: each database's own function. */
export type BodyField = (key: string) => string;

export const sqliteBodyField: BodyField = (key) => `json_extract(s.body, '$.${key}')`;
export const postgresBodyField: BodyField = (key) => `(s.body::jsonb ->> '${key}')`;

/**
 * The WHERE clause of a signal listing over `signals s`. Every value is a bound parameter; only
 * the shape varies, so each shape is prepared once.
 */
export function signalWhere(
  filter: SignalFilter,
  after: SignalCursor | undefined,
  placeholder: Placeholder,
  bodyField: BodyField,
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const bind = (v: unknown): string => {
    params.push(v);
    return placeholder(params.length);
  };
  const eq = (column: string, value: string | undefined) => {
    if (value !== undefined) clauses.push(`s.${column} = ${bind(value)}`);
  };
  eq('symbol', filter.symbol);
  eq('strategy', filter.strategy);
  eq('timeframe', filter.timeframe);
  eq('status', filter.status);
  eq('direction', filter.direction);
  if (filter.priority !== undefined) clauses.push(`${bodyField('priority')} = ${bind(filter.priority)}`);
  if (filter.published !== undefined) clauses.push(`s.published = ${bind(filter.published ? 1 : 0)}`);
  if (filter.minPriority !== undefined) {
    // priority lives in the body only (no column, no migration): the listing's other filters
    // and its index narrow the rows first
    const admitted = PRIORITY_ORDER.slice(PRIORITY_ORDER.indexOf(filter.minPriority));
    clauses.push(`${bodyField('priority')} IN (${admitted.map((p) => bind(p)).join(', ')})`);
  }
  if (filter.minConfidence !== undefined) clauses.push(`s.confidence >= ${bind(filter.minConfidence)}`);
  if (filter.since !== undefined) clauses.push(`s.created_at >= ${bind(filter.since)}`);
  if (filter.until !== undefined) clauses.push(`s.created_at < ${bind(filter.until)}`);
  if (after) {
    // a row-value comparison walks the (created_at, id) index straight from the cursor
    clauses.push(`(s.created_at, s.id) < (${bind(after.createdAt)}, ${bind(after.id)})`);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** A listing row: the signal's body and the columns of its real outcome (all null without one). */
export interface ListRow {
  readonly body: string;
  readonly o_type: OutcomeType | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  readonly o_filled: number | boolean | null;
  readonly o_r: number | null;
  readonly o_return: number | null;
  readonly o_exit: number | null;
}

/** The listing's columns, after `SELECT`, over `signals s` and its real outcome `o`. */
export const LIST_COLUMNS = `s.body AS body, o.type AS o_type, o.filled AS o_filled, o.r_multiple AS o_r,
      o.return_pct AS o_return, o.exit_time AS o_exit`;

function listItem(r: ListRow): SignalListItem {
  return {
    signal: fromJson<Signal>(r.body),
    outcome:
      r.o_type === null
        ? null
        : {
            type: r.o_type,
            filled: r.o_filled === true || r.o_filled === 1,
            rMultiple: r.o_r ?? 0,
            returnPct: r.o_return ?? 0,
            exitTime: r.o_exit ?? 0,
          },
  };
}

/** A page from rows fetched with `LIMIT limit + 1`: the extra row only says another page exists. */
export function pageOf(rows: readonly ListRow[], limit: number): SignalPage {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(listItem);
  const last = items[items.length - 1];
  return {
    items,
    next: more && last ? { createdAt: last.signal.createdAt, id: last.signal.id } : null,
  };
}

export function storedSignalOf(body: string, outcome: string | null): StoredSignal {
  return { signal: fromJson(body), outcome: outcome === null ? null : fromJson(outcome) };
}

export interface BacktestRunRow {
  readonly id: number;
  readonly saved_at: number;
  readonly symbols: string;
  readonly range_from: number | null;
  readonly range_to: number | null;
  readonly signals: number;
  readonly trades: number;
}

export const BACKTEST_RUN_COLUMNS = 'id, saved_at, symbols, range_from, range_to, signals, trades';

export function backtestRunOf(r: BacktestRunRow): BacktestRunInfo {
  return {
    id: r.id,
    savedAt: r.saved_at,
    symbols: r.symbols ? r.symbols.split(',') : [],
    from: r.range_from,
    to: r.range_to,
    signals: r.signals,
    trades: r.trades,
  };
}

/** The symbols column of a backtest run. */
export function runSymbols(symbols: readonly { readonly symbol: string }[]): string {
  return symbols.map((d) => d.symbol).join(',');
}

/** Identifies a backtest run by its report, so that saving the same run twice stores it once. */
export function fingerprintOf(reportBody: string): string {
  return createHash('sha256').update(reportBody).digest('hex');
}
