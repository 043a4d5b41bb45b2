import type { Candle } from '../../core/candles/candle.js';
import { isTimeframe } from '../../core/candles/timeframe.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { BacktestReport, SignalWithOutcome } from '../../core/pipeline/report-types.js';
import type { SeriesCandle, SeriesKey } from './ports.js';
import { StoreInputError } from './store-errors.js';

/**
 * The checks every store makes before it writes: the values its columns hold must be there and
 * of the right kind, so bad input is refused with the field named and nothing written, the
 * same way on SQLite (which would store NaN as NULL) and PostgreSQL (which would store NaN).
 * The pipeline's own output always passes; these guard the adapters' other callers.
 */

type Fields = Readonly<Record<string, unknown>>;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v;
}

function fields(v: unknown, field: string): Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new StoreInputError(field, `is ${describe(v)}; expected an object`);
  }
  return v as Fields;
}

function text(o: Fields, key: string, at: string): void {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) {
    throw new StoreInputError(`${at}.${key}`, `is ${describe(v)}; expected a non-empty string`);
  }
}

function finite(o: Fields, key: string, at: string, optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new StoreInputError(`${at}.${key}`, `is ${describe(v)}; expected a finite number`);
  }
}

/** Times (ms) and counts: whole numbers that a 64-bit integer column holds exactly. */
function whole(o: Fields, key: string, at: string, optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new StoreInputError(`${at}.${key}`, `is ${describe(v)}; expected a whole number`);
  }
}

function flag(o: Fields, key: string, at: string): void {
  const v = o[key];
  if (typeof v !== 'boolean')
    throw new StoreInputError(`${at}.${key}`, `is ${describe(v)}; expected true or false`);
}

export function checkSeriesKey(key: SeriesKey, at = 'series'): void {
  const k = fields(key, at);
  text(k, 'exchange', at);
  text(k, 'symbol', at);
  const tf = k.timeframe;
  if (typeof tf !== 'string' || !isTimeframe(tf)) {
    throw new StoreInputError(`${at}.timeframe`, `is ${describe(tf)}; expected a timeframe such as 1m or 1h`);
  }
}

export function checkCandle(c: Candle, at: string): void {
  const o = fields(c, at);
  whole(o, 'openTime', at);
  finite(o, 'open', at);
  finite(o, 'high', at);
  finite(o, 'low', at);
  finite(o, 'close', at);
  finite(o, 'volume', at);
  finite(o, 'quoteVolume', at, true);
  whole(o, 'trades', at, true);
}

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** The check of `checkCandle` without building a field name: imports pass millions of candles. */
function candleOk(c: Candle): boolean {
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isSafeInteger(c.openTime) &&
    isNum(c.open) &&
    isNum(c.high) &&
    isNum(c.low) &&
    isNum(c.close) &&
    isNum(c.volume) &&
    (c.quoteVolume === undefined || isNum(c.quoteVolume)) &&
    (c.trades === undefined || Number.isSafeInteger(c.trades))
  );
}

export function checkCandles(key: SeriesKey, candles: readonly Candle[]): void {
  checkSeriesKey(key);
  if (!Array.isArray(candles))
    throw new StoreInputError('candles', `is ${describe(candles)}; expected an array`);
  for (let i = 0; i < candles.length; i++)
    if (!candleOk(candles[i])) checkCandle(candles[i], `candles[${i}]`);
}

function checkSignal(v: unknown, at: string): void {
  const s = fields(v, at);
  for (const k of ['id', 'symbol', 'timeframe', 'strategy', 'direction', 'status']) text(s, k, at);
  finite(s, 'confidence', at);
  whole(s, 'createdAt', at);
  whole(s, 'statusAt', at);
  const entry = fields(s.entryAnalysis, `${at}.entryAnalysis`);
  text(entry, 'entryTimeframe', `${at}.entryAnalysis`);
  text(entry, 'chosen', `${at}.entryAnalysis`);
}

function checkOutcome(v: unknown, at: string): void {
  const o = fields(v, at);
  text(o, 'signalId', at);
  text(o, 'type', at);
  flag(o, 'filled', at);
  finite(o, 'rMultiple', at);
  finite(o, 'returnPct', at);
  whole(o, 'exitTime', at);
  // the signal's creation time: outcomes are partitioned by it on PostgreSQL
  whole(o, 'createdAt', at);
}

/** See `SignalStore.commit`. */
export function checkCommit(candle: SeriesCandle | null, events: readonly PipelineEvent[]): void {
  if (candle !== null) {
    checkSeriesKey(candle.series, 'candle.series');
    checkCandle(candle.candle, 'candle.candle');
  }
  if (!Array.isArray(events))
    throw new StoreInputError('events', `is ${describe(events)}; expected an array`);
  events.forEach((e, i) => {
    const at = `events[${i}]`;
    const ev = fields(e, at);
    switch (e.type) {
      case 'signal.created':
      case 'signal.updated':
        checkSignal(e.signal, `${at}.signal`);
        return;
      case 'signal.rejected': {
        const r = fields(e.candidate, `${at}.candidate`);
        for (const k of ['id', 'symbol', 'reason']) text(r, k, `${at}.candidate`);
        whole(r, 'createdAt', `${at}.candidate`);
        return;
      }
      case 'outcome.closed':
        checkOutcome(e.outcome, `${at}.outcome`);
        flag(ev, 'shadow', at);
        return;
      case 'slice.state_changed': {
        const c = fields(e.change, `${at}.change`);
        for (const k of ['slice', 'from', 'to', 'reason']) text(c, k, `${at}.change`);
        whole(c, 'at', `${at}.change`);
        return;
      }
      case 'candle.closed':
      case 'model.drift':
        return;
      default:
        throw new StoreInputError(`${at}.type`, `is ${describe(ev.type)}; expected a pipeline event type`);
    }
  });
}

/** See `SignalStore.saveBacktestRun`. */
export function checkBacktestRun(report: BacktestReport, signals: readonly SignalWithOutcome[]): void {
  const r = fields(report, 'report');
  const range = fields(r.range, 'report.range');
  if (range.from !== null) whole(range, 'from', 'report.range');
  if (range.to !== null) whole(range, 'to', 'report.range');
  const counts = fields(r.counts, 'report.counts');
  whole(counts, 'signals', 'report.counts');
  whole(counts, 'trades', 'report.counts');
  if (!Array.isArray(r.data))
    throw new StoreInputError('report.data', `is ${describe(r.data)}; expected an array`);
  r.data.forEach((d: unknown, i: number) => {
    text(fields(d, `report.data[${i}]`), 'symbol', `report.data[${i}]`);
  });
  if (!Array.isArray(signals))
    throw new StoreInputError('signals', `is ${describe(signals)}; expected an array`);
  signals.forEach((s, i) => {
    const at = `signals[${i}].signal`;
    text(fields(fields(s, `signals[${i}]`).signal, at), 'id', at);
  });
}
