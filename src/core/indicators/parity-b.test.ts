import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { Bar, CandleColumns } from '../candles/candle.js';
import { Ad, ad } from './ad.js';
import { Adosc, adosc } from './adosc.js';
import { Adx, adx, adxWithDi, MinusDi, minusDi, PlusDi, plusDi } from './adx.js';
import { Aroon, aroon } from './aroon.js';
import { Atr, atr } from './atr.js';
import type { BarIndicator } from './indicator.js';
import { Mfi, mfi } from './mfi.js';
import { Natr, natr } from './natr.js';
import { Obv, obv } from './obv.js';
import { Sar, sar } from './sar.js';
import { TrueRange, trange } from './trange.js';

/**
 * Parity with TA-Lib 0.6.0 (the `talib` npm binding) on real Binance candles: the same
 * lookback (TA-Lib's begIndex equals our count of leading NaNs) and every value within 1e-9
 * relative (1e-9 absolute near zero), for the batch function and the streaming class alike.
 */

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}

const talib = createRequire(import.meta.url)('talib') as {
  execute(args: Record<string, unknown>): TalibResult;
};

const talibInputs = new WeakMap<CandleColumns, Record<string, number[]>>();

function runTalib(name: string, s: CandleColumns, options: Record<string, number>): TalibResult {
  let inputs = talibInputs.get(s);
  if (!inputs) {
    const close = Array.from(s.close);
    inputs = {
      high: Array.from(s.high),
      low: Array.from(s.low),
      close,
      volume: Array.from(s.volume),
      inReal: close,
    };
    talibInputs.set(s, inputs);
  }
  return talib.execute({ name, startIdx: 0, endIdx: s.length - 1, ...inputs, ...options });
}

