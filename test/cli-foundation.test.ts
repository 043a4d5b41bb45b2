import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ap-cli-'));
}

/** A fingerprint of everything stored, to prove a failed command changed nothing. */
function fingerprint(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    const series = d.prepare('SELECT exchange, symbol, timeframe FROM series ORDER BY id').all();
    const sums = d
      .prepare(
        'SELECT COUNT(*) n, SUM(open_time) t, TOTAL(open + high + low + close + volume) v FROM candles',
      )
      .get();
    return JSON.stringify({ series, sums });
  } finally {
    d.close();
  }
}

const header = 'open_time,open,high,low,close,volume';
const T = Date.UTC(2025, 0, 1);
function csv(rows: string[]): string {
  return `${header}\n${rows.join('\n')}\n`;
}
function row(i: number, o = 100, h = 101, l = 99, c = 100.5, v = 3): string {
  return `${T + i * 60_000},${o},${h},${l},${c},${v}`;
}

describe('alphapulse import: bad input is refused with a clear message and nothing stored', () => {
  const dir = tmp();
  const db = join(dir, 'store.db');
  let before = '';

  beforeAll(() => {
    writeFileSync(join(dir, 'good_BTCUSDT_1m.csv'), csv([row(0), row(1), row(2)]));
    const ok = runCli([
      'import',
      '--input',
      join(dir, 'good_BTCUSDT_1m.csv'),
      '--db',
      db,
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1m',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    before = fingerprint(db);
  });

  const cases: [string, string | Buffer, RegExp][] = [
    ['zero price', csv([row(3), row(4, 0)]), /:3: open 0 is not a positive price/],
    ['negative volume', csv([row(3), row(4, 100, 101, 99, 100.5, -1)]), /:3: volume -1 is negative/],
    [
      'high below body',
      csv([row(3, 100, 99.5, 99, 100.5)]),
      /:2: high 99.5 is below max\(open, close\) 100.5/,
    ],
    [
      'low above body',
      csv([row(3, 100, 101, 100.2, 100.5)]),
      /:2: low 100.2 is above min\(open, close\) 100/,
    ],
    [
      'misaligned time',
      csv([`${T + 90_000},1,2,0.5,1.5,1`]),
      /:2: open_time .* is not aligned to the 1m timeframe/,
    ],
    ['out of order', csv([row(5), row(3)]), /:3: open_time .* rows are out of order/],
    [
      'conflicting duplicate',
      csv([row(3), row(3, 100, 102)]),
      /:3: open_time .* appears twice with different values/,
    ],
    ['non-numeric field', csv([row(3), `${T + 4 * 60_000},100,abc,99,100,1`]), /:3.*high.*abc/],
    ['wrong column count', csv([row(3), `${T + 4 * 60_000},100,101,99`]), /:3.*column/],
    ['empty file', '', /empty/],
    [
      'truncated gzip',
      gzipSync(Buffer.from(csv([row(3), row(4), row(5)]))).subarray(0, 30),
      /gzip|truncat|corrupt/i,
    ],
    [
      'JSON in a .csv file',
      '[[1735689600000, 1, 2, 0.5, 1.5, 1]]\n',
      /is named as a CSV file but it holds JSON/,
    ],
  ];

  for (const [name, content, message] of cases) {
    it(`refuses ${name}`, () => {
      const file = join(
        dir,
        `bad-${name.replace(/\W+/g, '-')}_BTCUSDT_1m.csv${Buffer.isBuffer(content) ? '.gz' : ''}`,
      );
      writeFileSync(file, content);
      const r = runCli(['import', '--input', file, '--db', db, '--symbol', 'BTCUSDT', '--timeframe', '1m']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(fingerprint(db)).toBe(before);
    });
  }

  it('skips bad rows with --on-error skip and counts them by reason', () => {
    const file = join(dir, 'mixed_BTCUSDT_1m.csv');
    writeFileSync(file, csv([row(10), row(11, 0), row(12), `${T + 13 * 60_000},1,x,1,1,1`, row(14)]));
    const r = runCli([
      'import',
      '--input',
      file,
      '--db',
      db,
      '--on-error',
      'skip',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1m',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rows read\s+5/);
    expect(r.stdout).toMatch(/stored \(new\)\s+3/);
    expect(r.stdout).toMatch(/skipped\s+2 \(.*non_positive_price: 1.*\)/);
    expect(r.stdout).toMatch(/gaps\s+2 \(2 missing candles\)/);
  });

  it('names a bad option value', () => {
    const r = runCli([
      'import',
      '--input',
      join(dir, 'good_BTCUSDT_1m.csv'),
      '--db',
      db,
      '--timeframe',
      '7m',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown timeframe "7m"/);
    const r2 = runCli(['import', '--input', join(dir, 'nope.csv'), '--db', db]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/cannot tell the symbol/);
  });

  it('fails on an invalid config file, naming the key', () => {
    writeFileSync(join(dir, 'alphapulse.config.yaml'), 'store:\n  batchSize: 0\n');
    const r = runCli(['config', '--effective'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/store\.batchSize/);
  });
});

describe.skipIf(!hasRealData)('alphapulse import, resample, candles on real data', () => {
  const dir = tmp();
  const db = join(dir, 'real.db');

  it('imports BTCUSDT 1m: 130,708 candles; importing again changes nothing', () => {
    const first = runCli(['import', '--input', realDataPath('binance_BTCUSDT_1m.csv.gz'), '--db', db]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/binance BTCUSDT 1m/);
    expect(first.stdout).toMatch(/stored \(new\)\s+130,708/);
    const snapshot = fingerprint(db);
    const again = runCli(['import', '--input', realDataPath('binance_BTCUSDT_1m.csv.gz'), '--db', db]);
    expect(again.stdout).toMatch(/stored \(new\)\s+0\n/);
    expect(again.stdout).toMatch(/unchanged\s+130,708/);
    expect(fingerprint(db)).toBe(snapshot);
  });

  it('reports the 28 gaps and 4 zero-volume candles of BTCUSDT 1h', () => {
    const r = runCli(['import', '--input', realDataPath('binance_BTCUSDT_1h.csv.gz'), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stored \(new\)\s+74,726/);
    expect(r.stdout).toMatch(/zero-volume\s+4/);
    expect(r.stdout).toMatch(/gaps\s+28 \(128 missing candles\)/);
    expect(r.stdout).toMatch(/gap after 2017-09-06T16:00:00Z: 6 missing/);
  });

  it('serves candles of a timeframe that is not stored by aggregating 1m', () => {
    const r = runCli([
      'candles',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '4h',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-02',
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { openTime: string; open: number; close: number }[];
    expect(rows.map((x) => x.openTime)).toEqual(
      [0, 4, 8, 12, 16, 20].map((h) => new Date(Date.UTC(2025, 5, 1, h)).toISOString()),
    );
    // the 1h candles stored from the 1h file must agree with the 4h built from 1m on opens and closes
    const hours = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
    const at = (t: number) => hours.find((c) => c.openTime === t);
    expect(rows[0].open).toBe(at(Date.UTC(2025, 5, 1, 0))?.open);
    expect(rows[0].close).toBe(at(Date.UTC(2025, 5, 1, 3))?.close);
    const csvOut = runCli([
      'candles',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1h',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-01T03:00:00Z',
      '--db',
      db,
    ]);
    expect(csvOut.stdout.trim().split('\n')).toHaveLength(4);
    expect(csvOut.stdout.startsWith('open_time,open,high,low,close,volume\n')).toBe(true);
  });

  it('resamples ETHUSDT 1m to 1h exactly like the real 1h file', () => {
    const out = join(dir, 'eth-1h.csv');
    const r = runCli([
      'resample',
      '--input',
      realDataPath('binance_ETHUSDT_1m.csv.gz'),
      '--timeframe',
      '1h',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const real = new Map(
      readFileSync(realDataPath('binance_ETHUSDT_1h.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => [l.split(',')[0], l]),
    );
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(header);
    let compared = 0;
    for (const l of lines.slice(1)) {
      const ref = real.get(l.split(',')[0]);
      if (!ref) continue;
      compared++;
      const [a, b] = [l.split(','), ref.split(',')];
      expect(a.slice(0, 5)).toEqual(b.slice(0, 5));
      expect(Math.abs(Number(a[5]) - Number(b[5]))).toBeLessThan(1e-6);
    }
    expect(compared).toBeGreaterThan(2100);
  });

  it('copies of a real file under a Binance-style name are inferred', () => {
    const named = join(dir, 'ETHUSDT-1h-2025-01.csv');
    copyFileSync(realDataPath('binance_ETHUSDT_1h.csv'), named);
    const r = runCli(['import', '--input', named, '--db', db, '--exchange', 'binance']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/binance ETHUSDT 1h/);
  });
});
