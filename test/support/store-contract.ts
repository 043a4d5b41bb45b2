import { afterEach, describe, expect, it } from 'vitest';
import type {
  CandleStore,
  SeriesKey,
  SignalFilter,
  SignalListItem,
  SignalStore,
} from '../../src/adapters/store/ports.js';
import { MIGRATIONS } from '../../src/adapters/store/sqlite-database.js';
import { StoreInputError } from '../../src/adapters/store/store-errors.js';
import type { Candle } from '../../src/core/candles/candle.js';
import type { Outcome, OutcomeType } from '../../src/core/outcomes/types.js';
import type { PipelineEvent } from '../../src/core/pipeline/events.js';
import type { BacktestReport, SignalWithOutcome } from '../../src/core/pipeline/report-types.js';
import type { Direction, RejectedCandidate, Signal, SignalStatus } from '../../src/core/signals/types.js';
import { SIGNAL_TIME, testSignal } from './signals.js';

/** One opened store of a driver, with what the suite needs to look past the ports. */
export interface OpenedStore {
  readonly candles: CandleStore;
  readonly signals: SignalStore;
  /** Rows of a table, counted directly. */
  rows(table: string): Promise<number>;
  /** Makes every insert into `table` fail inside the database (a trigger); resolves with the undo. */
  refuseInserts(table: string): Promise<() => Promise<void>>;
  /** Versions recorded in the migrations table, with their apply times. */
  migrations(): Promise<{ version: number; appliedAt: number }[]>;
  /** The same database opened again, as a restarted process would. */
  reopen(): Promise<OpenedStore>;
  close(): Promise<void>;
}

/** A store driver under test: each `open` gives a fresh, empty database; `cleanup` removes them all. */
export interface StoreHarness {
  readonly driver: string;
  open(): Promise<OpenedStore>;
  cleanup(): Promise<void>;
}

const M = 60_000;
const T = Date.UTC(2025, 0, 1);
const key: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };

function candles(n: number, from = 0, bump = 0, step = M): Candle[] {
  return Array.from({ length: n }, (_, i) => ({
    openTime: T + (from + i) * step,
    open: 100 + i,
    high: 102 + i + bump,
    low: 99 + i,
    close: 101 + i,
    volume: 5 + i,
  }));
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] as const;
const STRATEGIES = ['momentum', 'breakout', 'mean_reversion', 'scalping'] as const;
const TIMEFRAMES = ['15m', '1h', '4h'] as const;
const STATUSES: readonly SignalStatus[] = ['PENDING', 'ACTIVE', 'CLOSED', 'EXPIRED', 'CANCELLED'];

/** Signal i: every filter value in turn; two signals per creation time, so ties by id are exercised. */
function signalNo(i: number, over: Partial<Signal> = {}): Signal {
  const createdAt = SIGNAL_TIME + Math.floor(i / 2) * 15 * M;
  const symbol = SYMBOLS[i % 3];
  const direction: Direction = i % 2 === 0 ? 'BUY' : 'SELL';
  const strategy = STRATEGIES[i % 4];
  return testSignal({
    // ids with '-' and '_' side by side: they must order byte by byte on every store
    id: `${symbol}-${TIMEFRAMES[i % 3]}-${strategy}-${direction}-${String(1000 - i).padStart(4, '0')}`,
    symbol,
    strategy,
    timeframe: TIMEFRAMES[i % 3],
    direction,
    status: STATUSES[i % 5],
    confidence: ((i * 37) % 100) / 100,
    createdAt,
    statusAt: createdAt,
    expiresAt: createdAt + 3_600_000,
    published: i % 3 !== 1,
    ...over,
  });
}

