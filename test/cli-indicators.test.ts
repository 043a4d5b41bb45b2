import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
const talib = createRequire(import.meta.url)('talib') as {
  execute(args: Record<string, unknown>): TalibResult;
};

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe.skipIf(!hasRealData)('alphapulse indicators and patterns on real ETHUSDT 1h', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-ind-'));
  const file = realDataPath('binance_ETHUSDT_1h.csv');

  it('writes one column per output, empty during warm-up, numbers that round-trip, equal to TA-Lib', () => {
    const out = join(dir, 'ind.csv');
    const r = runCli([
      'indicators',
      '--input',
      file,
      '--set',
      'sma:20,rsi:14,macd:12:26:9,bbands:20:2:2,stoch:14:3:3,adx:14,obv,vwap',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { header, rows } = readCsv(out);
    expect(header).toEqual([
      'open_time',
      'sma:20',
      'rsi:14',
      'macd:12:26:9.macd',
      'macd:12:26:9.signal',
      'macd:12:26:9.hist',
      'bbands:20:2:2.upper',
      'bbands:20:2:2.middle',
      'bbands:20:2:2.lower',
      'stoch:14:3:3.k',
      'stoch:14:3:3.d',
      'adx:14.adx',
      'adx:14.plus_di',
      'adx:14.minus_di',
      'obv',
      'vwap',
    ]);
    expect(rows).toHaveLength(12_818);
    // warm-up cells are empty: SMA(20) has 19, RSI(14) 14, MACD 33
    expect(rows.slice(0, 19).every((r) => r[1] === '')).toBe(true);
    expect(rows[19][1]).not.toBe('');
    expect(rows[33][5]).not.toBe('');
    expect(rows[32][5]).toBe('');
    const close = loadRealCandles('binance_ETHUSDT_1h.csv').map((c) => c.close);
    const rsi = talib.execute({
      name: 'RSI',
      startIdx: 0,
      endIdx: close.length - 1,
      inReal: close,
      optInTimePeriod: 14,
    });
    for (let i = 0; i < rsi.nbElement; i += 97) {
      expect(Number(rows[rsi.begIndex + i][2])).toBe(rsi.result.outReal[i]);
    }
  });

  it('names an unknown spec or a bad parameter and lists the valid ones', () => {
    const r = runCli(['indicators', '--input', file, '--set', 'sma:20,foo:3', '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown indicator "foo".*valid indicators are sma/);
    const r2 = runCli(['indicators', '--input', file, '--set', 'rsi:abc', '--out', join(dir, 'x.csv')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/"rsi:abc": period "abc" is not a number/);
  });

  it('writes candlestick patterns like TA-Lib, one column per pattern', () => {
    const out = join(dir, 'pat.csv');
    const r = runCli(['patterns', '--input', file, '--set', 'engulfing,hammer,3whitesoldiers', '--out', out]);
    expect(r.code).toBe(0);
    const { header, rows } = readCsv(out);
    expect(header).toEqual(['open_time', 'engulfing', 'hammer', '3whitesoldiers']);
    const candles = loadRealCandles('binance_ETHUSDT_1h.csv');
    const ref = talib.execute({
      name: 'CDLENGULFING',
      startIdx: 0,
      endIdx: candles.length - 1,
      open: candles.map((c) => c.open),
      high: candles.map((c) => c.high),
      low: candles.map((c) => c.low),
      close: candles.map((c) => c.close),
    });
    for (let i = 0; i < ref.nbElement; i++)
      expect(Number(rows[ref.begIndex + i][1])).toBe(ref.result.outInteger[i]);
    const bad = runCli(['patterns', '--input', file, '--set', 'hammer,unicorn', '--out', join(dir, 'y.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown pattern\(s\) unicorn; valid patterns are/);
  });
});
