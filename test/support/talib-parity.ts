import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type Bar, type Candle, type CandleColumns, toColumns } from '../../src/core/candles/candle.js';
import type { ContractCase } from '../../src/core/indicators/contract-case.js';
import type { BarIndicator } from '../../src/core/indicators/indicator.js';
import { candleAt, lcg } from './columns.js';
import { hasRealData, loadRealColumns } from './real-data.js';

/*
 * The TA-Lib parity harness the indicator tests share (src/core/indicators/<name>.test.ts). The
 * reference is TA-Lib 1.1.6 (the `talib` binding of TA-Lib C 0.6.0). It is called only with
 * every optIn parameter given: a missing or bad one in this synchronous form aborts the whole
 * process rather than throwing.
 *
 * Two styles, both checking the lookback (TA-Lib's begIndex equals our count of leading NaNs),
 * every batch value within 1e-9 (relative, or absolute near zero) of TA-Lib's, and the streaming
 * class candle by candle:
 * - described by a `ParitySpec` (a contract case plus the TA-Lib call), for the averages and
 *   oscillators: `describeRealDataParity` on the real BTCUSDT 1m and 1h files and
 *   `describeSyntheticParity` on a made-up series with flat runs, ties and a zero price;
 * - per indicator for the bar indicators, inside `describeParitySources` (a made-up series with
 *   flat runs and zero volume, then the real 1m and 1h files): `itEqualsTalib` for one output,
 *   `runTalib` / `expectTalib` / `streamColumns` / `expectSame` for the others.
 */

export interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}

interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}

const talib: Talib = createRequire(import.meta.url)('talib');