function outcomeOf(s: Signal, over: Partial<Outcome> = {}): Outcome {
  return {
    signalId: s.id,
    symbol: s.symbol,
    direction: s.direction,
    type: 'TP_HIT',
    reason: 'take-profit 3 reached',
    policy: 'conservative',
    createdAt: s.createdAt,
    entryPrice: s.entryPrice,
    stopLoss: s.stopLoss,
    filled: true,
    fillTime: s.createdAt + M,
    fillPrice: s.entryPrice,
    exitTime: s.createdAt + 60 * M,
    averageExitPrice: 110,
    targetsHit: 3,
    rMultiple: 2,
    returnPct: 0.1,
    fees: 0.002,
    mae: -0.01,
    mfe: 0.15,
    maeR: -0.2,
    mfeR: 3,
    timeToFillMs: M,
    timeToTp1Ms: 10 * M,
    timeToTp2Ms: 20 * M,
    timeToTp3Ms: 30 * M,
    timeToExitMs: 60 * M,
    holdingMs: 59 * M,
    ambiguous: false,
    ambiguousCandles: 0,
    ...over,
  } as Outcome;
}

const created = (s: Signal): PipelineEvent => ({ type: 'signal.created', signal: s });
const closed = (s: Signal, o: Outcome, shadow = false): PipelineEvent => ({
  type: 'outcome.closed',
  outcome: o,
  signal: s,
  shadow,
});
const rejected = (s: Signal, reason: RejectedCandidate['reason'] = 'low_confidence'): PipelineEvent => ({
  type: 'signal.rejected',
  candidate: {
    id: s.id,
    reason,
    detail: 'confidence 0.41 < 0.55',
    symbol: s.symbol,
    timeframe: s.timeframe,
    strategy: s.strategy,
    direction: s.direction,
    createdAt: s.createdAt,
    signal: s,
  },
});

function report(tag: string, signals: number, trades: number): BacktestReport {
  // the stores keep a report whole as JSON; only these fields have columns of their own
  return {
    tag,
    data: [{ symbol: 'BTCUSDT' }, { symbol: 'ETHUSDT' }],
    range: { from: T, to: T + 86_400_000 },
    counts: { signals, trades },
  } as unknown as BacktestReport;
}

/** The listing a reference implementation gives: filter, newest first, ties by id descending (bytes). */
function expectedListing(all: readonly Signal[], f: SignalFilter): string[] {
  return all
    .filter(
      (s) =>
        (f.symbol === undefined || s.symbol === f.symbol) &&
        (f.strategy === undefined || s.strategy === f.strategy) &&
        (f.timeframe === undefined || s.timeframe === f.timeframe) &&
        (f.status === undefined || s.status === f.status) &&
        (f.direction === undefined || s.direction === f.direction) &&
        (f.published === undefined || s.published === f.published) &&
        (f.minConfidence === undefined || s.confidence >= f.minConfidence) &&
        (f.since === undefined || s.createdAt >= f.since) &&
        (f.until === undefined || s.createdAt < f.until),
    )
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((s) => s.id);
}

async function everyPage(store: SignalStore, filter: SignalFilter, limit: number): Promise<SignalListItem[]> {
  const out: SignalListItem[] = [];
  let after: { createdAt: number; id: string } | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.listSignals(filter, { limit, after });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error('the listing never ended');
}

/**
 * What every store promises through the ports (ports.ts), written once and run unchanged
 * against each driver (test/store-contract.test.ts).
 */
