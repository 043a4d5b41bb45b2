import type { Outcome } from '../../core/outcomes/types.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { BacktestReport, SignalWithOutcome } from '../../core/pipeline/report-types.js';
import type { Signal } from '../../core/signals/types.js';
import type {
  BacktestRunInfo,
  CreationRange,
  PageRequest,
  SeriesCandle,
  SignalFilter,
  SignalPage,
  SignalStore,
  StoredBacktest,
  StoredSignal,
  TradeRow,
} from './ports.js';
import type { PostgresCandleStore, PostgresTx } from './postgres-candle-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { StoreError } from './store-errors.js';
import { checkBacktestRun, checkCommit } from './store-input.js';
import {
  BACKTEST_RUN_COLUMNS,
  type BacktestRunRow,
  backtestRunOf,
  fingerprintOf,
  fromJson,
  LIST_COLUMNS,
  type ListRow,
  pageOf,
  postgresBodyField,
  postgresPlaceholder,
  runSymbols,
  signalWhere,
  storedSignalOf,
  storesAnything,
  toJson,
  writeEvents,
} from './store-rows.js';

/**
 * A processing time the live runtime stamped is kept when the newer state has none (null or no
 * field: a replay after a restart), as on SQLite (json_set there). The body stays the text the
 * store wrote (jsonb would reorder its keys): the null is replaced in place, or the field is
 * appended last when missing, as json_set does.
 */
const KEEP_PROCESSING_MS = `CASE
    WHEN COALESCE(jsonb_typeof(EXCLUDED.body::jsonb -> 'processingMs'), 'null') = 'null'
      AND COALESCE(jsonb_typeof(signals.body::jsonb -> 'processingMs'), 'null') <> 'null'
    THEN CASE WHEN EXCLUDED.body::jsonb ? 'processingMs'
      THEN regexp_replace(EXCLUDED.body, '"processingMs":null',
        '"processingMs":' || (signals.body::jsonb -> 'processingMs')::text)
      ELSE left(EXCLUDED.body, -1) || ',"processingMs":' || (signals.body::jsonb -> 'processingMs')::text || '}'
      END
    ELSE EXCLUDED.body END`;

const SAVE_SIGNAL = `INSERT INTO signals (id, symbol, timeframe, strategy, direction, status, confidence, created_at, status_at, published, body)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, status_at = EXCLUDED.status_at,
    body = ${KEEP_PROCESSING_MS}`;
const SAVE_ENTRY = `INSERT INTO entry_analysis (signal_id, entry_timeframe, chosen, body) VALUES ($1, $2, $3, $4)
  ON CONFLICT (signal_id) DO NOTHING`;
const SAVE_REJECTED = `INSERT INTO rejected_candidates (id, symbol, reason, created_at, body) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET reason = EXCLUDED.reason, body = EXCLUDED.body`;
const SAVE_OUTCOME = `INSERT INTO outcomes (signal_id, shadow, created_at, type, filled, r_multiple, return_pct, exit_time, body)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (signal_id, shadow, created_at) DO UPDATE SET type = EXCLUDED.type, filled = EXCLUDED.filled,
    r_multiple = EXCLUDED.r_multiple, return_pct = EXCLUDED.return_pct, exit_time = EXCLUDED.exit_time, body = EXCLUDED.body`;
const SAVE_SLICE_CHANGE = `INSERT INTO slice_changes (slice, from_state, to_state, reason, at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (slice, at, to_state) DO NOTHING`;

/** The real outcome of `s`: joined on its creation time too, so only the partition of that month is read. */
const REAL_OUTCOME = 'o.signal_id = s.id AND NOT o.shadow AND o.created_at = s.created_at';

/** The SQL and parameters of a listing (also what docs/STORE.md explains). */
export function postgresListQuery(
  filter: SignalFilter,
  page: PageRequest,
): { sql: string; params: unknown[] } {
  const where = signalWhere(filter, page.after, postgresPlaceholder, postgresBodyField);
  const sql = `SELECT ${LIST_COLUMNS}
      FROM signals s LEFT JOIN outcomes o ON ${REAL_OUTCOME}
      ${where.sql}
      ORDER BY s.created_at DESC, s.id DESC
      LIMIT $${where.params.length + 1}`;
  // one row more than asked tells whether another page exists without a COUNT
  return { sql, params: [...where.params, page.limit + 1] };
}

