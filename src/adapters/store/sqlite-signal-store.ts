import type { Statement } from 'better-sqlite3';
import type { Outcome } from '../../core/outcomes/types.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { BacktestReport, SignalWithOutcome } from '../../core/pipeline/report-types.js';
import type { RejectedCandidate, Signal } from '../../core/signals/types.js';
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
import { listSignals, liveTrades } from './signal-queries.js';
import { SqliteCandleStore } from './sqlite-candle-store.js';
import { openSqlite, prepared, type SqliteDatabase } from './sqlite-database.js';
import { checkBacktestRun, checkCommit } from './store-input.js';
import {
  BACKTEST_RUN_COLUMNS,
  type BacktestRunRow,
  backtestRunOf,
  type EventWriter,
  fingerprintOf,
  fromJson,
  runSymbols,
  storedSignalOf,
  toJson,
  writeEventsSync,
} from './store-rows.js';

/**
 * Signals, their entry analysis, outcomes (real and shadow), filtered candidates and backtest
 * runs, in the same SQLite database as the candles. Every write is idempotent: signal ids are
 * deterministic, so a replay or a restart rewrites the same rows instead of adding new ones.
 * better-sqlite3 is synchronous: each method does its work before it returns its promise.
 */
export class SqliteSignalStore implements SignalStore {
  readonly db: SqliteDatabase;

  /** Writes the candle of a commit, on this connection, so that it is inside the commit's transaction. */
  private readonly candles: SqliteCandleStore;
  /** Built once: better-sqlite3 makes a new wrapper per transaction() call. */
  private readonly commitTransaction: (candle: SeriesCandle | null, events: readonly PipelineEvent[]) => void;

  private readonly writer: EventWriter = {
    signal: (s) => this.saveSignal(s),
    rejected: (e) => this.saveRejected(e.candidate),
    outcome: (e) => this.saveOutcome(e.outcome, e.shadow),
    sliceChange: ({ change: c }) => {
      this.stmt(
        `INSERT INTO slice_changes (slice, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (slice, at, to_state) DO NOTHING`,
      ).run(c.slice, c.from, c.to, c.reason, c.at);
    },
  };

  constructor(pathOrDb: string | SqliteDatabase) {
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
    this.candles = new SqliteCandleStore(this.db);
    this.commitTransaction = this.db.transaction(
      (candle: SeriesCandle | null, events: readonly PipelineEvent[]) => {
        if (candle) this.candles.storeCandle(candle.series, candle.candle);
        writeEventsSync(events, this.writer);
      },
    );
  }

  async commit(candle: SeriesCandle | null, events: readonly PipelineEvent[]): Promise<void> {
    checkCommit(candle, events);
    try {
      this.commitTransaction(candle, events);
    } catch (e) {
      // a series created inside the rolled-back transaction does not exist any more
      this.candles.forgetSeriesIds();
      throw e;
    }
  }

  /** Each SQL text is compiled once: the live path saves on every candle that changes a signal. */
  private stmt(sql: string): Statement {
    return prepared(this.db, sql);
  }

  /**
   * Inserts a signal or replaces it with its newer state (status changes). A processing time the
   * live runtime stamped is kept when the newer state has none (a replay after a restart).
   */
  private saveSignal(s: Signal): void {
    this.stmt(
      `INSERT INTO signals (id, symbol, timeframe, strategy, direction, status, confidence, created_at, status_at, published, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_at = excluded.status_at,
           body = CASE
             WHEN json_extract(excluded.body, '$.processingMs') IS NULL
               AND json_extract(signals.body, '$.processingMs') IS NOT NULL
             THEN json_set(excluded.body, '$.processingMs', json_extract(signals.body, '$.processingMs'))
             ELSE excluded.body END`,
    ).run(
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
    );
    this.stmt(
      `INSERT INTO entry_analysis (signal_id, entry_timeframe, chosen, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (signal_id) DO NOTHING`,
    ).run(s.id, s.entryAnalysis.entryTimeframe, s.entryAnalysis.chosen, toJson(s.entryAnalysis));
  }