export function storeContract(harness: StoreHarness): void {
  afterEach(async () => {
    await harness.cleanup();
  });

  describe(`${harness.driver} candle store`, () => {
    it('upserts idempotently: a second identical write changes nothing; a changed row is an update', async () => {
      const { candles: store } = await harness.open();
      expect(await store.upsertCandles(key, candles(100))).toEqual({
        inserted: 100,
        updated: 0,
        unchanged: 0,
      });
      expect(await store.upsertCandles(key, candles(100))).toEqual({
        inserted: 0,
        updated: 0,
        unchanged: 100,
      });
      expect(await store.upsertCandles(key, candles(10, 95, 1))).toEqual({
        inserted: 5,
        updated: 5,
        unchanged: 0,
      });
      expect(await store.countCandles(key)).toBe(105);
      expect(await store.upsertCandles(key, [])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
    });

    it('answers range queries in time order, keeps series apart, and knows their extent', async () => {
      const { candles: store } = await harness.open();
      await store.upsertCandles(key, candles(50));
      await store.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(10));
      await store.upsertCandles({ ...key, timeframe: '1h' }, candles(3, 0, 0, 60 * M));
      const got = await store.getCandles(key, { from: T + 10 * M, to: T + 20 * M });
      expect(got.map((c) => (c.openTime - T) / M)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(got[0]).toEqual(candles(50)[10]);
      expect((await store.getCandles(key, { from: T + 5 * M, limit: 3 })).map((c) => c.openTime)).toEqual([
        T + 5 * M,
        T + 6 * M,
        T + 7 * M,
      ]);
      expect(
        (await store.listSeries()).map((s) => [s.symbol, s.timeframe, s.count, s.first, s.last]),
      ).toEqual([
        ['BTCUSDT', '1h', 3, T, T + 120 * M],
        ['BTCUSDT', '1m', 50, T, T + 49 * M],
        ['ETHUSDT', '1m', 10, T, T + 9 * M],
      ]);
      expect((await store.findSeries('binance', 'BTCUSDT')).map((s) => s.timeframe)).toEqual(['1h', '1m']);
      expect(await store.findSeries('binance', 'NOPE')).toEqual([]);
      expect(await store.getCandles({ ...key, symbol: 'NOPE' })).toEqual([]);
      expect(await store.lastOpenTime(key)).toBe(T + 49 * M);
      expect(await store.lastOpenTime({ ...key, symbol: 'NOPE' })).toBeNull();
      expect(await store.countCandles(key, { from: T + 40 * M })).toBe(10);
      expect(await store.countCandles(key, { to: T + 40 * M })).toBe(40);
      expect(await store.countCandles({ ...key, symbol: 'NOPE' })).toBe(0);
    });

    it('keeps candles of many months (one partition each on PostgreSQL) in one ordered series', async () => {
      const { candles: store } = await harness.open();
      const hourly = { ...key, timeframe: '1h' } as const;
      const year = candles(24 * 400, 0, 0, 60 * M);
      expect(await store.upsertCandles(hourly, year)).toEqual({
        inserted: year.length,
        updated: 0,
        unchanged: 0,
      });
      const back = await store.getCandles(hourly);
      expect(back).toEqual(year);
      const from = Date.UTC(2025, 2, 31, 22);
      const to = Date.UTC(2025, 3, 1, 2);
      expect((await store.getCandles(hourly, { from, to })).map((c) => c.openTime)).toEqual([
        from,
        from + 60 * M,
        from + 120 * M,
        from + 180 * M,
      ]);
    });

    it('reads a range in time order, page by page, with and without a limit', async () => {
      const { candles: store } = await harness.open();
      await store.upsertCandles(key, candles(25_000));
      const times = async (range: Parameters<CandleStore['candlePages']>[1]) => {
        const out: number[] = [];
        for await (const page of store.candlePages(key, range))
          for (const c of page) out.push((c.openTime - T) / M);
        return out;
      };
      const all = await times({});
      expect(all).toHaveLength(25_000);
      expect(all.every((t, i) => t === i)).toBe(true);
      expect(await times({ from: T + 9_990 * M, to: T + 20_010 * M })).toEqual(
        Array.from({ length: 10_020 }, (_, i) => 9_990 + i),
      );
      expect(await times({ from: T + 5 * M, limit: 10_003 })).toEqual(
        Array.from({ length: 10_003 }, (_, i) => 5 + i),
      );
      expect(await times({ limit: 10_000 })).toHaveLength(10_000);
      expect(await times({ from: T + 30_000 * M })).toEqual([]);
      // nothing is held open between pages: the store can write while an iteration is paused
      const it = store.candlePages(key)[Symbol.asyncIterator]();
      await it.next();
      expect(await store.upsertCandles(key, candles(1, 25_000))).toMatchObject({ inserted: 1 });
      await it.return?.(undefined);
    });

    it('keeps quote volume and trade counts when given, and leaves them out when not', async () => {
      const { candles: store } = await harness.open();
      const [a, b] = candles(2);
      await store.upsertCandles(key, [{ ...a, quoteVolume: 12.5, trades: 7 }, b]);
      const [ra, rb] = await store.getCandles(key);
      expect(ra).toEqual({ ...a, quoteVolume: 12.5, trades: 7 });
      expect(rb).toEqual(b);
      expect('quoteVolume' in rb).toBe(false);
    });

    it('keeps prices exactly: what is written reads back bit for bit', async () => {
      const { candles: store } = await harness.open();
      const odd: Candle = {
        openTime: T,
        open: 0.1 + 0.2,
        high: 1e-12 + 0.30000000000000004,
        low: 5e-324,
        close: 123456789.12345679,
        volume: Number.MAX_SAFE_INTEGER,
      };
      await store.upsertCandles(key, [odd]);
      expect(await store.getCandles(key)).toEqual([odd]);
    });

    it('reports gaps', async () => {
      const { candles: store } = await harness.open();
      await store.upsertCandles(key, [...candles(5), ...candles(5, 8)]);
      expect(await store.gaps(key)).toEqual([{ after: T + 4 * M, before: T + 8 * M, missing: 3 }]);
      expect(await store.gaps(key, { from: T + 8 * M })).toEqual([]);
      expect(await store.gaps({ ...key, symbol: 'NOPE' })).toEqual([]);
    });

    it('atomically() rolls back everything written when the work fails, and refuses to nest', async () => {
      const { candles: store } = await harness.open();
      await store.upsertCandles(key, candles(10));
      await expect(
        store.atomically(async (tx) => {
          await tx.upsertCandles(key, candles(10, 10));
          await tx.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(10, 0, 0, 31 * 86_400_000));
          throw new Error('bad row');
        }),
      ).rejects.toThrow('bad row');
      expect(await store.countCandles(key)).toBe(10);
      expect(await store.listSeries()).toHaveLength(1);
      // the store stays usable, including for a series (and months) whose creation was rolled back
      await store.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(3, 0, 0, 31 * 86_400_000));
      expect(await store.countCandles({ ...key, symbol: 'ETHUSDT' })).toBe(3);
      await expect(store.atomically(async () => store.atomically(async () => 1))).rejects.toThrow(/nested/);
      const counted = await store.atomically(async (tx) => tx.upsertCandles(key, candles(12)));
      expect(counted).toEqual({ inserted: 2, updated: 0, unchanged: 10 });
    });

    it('refuses bad candles naming the field, and stores none of the batch', async () => {
      const { candles: store } = await harness.open();
      const batch = candles(5);
      const bad = [...batch.slice(0, 2), { ...batch[2], high: Number.NaN }, ...batch.slice(3)];
      const err = await store.upsertCandles(key, bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe('candles[2].high');
      expect((err as Error).message).toMatch(/candles\[2\]\.high is NaN/);
      await expect(store.upsertCandles(key, [{ ...batch[0], openTime: 1.5 }])).rejects.toThrow(
        /candles\[0\]\.openTime/,
      );
      await expect(store.upsertCandles({ ...key, timeframe: '7x' as '1m' }, batch)).rejects.toThrow(
        /series\.timeframe/,
      );
      await expect(store.upsertCandles({ ...key, symbol: '' }, batch)).rejects.toThrow(/series\.symbol/);
      expect(await store.listSeries()).toEqual([]);
      expect(await store.countCandles(key)).toBe(0);
    });

    it('survives reopening: the data is kept and no migration is applied twice', async () => {
      const opened = await harness.open();
      await opened.candles.upsertCandles(key, candles(7));
      const before = await opened.migrations();
      expect(before.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await opened.close();
      const again = await opened.reopen();
      expect(await again.candles.countCandles(key)).toBe(7);
      expect(await again.migrations()).toEqual(before);
    });
  });

  describe(`${harness.driver} signal store`, () => {
    it('stores a signal once, however often it is written, keeping its latest status', async () => {
      const { signals: store, rows } = await harness.open();
      const signal = signalNo(0, {
        breakdown: {
          ...testSignal().breakdown,
          context: [
            {
              timeframe: '1h',
              asOf: SIGNAL_TIME,
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
      await store.commit(null, [created(signal)]);
      await store.commit(null, [created(signal)]);
      const active = {
        ...signal,
        status: 'ACTIVE',
        statusAt: signal.createdAt + M,
        statusReason: 'filled',
      } as const;
      await store.commit(null, [{ type: 'signal.updated', signal: active, previous: 'PENDING' }]);
      expect(await store.countSignals()).toBe(1);
      expect(await rows('entry_analysis')).toBe(1);
      const got = await store.getSignal(signal.id);
      expect(got?.signal.status).toBe('ACTIVE');
      expect(got?.signal.statusReason).toBe('filled');
      expect(got?.signal.entryAnalysis).toEqual(signal.entryAnalysis);
      // a context value that was NaN (not warm) reads back as null, never as a made-up number
      expect(got?.signal.breakdown.context[0].volatilityPercentile).toBeNull();
      expect(got?.outcome).toBeNull();
      const { context: _, ...rest } = got?.signal.breakdown ?? testSignal().breakdown;
      const { context: __, ...expected } = signal.breakdown;
      expect(rest).toEqual(expected);
    });

    it('keeps the live processing time when a replay rewrites the signal without one', async () => {
      const { signals: store } = await harness.open();
      const live = signalNo(1, { processingMs: 42 });
      await store.commit(null, [created(live)]);
      // a replay after a restart makes the same signal with processingMs null, or without the field
      await store.commit(null, [created({ ...live, processingMs: null })]);
      expect((await store.getSignal(live.id))?.signal).toEqual(live);
      const { processingMs: _, ...withoutField } = live;
      const active = { ...withoutField, status: 'ACTIVE', statusAt: live.createdAt + M } as const;
      await store.commit(null, [{ type: 'signal.updated', signal: active, previous: 'PENDING' }]);
      expect((await store.getSignal(live.id))?.signal).toEqual({ ...active, processingMs: 42 });
      const listed = await store.listSignals({}, { limit: 5 });
      expect(listed.items.map((i) => i.signal.processingMs)).toEqual([42]);
      // a new value replaces it
      await store.commit(null, [
        { type: 'signal.updated', signal: { ...active, processingMs: 7 }, previous: 'ACTIVE' },
      ]);
      expect((await store.getSignal(live.id))?.signal.processingMs).toBe(7);
      // a signal that never had one stays without
      const replayed = signalNo(2, { processingMs: null });
      await store.commit(null, [created(replayed), created(replayed)]);
      expect((await store.getSignal(replayed.id))?.signal.processingMs).toBeNull();
    });

    it('keeps real and shadow outcomes apart, and rewrites an outcome in place', async () => {
      const { signals: store, rows } = await harness.open();
      const s = signalNo(0);
      const sl = outcomeOf(s, { type: 'SL_HIT', rMultiple: -1, returnPct: -0.05 });
      await store.commit(null, [created(s), closed(s, sl), closed(s, outcomeOf(s), true)]);
      expect((await store.getSignal(s.id))?.outcome).toEqual(sl);
      expect(await rows('outcomes')).toBe(2);
      await store.commit(null, [closed(s, sl)]);
      expect(await rows('outcomes')).toBe(2);
    });

    it('stores each slice state change once, with its reason', async () => {
      const { signals: store, rows } = await harness.open();
      const change = {
        slice: 'mean_reversion:4h',
        from: 'validated' as const,
        to: 'probation' as const,
        reason: 'rolling net R -0.21 over the last 50 outcomes',
        at: SIGNAL_TIME,
      };
      await store.commit(null, [{ type: 'slice.state_changed', change }]);
      await store.commit(null, [{ type: 'slice.state_changed', change }]);
      expect(await rows('slice_changes')).toBe(1);
      await expect(
        store.commit(null, [{ type: 'slice.state_changed', change: { ...change, at: Number.NaN } }]),
      ).rejects.toThrow(/events\[0\]\.change\.at/);
    });

    it('stores filtered candidates once', async () => {
      const { signals: store, rows } = await harness.open();
      const s = signalNo(3);
      await store.commit(null, [rejected(s), rejected(s, 'low_health')]);
      await store.commit(null, [rejected(s)]);
      expect(await rows('rejected_candidates')).toBe(1);
      expect(await store.countSignals()).toBe(0);
    });

    it('commits a candle with what it caused in one transaction: when the database refuses a part, nothing is kept', async () => {
      const opened = await harness.open();
      const { signals: store, candles } = opened;
      const series: SeriesKey = key;
      const candle: Candle = candles1(T);
      const first = signalNo(0);
      await store.commit({ series, candle }, [created(first)]);
      expect(await candles.getCandles(series)).toEqual([candle]);
      // the database itself refuses outcomes: the candle, its new series and the signal before it go too
      const undo = await opened.refuseInserts('outcomes');
      const later = { series: { ...series, symbol: 'ETHUSDT' }, candle: candles1(T + 40 * 86_400_000) };
      const other = signalNo(1);
      await expect(store.commit(later, [created(other), closed(other, outcomeOf(other))])).rejects.toThrow();
      expect(await store.countSignals()).toBe(1);
      expect(await candles.listSeries()).toHaveLength(1);
      expect(await opened.rows('entry_analysis')).toBe(1);
      await undo();
      // the store stays usable, also for the series (and the month) whose creation was rolled back
      await store.commit(later, [created(other), closed(other, outcomeOf(other))]);
      expect(await candles.countCandles(later.series)).toBe(1);
      expect(await store.countSignals()).toBe(2);
      expect((await store.getSignal(other.id))?.outcome?.type).toBe('TP_HIT');
    });

    it('refuses bad events naming the field, and writes nothing of the commit', async () => {
      const { signals: store, candles, rows } = await harness.open();
      const s = signalNo(0);
      const broken = { ...outcomeOf(s), type: undefined } as unknown as Outcome;
      const err = await store
        .commit({ series: key, candle: candles1(T) }, [created(s), closed(s, broken)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe('events[1].outcome.type');
      await expect(store.commit(null, [created({ ...s, confidence: Number.NaN })])).rejects.toThrow(
        /events\[0\]\.signal\.confidence is NaN/,
      );
      await expect(
        store.commit(null, [created({ ...s, createdAt: 'yesterday' as unknown as number })]),
      ).rejects.toThrow(/events\[0\]\.signal\.createdAt is "yesterday"/);
      await expect(
        store.commit({ series: key, candle: { ...candles1(T), volume: Number.POSITIVE_INFINITY } }, []),
      ).rejects.toThrow(/candle\.candle\.volume is Infinity/);
      expect(await store.countSignals()).toBe(0);
      expect(await rows('outcomes')).toBe(0);
      expect(await candles.listSeries()).toEqual([]);
      // nothing to store is not an error
      await store.commit(null, []);
      await store.commit(null, [
        {
          type: 'candle.closed',
          symbol: 'BTCUSDT',
          timeframe: '1h',
          candle: { ...candles1(T), complete: true, constituents: 60 },
        } as unknown as PipelineEvent,
      ]);
      expect(await store.countSignals()).toBe(0);
    });

    it('lists signals newest first (ties by id, descending), a page at a time, with every filter', async () => {
      const { signals: store } = await harness.open();
      const all = Array.from({ length: 90 }, (_, i) => signalNo(i));
      // stored in an order unlike the listing's, over several commits
      const shuffled = [...all].sort((a, b) => a.confidence - b.confidence || (a.id < b.id ? -1 : 1));
      for (let i = 0; i < shuffled.length; i += 7)
        await store.commit(null, shuffled.slice(i, i + 7).map(created));
      const withOutcome = all[10];
      await store.commit(null, [
        closed(
          withOutcome,
          outcomeOf(withOutcome, { type: 'SL_HIT', filled: true, rMultiple: -1, returnPct: -0.02 }),
        ),
      ]);
      const filters: SignalFilter[] = [
        {},
        { symbol: 'ETHUSDT' },
        { strategy: 'breakout' },
        { timeframe: '4h' },
        { status: 'ACTIVE' },
        { direction: 'SELL' },
        { published: true },
        { published: false, symbol: 'ETHUSDT' },
        { minConfidence: 0.5 },
        { since: all[20].createdAt },
        { until: all[30].createdAt },
        { since: all[20].createdAt, until: all[60].createdAt, symbol: 'BTCUSDT', direction: 'BUY' },
        { symbol: 'XRPUSDT' },
      ];
      for (const f of filters) {
        const want = expectedListing(all, f);
        for (const limit of [1, 7, 200]) {
          const got = await everyPage(store, f, limit);
          expect(
            got.map((i) => i.signal.id),
            `${JSON.stringify(f)} limit ${limit}`,
          ).toEqual(want);
        }
      }
      const first = await store.listSignals({}, { limit: 200 });
      expect(first.next).toBeNull();
      const item = first.items.find((i) => i.signal.id === withOutcome.id);
      expect(item?.outcome).toEqual({
        type: 'SL_HIT',
        filled: true,
        rMultiple: -1,
        returnPct: -0.02,
        exitTime: withOutcome.createdAt + 60 * M,
      });
      expect(item?.signal).toEqual(withOutcome);
      expect(first.items.filter((i) => i.outcome !== null)).toHaveLength(1);
    });

    it('keeps a page stable while new signals arrive: they sort before every cursor handed out', async () => {
      const { signals: store } = await harness.open();
      const all = Array.from({ length: 20 }, (_, i) => signalNo(i));
      await store.commit(null, all.map(created));
      const page1 = await store.listSignals({}, { limit: 8 });
      expect(page1.next).not.toBeNull();
      const newer = signalNo(100, {
        createdAt: SIGNAL_TIME + 86_400_000,
        statusAt: SIGNAL_TIME + 86_400_000,
      });
      await store.commit(null, [created(newer)]);
      const rest: string[] = [];
      let after = page1.next ?? undefined;
      while (after) {
        const p = await store.listSignals({}, { limit: 8, after });
        rest.push(...p.items.map((i) => i.signal.id));
        after = p.next ?? undefined;
      }
      expect([...page1.items.map((i) => i.signal.id), ...rest]).toEqual(expectedListing(all, {}));
      expect((await store.listSignals({}, { limit: 1 })).items[0].signal.id).toBe(newer.id);
    });

    it('gives the live track record: filled real outcomes only, by creation time, oldest first', async () => {
      const { signals: store } = await harness.open();
      const s = Array.from({ length: 6 }, (_, i) =>
        signalNo(i * 2, {
          createdAt: SIGNAL_TIME + i * 40 * 86_400_000,
          statusAt: SIGNAL_TIME + i * 40 * 86_400_000,
        }),
      );
      const types: OutcomeType[] = ['TP_HIT', 'SL_HIT', 'EXPIRED', 'TP_HIT', 'SL_HIT', 'TP_HIT'];
      await store.commit(
        null,
        s.flatMap((sig, i) => [
          created(sig),
          closed(sig, outcomeOf(sig, { type: types[i], filled: types[i] !== 'EXPIRED' })),
        ]),
      );
      // a shadow outcome of a filtered candidate is tracked but is not a trade
      const shadow = signalNo(50);
      await store.commit(null, [rejected(shadow), closed(shadow, outcomeOf(shadow), true)]);
      const trades = await store.liveTrades();
      expect(trades.map((t) => t.signal.id)).toEqual([s[0], s[1], s[3], s[4], s[5]].map((x) => x.id));
      expect(trades[1].outcome).toEqual(outcomeOf(s[1], { type: 'SL_HIT' }));
      expect(trades[1].signal).toEqual(s[1]);
      const ranged = await store.liveTrades({ since: s[1].createdAt, until: s[4].createdAt });
      expect(ranged.map((t) => t.signal.id)).toEqual([s[1].id, s[3].id]);
      expect(await store.liveTrades({ since: s[5].createdAt + 1 })).toEqual([]);
    });

    it('saves a backtest run once, lists runs newest first, and gives back its report and signals', async () => {
      const { signals: store } = await harness.open();
      const a = [signalNo(0), signalNo(1)].map(
        (s, i): SignalWithOutcome => ({ signal: s, outcome: i ? outcomeOf(s) : null }),
      );
      const id1 = await store.saveBacktestRun(report('a', 2, 1), a);
      expect(await store.saveBacktestRun(report('a', 2, 1), a)).toBe(id1);
      const many = Array.from(
        { length: 2500 },
        (_, i): SignalWithOutcome => ({ signal: signalNo(i), outcome: null }),
      );
      const id2 = await store.saveBacktestRun(report('b', 2500, 0), many);
      expect(id2).not.toBe(id1);
      const runs = await store.listBacktests();
      expect(runs.map((r) => r.id)).toEqual([id2, id1]);
      expect(runs[1]).toMatchObject({
        symbols: ['BTCUSDT', 'ETHUSDT'],
        from: T,
        to: T + 86_400_000,
        signals: 2,
        trades: 1,
      });
      expect(typeof runs[1].savedAt).toBe('number');
      const got = await store.getBacktest(id1);
      expect(got?.report).toEqual(report('a', 2, 1));
      expect(got?.info).toEqual(runs[1]);
      expect(await store.backtestSignals(id1)).toEqual(a);
      expect((await store.backtestSignals(id2)).map((s) => s.signal.id)).toEqual(
        many.map((s) => s.signal.id),
      );
      expect(await store.getBacktest(id2 + 100)).toBeNull();
      expect(await store.backtestSignals(id2 + 100)).toEqual([]);
    });

    it('refuses a bad backtest run naming the field, storing nothing', async () => {
      const { signals: store } = await harness.open();
      const bad = { ...report('x', 1, 0), counts: { signals: 1.5, trades: 0 } } as unknown as BacktestReport;
      await expect(store.saveBacktestRun(bad, [])).rejects.toThrow(/report\.counts\.signals is 1\.5/);
      await expect(
        store.saveBacktestRun(report('y', 1, 0), [{ signal: {} as Signal, outcome: null }]),
      ).rejects.toThrow(/signals\[0\]\.signal\.id/);
      expect(await store.listBacktests()).toEqual([]);
    });

    it('answers the readiness ping while open, and refuses after close', async () => {
      const opened = await harness.open();
      expect(await opened.signals.ping()).toMatch(/answers/);
      expect(await opened.signals.getSignal('nope')).toBeNull();
      await opened.close();
      await expect(opened.signals.ping()).rejects.toThrow();
    });
  });
}

function candles1(t: number): Candle {
  return { openTime: t, open: 100, high: 101, low: 99, close: 100.5, volume: 3 };
}
