import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
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

/** Fields of one parsed candle in the disk cache, in this order. */
const FIELDS = 6;

/**
 * Parsed files, kept on disk between test files and runs: vitest gives each test file a fresh
 * process, so an in-memory cache alone parses the 13-week 1m files once per file that uses
 * them (~40 files). The key holds the source's size and mtime, so a changed file is parsed again;
 * the values are the parsed float64s themselves, so what a test sees is bit for bit the same.
 */
const DISK_CACHE = join(tmpdir(), 'alphapulse-test-real-data-v1');

function diskCachePath(file: string): string {
  const st = statSync(realDataPath(file));
  return join(DISK_CACHE, `${basename(file)}.${st.size}.${Math.trunc(st.mtimeMs)}.f64`);
}

function readDiskCache(path: string): Candle[] | null {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.byteLength % (8 * FIELDS) !== 0) return null;
  const v = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const out: Candle[] = new Array(v.length / FIELDS);
  for (let i = 0, j = 0; j < v.length; i++, j += FIELDS) {
    out[i] = {
      openTime: v[j],
      open: v[j + 1],
      high: v[j + 2],
      low: v[j + 3],
      close: v[j + 4],
      volume: v[j + 5],
    };
  }
  return out;
}

function writeDiskCache(path: string, candles: readonly Candle[]): void {
  const v = new Float64Array(candles.length * FIELDS);
  candles.forEach((c, i) => {
    v.set([c.openTime, c.open, c.high, c.low, c.close, c.volume], i * FIELDS);
  });
  mkdirSync(DISK_CACHE, { recursive: true });
  // written aside, then renamed: a test file reading at the same time sees all of it or none
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, new Uint8Array(v.buffer));
  renameSync(tmp, path);
}

function parseCandles(file: string): Candle[] {
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
  return out;
}

/**
 * Test-only loader for our CSV format (open_time,open,high,low,close,volume), gzip or plain.
 * The product's streaming importer lives in src/adapters/market; this exists so tests of the
 * core do not depend on it. Parsed once per process, and once per machine through the disk cache.
 */
export function loadRealCandles(file: string): Candle[] {
  const hit = cache.get(file);
  if (hit) return hit;
  const path = diskCachePath(file);
  let out = readDiskCache(path);
  if (out === null) {
    out = parseCandles(file);
    writeDiskCache(path, out);
  }
  cache.set(file, out);
  return out;
}

export function loadRealColumns(file: string): CandleColumns {
  return toColumns(loadRealCandles(file));
}

/** Writes candles as our CSV (open_time,open,high,low,close,volume): a cut of a real file for a test to replay or import. */
export function writeCandlesCsv(path: string, candles: readonly Candle[]): string {
  const rows = candles.map((c) => `${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
  writeFileSync(path, `open_time,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}
