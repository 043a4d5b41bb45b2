import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type Candle, type CandleColumns, toColumns } from '../../src/core/candles/candle.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The real Binance candles live beside the project (GUIDE §6), never inside it. One setting
 * finds them: ALPHAPULSE_DATA_DIR, defaulting to ../shared/data/ohlcv.
 */
export const REAL_DATA_DIR = resolve(
  process.env.ALPHAPULSE_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data', 'ohlcv'),
);

export const hasRealData = existsSync(join(REAL_DATA_DIR, 'binance_BTCUSDT_1m.csv.gz'));

/** Under CI the real-data tests must run: a missing folder fails every file that needs it. */
export const realDataRequired = process.env.CI === 'true';

if (!hasRealData) {
  if (realDataRequired) {
    throw new Error(
      `[real-data] CI=true but ${REAL_DATA_DIR} has no candle files (binance_BTCUSDT_1m.csv.gz missing): the real-data tests must run in CI; put ../shared/data/ohlcv beside the project or set ALPHAPULSE_DATA_DIR`,
    );
  }
  console.warn(
    `[real-data] ${REAL_DATA_DIR} has no candle files: tests on real data are skipped (set ALPHAPULSE_DATA_DIR to enable them)`,
  );
}

export function realDataPath(file: string): string {
  return join(REAL_DATA_DIR, file);
}

const cache = new Map<string, Candle[]>();

/**
 * Test-only loader for our CSV format (open_time,open,high,low,close,volume), gzip or plain.
 * The product's streaming importer lives in src/adapters/market; this exists so tests of the
 * core do not depend on it.
 */
export function loadRealCandles(file: string): Candle[] {
  const hit = cache.get(file);
  if (hit) return hit;
  const raw = readFileSync(realDataPath(file));
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const out: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    const f = line.split(',');
    out.push({
      openTime: Number(f[0]),
      open: Number(f[1]),
      high: Number(f[2]),
      low: Number(f[3]),
      close: Number(f[4]),
      volume: Number(f[5]),
    });
  }
  cache.set(file, out);
  return out;
}

export function loadRealColumns(file: string): CandleColumns {
  return toColumns(loadRealCandles(file));
}
