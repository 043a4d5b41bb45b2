import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCandleRows } from '../src/adapters/market/candle-file.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { Aggregator } from '../src/core/candles/aggregator.js';
import type { Candle } from '../src/core/candles/candle.js';
import { importCandles } from '../src/runtime/import/import-candles.js';
import { DATA_DIR, fmt, median, table, timeRuns, writeResults } from './lib.js';

const FILE = 'binance_BTCUSDT_1m.csv.gz';

/** Import throughput: gzip CSV -> parse -> validate -> SQLite (fresh database each run). */
async function benchImport(): Promise<Record<string, number>> {
  const path = join(DATA_DIR, FILE);
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-'));
  let rows = 0;
  let n = 0;
  const ms = await timeRuns(async () => {
    const store = new SqliteCandleStore(join(dir, `bench-${n++}.db`));
    const r = await importCandles(store, path, {
      key: { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' },
    });
    rows = r.inserted;
    await store.close();
  }, 5);
  let readMs: number[] = [];
  readMs = await timeRuns(async () => {
    for await (const _ of readCandleRows(path)) {
      // parse only
    }
  }, 5);
  rmSync(dir, { recursive: true, force: true });
  const med = median(ms);
  return {
    candles: rows,
    import_median_ms: med,
    import_candles_per_s: (rows / med) * 1000,
    parse_only_candles_per_s: (rows / median(readMs)) * 1000,
  };
}

/** Aggregation throughput: closed 1m candles into 5m, 15m, 1h, 4h and 1d at once. */
async function benchAggregation(): Promise<Record<string, number>> {
  const base: Candle[] = [];
  for await (const batch of readCandleRows(join(DATA_DIR, FILE)))
    for (const r of batch) if (r.ok) base.push(r.candle);
  // ten back-to-back copies of the 13 weeks (re-timed), so one run handles about 1.3M candles
  const copies = 10;
  const span = base[base.length - 1].openTime - base[0].openTime + 60_000;
  const series: Candle[] = [];
  for (let k = 0; k < copies; k++)
    for (const c of base) series.push({ ...c, openTime: c.openTime + k * span });
  let emitted = 0;
  const ms = await timeRuns(
    () => {
      emitted = 0;
      const agg = new Aggregator('1m', ['5m', '15m', '1h', '4h', '1d'], () => {
        emitted++;
      });
      for (let i = 0; i < series.length; i++) agg.push(series[i]);
    },
    7,
    2,
  );
  const med = median(ms);
  return { candles: series.length, emitted, median_ms: med, candles_per_s: (series.length / med) * 1000 };
}

export async function runFoundation(): Promise<void> {
  if (!existsSync(join(DATA_DIR, FILE))) {
    console.log(`foundation bench skipped: ${join(DATA_DIR, FILE)} not found (set ALPHAPULSE_DATA_DIR)`);
    return;
  }
  const imp = await benchImport();
  const agg = await benchAggregation();
  console.log('\n## Foundation: import and aggregation (medians)');
  console.log(
    table(
      ['measure', 'median', 'goal'],
      [
        ['import gzip CSV -> SQLite, candles/s', fmt(imp.import_candles_per_s), '> 300,000'],
        ['  of which parsing only, candles/s', fmt(imp.parse_only_candles_per_s), ''],
        ['aggregation 1m -> 5m,15m,1h,4h,1d, candles/s', fmt(agg.candles_per_s), '> 10,000,000'],
      ],
    ),
  );
  console.log(
    `(import: ${fmt(imp.candles)} candles of ${FILE}, 5 runs; aggregation: ${fmt(agg.candles)} candles, 7 runs)`,
  );
  writeResults('foundation', { import: imp, aggregation: agg });
}