/** The live track record's trades: by the outcome's creation time (its signal's), so months prune. */
export const POSTGRES_LIVE_TRADES = `SELECT s.body AS signal, o.body AS outcome
         FROM outcomes o JOIN signals s ON s.id = o.signal_id
        WHERE NOT o.shadow AND o.filled AND o.created_at >= $1 AND o.created_at < $2
        ORDER BY o.created_at, o.signal_id`;

/** Backtest signals per INSERT. */
const RUN_CHUNK = 1000;

/** How long a readiness ping waits for an answer. */
const PING_TIMEOUT_MS = 3000;

/**
 * Signals, their entry analysis, outcomes (real and shadow; partitioned by their signal's
 * creation month), filtered candidates and backtest runs, in PostgreSQL, beside the candles of
 * `PostgresCandleStore` on the same pool. Every write is idempotent (deterministic ids,
 * upserts), so a commit retried after a connection was cut mid-way, whether or not its first
 * try reached the disk, ends in the same rows.
 */
export class PostgresSignalStore implements SignalStore {
  private readonly db: PostgresDatabase;
  /** A name per listing shape: each is parsed and planned once per connection. */
  private readonly listNames = new Map<string, string>();

  constructor(private readonly candles: PostgresCandleStore) {
    this.db = candles.db;
  }

  async commit(candle: SeriesCandle | null, events: readonly PipelineEvent[]): Promise<void> {
    checkCommit(candle, events);
    if (candle === null && !storesAnything(events)) return;
    const outcomeTimes: number[] = [];
    for (const e of events) if (e.type === 'outcome.closed') outcomeTimes.push(e.outcome.createdAt);
    // new months first, each in a short transaction of its own (see MonthlyPartitions)
    if (candle) await this.db.ensurePartitions('candles', [candle.candle.openTime]);
    if (outcomeTimes.length) await this.db.ensurePartitions('outcomes', outcomeTimes);
    await this.candles.inTransaction(async (tx) => {
      if (candle) await this.candles.storeCandle(tx, candle.series, candle.candle);
      if (outcomeTimes.length)
        await this.db.partitions.ensure(tx.client, tx.pending, 'outcomes', outcomeTimes);
      await writeEvents(events, {
        signal: (s) => this.saveSignal(tx, s),
        rejected: (e) => this.exec(tx, 'ap_save_rejected', SAVE_REJECTED, rejectedRow(e.candidate)),
        outcome: (e) => this.exec(tx, 'ap_save_outcome', SAVE_OUTCOME, outcomeRow(e.outcome, e.shadow)),
        sliceChange: ({ change: c }) =>
          this.exec(tx, 'ap_save_slice_change', SAVE_SLICE_CHANGE, [c.slice, c.from, c.to, c.reason, c.at]),
      });
    });
  }

  private async exec(tx: PostgresTx, name: string, text: string, values: unknown[]): Promise<void> {
    await tx.client.query({ name, text, values });
  }

  /** Inserts a signal or replaces it with its newer state (status changes), keeping a live processing time. */
  private async saveSignal(tx: PostgresTx, s: Signal): Promise<void> {
    await this.exec(tx, 'ap_save_signal', SAVE_SIGNAL, [
      s.id,
      s.symbol,
      s.timeframe,
      s.strategy,
      s.direction,
      s.status,
      s.confidence,
      s.createdAt,
      s.statusAt,
      s.published ? 1 : 0,
      toJson(s),
    ]);
    await this.exec(tx, 'ap_save_entry', SAVE_ENTRY, [
      s.id,
      s.entryAnalysis.entryTimeframe,
      s.entryAnalysis.chosen,
      toJson(s.entryAnalysis),
    ]);
  }

  async getSignal(id: string): Promise<StoredSignal | null> {
    const rows = await this.db.query<{ body: string; outcome: string | null }>(
      `SELECT s.body, o.body AS outcome FROM signals s LEFT JOIN outcomes o ON ${REAL_OUTCOME} WHERE s.id = $1`,
      [id],
      'ap_get_signal',
    );
    const row = rows[0];
    return row ? storedSignalOf(row.body, row.outcome) : null;
  }