function near(a: number, b: number): boolean {
  const d = Math.abs(a - b);
  return d <= 1e-9 || d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function leadingNaNs(values: Float64Array): number {
  let k = 0;
  while (k < values.length && Number.isNaN(values[k])) k++;
  return k;
}

function expectTalib(
  label: string,
  ours: Float64Array,
  ref: TalibResult,
  output: string,
  lookback: number,
): void {
  const expected = ref.result[output];
  expect(ours.length, `${label} length`).toBe(ref.begIndex + ref.nbElement);
  expect(ref.begIndex, `${label}: TA-Lib begIndex vs our lookback`).toBe(lookback);
  expect(leadingNaNs(ours), `${label}: leading NaNs vs TA-Lib begIndex`).toBe(ref.begIndex);
  for (let k = 0; k < expected.length; k++) {
    const a = ours[ref.begIndex + k];
    const b = expected[k];
    if (!near(a, b)) expect.fail(`${label} at ${ref.begIndex + k}: ours ${a} != TA-Lib ${b}`);
  }
}

/** Feeds every bar to a fresh stream and lays its results out like a batch column. */
function streamColumns<T>(
  indicator: BarIndicator<T>,
  s: CandleColumns,
  pick: readonly ((r: T) => number)[],
): Float64Array[] {
  const cols = pick.map(() => new Float64Array(s.length).fill(Number.NaN));
  const bar = { open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < s.length; i++) {
    bar.open = s.open[i];
    bar.high = s.high[i];
    bar.low = s.low[i];
    bar.close = s.close[i];
    bar.volume = s.volume[i];
    const r = indicator.update(bar as Bar);
    if (indicator.isStable() !== i >= indicator.lookback) expect.fail(`isStable() wrong at ${i}`);
    if ((r === null) !== i < indicator.lookback) expect.fail(`stream result presence wrong at ${i}`);
    if (r === null) continue;
    for (let o = 0; o < pick.length; o++) cols[o][i] = pick[o](r);
  }
  return cols;
}

const single = [(v: number) => v] as const;

/** Equal to the bit (NaN where the other is NaN): for faces that promise the same operations. */
function expectIdentical(label: string, stream: Float64Array, batch: Float64Array): void {
  expect(stream.length, `${label} length`).toBe(batch.length);
  for (let i = 0; i < batch.length; i++) {
    if (!Object.is(stream[i], batch[i]))
      expect.fail(`${label} stream ${stream[i]} !== batch ${batch[i]} at ${i}`);
  }
}

function expectSame(label: string, stream: Float64Array, batch: Float64Array): void {
  for (let i = 0; i < batch.length; i++) {
    const a = stream[i];
    const b = batch[i];
    if (Number.isNaN(a) !== Number.isNaN(b) || (!Number.isNaN(a) && !near(a, b))) {
      expect.fail(`${label} stream ${a} != batch ${b} at ${i}`);
    }
  }
}

/**
 * A made-up series that visits TA-Lib's special cases the real data rarely does: runs of
 * identical flat bars (true range 0, so ADX's TR and DI-sum guards), zero-volume bars (MFI's
 * total < 1 rule), equal highs/lows inside a window (AROON ties), inside and outside bars.
 * Deterministic (a fixed LCG), so the test is reproducible without real data.
 */
function syntheticSeries(n: number): CandleColumns {
  let seed = 12345;
  const rand = () => {
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
  let price = 100;
  for (let i = 0; i < n; i++) {
    cols.openTime[i] = i * 60_000;
    const flat = i % 151 >= 80 && i % 151 < 150;
    if (!flat) price = Math.max(1, price + (rand() - 0.5) * 4);
    const close = flat ? price : Math.round(price * 4) / 4;
    const high = flat ? price : close + Math.round(rand() * 8) / 4;
    const low = flat ? price : close - Math.round(rand() * 8) / 4;
    cols.open[i] = close;
    cols.high[i] = high;
    cols.low[i] = low;
    cols.close[i] = close;
    cols.volume[i] = flat || i % 13 === 0 ? 0 : Math.round(rand() * 1000) / 10;
  }
  return cols;
}

const files = ['binance_BTCUSDT_1m.csv.gz', 'binance_BTCUSDT_1h.csv.gz'] as const;
const sources: { label: string; skip: boolean; load: () => CandleColumns }[] = [
  {
    label: 'a synthetic series with flat runs and zero volume',
    skip: false,
    load: () => syntheticSeries(5000),
  },
  ...files.map((file) => ({ label: file, skip: !hasRealData, load: () => loadRealColumns(file) })),
];

for (const source of sources) {
  describe.skipIf(source.skip)(`TA-Lib parity on ${source.label}`, () => {
    const s = source.skip ? null : source.load();

    it('TRANGE', () => {
      if (!s) return;
      const ours = trange(s.high, s.low, s.close);
      expectTalib('TRANGE', ours, runTalib('TRANGE', s, {}), 'outReal', 1);
      expectSame('TRANGE', streamColumns(new TrueRange(), s, single)[0], ours);
    });

    for (const period of [14, 1, 50]) {
      it(`ATR ${period}`, () => {
        if (!s) return;
        const ours = atr(s.high, s.low, s.close, period);
        expectTalib('ATR', ours, runTalib('ATR', s, { optInTimePeriod: period }), 'outReal', period);
        expectSame('ATR', streamColumns(new Atr(period), s, single)[0], ours);
      });
    }

    for (const period of [14, 5, 100]) {
      it(`NATR ${period}`, () => {
        if (!s) return;
        const ours = natr(s.high, s.low, s.close, period);
        expectTalib('NATR', ours, runTalib('NATR', s, { optInTimePeriod: period }), 'outReal', period);
        expectSame('NATR', streamColumns(new Natr(period), s, single)[0], ours);
      });
    }

    for (const period of [14, 2, 30]) {
      it(`ADX, PLUS_DI, MINUS_DI ${period}`, () => {
        if (!s) return;
        const options = { optInTimePeriod: period };
        const series = adxWithDi(s.high, s.low, s.close, period);
        const adxLookback = 2 * period - 1;
        const taAdx = runTalib('ADX', s, options);
        expectTalib('ADX', adx(s.high, s.low, s.close, period), taAdx, 'outReal', adxLookback);
        expectTalib('ADX (with DI)', series.adx, taAdx, 'outReal', adxLookback);
        const taPlus = runTalib('PLUS_DI', s, options);
        const taMinus = runTalib('MINUS_DI', s, options);
        const plus = plusDi(s.high, s.low, s.close, period);
        const minus = minusDi(s.high, s.low, s.close, period);
        expectTalib('PLUS_DI', plus, taPlus, 'outReal', period);
        expectTalib('MINUS_DI', minus, taMinus, 'outReal', period);
        // The DIs that ride along with ADX are TA-Lib's PLUS_DI / MINUS_DI from ADX's lookback on.
        expect(leadingNaNs(series.plusDi)).toBe(adxLookback);
        expect(leadingNaNs(series.minusDi)).toBe(adxLookback);
        expectSame('ADX +DI', series.plusDi.subarray(adxLookback), plus.subarray(adxLookback));
        expectSame('ADX -DI', series.minusDi.subarray(adxLookback), minus.subarray(adxLookback));

        const [sAdx, sPlus, sMinus] = streamColumns(new Adx(period), s, [
          (r) => r.adx,
          (r) => r.plusDi,
          (r) => r.minusDi,
        ]);
        expectSame('ADX', sAdx, series.adx);
        expectSame('ADX +DI', sPlus, series.plusDi);
        expectSame('ADX -DI', sMinus, series.minusDi);
        const sPlusDi = streamColumns(new PlusDi(period), s, single)[0];
        const sMinusDi = streamColumns(new MinusDi(period), s, single)[0];
        expectSame('PLUS_DI', sPlusDi, plus);
        expectSame('MINUS_DI', sMinusDi, minus);
        // The batch loop repeats the streaming arithmetic operation for operation: equal, not near.
        expectIdentical('ADX', sAdx, series.adx);
        expectIdentical('ADX +DI', sPlus, series.plusDi);
        expectIdentical('ADX -DI', sMinus, series.minusDi);
        expectIdentical('ADX alone', series.adx, adx(s.high, s.low, s.close, period));
        expectIdentical('PLUS_DI', sPlusDi, plus);
        expectIdentical('MINUS_DI', sMinusDi, minus);
      });
    }

    for (const period of [14, 2, 30]) {
      it(`MFI ${period}`, () => {
        if (!s) return;
        const ours = mfi(s.high, s.low, s.close, s.volume, period);
        expectTalib('MFI', ours, runTalib('MFI', s, { optInTimePeriod: period }), 'outReal', period);
        expectSame('MFI', streamColumns(new Mfi(period), s, single)[0], ours);
      });
    }

    it('OBV', () => {
      if (!s) return;
      const ours = obv(s.close, s.volume);
      expectTalib('OBV', ours, runTalib('OBV', s, {}), 'outReal', 0);
      expectSame('OBV', streamColumns(new Obv(), s, single)[0], ours);
    });

    it('AD', () => {
      if (!s) return;
      const ours = ad(s.high, s.low, s.close, s.volume);
      expectTalib('AD', ours, runTalib('AD', s, {}), 'outReal', 0);
      expectSame('AD', streamColumns(new Ad(), s, single)[0], ours);
    });

    for (const [fast, slow] of [
      [3, 10],
      [10, 3],
      [5, 21],
    ] as const) {
      it(`ADOSC ${fast}/${slow}`, () => {
        if (!s) return;
        const ours = adosc(s.high, s.low, s.close, s.volume, fast, slow);
        const ref = runTalib('ADOSC', s, { optInFastPeriod: fast, optInSlowPeriod: slow });
        expectTalib('ADOSC', ours, ref, 'outReal', Math.max(fast, slow) - 1);
        expectSame('ADOSC', streamColumns(new Adosc(fast, slow), s, single)[0], ours);
      });
    }

    for (const [acceleration, maximum] of [
      [0.02, 0.2],
      [0.01, 0.1],
      [0.05, 0.5],
    ] as const) {
      it(`SAR ${acceleration}/${maximum}`, () => {
        if (!s) return;
        const ours = sar(s.high, s.low, acceleration, maximum);
        const ref = runTalib('SAR', s, { optInAcceleration: acceleration, optInMaximum: maximum });
        expectTalib('SAR', ours, ref, 'outReal', 1);
        expectSame('SAR', streamColumns(new Sar(acceleration, maximum), s, single)[0], ours);
      });
    }

    for (const period of [14, 2, 25]) {
      it(`AROON ${period}`, () => {
        if (!s) return;
        const ours = aroon(s.high, s.low, period);
        const ref = runTalib('AROON', s, { optInTimePeriod: period });
        expectTalib('AROON down', ours.aroonDown, ref, 'outAroonDown', period);
        expectTalib('AROON up', ours.aroonUp, ref, 'outAroonUp', period);
        const [down, up] = streamColumns(new Aroon(period), s, [(r) => r.aroonDown, (r) => r.aroonUp]);
        expectSame('AROON down', down, ours.aroonDown);
        expectSame('AROON up', up, ours.aroonUp);
      });
    }
  });
}