/** Equal within 1e-9, relative or (near zero) absolute. */
function near(a: number, b: number): boolean {
  const d = Math.abs(a - b);
  return d <= 1e-9 || d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

export function leadingNaNs(values: Float64Array): number {
  let i = 0;
  while (i < values.length && Number.isNaN(values[i])) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Spec style

export interface ParitySpec {
  readonly ours: ContractCase;
  /** TA-Lib function name and every optIn parameter (a missing one aborts the process). */
  readonly talib: string;
  /** The function takes high, low and close rather than one series (`inReal`, the closes). */
  readonly hlc?: boolean;
  readonly opts: Record<string, number>;
  /** TA-Lib output names, in the order of `ours.outputs`. */
  readonly talibOutputs: readonly string[];
}

const OUT = ['outReal'] as const;

/** Specs for a one-output indicator whose only parameter is TA-Lib's optInTimePeriod. */
export function periodSpecs(
  make: (p: number) => ContractCase,
  name: string,
  periods: readonly number[],
  hlc = false,
): ParitySpec[] {
  return periods.map((p) => ({
    ours: make(p),
    talib: name,
    hlc,
    opts: { optInTimePeriod: p },
    talibOutputs: OUT,
  }));
}

export const REAL_PARITY_FILES = ['binance_BTCUSDT_1m.csv.gz', 'binance_BTCUSDT_1h.csv.gz'] as const;

/**
 * For each spec, on the whole real BTCUSDT 1m file (13 weeks, no gaps) and the whole 1h file
 * (2017-2026, real exchange gaps and zero-volume placeholders): TA-Lib's begIndex equals our
 * lookback and our count of leading NaNs, every batch value is within 1e-9 of TA-Lib's, and the
 * streaming class gives the same numbers candle by candle.
 */
export function describeRealDataParity(specs: readonly ParitySpec[]): void {
  describe.skipIf(!hasRealData)('equals TA-Lib on real BTCUSDT candles', () => {
    for (const file of REAL_PARITY_FILES) {
      describe(file, () => {
        let series: CandleColumns | null = null;
        let arrays: { high: number[]; low: number[]; close: number[] } | null = null;
        const load = (): { s: CandleColumns; a: { high: number[]; low: number[]; close: number[] } } => {
          if (!series || !arrays) {
            series = loadRealColumns(file);
            arrays = {
              high: Array.from(series.high),
              low: Array.from(series.low),
              close: Array.from(series.close),
            };
          }
          return { s: series, a: arrays };
        };

        for (const spec of specs) {
          it(`${spec.ours.name} (TA-Lib ${spec.talib})`, () => {
            const { s, a } = load();
            const n = s.length;
            const inputs = spec.hlc ? { high: a.high, low: a.low, close: a.close } : { inReal: a.close };
            const ref = talib.execute({
              name: spec.talib,
              startIdx: 0,
              endIdx: n - 1,
              ...inputs,
              ...spec.opts,
            });
            expect(ref.nbElement, 'TA-Lib output count').toBe(n - ref.begIndex);
            expect(spec.ours.lookback, 'lookback').toBe(ref.begIndex);

            const batch = spec.ours.batch(s);
            expect(batch.length).toBe(spec.talibOutputs.length);
            for (let o = 0; o < batch.length; o++) {
              const ours = batch[o];
              const theirs = ref.result[spec.talibOutputs[o]];
              const label = `${spec.ours.name}.${spec.ours.outputs[o]}`;
              expect(ours.length).toBe(n);
              expect(leadingNaNs(ours), `${label} leading NaNs`).toBe(ref.begIndex);
              let worst = 0;
              for (let i = ref.begIndex; i < n; i++) {
                const t = theirs[i - ref.begIndex];
                if (!near(ours[i], t)) expect.fail(`${label} at ${i}: ours ${ours[i]} != TA-Lib ${t}`);
                worst = Math.max(worst, Math.abs(ours[i] - t));
              }
              expect(worst).toBeLessThanOrEqual(1e-9 * 1e5);
            }

            const stream = spec.ours.createStream();
            for (let i = 0; i < n; i++) {
              stream.push(candleAt(s, i));
              const row = stream.read();
              if (i < ref.begIndex) {
                if (row !== null)
                  expect.fail(`${spec.ours.name} stream gave a result at ${i} < ${ref.begIndex}`);
                continue;
              }
              if (row === null) expect.fail(`${spec.ours.name} stream gave no result at ${i}`);
              for (let o = 0; o < batch.length; o++) {
                const t = ref.result[spec.talibOutputs[o]][i - ref.begIndex];
                if (!near(row[o], t)) {
                  expect.fail(
                    `${spec.ours.name}.${spec.ours.outputs[o]} stream at ${i}: ${row[o]} != TA-Lib ${t}`,
                  );
                }
              }
            }
          });
        }
      });
    }
  });
}

/**
 * A made-up series that reaches the special cases real prices rarely do, so it runs without the
 * real data: long flat runs (zero range for STOCH/WILLR/CCI, zero variance for STDDEV/BBANDS, no
 * gain and no loss for RSI, zero path for KAMA), a zero price (ROC's guard), exact ties of highs
 * and lows, and sharp reversals. Deterministic (a fixed LCG).
 */
function flatRunsAndZeroPrice(): CandleColumns {
  const rand = lcg(987654321);
  const candles: Candle[] = [];
  let price = 200;
  for (let i = 0; i < 1500; i++) {
    const flat = i % 173 >= 90 && i % 173 < 150;
    if (!flat) price = Math.max(1, price + Math.round((rand() - 0.5) * 16) / 4);
    const close = i === 700 ? 0 : price;
    candles.push({
      openTime: i * 60_000,
      open: close,
      high: flat ? close : close + Math.round(rand() * 4) / 2,
      low: flat ? close : Math.max(0, close - Math.round(rand() * 4) / 2),
      close,
      volume: flat ? 0 : 1,
    });
  }
  return toColumns(candles);
}

/** For each spec on `flatRunsAndZeroPrice`: TA-Lib's values, batch and stream, within 1e-9. */
export function describeSyntheticParity(specs: readonly ParitySpec[]): void {
  describe('TA-Lib parity on a synthetic series with flat runs, ties and a zero price', () => {
    const cols = flatRunsAndZeroPrice();
    const n = cols.length;
    const a = { high: Array.from(cols.high), low: Array.from(cols.low), close: Array.from(cols.close) };

    for (const spec of specs) {
      const { ours, talib: name, hlc, opts, talibOutputs: outputs } = spec;
      it(`${ours.name} equals TA-Lib ${name}, batch and stream`, () => {
        const ref = talib.execute({
          name,
          startIdx: 0,
          endIdx: n - 1,
          ...(hlc ? a : { inReal: a.close }),
          ...opts,
        });
        expect(ref.begIndex).toBe(ours.lookback);
        const batch = ours.batch(cols);
        const stream = ours.createStream();
        const rows: (number[] | null)[] = [];
        for (let i = 0; i < n; i++) {
          stream.push(candleAt(cols, i));
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
}

// ---------------------------------------------------------------------------------------------
// Per-indicator style

const talibInputs = new WeakMap<CandleColumns, Record<string, number[]>>();

/** TA-Lib function `name` over the whole series, with `options` (give every optIn parameter). */
export function runTalib(name: string, s: CandleColumns, options: Record<string, number>): TalibResult {
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

/** Our batch column against TA-Lib output `output`: length, lookback, leading NaNs, every value. */
export function expectTalib(
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

/**
 * Feeds every bar to a fresh stream and lays its results out like a batch column, checking that
 * it is stable and has a result exactly from its lookback on.
 */
export function streamColumns<T>(
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

/** `streamColumns`' pick for a one-number result. */
export const SINGLE = [(v: number) => v] as const;

/** Stream and batch columns within 1e-9, NaN where the other is NaN. */
export function expectSame(label: string, stream: Float64Array, batch: Float64Array): void {
  for (let i = 0; i < batch.length; i++) {
    const a = stream[i];
    const b = batch[i];
    if (Number.isNaN(a) !== Number.isNaN(b) || (!Number.isNaN(a) && !near(a, b))) {
      expect.fail(`${label} stream ${a} != batch ${b} at ${i}`);
    }
  }
}

/** Equal to the bit (NaN where the other is NaN): for faces that promise the same operations. */
export function expectIdentical(label: string, stream: Float64Array, batch: Float64Array): void {
  expect(stream.length, `${label} length`).toBe(batch.length);
  for (let i = 0; i < batch.length; i++) {
    if (!Object.is(stream[i], batch[i]))
      expect.fail(`${label} stream ${stream[i]} !== batch ${batch[i]} at ${i}`);
  }
}

/** What `itEqualsTalib` compares for a one-output bar indicator. */
export interface OneOutputParity {
  /** TA-Lib function and every optIn parameter it takes. */
  readonly talib: string;
  readonly options: Record<string, number>;
  readonly lookback: number;
  readonly batch: (s: CandleColumns) => Float64Array;
  readonly stream: () => BarIndicator<number>;
}

/** A test that a one-output bar indicator's batch equals TA-Lib and its stream equals its batch. */
export function itEqualsTalib(title: string, series: () => CandleColumns, c: OneOutputParity): void {
  it(title, () => {
    const s = series();
    const ours = c.batch(s);
    expectTalib(c.talib, ours, runTalib(c.talib, s, c.options), 'outReal', c.lookback);
    expectSame(c.talib, streamColumns(c.stream(), s, SINGLE)[0], ours);
  });
}

/**
 * A made-up series that visits TA-Lib's special cases the real data rarely does: runs of
 * identical flat bars (true range 0, so ADX's TR and DI-sum guards), zero-volume bars (MFI's
 * total < 1 rule), equal highs/lows inside a window (AROON ties), inside and outside bars.
 * Deterministic (a fixed LCG), so the test is reproducible without real data.
 */
function flatRunsAndZeroVolume(n: number): CandleColumns {
  const rand = lcg(12345);
  const candles: Candle[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const flat = i % 151 >= 80 && i % 151 < 150;
    if (!flat) price = Math.max(1, price + (rand() - 0.5) * 4);
    const close = flat ? price : Math.round(price * 4) / 4;
    const high = flat ? price : close + Math.round(rand() * 8) / 4;
    const low = flat ? price : close - Math.round(rand() * 8) / 4;
    const volume = flat || i % 13 === 0 ? 0 : Math.round(rand() * 1000) / 10;
    candles.push({ openTime: i * 60_000, open: close, high, low, close, volume });
  }
  return toColumns(candles);
}

const SOURCES: { label: string; skip: boolean; load: () => CandleColumns }[] = [
  {
    label: 'a synthetic series with flat runs and zero volume',
    skip: false,
    load: () => flatRunsAndZeroVolume(5000),
  },
  ...REAL_PARITY_FILES.map((file) => ({
    label: file,
    skip: !hasRealData,
    load: () => loadRealColumns(file),
  })),
];

/**
 * Runs `body` once per parity source, inside a describe of its own: the synthetic series with
 * flat runs and zero volume, then the real BTCUSDT 1m and 1h files (skipped, with the loader's
 * message, when the real data is absent). `body` registers its tests; `series()` gives the
 * source's columns inside them.
 */
export function describeParitySources(body: (series: () => CandleColumns) => void): void {
  for (const source of SOURCES) {
    describe.skipIf(source.skip)(`TA-Lib parity on ${source.label}`, () => {
      let loaded: CandleColumns | null = null;
      body(() => {
        loaded ??= source.load();
        return loaded;
      });
    });
  }
}
