import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGNAL_TIME as T, testSignal } from '../../../test/support/signals.js';
import type { Candle } from '../../core/candles/candle.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { Signal } from '../../core/signals/types.js';
import type { SeriesKey } from './ports.js';
import { SqliteCandleStore } from './sqlite-candle-store.js';
import { SqliteSignalStore } from './sqlite-signal-store.js';

const signal: Signal = testSignal({
  breakdown: {
    ...testSignal().breakdown,
    context: [
      {
        timeframe: '1h',
        asOf: T,
        trend: 0,
        regime: 'unknown',
        volatilityPercentile: Number.NaN,
        momentum: 0,
        agrees: false,
        weight: 0,
      },
    ],
  },
});

function store(): SqliteSignalStore {
  return new SqliteSignalStore(join(mkdtempSync(join(tmpdir(), 'ap-sig-')), 'a.db'));
}

const series: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const candle: Candle = { openTime: T, open: 100, high: 101, low: 99, close: 100.5, volume: 3 };
const outcome = {
  signalId: signal.id,
  type: 'SL_HIT',
  filled: true,
  rMultiple: -1,
  returnPct: -0.05,
  exitTime: T + 1,
} as Outcome;
const created = (s: Signal): PipelineEvent => ({ type: 'signal.created', signal: s });
const closed = (o: Outcome, shadow: boolean): PipelineEvent => ({
  type: 'outcome.closed',
  outcome: o,
  signal,
  shadow,
});

describe('SqliteSignalStore', () => {
  it('stores a signal once, however often it is written, keeping its latest status', async () => {
    const s = store();
    await s.commit(null, [created(signal)]);
    await s.commit(null, [created(signal)]);
    const active = {
      ...signal,
      status: 'ACTIVE',
      statusAt: T + 60_000,
      statusReason: 'entry filled at 100',
    } as const;
    await s.commit(null, [{ type: 'signal.updated', signal: active, previous: 'PENDING' }]);
    expect(await s.countSignals()).toBe(1);
    const got = await s.getSignal(signal.id);
    expect(got?.signal.status).toBe('ACTIVE');
    expect(got?.signal.entryAnalysis.chosen).toBe('EMA_PULLBACK');
    // a context value that was NaN (not warm) reads back as null, never as a made-up number
    expect(got?.signal.breakdown.context[0].volatilityPercentile).toBeNull();
    expect(got?.outcome).toBeNull();
    await s.close();
  });

  it('keeps real and shadow outcomes apart', async () => {
    const s = store();
    await s.commit(null, [
      created(signal),
      closed(outcome, false),
      closed({ ...outcome, type: 'TP_HIT', rMultiple: 2 }, true),
    ]);
    expect((await s.getSignal(signal.id))?.outcome?.type).toBe('SL_HIT');
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get()).toEqual({ n: 2 });
    await s.close();
  });

  it('commits a candle with what it caused in one transaction: all of it or none', async () => {
    const s = store();
    const candles = new SqliteCandleStore(s.db);
    await s.commit({ series, candle }, [created(signal)]);
    expect(await candles.getCandles(series)).toEqual([candle]);
    // the outcome cannot be stored (no type): the candle and the signal before it go too
    const later = { series: { ...series, symbol: 'ETHUSDT' }, candle: { ...candle, openTime: T + 60_000 } };
    const other = { ...signal, id: 'ETHUSDT-15m-momentum-BUY-20250601T1201Z', symbol: 'ETHUSDT' };
    const broken = { ...outcome, type: undefined } as unknown as Outcome;
    await expect(s.commit(later, [created(other), closed(broken, false)])).rejects.toThrow(/NOT NULL/);
    expect(await s.countSignals()).toBe(1);
    expect(await candles.listSeries()).toHaveLength(1);
    // the store stays usable, also for the series whose creation was rolled back
    await s.commit(later, [created(other)]);
    expect(await candles.countCandles(later.series)).toBe(1);
    expect(await s.countSignals()).toBe(2);
    await s.close();
  });

  it('returns null for an unknown signal or backtest', async () => {
    const s = store();
    expect(await s.getSignal('nope')).toBeNull();
    expect(await s.getBacktest(42)).toBeNull();
    expect(await s.listBacktests()).toEqual([]);
    expect(await s.ping()).toBe('SQLite answers');
    await s.close();
    await expect(s.ping()).rejects.toThrow();
  });
});
