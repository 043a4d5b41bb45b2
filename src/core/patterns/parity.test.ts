import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { CandleColumns } from '../candles/candle.js';
import {
  CandlePatternDetector,
  candlePattern,
  PATTERN_NAMES,
  type PatternName,
  talibFunctionName,
} from './candlesticks.js';
import { PatternScanner, scanPatterns } from './scanner.js';

/**
 * Reference: TA-Lib 0.6.0 as compiled by the npm package `talib` 1.1.6, called from index 0
 * with each pattern's default penetration. Our patterns must agree on every candle, with the
 * same first output index (begIndex = lookback).
 */
interface TalibResult {
  readonly begIndex: number;
  readonly nbElement: number;
  readonly result: { readonly outInteger: readonly number[] };
}
interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}
const talib = createRequire(import.meta.url)('talib') as Talib;

interface PlainSeries {
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
}

function plain(series: CandleColumns): PlainSeries {
  return {
    open: Array.from(series.open),
    high: Array.from(series.high),
    low: Array.from(series.low),
    close: Array.from(series.close),
  };
}

function talibPattern(name: PatternName, series: PlainSeries): TalibResult {
  const pattern = candlePattern(name);
  return talib.execute({
    name: talibFunctionName(name),
    startIdx: 0,
    endIdx: series.close.length - 1,
    ...series,
    // Every optIn given explicitly: the synchronous binding aborts the process on a missing one.
    ...(pattern.penetration === undefined ? {} : { optInPenetration: pattern.penetration }),
  });
}

/** Indices (with both values) where ours differs from TA-Lib; also checks the warm-up zeros. */
function mismatches(ours: Int32Array, reference: TalibResult): string[] {
  const out: string[] = [];
  for (let i = 0; i < reference.begIndex; i++) {
    if (ours[i] !== 0) out.push(`#${i} warm-up: ours ${ours[i]}`);
  }
  const values = reference.result.outInteger;
  for (let k = 0; k < values.length; k++) {
    const i = reference.begIndex + k;
    if (ours[i] !== values[k]) out.push(`#${i}: ours ${ours[i]}, talib ${values[k]}`);
  }
  return out;
}

function checkAgainstTalib(label: string, load: () => CandleColumns): void {
  let series: CandleColumns;
  let arrays: PlainSeries;
  let batch: Map<PatternName, Int32Array>;

  beforeAll(() => {
    series = load();
    arrays = plain(series);
    batch = scanPatterns(series);
  });

  it.each(PATTERN_NAMES)(`%s agrees with TA-Lib on every candle of ${label}`, (name) => {
    const reference = talibPattern(name, arrays);
    expect(reference.begIndex).toBe(candlePattern(name).lookback);
    expect(reference.nbElement).toBe(series.length - reference.begIndex);
    const ours = batch.get(name);
    expect(ours?.length).toBe(series.length);
    expect(mismatches(ours ?? new Int32Array(0), reference).slice(0, 10)).toEqual([]);
  });

  it(`streaming detectors equal the batch scan on ${label}`, () => {
    const detectors = PATTERN_NAMES.map((name) => new CandlePatternDetector(name));
    const { open, high, low, close } = series;
    const differences: string[] = [];
    for (let i = 0; i < series.length; i++) {
      const bar = { open: open[i], high: high[i], low: low[i], close: close[i], volume: 0 };
      for (let k = 0; k < detectors.length; k++) {
        const value = detectors[k].update(bar);
        const expected = batch.get(PATTERN_NAMES[k])?.[i];
        if (value !== expected && differences.length < 10) {
          differences.push(`${PATTERN_NAMES[k]} #${i}: streaming ${value}, batch ${expected}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it(`a scanner on a subset gives the same values as the full set on ${label}`, () => {
    const subset: PatternName[] = ['tristar', 'hikkakemod', 'engulfing', '3whitesoldiers', 'morningdojistar'];
    const scanner = new PatternScanner(subset);
    const row = new Int32Array(subset.length);
    const { open, high, low, close } = series;
    let differences = 0;
    for (let i = 0; i < series.length; i++) {
      scanner.updateOhlc(open[i], high[i], low[i], close[i], row);
      for (let k = 0; k < subset.length; k++) {
        if (row[k] !== batch.get(subset[k])?.[i]) differences++;
      }
    }
    expect(differences).toBe(0);
  });
}

describe.skipIf(!hasRealData)('candlestick patterns vs TA-Lib on BTCUSDT 1m (real data)', () => {
  checkAgainstTalib('binance_BTCUSDT_1m', () => loadRealColumns('binance_BTCUSDT_1m.csv.gz'));
});

describe.skipIf(!hasRealData)('candlestick patterns vs TA-Lib on BTCUSDT 1h (gaps, flat candles)', () => {
  checkAgainstTalib('binance_BTCUSDT_1h', () => {
    const series = loadRealColumns('binance_BTCUSDT_1h.csv.gz');
    let flat = 0;
    for (let i = 0; i < series.length; i++) {
      if (series.high[i] === series.low[i]) flat++;
    }
    // The point of this file: O=H=L=C placeholders, where every range is zero.
    expect(flat).toBeGreaterThan(0);
    return series;
  });
});

/** Deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Candles on a quarter grid with frequent gaps, dojis, marubozu and flat placeholders: ties
 * everywhere (every `<` vs `<=` in TA-Lib matters) and the rare patterns real BTC data lacks
 * (kicking, abandoned baby, breakaway).
 */
function syntheticSeries(n: number, seed: number): CandleColumns {
  const rnd = random(seed);
  const grid = (x: number) => Math.round(x * 4) / 4;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let previous = 100;
  for (let i = 0; i < n; i++) {
    const jump = rnd();
    const o = grid(previous + (jump < 0.2 ? (rnd() - 0.5) * 8 : jump < 0.3 ? 0 : (rnd() - 0.5) * 1));
    const kind = rnd();
    const body = kind < 0.15 ? 0 : kind < 0.3 ? 0.25 : grid(rnd() * (kind > 0.85 ? 8 : 3));
    const c = rnd() < 0.5 ? o + body : o - body;
    const shadowKind = rnd();
    const up = shadowKind < 0.25 ? 0 : grid(rnd() * (shadowKind > 0.8 ? 5 : 1.5));
    const down = rnd() < 0.25 ? 0 : grid(rnd() * (rnd() > 0.8 ? 5 : 1.5));
    const flat = rnd() < 0.02;
    open[i] = flat ? previous : o;
    close[i] = flat ? previous : c;
    high[i] = flat ? previous : Math.max(o, c) + up;
    low[i] = flat ? previous : Math.min(o, c) - down;
    previous = close[i] < 20 ? close[i] + 50 : close[i];
  }
  return { length: n, openTime: new Float64Array(n), open, high, low, close, volume: new Float64Array(n) };
}

describe('candlestick patterns vs TA-Lib on synthetic candles full of ties and gaps', () => {
  checkAgainstTalib('synthetic quarter-grid candles', () => syntheticSeries(50_000, 7));

  it('the synthetic series reaches the rare patterns', () => {
    const batch = scanPatterns(syntheticSeries(50_000, 7), [
      'kicking',
      'abandonedbaby',
      'breakaway',
      'hikkake',
    ]);
    for (const [name, values] of batch) {
      expect(
        values.some((v) => v !== 0),
        name,
      ).toBe(true);
    }
    expect(batch.get('hikkake')?.some((v) => Math.abs(v) === 200)).toBe(true);
  });
});
