import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { CandleColumns } from '../candles/candle.js';
import { Bbands, bbands } from './bbands.js';
import { casesA } from './catalog-a.js';
import { Cci, cci } from './cci.js';
import type { ContractCase } from './contract-case.js';
import { Dema, dema } from './dema.js';
import { Ema, ema } from './ema.js';
import { Kama, kama } from './kama.js';
import { Macd, macd } from './macd.js';
import { Mom, mom } from './mom.js';
import { Roc, roc } from './roc.js';
import { Rsi, rsi } from './rsi.js';
import { Sma, sma } from './sma.js';
import { StdDev, stddev } from './stddev.js';
import { Stoch, stoch } from './stoch.js';
import { StochRsi, stochrsi } from './stochrsi.js';
import { Tema, tema } from './tema.js';
import { WillR, willr } from './willr.js';
import { Wma, wma } from './wma.js';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);
const ONE_TO_TEN = f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

function expectSeries(actual: Float64Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(expected[i], 12);
  }
}

describe('hand-computed values', () => {
  it('SMA of 1..10 over 3 is the middle value', () => {
    expectSeries(sma(ONE_TO_TEN, 3), [Number.NaN, Number.NaN, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('EMA seeds with the SMA of the first period values, then k = 2 / (period + 1)', () => {
    // Seed (1+2+3)/3 = 2, then k = 0.5: 2 + (4-2)/2 = 3, 3 + (5-3)/2 = 4.
    expectSeries(ema(f64([1, 2, 3, 4, 5]), 3), [Number.NaN, Number.NaN, 2, 3, 4]);
  });

  it('WMA weights the newest value most', () => {
    // (1*1 + 2*2 + 3*3) / 6 and (2*1 + 3*2 + 10*3) / 6
    expectSeries(wma(f64([1, 2, 3, 10]), 3), [Number.NaN, Number.NaN, 14 / 6, 38 / 6]);
  });

  it('DEMA and TEMA of a straight line are the line (no lag)', () => {
    const line = f64(Array.from({ length: 40 }, (_, i) => 10 + 2 * i));
    const d = dema(line, 5);
    const t = tema(line, 5);
    for (let i = 8; i < 40; i++) expect(d[i]).toBeCloseTo(line[i], 9);
    for (let i = 12; i < 40; i++) expect(t[i]).toBeCloseTo(line[i], 9);
  });

  it('KAMA of a constant series is that constant', () => {
    const out = kama(f64(new Array(30).fill(42)), 10);
    for (let i = 10; i < 30; i++) expect(out[i]).toBe(42);
  });

  it('RSI is 100 on a rising series and 0 on a flat one (TA-Lib convention)', () => {
    const rising = rsi(ONE_TO_TEN, 3);
    for (let i = 3; i < 10; i++) expect(rising[i]).toBe(100);
    const flat = rsi(f64(new Array(10).fill(5)), 3);
    for (let i = 3; i < 10; i++) expect(flat[i]).toBe(0);
  });

  it('RSI with Wilder smoothing on a small series', () => {
    // Changes +1, -1, +2, -2: first averages gain 1/2, loss 1/2 -> 50;
    // then gain (0.5*1 + 2)/2 = 1.25, loss 0.5*1/2 = 0.25 -> 83.33..., then
    // gain 1.25/2 = 0.625, loss (0.25 + 2)/2 = 1.125 -> 35.714...
    expectSeries(rsi(f64([10, 11, 10, 12, 10]), 2), [
      Number.NaN,
      Number.NaN,
      50,
      (100 * 1.25) / 1.5,
      (100 * 0.625) / 1.75,
    ]);
  });

  it('MOM and ROC compare with the value period steps back; ROC is 0 after a zero', () => {
    expectSeries(mom(ONE_TO_TEN, 2), [Number.NaN, Number.NaN, 2, 2, 2, 2, 2, 2, 2, 2]);
    expectSeries(roc(f64([0, 10, 20, 30]), 2), [Number.NaN, Number.NaN, 0, 200]);
  });

  it('STDDEV is the population deviation times nbDev', () => {
    const values = f64([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stddev(values, 8)[7]).toBeCloseTo(2, 12);
    expect(stddev(values, 8, 2.5)[7]).toBeCloseTo(5, 12);
  });

  it('BBANDS sit nbDevUp / nbDevDn deviations around the SMA; flat input gives one line', () => {
    const values = f64([2, 4, 4, 4, 5, 5, 7, 9]);
    const b = bbands(values, 8, 2, 1);
    expect(b.middle[7]).toBeCloseTo(5, 12);
    expect(b.upper[7]).toBeCloseTo(9, 12);
    expect(b.lower[7]).toBeCloseTo(3, 12);
    const flat = bbands(f64(new Array(6).fill(7)), 3, 2, 2);
    for (let i = 2; i < 6; i++) {
      expect(flat.upper[i]).toBe(7);
      expect(flat.lower[i]).toBe(7);
    }
  });

  it('WILLR, STOCH and CCI give 0 on a flat range instead of dividing by zero', () => {
    const flat = f64(new Array(20).fill(100));
    expect(willr(flat, flat, flat, 5)[10]).toBe(0);
    expect(stoch(flat, flat, flat, 5, 3, 3).slowK[10]).toBe(0);
    expect(cci(flat, flat, flat, 5)[10]).toBe(0);
  });

  it('WILLR is -100 at the low and 0 at the high of the window', () => {
    const high = f64([10, 12, 11, 13]);
    const low = f64([8, 9, 7, 10]);
    expect(willr(high, low, f64([9, 10, 7, 13]), 3)[3]).toBeCloseTo(0, 12);
    expect(willr(high, low, f64([9, 10, 7, 7]), 3)[3]).toBeCloseTo(-100, 12);
  });

  it('MACD swaps a fast period above the slow one, as TA-Lib does', () => {
    const values = f64(Array.from({ length: 80 }, (_, i) => 100 + Math.sin(i / 5) * 10));
    const a = macd(values, 12, 26, 9);
    const b = macd(values, 26, 12, 9);
    expect(Array.from(b.macd)).toEqual(Array.from(a.macd));
    expect(new Macd(26, 12, 9).lookback).toBe(33);
  });

  it('series shorter than the lookback come back all NaN, at full length', () => {
    const short = f64([1, 2, 3]);
    for (const out of [
      sma(short, 5),
      ema(short, 5),
      wma(short, 5),
      dema(short, 5),
      tema(short, 5),
      kama(short, 5),
      rsi(short, 5),
      stddev(short, 5),
      roc(short, 5),
      mom(short, 5),
      cci(short, short, short, 5),
      willr(short, short, short, 5),
      stoch(short, short, short).slowD,
      stochrsi(short).fastK,
      macd(short).histogram,
      bbands(short).upper,
    ]) {
      expect(out.length).toBe(3);
      expect(Array.from(out).every(Number.isNaN)).toBe(true);
    }
    expect(sma(new Float64Array(0), 5).length).toBe(0);
  });
});

describe('streaming faces', () => {
  it('multi-output indicators return one reused result object', () => {
    const m = new Macd(3, 6, 2);
    const b = new Bbands(3, 2, 2);
    const s = new StochRsi(3, 3, 2);
    const k = new Stoch(3, 2, 2);
    const results: unknown[][] = [[], [], [], []];
    for (let i = 0; i < 30; i++) {
      const x = 100 + Math.sin(i) * 5;
      results[0].push(m.update(x));
      results[1].push(b.update(x));
      results[2].push(s.update(x));
      results[3].push(k.update({ open: x, high: x + 1, low: x - 1, close: x, volume: 1 }));
    }
    for (const list of results) {
      const objects = list.filter((r) => r !== null);
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) expect(o).toBe(objects[0]);
    }
  });

  it('reset() starts over: the same inputs give the same outputs', () => {
    const indicators = [
      new Sma(4),
      new Ema(4),
      new Wma(4),
      new Dema(4),
      new Tema(4),
      new Kama(4),
      new Rsi(4),
    ];
    const inputs = Array.from({ length: 40 }, (_, i) => 50 + Math.cos(i / 3) * 4 + i / 10);
    for (const ind of indicators) {
      const first = inputs.map((x) => ind.update(x));
      ind.reset();
      expect(ind.getResult()).toBeNull();
      expect(ind.isStable()).toBe(false);
      const second = inputs.map((x) => ind.update(x));
      expect(second).toEqual(first);
    }
  });
});

describe('bad parameters are refused with a RangeError naming the parameter', () => {
  const bad = [0, 1.5, Number.NaN, -3, Number.POSITIVE_INFINITY];
  const x = f64([1, 2, 3]);
  const periodTwo: [string, (p: number) => unknown][] = [
    ['SMA', (p) => new Sma(p)],
    ['SMA', (p) => sma(x, p)],
    ['EMA', (p) => new Ema(p)],
    ['EMA', (p) => ema(x, p)],
    ['WMA', (p) => new Wma(p)],
    ['WMA', (p) => wma(x, p)],
    ['DEMA', (p) => new Dema(p)],
    ['DEMA', (p) => dema(x, p)],
    ['TEMA', (p) => new Tema(p)],
    ['TEMA', (p) => tema(x, p)],
    ['KAMA', (p) => new Kama(p)],
    ['KAMA', (p) => kama(x, p)],
    ['RSI', (p) => new Rsi(p)],
    ['RSI', (p) => rsi(x, p)],
    ['STDDEV', (p) => new StdDev(p)],
    ['STDDEV', (p) => stddev(x, p)],
    ['BBANDS', (p) => new Bbands(p)],
    ['BBANDS', (p) => bbands(x, p)],
    ['CCI', (p) => new Cci(p)],
    ['CCI', (p) => cci(x, x, x, p)],
    ['WILLR', (p) => new WillR(p)],
    ['WILLR', (p) => willr(x, x, x, p)],
    ['STOCHRSI', (p) => new StochRsi(p)],
    ['STOCHRSI', (p) => stochrsi(x, p)],
  ];

  for (const [name, make] of periodTwo) {
    it(`${name} period: 1 and ${bad.map(String).join(', ')}`, () => {
      for (const p of [1, ...bad]) expect(() => make(p), String(p)).toThrow(RangeError);
      expect(() => make(1)).toThrow(new RegExp(`${name}: period must be an integer >= 2, got 1`));
    });
  }

  it('ROC and MOM allow period 1 but nothing below', () => {
    expect(new Roc(1).lookback).toBe(1);
    expect(new Mom(1).lookback).toBe(1);
    for (const p of bad) {
      expect(() => new Roc(p)).toThrow(/ROC: period/);
      expect(() => roc(x, p)).toThrow(/ROC: period/);
      expect(() => new Mom(p)).toThrow(/MOM: period/);
      expect(() => mom(x, p)).toThrow(/MOM: period/);
    }
  });

  it('STOCH names the period at fault; smoothing periods may be 1', () => {
    expect(new Stoch(5, 1, 1).lookback).toBe(4);
    expect(() => new Stoch(0, 3, 3)).toThrow(/STOCH: fastKPeriod must be an integer >= 1, got 0/);
    expect(() => new Stoch(5, 2.5, 3)).toThrow(/STOCH: slowKPeriod/);
    expect(() => stoch(x, x, x, 5, 3, Number.NaN)).toThrow(/STOCH: slowDPeriod/);
    expect(() => new StochRsi(14, 0, 3)).toThrow(/STOCHRSI: fastKPeriod/);
    expect(() => stochrsi(x, 14, 5, -1)).toThrow(/STOCHRSI: fastDPeriod/);
  });

  it('MACD needs fast and slow >= 2 and a signal >= 2 (TA-Lib mis-aligns a signal of 1)', () => {
    expect(() => new Macd(1, 26, 9)).toThrow(/MACD: fastPeriod/);
    expect(() => macd(x, 12, 1.5, 9)).toThrow(/MACD: slowPeriod/);
    expect(() => new Macd(12, 26, 1)).toThrow(/MACD: signalPeriod must be an integer >= 2, got 1/);
  });

  it('deviation multipliers must be finite', () => {
    expect(() => new StdDev(5, Number.NaN)).toThrow(/STDDEV: nbDev/);
    expect(() => bbands(x, 5, Number.POSITIVE_INFINITY, 2)).toThrow(/BBANDS: nbDevUp/);
    expect(() => new Bbands(5, 2, Number.NaN)).toThrow(/BBANDS: nbDevDn/);
  });
});

/**
 * TA-Lib parity on a made-up series that reaches the special cases real prices rarely do, so
 * it runs without the real data: long flat runs (zero range for STOCH/WILLR/CCI, zero
 * variance for STDDEV/BBANDS, no gain and no loss for RSI, zero path for KAMA), a zero price
 * (ROC's guard), exact ties of highs and lows, and sharp reversals. Deterministic (fixed LCG).
 */
describe('TA-Lib parity on a synthetic series with flat runs, ties and a zero price', () => {
  interface Talib {
    execute(params: Record<string, unknown>): {
      begIndex: number;
      nbElement: number;
      result: Record<string, number[]>;
    };
  }
  const talib: Talib = createRequire(import.meta.url)('talib');

  const n = 1500;
  let seed = 987654321;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const cols = {
    length: n,
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 200;
  for (let i = 0; i < n; i++) {
    const flat = i % 173 >= 90 && i % 173 < 150;
    if (!flat) price = Math.max(1, price + Math.round((rand() - 0.5) * 16) / 4);
    const close = i === 700 ? 0 : price;
    cols.openTime[i] = i * 60_000;
    cols.open[i] = close;
    cols.close[i] = close;
    cols.high[i] = flat ? close : close + Math.round(rand() * 4) / 2;
    cols.low[i] = flat ? close : Math.max(0, close - Math.round(rand() * 4) / 2);
    cols.volume[i] = flat ? 0 : 1;
  }
  const series: CandleColumns = cols;
  const a = { high: Array.from(cols.high), low: Array.from(cols.low), close: Array.from(cols.close) };

  const specs: [ContractCase, string, boolean, Record<string, number>, string[]][] = [
    [casesA.sma(10), 'SMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.ema(10), 'EMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.wma(10), 'WMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.dema(10), 'DEMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.tema(10), 'TEMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.kama(10), 'KAMA', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.rsi(14), 'RSI', false, { optInTimePeriod: 14 }, ['outReal']],
    [casesA.roc(10), 'ROC', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.mom(10), 'MOM', false, { optInTimePeriod: 10 }, ['outReal']],
    [casesA.cci(14), 'CCI', true, { optInTimePeriod: 14 }, ['outReal']],
    [casesA.willr(14), 'WILLR', true, { optInTimePeriod: 14 }, ['outReal']],
    [
      casesA.stoch(14, 3, 3),
      'STOCH',
      true,
      {
        optInFastK_Period: 14,
        optInSlowK_Period: 3,
        optInSlowK_MAType: 0,
        optInSlowD_Period: 3,
        optInSlowD_MAType: 0,
      },
      ['outSlowK', 'outSlowD'],
    ],
    [
      casesA.stochrsi(14, 5, 3),
      'STOCHRSI',
      false,
      { optInTimePeriod: 14, optInFastK_Period: 5, optInFastD_Period: 3, optInFastD_MAType: 0 },
      ['outFastK', 'outFastD'],
    ],
    [
      casesA.macd(12, 26, 9),
      'MACD',
      false,
      { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
      ['outMACD', 'outMACDSignal', 'outMACDHist'],
    ],
    [
      casesA.bbands(20, 2, 2),
      'BBANDS',
      false,
      { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
      ['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand'],
    ],
    [casesA.stddev(20, 1), 'STDDEV', false, { optInTimePeriod: 20, optInNbDev: 1 }, ['outReal']],
  ];

  for (const [ours, name, hlc, opts, outputs] of specs) {
    it(`${ours.name} equals TA-Lib ${name}, batch and stream`, () => {
      const ref = talib.execute({
        name,
        startIdx: 0,
        endIdx: n - 1,
        ...(hlc ? a : { inReal: a.close }),
        ...opts,
      });
      expect(ref.begIndex).toBe(ours.lookback);
      const batch = ours.batch(series);
      const stream = ours.createStream();
      const rows: (number[] | null)[] = [];
      for (let i = 0; i < n; i++) {
        stream.push({
          openTime: cols.openTime[i],
          open: cols.open[i],
          high: cols.high[i],
          low: cols.low[i],
          close: cols.close[i],
          volume: cols.volume[i],
        });
        const row = stream.read();
        rows.push(row ? [...row] : null);
      }
      for (let o = 0; o < outputs.length; o++) {
        const theirs = ref.result[outputs[o]];
        for (let i = 0; i < n; i++) {
          if (i < ref.begIndex) {
            expect(batch[o][i]).toBeNaN();
            expect(rows[i]).toBeNull();
            continue;
          }
          const t = theirs[i - ref.begIndex];
          const tolerance = Math.max(1e-9, 1e-9 * Math.abs(t));
          const row = rows[i];
          if (Math.abs(batch[o][i] - t) > tolerance || row === null || Math.abs(row[o] - t) > tolerance) {
            expect.fail(
              `${ours.name}.${ours.outputs[o]} at ${i}: batch ${batch[o][i]}, stream ${row?.[o]}, TA-Lib ${t}`,
            );
          }
        }
      }
    });
  }
});