  private saveRejected(r: RejectedCandidate): void {
    this.stmt(
      `INSERT INTO rejected_candidates (id, symbol, reason, created_at, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, body = excluded.body`,
    ).run(r.id, r.symbol, r.reason, r.createdAt, toJson(r));
  }

  private saveOutcome(o: Outcome, shadow: boolean): void {
    this.stmt(
      `INSERT INTO outcomes (signal_id, shadow, type, filled, r_multiple, return_pct, exit_time, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (signal_id, shadow) DO UPDATE SET type = excluded.type, filled = excluded.filled,
           r_multiple = excluded.r_multiple, return_pct = excluded.return_pct, exit_time = excluded.exit_time, body = excluded.body`,
    ).run(
      o.signalId,
      shadow ? 1 : 0,
      o.type,
      o.filled ? 1 : 0,
      o.rMultiple,
      o.returnPct,
      o.exitTime,
      toJson(o),
    );
  }

  async getSignal(id: string): Promise<StoredSignal | null> {
    const row = this.stmt('SELECT body FROM signals WHERE id = ?').get(id) as { body: string } | undefined;
    if (!row) return null;
    const out = this.stmt('SELECT body FROM outcomes WHERE signal_id = ? AND shadow = 0').get(id) as
      | { body: string }
      | undefined;
    return storedSignalOf(row.body, out ? out.body : null);
  }

  async countSignals(): Promise<number> {
    return (this.stmt('SELECT COUNT(*) AS n FROM signals').get() as { n: number }).n;
  }

  async listSignals(filter: SignalFilter, page: PageRequest): Promise<SignalPage> {
    return listSignals(this.db, filter, page);
  }

  async liveTrades(range: CreationRange = {}): Promise<TradeRow[]> {
    return liveTrades(this.db, range);
  }

  async saveBacktestRun(report: BacktestReport, signals: readonly SignalWithOutcome[]): Promise<number> {
    checkBacktestRun(report, signals);
    const body = toJson(report);
    const fingerprint = fingerprintOf(body);
    const existing = this.stmt('SELECT id FROM backtest_runs WHERE fingerprint = ?').get(fingerprint) as
      | { id: number }
      | undefined;
    if (existing) return existing.id;
    return this.db.transaction(() => {
      const id = Number(
        this.stmt(
          `INSERT INTO backtest_runs (fingerprint, saved_at, symbols, range_from, range_to, signals, trades, report)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          fingerprint,
          Date.now(),
          runSymbols(report.data),
          report.range.from,
          report.range.to,
          report.counts.signals,
          report.counts.trades,
          body,
        ).lastInsertRowid,
      );
      const ins = this.stmt(
        'INSERT INTO backtest_signals (run_id, seq, signal_id, body) VALUES (?, ?, ?, ?)',
      );
      signals.forEach((s, i) => {
        ins.run(id, i, s.signal.id, toJson(s));
      });
      return id;
    })();
  }

  async listBacktests(): Promise<BacktestRunInfo[]> {
    return this.backtestRuns();
  }

  private backtestRuns(): BacktestRunInfo[] {
    const rows = this.stmt(
      `SELECT ${BACKTEST_RUN_COLUMNS} FROM backtest_runs ORDER BY id DESC`,
    ).all() as BacktestRunRow[];
    return rows.map(backtestRunOf);
  }

  async getBacktest(id: number): Promise<StoredBacktest | null> {
    const info = this.backtestRuns().find((r) => r.id === id);
    if (!info) return null;
    const row = this.stmt('SELECT report FROM backtest_runs WHERE id = ?').get(id) as {
      report: string;
    };
    return { info, report: fromJson<BacktestReport>(row.report) };
  }

  async backtestSignals(id: number): Promise<SignalWithOutcome[]> {
    const rows = this.stmt('SELECT body FROM backtest_signals WHERE run_id = ? ORDER BY seq').all(id) as {
      body: string;
    }[];
    return rows.map((r) => fromJson<SignalWithOutcome>(r.body));
  }

  async ping(): Promise<string> {
    this.db.prepare('SELECT 1').get();
    return 'SQLite answers';
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
