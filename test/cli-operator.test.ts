import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { SqliteAuditStore } from '../src/adapters/store/sqlite-audit-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { Evaluation } from '../src/core/pipeline/evaluation.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { runCli } from './support/cli.js';
import { BUSY_ENGINE, writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles, realDataPath, writeCandlesCsv } from './support/real-data.js';

const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';
const MIN = 60_000;

describe.skipIf(!hasRealData)('alphapulse evaluate and audit verify on stored real candles', () => {
  it('evaluate equals what the pipeline made on the latest closed candle; audit verify holds until a row is altered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-cli-operator-'));
    const db = join(dir, 'store.db');
    const configPath = writeBusyConfig(dir);
    // ten days of real candles, ending at the close of a 1h candle where the pipeline had candidates
    const all = loadRealCandles(FILE).slice(0, 10 * 1440);
    const [input] = await describeInputs([realDataPath(FILE)]);
    const pipeline = new SignalPipeline(EngineConfig.parse(BUSY_ENGINE));
    if (input.tickSize) pipeline.setTickSize('BTCUSDT', input.tickSize);
    let end = -1;
    let made: PipelineEvent[] = [];
    for (const c of all) {
      const events: PipelineEvent[] = [];
      pipeline.process('BTCUSDT', c, (e) => events.push(e));
      const close = c.openTime + MIN;
      if (close % 3_600_000 !== 0 || close < all[0].openTime + 5 * 86_400_000) continue;
      const on1h = events.filter(
        (e) =>
          (e.type === 'signal.created' && e.signal.timeframe === '1h') ||
          (e.type === 'signal.rejected' && e.candidate.timeframe === '1h'),
      );
      if (on1h.length > 0) {
        end = close;
        made = on1h;
        break;
      }
    }
    expect(end).toBeGreaterThan(0);
    const csv = join(dir, 'binance_BTCUSDT_1m_cut.csv');
    const rows = all.filter((c) => c.openTime + MIN <= end);
    writeCandlesCsv(csv, rows);
    const imported = runCli(['import', '-i', csv, '--db', db]);
    expect(imported.code, imported.stderr).toBe(0);

    const r = runCli([
      '-c',
      configPath,
      'evaluate',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1h',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as Evaluation;
    expect(run.candle.closeTime).toBe(end);
    expect(run.fresh).toBe(true);
    const ids = made.map((e) =>
      e.type === 'signal.created' ? e.signal.id : e.type === 'signal.rejected' ? e.candidate.id : '',
    );
    expect(run.candidates.map((k) => k.id).sort()).toEqual(ids.sort());
    for (const e of made) {
      if (e.type === 'signal.created') {
        const k = run.candidates.find((x) => x.id === e.signal.id);
        expect(k?.verdict).toBe('created');
        expect(k?.signal?.entryPrice).toBe(e.signal.entryPrice);
        expect(k?.signal?.stopLoss).toBe(e.signal.stopLoss);
      } else if (e.type === 'signal.rejected') {
        const k = run.candidates.find((x) => x.id === e.candidate.id);
        expect(k?.verdict).toBe('rejected');
        expect(k?.rejection).toEqual({ reason: e.candidate.reason, detail: e.candidate.detail });
      }
    }

    const text = runCli(['-c', configPath, 'evaluate', '-s', 'BTCUSDT', '-t', '1h', '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^BTCUSDT 1h candle closed .* replayed [\d,]+ stored binance 1m candles/);
    expect(text.stdout).toMatch(/filters: max_stop_distance (ok|FAILS)/);

    const notSignal = runCli(['-c', configPath, 'evaluate', '-s', 'BTCUSDT', '-t', '1m', '--db', db]);
    expect(notSignal.code).toBe(1);
    expect(notSignal.stderr).toMatch(/1m is not a signal timeframe; the signal timeframes are 15m, 1h, 4h/);
    const unknown = runCli(['-c', configPath, 'evaluate', '-s', 'XRPUSDT', '-t', '1h', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no candles stored for binance XRPUSDT/);
    const badTf = runCli(['-c', configPath, 'evaluate', '-s', 'BTCUSDT', '-t', '7q', '--db', db]);
    expect(badTf.code).toBe(1);
    expect(badTf.stderr).toMatch(/--timeframe/);

    // each run is audited
    const store = new SqliteAuditStore(openSqlite(db));
    const audited = await store.list({ action: 'evaluate.run' }, { limit: 10 });
    expect(audited.items).toHaveLength(2);
    expect(audited.items[0].actor).toMatch(/^cli/);
    await store.close();

    const ok = runCli(['audit', 'verify', '--db', db]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/holds: 2 rows, chain intact, head [0-9a-f]{64}/);

    const raw = openSqlite(db);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw
      .prepare(
        'UPDATE audit_log SET after_json = replace(after_json, \'"fresh":true\', \'"fresh":false\') WHERE seq = 1',
      )
      .run();
    raw.close();
    const bad = runCli(['audit', 'verify', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /audit trail of .* is broken at row 1: row 1 \(evaluate\.run on BTCUSDT 1h\) was altered/,
    );
  }, 120_000);
});
