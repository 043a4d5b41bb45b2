import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { CandleColumns } from '../candles/candle.js';
import { casesA } from './catalog-a.js';
import type { ContractCase } from './contract-case.js';

/**
 * Every part-A indicator against TA-Lib 1.1.6 (the `talib` binding of TA-Lib C 0.6.0) on real
 * Binance BTCUSDT candles: the whole 1m file (13 weeks, no gaps) and the whole 1h file
 * (2017-2026, real exchange gaps and zero-volume placeholders). For each parameter set:
 * TA-Lib's begIndex equals our lookback and our count of leading NaNs, every batch value is
 * within 1e-9 (relative, or absolute near zero) of TA-Lib's, and the streaming class gives
 * the same numbers candle by candle.
 */

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}
const talib: Talib = createRequire(import.meta.url)('talib');

interface ParitySpec {
  readonly ours: ContractCase;
  /** TA-Lib function name and every optIn parameter (a missing one aborts the process). */
  readonly talib: string;
  readonly hlc?: boolean;
  readonly opts: Record<string, number>;
  /** TA-Lib output names, in the order of `ours.outputs`. */
  readonly talibOutputs: readonly string[];
}

const OUT = ['outReal'] as const;

function single(
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

const specs: ParitySpec[] = [
  // TA-Lib defaults first, then a short and a long window.
  ...single(casesA.sma, 'SMA', [30, 2, 200]),
  ...single(casesA.ema, 'EMA', [30, 2, 200]),
  ...single(casesA.wma, 'WMA', [30, 2, 100]),
  ...single(casesA.dema, 'DEMA', [30, 2, 100]),
  ...single(casesA.tema, 'TEMA', [30, 2, 50]),
  ...single(casesA.kama, 'KAMA', [30, 10, 2]),
  ...single(casesA.rsi, 'RSI', [14, 2, 50]),
  ...single(casesA.roc, 'ROC', [10, 1, 100]),
  ...single(casesA.mom, 'MOM', [10, 1, 100]),
  ...single(casesA.cci, 'CCI', [14, 2, 50], true),
  ...single(casesA.willr, 'WILLR', [14, 2, 50], true),
  ...(
    [
      [5, 3, 3],
      [14, 3, 3],
      [5, 1, 1],
    ] as const
  ).map(
    ([k, sk, sd]): ParitySpec => ({
      ours: casesA.stoch(k, sk, sd),
      talib: 'STOCH',
      hlc: true,
      opts: {
        optInFastK_Period: k,
        optInSlowK_Period: sk,
        optInSlowK_MAType: 0,
        optInSlowD_Period: sd,
        optInSlowD_MAType: 0,
      },
      talibOutputs: ['outSlowK', 'outSlowD'],
    }),
  ),
  ...(
    [
      [14, 5, 3],
      [14, 14, 3],
      [7, 3, 1],
    ] as const
  ).map(
    ([p, k, d]): ParitySpec => ({
      ours: casesA.stochrsi(p, k, d),
      talib: 'STOCHRSI',
      opts: { optInTimePeriod: p, optInFastK_Period: k, optInFastD_Period: d, optInFastD_MAType: 0 },
      talibOutputs: ['outFastK', 'outFastD'],
    }),
  ),
  ...(
    [
      [12, 26, 9],
      [5, 35, 5],
      // TA-Lib swaps a fast period above the slow one.
      [26, 12, 2],
    ] as const
  ).map(
    ([f, s, g]): ParitySpec => ({
      ours: casesA.macd(f, s, g),
      talib: 'MACD',
      opts: { optInFastPeriod: f, optInSlowPeriod: s, optInSignalPeriod: g },
      talibOutputs: ['outMACD', 'outMACDSignal', 'outMACDHist'],
    }),
  ),
  ...(
    [
      [5, 2, 2],
      [20, 2, 2],
      [10, 1.5, 2.5],
    ] as const
  ).map(
    ([p, up, dn]): ParitySpec => ({
      ours: casesA.bbands(p, up, dn),
      talib: 'BBANDS',
      opts: { optInTimePeriod: p, optInNbDevUp: up, optInNbDevDn: dn, optInMAType: 0 },
      talibOutputs: ['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand'],
    }),
  ),
  ...(
    [
      [5, 1],
      [20, 1],
      [10, 2.5],
    ] as const
  ).map(
    ([p, dev]): ParitySpec => ({
      ours: casesA.stddev(p, dev),
      talib: 'STDDEV',
      opts: { optInTimePeriod: p, optInNbDev: dev },
      talibOutputs: OUT,
    }),
  ),
];

function within(a: number, b: number): boolean {
  const d = Math.abs(a - b);
  return d <= 1e-9 || d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function leadingNaNs(values: Float64Array): number {
  let i = 0;
  while (i < values.length && Number.isNaN(values[i])) i++;
  return i;
}

const FILES = ['binance_BTCUSDT_1m.csv.gz', 'binance_BTCUSDT_1h.csv.gz'] as const;

describe.skipIf(!hasRealData)('part-A indicators equal TA-Lib on real BTCUSDT candles', () => {
  for (const file of FILES) {
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

      it('has the expected size', () => {
        expect(load().s.length).toBe(file.includes('1m') ? 130_708 : 74_726);
      });

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
              if (!within(ours[i], t)) expect.fail(`${label} at ${i}: ours ${ours[i]} != TA-Lib ${t}`);
              worst = Math.max(worst, Math.abs(ours[i] - t));
            }
            expect(worst).toBeLessThanOrEqual(1e-9 * 1e5);
          }

          const stream = spec.ours.createStream();
          for (let i = 0; i < n; i++) {
            stream.push({
              openTime: s.openTime[i],
              open: s.open[i],
              high: s.high[i],
              low: s.low[i],
              close: s.close[i],
              volume: s.volume[i],
            });
            const row = stream.read();
            if (i < ref.begIndex) {
              if (row !== null)
                expect.fail(`${spec.ours.name} stream gave a result at ${i} < ${ref.begIndex}`);
              continue;
            }
            if (row === null) expect.fail(`${spec.ours.name} stream gave no result at ${i}`);
            for (let o = 0; o < batch.length; o++) {
              const t = ref.result[spec.talibOutputs[o]][i - ref.begIndex];
              if (!within(row[o], t)) {
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