  async countSignals(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM signals');
    return rows[0].n;
  }

  async listSignals(filter: SignalFilter, page: PageRequest): Promise<SignalPage> {
    const q = postgresListQuery(filter, page);
    let name = this.listNames.get(q.sql);
    if (name === undefined) {
      name = `ap_list_${this.listNames.size}`;
      this.listNames.set(q.sql, name);
    }
    return pageOf(await this.db.query<ListRow>(q.sql, q.params, name), page.limit);
  }

  async liveTrades(range: CreationRange = {}): Promise<TradeRow[]> {
    const rows = await this.db.query<{ signal: string; outcome: string }>(
      POSTGRES_LIVE_TRADES,
      [range.since ?? Number.MIN_SAFE_INTEGER, range.until ?? Number.MAX_SAFE_INTEGER],
      'ap_live_trades',
    );
    return rows.map((r) => ({ signal: fromJson<Signal>(r.signal), outcome: fromJson<Outcome>(r.outcome) }));
  }

  async saveBacktestRun(report: BacktestReport, signals: readonly SignalWithOutcome[]): Promise<number> {
    checkBacktestRun(report, signals);
    const body = toJson(report);
    const fingerprint = fingerprintOf(body);
    const find = 'SELECT id FROM backtest_runs WHERE fingerprint = $1';
    const existing = await this.db.query<{ id: number }>(find, [fingerprint]);
    if (existing[0]) return existing[0].id;
    return this.db.transaction(async (c) => {
      const made = await c.query(
        `INSERT INTO backtest_runs (fingerprint, saved_at, symbols, range_from, range_to, signals, trades, report)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
        [
          fingerprint,
          Date.now(),
          runSymbols(report.data),
          report.range.from,
          report.range.to,
          report.counts.signals,
          report.counts.trades,
          body,
        ],
      );
      const id = made.rows[0]?.id as number | undefined;
      if (id === undefined) {
        // the same run saved by another process at the same moment: its id, nothing more to write
        const other = (await c.query(find, [fingerprint])).rows[0]?.id as number | undefined;
        if (other === undefined) throw new StoreError('a backtest run vanished while it was being saved');
        return other;
      }
      for (let i = 0; i < signals.length; i += RUN_CHUNK) {
        const part = signals.slice(i, i + RUN_CHUNK);
        await c.query(
          `INSERT INTO backtest_signals (run_id, seq, signal_id, body)
             SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
          [id, part.map((_, j) => i + j), part.map((s) => s.signal.id), part.map((s) => toJson(s))],
        );
      }
      return id;
    });
  }

  async listBacktests(): Promise<BacktestRunInfo[]> {
    const rows = await this.db.query<BacktestRunRow>(
      `SELECT ${BACKTEST_RUN_COLUMNS} FROM backtest_runs ORDER BY id DESC`,
    );
    return rows.map(backtestRunOf);
  }

  async getBacktest(id: number): Promise<StoredBacktest | null> {
    const rows = await this.db.query<BacktestRunRow & { report: string }>(
      `SELECT ${BACKTEST_RUN_COLUMNS}, report FROM backtest_runs WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? { info: backtestRunOf(row), report: fromJson<BacktestReport>(row.report) } : null;
  }

  async backtestSignals(id: number): Promise<SignalWithOutcome[]> {
    const rows = await this.db.query<{ body: string }>(
      'SELECT body FROM backtest_signals WHERE run_id = $1 ORDER BY seq',
      [id],
    );
    return rows.map((r) => fromJson<SignalWithOutcome>(r.body));
  }

  async ping(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreError(`PostgreSQL at ${this.db.where} did not answer within ${PING_TIMEOUT_MS} ms`),
          ),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.db.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return `PostgreSQL answers (${this.db.where})`;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function rejectedRow(r: Extract<PipelineEvent, { type: 'signal.rejected' }>['candidate']): unknown[] {
  return [r.id, r.symbol, r.reason, r.createdAt, toJson(r)];
}

function outcomeRow(o: Outcome, shadow: boolean): unknown[] {
  return [o.signalId, shadow, o.createdAt, o.type, o.filled, o.rMultiple, o.returnPct, o.exitTime, toJson(o)];
}
