import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndicatorsSync } from '@ixjb94/indicators';
import * as indicatorts from 'indicatorts';
import * as ti from 'technicalindicators';
import * as tsig from 'trading-signals';
import { readCandleRows } from '../src/adapters/market/candle-file.js';
import type { Bar, Candle, CandleColumns } from '../src/core/candles/candle.js';
import { Adx, adx } from '../src/core/indicators/adx.js';
import { Atr, atr } from '../src/core/indicators/atr.js';
import { Bbands, bbands } from '../src/core/indicators/bbands.js';
import { Ema, ema } from '../src/core/indicators/ema.js';
import { Macd, macd } from '../src/core/indicators/macd.js';
import { Obv, obv } from '../src/core/indicators/obv.js';
import { Rsi, rsi } from '../src/core/indicators/rsi.js';
import { Sma, sma } from '../src/core/indicators/sma.js';
import { Stoch, stoch } from '../src/core/indicators/stoch.js';
import { candlePattern, PATTERN_NAMES, talibFunctionName } from '../src/core/patterns/candlesticks.js';
import { PatternScanner } from '../src/core/patterns/scanner.js';
import { benchDir, DATA_DIR, fmt, machine, median, table, writeResults } from './lib.js';

/*
 * Indicator throughput against the npm peers. Batch functions are all timed in this process, in
 * the same interleaved rounds. Streaming implementations are each timed in fresh processes of
 * their own (bench/indicators-stream-worker.ts), one after another in rotating order: timed in
 * one process, one implementation's compiled code and garbage slowed the others down by up to
 * 3x. Either way a burst of load on the shared machine lands on all of them alike, so the ratios
 * hold even though the absolute numbers are noisy.
 *
 * Input: the real BTCUSDT 1m candles (13 weeks) repeated until there are CANDLES of them. Each
 * copy is re-timed to follow the previous one and its prices are scaled so that its first open
 * equals the previous copy's last close: the series stays continuous (no price jump at the
 * seams), every copy keeps the real candle shapes, and volumes are kept as they are.
 */

const FILE = 'binance_BTCUSDT_1m.csv.gz';
/** `BENCH_CANDLES` shrinks the input for a quick try; the published numbers use the default. */
const CANDLES = Number(process.env.BENCH_CANDLES ?? 1_000_000);
/** Batch: measured rounds for implementations that take under SLOW_MS a call, and for the others. */
const ROUNDS = 7;
const SLOW_ROUNDS = 3;
const SLOW_MS = 1_500;
/**
 * Streaming: each implementation runs in PROCESS_ROUNDS processes of its own, and each process
 * times RUNS_PER_PROCESS runs, or SLOW_RUNS_PER_PROCESS if a run takes over STREAMING_SLOW_MS.
 * Each process spends about 1.5 s starting and building the input, so the cutoff is lower than
 * SLOW_MS: the slowest peers would otherwise keep the whole bench past 8 minutes.
 */
const PROCESS_ROUNDS = 3;
export const RUNS_PER_PROCESS = 3;
export const SLOW_RUNS_PER_PROCESS = 1;
export const STREAMING_SLOW_MS = 500;
const STREAMING_ISOLATION =
  `one process per implementation per round: ${PROCESS_ROUNDS} rounds, the order of the implementations ` +
  `rotated each round; each process warms up (2 runs) and times ${RUNS_PER_PROCESS} runs, or 1 and ` +
  `${SLOW_RUNS_PER_PROCESS} for an implementation whose first run in the first round took over ${STREAMING_SLOW_MS} ms`;
const WORKER = join(benchDir, 'indicators-stream-worker.ts');
/** Relative difference at the last index above which a peer's value is reported. */
const TOLERANCE = 1e-6;

type Mode = 'batch' | 'streaming';

const BATCH_PEERS = ['@ixjb94/indicators', 'indicatorts', 'technicalindicators', 'talib'] as const;
const STREAMING_PEERS = ['trading-signals', 'technicalindicators'] as const;
type Peer = (typeof BATCH_PEERS)[number] | (typeof STREAMING_PEERS)[number];

/** Last-index values by output name; names shared by ours and a peer are compared. */
export type Probe = Record<string, number>;

export interface Impl {
  /** Runs the whole computation once and returns its output. */
  run(): unknown;
  /** The last-index values of an output of `run`. */
  probe(out: unknown): Probe;
  /** A known difference of convention, printed whatever the sanity check finds. */
  note?: string;
}

/**
 * The harness calls each implementation's own function, never a shared wrapper: a wrapper
 * common to all of them gets optimised with one of them inlined and then slows the others (we
 * measured our streaming MACD 3x slower that way). Outputs are not kept past the probe, so the
 * heap stays the same size from one measurement to the next.
 */
function impl<T>(run: () => T, probe: (out: T) => Probe, note?: string): Impl {
  return { run, probe: (out) => probe(out as T), note };
}

export interface Case {
  indicator: string;
  mode: Mode;
  ours: Impl;
  peers: Partial<Record<Peer, Impl>>;
  /**
   * Streaming only, where a goal is in doubt: the indicator's arithmetic as a bare loop over the
   * same inputs, with no object, no ring and no warm-up handling. Not a usable streaming
   * implementation: a floor that shows how fast any implementation could go on this input, so
   * the best ratio any implementation could reach against a peer is peer time / floor time.
   */
  floor?: Impl;
}

interface Plain {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

export interface Input {
  cols: CandleColumns;
  plain: Plain;
  bars: Candle[];
}

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}
const talib = createRequire(import.meta.url)('talib') as Talib;

async function loadBase(path: string): Promise<Candle[]> {
  const base: Candle[] = [];
  for await (const batch of readCandleRows(path)) for (const r of batch) if (r.ok) base.push(r.candle);
  return base;
}

/** The base candles repeated to `n`, each copy re-timed and scaled to continue the previous one. */
function extend(base: readonly Candle[], n: number): CandleColumns {
  const cols = {
    length: n,
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const first = base[0];
  const last = base[base.length - 1];
  const span = last.openTime - first.openTime + 60_000;
  const growth = last.close / first.open;
  let scale = 1;
  for (let i = 0, copy = 0; i < n; copy++, scale *= growth) {
    for (let j = 0; j < base.length && i < n; j++, i++) {
      const c = base[j];
      cols.openTime[i] = c.openTime + copy * span;
      cols.open[i] = c.open * scale;
      cols.high[i] = c.high * scale;
      cols.low[i] = c.low * scale;
      cols.close[i] = c.close * scale;
      cols.volume[i] = c.volume;
    }
  }
  return cols;
}

export function prepare(cols: CandleColumns): Input {
  const plain: Plain = {
    open: Array.from(cols.open),
    high: Array.from(cols.high),
    low: Array.from(cols.low),
    close: Array.from(cols.close),
    volume: Array.from(cols.volume),
  };
  // Shaped as the candle readers make them, which is what streaming indicators get in the product.
  const bars: Candle[] = new Array(cols.length);
  for (let i = 0; i < cols.length; i++) {
    bars[i] = {
      openTime: cols.openTime[i],
      open: cols.open[i],
      high: cols.high[i],
      low: cols.low[i],
      close: cols.close[i],
      volume: cols.volume[i],
    };
  }
  return { cols, plain, bars };
}

/** The columns as the streaming workers read them: each column's float64s, one after another. */
const COLUMN_KEYS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const;

function writeColumns(cols: CandleColumns, path: string): void {
  const views = COLUMN_KEYS.map((key) =>
    Buffer.from(cols[key].buffer, cols[key].byteOffset, cols[key].byteLength),
  );
  writeFileSync(path, Buffer.concat(views));
}

export function readColumns(path: string): CandleColumns {
  const bytes = readFileSync(path);
  const n = bytes.byteLength / 8 / COLUMN_KEYS.length;
  if (!Number.isInteger(n))
    throw new Error(`${path}: ${bytes.byteLength} bytes is not ${COLUMN_KEYS.length} columns`);
  // Copied into a buffer of its own each, as the parent's are (and aligned, which the file's may not be).
  const column = (key: (typeof COLUMN_KEYS)[number]): Float64Array => {
    const start = bytes.byteOffset + COLUMN_KEYS.indexOf(key) * n * 8;
    return new Float64Array(bytes.buffer.slice(start, start + n * 8));
  };
  return {
    length: n,
    openTime: column('openTime'),
    open: column('open'),
    high: column('high'),
    low: column('low'),
    close: column('close'),
    volume: column('volume'),
  };
}

const lastOf = (xs: ArrayLike<number>): number => xs[xs.length - 1];

function talibRun(name: string, n: number, params: Record<string, unknown>): TalibResult {
  // Every optIn is given by the callers: the synchronous binding aborts the process on a missing one.
  return talib.execute({ name, startIdx: 0, endIdx: n - 1, ...params });
}

const talibLast = (r: TalibResult, key: string): number => r.result[key][r.nbElement - 1];

const STOCH_FAST_NOTE =
  'computes the fast stochastic (%K 14, %D 3): its %D is our slow %K, compared as such; no slow %D';
const OBV_ZERO_NOTE = 'starts OBV at 0 where TA-Lib starts at the first volume';

function batchCases(input: Input): Case[] {
  const { cols, plain: p } = input;
  const n = cols.length;
  const { close, high, low, volume } = cols;
  const ix = new IndicatorsSync();
  return [
    {
      indicator: 'SMA(20)',
      mode: 'batch',
      ours: impl(
        () => sma(close, 20),
        (o) => ({ sma: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.sma(p.close, 20),
          (o) => ({ sma: lastOf(o) }),
        ),
        indicatorts: impl(
          () => indicatorts.sma(p.close, { period: 20 }),
          (o) => ({ sma: lastOf(o) }),
        ),
        technicalindicators: impl(
          () => ti.SMA.calculate({ period: 20, values: p.close }),
          (o) => ({ sma: lastOf(o) }),
        ),
        talib: impl(
          () => talibRun('SMA', n, { inReal: p.close, optInTimePeriod: 20 }),
          (r) => ({ sma: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'EMA(20)',
      mode: 'batch',
      ours: impl(
        () => ema(close, 20),
        (o) => ({ ema: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.ema(p.close, 20),
          (o) => ({ ema: lastOf(o) }),
        ),
        indicatorts: impl(
          () => indicatorts.ema(p.close, { period: 20 }),
          (o) => ({ ema: lastOf(o) }),
        ),
        technicalindicators: impl(
          () => ti.EMA.calculate({ period: 20, values: p.close }),
          (o) => ({ ema: lastOf(o) }),
        ),
        talib: impl(
          () => talibRun('EMA', n, { inReal: p.close, optInTimePeriod: 20 }),
          (r) => ({ ema: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'RSI(14)',
      mode: 'batch',
      ours: impl(
        () => rsi(close, 14),
        (o) => ({ rsi: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.rsi(p.close, 14),
          (o) => ({ rsi: lastOf(o) }),
        ),
        indicatorts: impl(
          () => indicatorts.rsi(p.close, { period: 14 }),
          (o) => ({ rsi: lastOf(o) }),
        ),
        technicalindicators: impl(
          () => ti.RSI.calculate({ period: 14, values: p.close }),
          (o) => ({ rsi: lastOf(o) }),
          'rounds RSI to 2 decimals',
        ),
        talib: impl(
          () => talibRun('RSI', n, { inReal: p.close, optInTimePeriod: 14 }),
          (r) => ({ rsi: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'MACD(12,26,9)',
      mode: 'batch',
      ours: impl(
        () => macd(close, 12, 26, 9),
        (o) => ({ macd: lastOf(o.macd), signal: lastOf(o.signal), histogram: lastOf(o.histogram) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.macd(p.close, 12, 26, 9),
          (o) => ({ macd: lastOf(o[0]), signal: lastOf(o[1]), histogram: lastOf(o[2]) }),
        ),
        indicatorts: impl(
          () => indicatorts.macd(p.close, { fast: 12, slow: 26, signal: 9 }),
          (o) => ({ macd: lastOf(o.macdLine), signal: lastOf(o.signalLine) }),
          'no histogram output',
        ),
        technicalindicators: impl(
          () =>
            ti.MACD.calculate({
              values: p.close,
              fastPeriod: 12,
              slowPeriod: 26,
              signalPeriod: 9,
              SimpleMAOscillator: false,
              SimpleMASignal: false,
            }),
          (o) => {
            const r = o[o.length - 1];
            return {
              macd: r.MACD ?? Number.NaN,
              signal: r.signal ?? Number.NaN,
              histogram: r.histogram ?? 0,
            };
          },
        ),
        talib: impl(
          () =>
            talibRun('MACD', n, {
              inReal: p.close,
              optInFastPeriod: 12,
              optInSlowPeriod: 26,
              optInSignalPeriod: 9,
            }),
          (r) => ({
            macd: talibLast(r, 'outMACD'),
            signal: talibLast(r, 'outMACDSignal'),
            histogram: talibLast(r, 'outMACDHist'),
          }),
        ),
      },
    },
    {
      indicator: 'ATR(14)',
      mode: 'batch',
      ours: impl(
        () => atr(high, low, close, 14),
        (o) => ({ atr: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.atr(p.high, p.low, p.close, 14),
          (o) => ({ atr: lastOf(o) }),
        ),
        indicatorts: impl(
          () => indicatorts.atr(p.high, p.low, p.close, { period: 14 }),
          (o) => ({ atr: lastOf(o.atrLine) }),
          'ATR is a simple mean of the true range, not Wilder smoothing',
        ),
        technicalindicators: impl(
          () => ti.ATR.calculate({ high: p.high, low: p.low, close: p.close, period: 14 }),
          (o) => ({ atr: lastOf(o) }),
        ),
        talib: impl(
          () => talibRun('ATR', n, { high: p.high, low: p.low, close: p.close, optInTimePeriod: 14 }),
          (r) => ({ atr: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'BBANDS(20,2)',
      mode: 'batch',
      ours: impl(
        () => bbands(close, 20, 2, 2),
        (o) => ({ upper: lastOf(o.upper), middle: lastOf(o.middle), lower: lastOf(o.lower) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.bbands(p.close, 20, 2),
          (o) => ({ lower: lastOf(o[0]), middle: lastOf(o[1]), upper: lastOf(o[2]) }),
        ),
        indicatorts: impl(
          () => indicatorts.bb(p.close, { period: 20 }),
          (o) => ({ upper: lastOf(o.upper), middle: lastOf(o.middle), lower: lastOf(o.lower) }),
          'deviation multiplier fixed at 2',
        ),
        technicalindicators: impl(
          () => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: p.close }),
          (o) => {
            const r = o[o.length - 1];
            return { upper: r.upper, middle: r.middle, lower: r.lower };
          },
        ),
        talib: impl(
          () =>
            talibRun('BBANDS', n, {
              inReal: p.close,
              optInTimePeriod: 20,
              optInNbDevUp: 2,
              optInNbDevDn: 2,
              optInMAType: 0,
            }),
          (r) => ({
            upper: talibLast(r, 'outRealUpperBand'),
            middle: talibLast(r, 'outRealMiddleBand'),
            lower: talibLast(r, 'outRealLowerBand'),
          }),
        ),
      },
    },
    {
      indicator: 'OBV',
      mode: 'batch',
      ours: impl(
        () => obv(close, volume),
        (o) => ({ obv: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.obv(p.close, p.volume),
          (o) => ({ obv: lastOf(o) }),
          OBV_ZERO_NOTE,
        ),
        indicatorts: impl(
          () => indicatorts.obv(p.close, p.volume),
          (o) => ({ obv: lastOf(o) }),
          OBV_ZERO_NOTE,
        ),
        technicalindicators: impl(
          () => ti.OBV.calculate({ close: p.close, volume: p.volume }),
          (o) => ({ obv: lastOf(o) }),
          OBV_ZERO_NOTE,
        ),
        talib: impl(
          () => talibRun('OBV', n, { inReal: p.close, volume: p.volume }),
          (r) => ({ obv: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'ADX(14)',
      mode: 'batch',
      ours: impl(
        () => adx(high, low, close, 14),
        (o) => ({ adx: lastOf(o) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.adx(p.high, p.low, 14),
          (o) => ({ adx: lastOf(o) }),
          'reads high and low only (DX from the DM ratio, no true range)',
        ),
        technicalindicators: impl(
          () => ti.ADX.calculate({ high: p.high, low: p.low, close: p.close, period: 14 }),
          (o) => ({ adx: o[o.length - 1].adx }),
          'also returns +DI/-DI',
        ),
        talib: impl(
          () => talibRun('ADX', n, { high: p.high, low: p.low, close: p.close, optInTimePeriod: 14 }),
          (r) => ({ adx: talibLast(r, 'outReal') }),
        ),
      },
    },
    {
      indicator: 'STOCH(14,3,3)',
      mode: 'batch',
      ours: impl(
        () => stoch(high, low, close, 14, 3, 3),
        (o) => ({ slowK: lastOf(o.slowK), slowD: lastOf(o.slowD) }),
      ),
      peers: {
        '@ixjb94/indicators': impl(
          () => ix.stoch(p.high, p.low, p.close, 14, 3, 3),
          (o) => ({ slowK: lastOf(o[0]), slowD: lastOf(o[1]) }),
        ),
        indicatorts: impl(
          () => indicatorts.stoch(p.high, p.low, p.close, { kPeriod: 14, dPeriod: 3 }),
          (o) => ({ slowK: lastOf(o.d) }),
          STOCH_FAST_NOTE,
        ),
        technicalindicators: impl(
          () =>
            ti.Stochastic.calculate({
              high: p.high,
              low: p.low,
              close: p.close,
              period: 14,
              signalPeriod: 3,
            }),
          (o) => ({ slowK: o[o.length - 1].d }),
          STOCH_FAST_NOTE,
        ),
        talib: impl(
          () =>
            talibRun('STOCH', n, {
              high: p.high,
              low: p.low,
              close: p.close,
              optInFastK_Period: 14,
              optInSlowK_Period: 3,
              optInSlowK_MAType: 0,
              optInSlowD_Period: 3,
              optInSlowD_MAType: 0,
            }),
          (r) => ({ slowK: talibLast(r, 'outSlowK'), slowD: talibLast(r, 'outSlowD') }),
        ),
      },
    },
  ];
}

/** One value per step into a streaming indicator; returns the last result. */
function streamValues<R>(values: ArrayLike<number>, update: (x: number) => R): R | undefined {
  let last: R | undefined;
  for (let i = 0; i < values.length; i++) last = update(values[i]);
  return last;
}

function streamBars<R>(bars: readonly Bar[], update: (bar: Bar) => R): R | undefined {
  let last: R | undefined;
  for (let i = 0; i < bars.length; i++) last = update(bars[i]);
  return last;
}

const num = (x: number | null | undefined): number => (typeof x === 'number' ? x : Number.NaN);

export function streamingCases(input: Input): Case[] {
  const { cols, plain: p, bars } = input;
  const close = cols.close;
  // Each run builds a fresh instance and feeds it every candle; the loops are written out per
  // implementation so each call site sees one class only.
  return [
    {
      indicator: 'SMA(20)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Sma(20);
          let r: number | null = null;
          for (let i = 0; i < close.length; i++) r = s.update(close[i]);
          return r;
        },
        (r) => ({ sma: num(r) }),
      ),
      floor: impl(
        () => {
          // the running sum of the last 20, the leaving value read back from the input itself
          let sum = 0;
          for (let i = 0; i < 20; i++) sum += close[i];
          let r = sum / 20;
          for (let i = 20; i < close.length; i++) {
            sum = sum - close[i - 20] + close[i];
            r = sum / 20;
          }
          return r;
        },
        (r) => ({ sma: r }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.SMA(20);
            return streamValues(p.close, (x) => s.add(x));
          },
          (r) => ({ sma: num(r) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.SMA({ period: 20, values: [] });
            return streamValues(p.close, (x) => s.nextValue(x));
          },
          (r) => ({ sma: num(r) }),
        ),
      },
    },
    {
      indicator: 'EMA(20)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Ema(20);
          let r: number | null = null;
          for (let i = 0; i < close.length; i++) r = s.update(close[i]);
          return r;
        },
        (r) => ({ ema: num(r) }),
      ),
      floor: impl(
        () => {
          // the recurrence alone, its value in a register: each step waits for the previous one
          const k = 2 / 21;
          let sum = 0;
          for (let i = 0; i < 20; i++) sum += close[i];
          let e = sum / 20;
          for (let i = 20; i < close.length; i++) e = (close[i] - e) * k + e;
          return e;
        },
        (r) => ({ ema: r }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.EMA(20);
            return streamValues(p.close, (x) => s.add(x));
          },
          (r) => ({ ema: num(r) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.EMA({ period: 20, values: [] });
            return streamValues(p.close, (x) => s.nextValue(x));
          },
          (r) => ({ ema: num(r) }),
        ),
      },
    },
    {
      indicator: 'RSI(14)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Rsi(14);
          let r: number | null = null;
          for (let i = 0; i < close.length; i++) r = s.update(close[i]);
          return r;
        },
        (r) => ({ rsi: num(r) }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.RSI(14);
            return streamValues(p.close, (x) => s.add(x));
          },
          (r) => ({ rsi: num(r) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.RSI({ period: 14, values: [] });
            return streamValues(p.close, (x) => s.nextValue(x));
          },
          (r) => ({ rsi: num(r) }),
          'rounds RSI to 2 decimals',
        ),
      },
    },
    {
      indicator: 'MACD(12,26,9)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Macd(12, 26, 9);
          for (let i = 0; i < close.length; i++) s.update(close[i]);
          const r = s.getResult();
          return r === null ? null : { ...r };
        },
        (r) => ({ macd: num(r?.macd), signal: num(r?.signal), histogram: num(r?.histogram) }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.MACD(new tsig.EMA(12), new tsig.EMA(26), new tsig.EMA(9));
            return streamValues(p.close, (x) => s.add(x));
          },
          (r) => ({ macd: num(r?.macd), signal: num(r?.signal), histogram: num(r?.histogram) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.MACD({
              values: [],
              fastPeriod: 12,
              slowPeriod: 26,
              signalPeriod: 9,
              SimpleMAOscillator: false,
              SimpleMASignal: false,
            });
            return streamValues(p.close, (x) => s.nextValue(x));
          },
          (r) => ({ macd: num(r?.MACD), signal: num(r?.signal), histogram: num(r?.histogram) }),
        ),
      },
    },
    {
      indicator: 'ATR(14)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Atr(14);
          let r: number | null = null;
          for (let i = 0; i < bars.length; i++) r = s.update(bars[i]);
          return r;
        },
        (r) => ({ atr: num(r) }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.ATR(14);
            return streamBars(bars, (b) => s.add(b));
          },
          (r) => ({ atr: num(r) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.ATR({ high: [], low: [], close: [], period: 14 });
            return streamBars(bars, (b) => s.nextValue(b));
          },
          (r) => ({ atr: num(r) }),
        ),
      },
    },
    {
      indicator: 'BBANDS(20,2)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Bbands(20, 2, 2);
          for (let i = 0; i < close.length; i++) s.update(close[i]);
          const r = s.getResult();
          return r === null ? null : { ...r };
        },
        (r) => ({ upper: num(r?.upper), middle: num(r?.middle), lower: num(r?.lower) }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.BollingerBands(20, 2);
            return streamValues(p.close, (x) => s.add(x));
          },
          (r) => ({ upper: num(r?.upper), middle: num(r?.middle), lower: num(r?.lower) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.BollingerBands({ period: 20, stdDev: 2, values: [] });
            return streamValues(p.close, (x) => s.nextValue(x));
          },
          (r) => ({ upper: num(r?.upper), middle: num(r?.middle), lower: num(r?.lower) }),
        ),
      },
    },
    {
      indicator: 'OBV',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Obv();
          let r: number | null = null;
          for (let i = 0; i < bars.length; i++) r = s.update(bars[i]);
          return r;
        },
        (r) => ({ obv: num(r) }),
      ),
      floor: impl(
        () => {
          // the close and volume of every candle object read, the sign added: nothing kept in an object
          let v = bars[0].volume;
          let prev = bars[0].close;
          for (let i = 1; i < bars.length; i++) {
            const b = bars[i];
            const c = b.close;
            v += b.volume * (+(c > prev) - +(c < prev));
            prev = c;
          }
          return v;
        },
        (r) => ({ obv: r }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            // Its interval is the candle window it keeps; 2 (this and the previous) is plain OBV.
            const s = new tsig.OBV(2);
            return streamBars(bars, (b) => s.add(b));
          },
          (r) => ({ obv: num(r) }),
          OBV_ZERO_NOTE,
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.OBV({ close: [], volume: [] });
            return streamBars(bars, (b) => s.nextValue(b));
          },
          (r) => ({ obv: num(r) }),
          OBV_ZERO_NOTE,
        ),
      },
    },
    {
      indicator: 'ADX(14)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Adx(14);
          for (let i = 0; i < bars.length; i++) s.update(bars[i]);
          return num(s.getResult()?.adx);
        },
        (r) => ({ adx: r }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.ADX(14);
            return streamBars(bars, (b) => s.add(b));
          },
          (r) => ({ adx: num(r) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.ADX({ high: [], low: [], close: [], period: 14 });
            // Its typings say `number`; it takes a candle, as its batch form reads high/low/close.
            const next = s.nextValue.bind(s) as unknown as (bar: Bar) => { adx: number } | undefined;
            return streamBars(bars, next);
          },
          (r) => ({ adx: num(r?.adx) }),
        ),
      },
    },
    {
      indicator: 'STOCH(14,3,3)',
      mode: 'streaming',
      ours: impl(
        () => {
          const s = new Stoch(14, 3, 3);
          for (let i = 0; i < bars.length; i++) s.update(bars[i]);
          const r = s.getResult();
          return r === null ? null : { ...r };
        },
        (r) => ({ slowK: num(r?.slowK), slowD: num(r?.slowD) }),
      ),
      peers: {
        'trading-signals': impl(
          () => {
            const s = new tsig.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 });
            return streamBars(bars, (b) => s.add(b));
          },
          (r) => ({ slowK: num(r?.stochK), slowD: num(r?.stochD) }),
        ),
        technicalindicators: impl(
          () => {
            const s = new ti.Stochastic({ high: [], low: [], close: [], period: 14, signalPeriod: 3 });
            // Its typings ask for the whole input object; it takes one candle.
            const next = s.nextValue.bind(s) as unknown as (bar: Bar) => { k: number; d: number } | undefined;
            return streamBars(bars, next);
          },
          (r) => ({ slowK: num(r?.d) }),
          STOCH_FAST_NOTE,
        ),
      },
    },
  ];
}

/** The worst relative difference over the outputs both probes have, or null if none is shared. */
function compare(ours: Probe, theirs: Probe): { worst: number; detail: string } | null {
  let worst = -1;
  let detail = '';
  for (const key of Object.keys(ours)) {
    if (!(key in theirs)) continue;
    const a = ours[key];
    const b = theirs[key];
    const scale = Math.max(Math.abs(a), Math.abs(b), 1e-12);
    const d = Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) / scale : Number.POSITIVE_INFINITY;
    if (d > worst) {
      worst = d;
      detail = `${key} ours ${a} vs ${b}`;
    }
  }
  return worst < 0 ? null : { worst, detail };
}

interface Timed {
  ms: number[];
  slow: boolean;
}

/**
 * Warms every implementation up, then times them in interleaved rounds (the order rotating
 * each round) so a burst of load on the shared machine hits all of them alike. Implementations
 * slower than SLOW_MS a call sit out after SLOW_ROUNDS rounds.
 */
function timeInterleaved(impls: readonly Impl[]): { timed: Timed[]; probes: Probe[] } {
  const timed: Timed[] = impls.map(() => ({ ms: [], slow: false }));
  const probes = impls.map((f, k) => {
    const t0 = performance.now();
    const probe = f.probe(f.run());
    timed[k].slow = performance.now() - t0 > SLOW_MS;
    if (!timed[k].slow) f.run();
    return probe;
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < impls.length; j++) {
      const k = (j + round) % impls.length;
      if (timed[k].slow && round >= SLOW_ROUNDS) continue;
      const t0 = performance.now();
      impls[k].run();
      timed[k].ms.push(performance.now() - t0);
    }
  }
  return { timed, probes };
}

/** What a streaming worker prints: the times of its timed runs and its probe. */
export interface StreamRun {
  ms: number[];
  probe: Probe;
  slow: boolean;
}

// JSON has no NaN or Infinity, which a probe can hold (no value yet): they travel as strings.
export const encodeStreamRun = (r: StreamRun): string =>
  JSON.stringify(r, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

const decodeStreamRun = (line: string): StreamRun =>
  JSON.parse(line, (_key, v: unknown) => (typeof v === 'string' ? Number(v) : v)) as StreamRun;

/**
 * Runs one streaming implementation in a fresh process (same node, same tsx loader flags).
 * `slow` is undefined in the first round, where the worker decides from its first run; later
 * rounds pass that decision on, so every process of an implementation times as many runs.
 */
function runWorker(columnsFile: string, indicator: string, name: string, slow?: boolean): StreamRun {
  const args = [
    WORKER,
    columnsFile,
    indicator,
    name,
    ...(slow === undefined ? [] : [slow ? 'slow' : 'fast']),
  ];
  const child = spawnSync(process.execPath, [...process.execArgv, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const what = `streaming ${indicator}, ${name}`;
  if (child.error) throw new Error(`${what}: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${what}: worker exited with ${child.status ?? child.signal}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return decodeStreamRun(line);
  } catch {
    throw new Error(`${what}: unreadable worker output ${JSON.stringify(line)}`);
  }
}

/**
 * Times each implementation (`ours` or a peer's name) in PROCESS_ROUNDS fresh processes of its
 * own, one process at a time and the order rotating each round, so a burst of load on the
 * shared machine hits all of them alike; nothing one runs is left in a process another is timed in.
 */
function timeIsolated(
  indicator: string,
  names: readonly string[],
  columnsFile: string,
): { timed: Timed[]; probes: Probe[] } {
  const timed: Timed[] = names.map(() => ({ ms: [], slow: false }));
  const probes: Probe[] = names.map(() => ({}));
  for (let round = 0; round < PROCESS_ROUNDS; round++) {
    for (let j = 0; j < names.length; j++) {
      const k = (j + round) % names.length;
      const run = runWorker(columnsFile, indicator, names[k], round === 0 ? undefined : timed[k].slow);
      timed[k].ms.push(...run.ms);
      if (round > 0) continue;
      timed[k].slow = run.slow;
      probes[k] = run.probe;
    }
  }
  return { timed, probes };
}

interface PeerResult {
  mcps: number;
  ratio: number;
  median_ms: number;
  runs: number;
  runs_ms: number[];
  note?: string;
}

interface CaseResult {
  indicator: string;
  mode: Mode;
  ours_mcps: number;
  ours_median_ms: number;
  runs: number;
  ours_runs_ms: number[];
  peers: Partial<Record<Peer, PeerResult | null>>;
  /** Streaming cases with a bare-loop floor (see `Case.floor`). */
  floor?: {
    mcps: number;
    median_ms: number;
    runs_ms: number[];
    /** trading-signals' median over the floor's: no implementation can beat it by more. */
    best_possible_ratio_vs_trading_signals: number | null;
  };
}

const mcps = (n: number, ms: number): number => n / ms / 1000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Batch cases are timed in this process; streaming ones in workers reading `columnsFile`. */
function runCase(c: Case, peerNames: readonly Peer[], n: number, columnsFile: string | null): CaseResult {
  const present = peerNames.filter((name) => c.peers[name] !== undefined);
  const impls = [c.ours, ...present.map((name) => c.peers[name] as Impl)];
  const withFloor = columnsFile !== null && c.floor !== undefined;
  const { timed, probes } =
    columnsFile === null
      ? timeInterleaved(impls)
      : timeIsolated(c.indicator, ['ours', ...present, ...(withFloor ? ['floor'] : [])], columnsFile);
  const oursProbe = probes[0];
  const oursMs = median(timed[0].ms);
  const result: CaseResult = {
    indicator: c.indicator,
    mode: c.mode,
    ours_mcps: mcps(n, oursMs),
    ours_median_ms: oursMs,
    runs: timed[0].ms.length,
    ours_runs_ms: timed[0].ms.map(round2),
    peers: {},
  };
  for (const name of peerNames) {
    const k = present.indexOf(name);
    if (k < 0) {
      result.peers[name] = null;
      continue;
    }
    const peer = impls[k + 1];
    const ms = median(timed[k + 1].ms);
    const notes: string[] = [];
    if (peer.note) notes.push(peer.note);
    const diff = compare(oursProbe, probes[k + 1]);
    if (diff === null) notes.push('no comparable output');
    else if (diff.worst > TOLERANCE)
      notes.push(`last value differs: ${diff.detail} (rel ${diff.worst.toExponential(1)})`);
    result.peers[name] = {
      mcps: mcps(n, ms),
      ratio: oursMs > 0 ? ms / oursMs : Number.POSITIVE_INFINITY,
      median_ms: ms,
      runs: timed[k + 1].ms.length,
      runs_ms: timed[k + 1].ms.map(round2),
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  }
  if (withFloor) {
    const k = present.length + 1;
    const ms = median(timed[k].ms);
    const diff = compare(oursProbe, probes[k]);
    if (diff === null || diff.worst > TOLERANCE) {
      throw new Error(`${c.indicator}: the bare-loop floor does not compute the same value as ours`);
    }
    const tsigMs = result.peers['trading-signals']?.median_ms;
    result.floor = {
      mcps: mcps(n, ms),
      median_ms: ms,
      runs_ms: timed[k].ms.map(round2),
      best_possible_ratio_vs_trading_signals: tsigMs === undefined ? null : tsigMs / ms,
    };
  }
  return result;
}

/** Whether a result meets the published goal, in words. */
function goal(r: CaseResult): string {
  const misses: string[] = [];
  if (r.mode === 'batch') {
    for (const [name, p] of Object.entries(r.peers)) {
      if (!p) continue;
      const need = name === '@ixjb94/indicators' ? 2 : 1;
      if (p.ratio < need) misses.push(`${name} ${p.ratio.toFixed(2)}x < ${need}x`);
    }
  } else {
    const p = r.peers['trading-signals'];
    if (p && p.ratio < 5) misses.push(`trading-signals ${p.ratio.toFixed(2)}x < 5x`);
  }
  return misses.length ? `MISSED: ${misses.join(', ')}` : 'met';
}

const floorText = (r: CaseResult): string => {
  const f = r.floor;
  if (!f) return '';
  const best = f.best_possible_ratio_vs_trading_signals;
  return `${fmt(f.mcps, 1)} (${best === null ? 'n/a' : `${best.toFixed(2)}x`})`;
};

function printMode(results: readonly CaseResult[], mode: Mode, peerNames: readonly Peer[]): void {
  const rows = results
    .filter((r) => r.mode === mode)
    .map((r) => [
      r.indicator,
      fmt(r.ours_mcps, 1),
      ...peerNames.map((name) => {
        const p = r.peers[name];
        return p ? `${fmt(p.mcps, 1)} (${p.ratio.toFixed(2)}x)` : 'n/a';
      }),
      ...(mode === 'streaming' ? [floorText(r)] : []),
      goal(r),
    ]);
  const goalText = mode === 'batch' ? 'goal: >=2x @ixjb94, >=1x the others' : 'goal: >=5x trading-signals';
  console.log(`\n## Indicators, ${mode}: million candles/s (ours/peer speed ratio)`);
  const head = [
    'indicator',
    'ours',
    ...peerNames,
    ...(mode === 'streaming' ? ['bare-loop floor (best possible vs trading-signals)'] : []),
    goalText,
  ];
  console.log(table(head, rows));
  const notes = results
    .filter((r) => r.mode === mode)
    .flatMap((r) =>
      peerNames.flatMap((name) => {
        const note = r.peers[name]?.note;
        return note ? [`- ${r.indicator}, ${name}: ${note}`] : [];
      }),
    );
  if (notes.length) console.log(`\nNotes (${mode}):\n${notes.join('\n')}`);
}

interface PatternResult {
  patterns: number;
  candles: number;
  ours_candles_per_s: number;
  ours_median_ms: number;
  ours_runs: number;
  talib_candles_per_s: number;
  talib_median_ms: number;
  talib_runs: number;
  ratio: number;
  signal_count_mismatches: string[];
}

/** All patterns at once through one PatternScanner vs TA-Lib's CDL functions one after another. */
function benchPatterns(input: Input): PatternResult {
  const { cols, plain } = input;
  const n = cols.length;
  const { open, high, low, close } = cols;
  const names = PATTERN_NAMES;
  const row = new Int32Array(names.length);
  const ourCounts = new Array<number>(names.length).fill(0);

  const scanOnce = (count: boolean): void => {
    const scanner = new PatternScanner(names);
    for (let i = 0; i < n; i++) {
      scanner.updateOhlc(open[i], high[i], low[i], close[i], row, 0);
      if (count) for (let k = 0; k < row.length; k++) if (row[k] !== 0) ourCounts[k]++;
    }
  };
  const talibCounts = new Array<number>(names.length).fill(0);
  const talibOnce = (count: boolean): number => {
    let total = 0;
    names.forEach((name, k) => {
      const params: Record<string, unknown> = {
        open: plain.open,
        high: plain.high,
        low: plain.low,
        close: plain.close,
      };
      // TA-Lib's default penetration, given explicitly (see talibRun).
      const penetration = candlePattern(name).penetration;
      if (penetration !== undefined) params.optInPenetration = penetration;
      const t0 = performance.now();
      const r = talibRun(talibFunctionName(name), n, params);
      total += performance.now() - t0;
      if (count) for (const v of r.result.outInteger) if (v !== 0) talibCounts[k]++;
    });
    return total;
  };

  scanOnce(true); // warm-up, and the counts for the sanity check
  scanOnce(false);
  talibOnce(true);
  const ourMs: number[] = [];
  const talibMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    scanOnce(false);
    ourMs.push(performance.now() - t0);
    if (round < SLOW_ROUNDS) talibMs.push(talibOnce(false));
  }
  const mismatches = names.flatMap((name, k) =>
    ourCounts[k] === talibCounts[k] ? [] : [`${name}: ours ${ourCounts[k]} signals, talib ${talibCounts[k]}`],
  );
  const ours = median(ourMs);
  const theirs = median(talibMs);
  return {
    patterns: names.length,
    candles: n,
    ours_candles_per_s: (n / ours) * 1000,
    ours_median_ms: ours,
    ours_runs: ourMs.length,
    talib_candles_per_s: (n / theirs) * 1000,
    talib_median_ms: theirs,
    talib_runs: talibMs.length,
    ratio: theirs / ours,
    signal_count_mismatches: mismatches,
  };
}

export async function runIndicators(): Promise<void> {
  const path = join(DATA_DIR, FILE);
  if (!existsSync(path)) {
    console.log(`indicators bench skipped: ${path} not found (set ALPHAPULSE_DATA_DIR)`);
    return;
  }
  const base = await loadBase(path);
  const cols = extend(base, CANDLES);
  const input = prepare(cols);
  const n = cols.length;
  console.log(
    `\n# Indicators: ${fmt(n)} candles (${fmt(base.length)} real ${FILE} candles repeated, ` +
      `each copy re-timed and price-scaled to continue the previous one)`,
  );

  // Streaming in worker processes that read the columns from a temporary file; the cases built
  // here give the workers' names and the notes, and are not run in this process.
  const results: CaseResult[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'alphapulse-bench-'));
  try {
    const columnsFile = join(tmp, 'columns.f64');
    writeColumns(cols, columnsFile);
    for (const c of streamingCases(input)) {
      results.push(runCase(c, STREAMING_PEERS, n, columnsFile));
      console.log(`  streaming ${c.indicator} done`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const c of batchCases(input)) {
    results.push(runCase(c, BATCH_PEERS, n, null));
    console.log(`  batch ${c.indicator} done`);
  }
  const patterns = benchPatterns(input);

  printMode(results, 'batch', BATCH_PEERS);
  printMode(results, 'streaming', STREAMING_PEERS);
  console.log(
    '\n(@ixjb94/indicators, indicatorts and talib have no streaming API; ' +
      'trading-signals 8.3.0 has no Fast* classes, its standard classes are measured.\n' +
      ` Streaming: each implementation is timed alone in ${PROCESS_ROUNDS} fresh processes, spawned one at a time with\n` +
      ` the order rotating, ${RUNS_PER_PROCESS} timed runs each (${SLOW_RUNS_PER_PROCESS} over ${STREAMING_SLOW_MS} ms), median over all its runs.)`,
  );

  console.log(`\n## Candlestick patterns: all ${patterns.patterns} at once, candles/s`);
  console.log(
    table(
      ['implementation', 'candles/s', 'median ms', 'runs'],
      [
        [
          'ours: one PatternScanner',
          fmt(patterns.ours_candles_per_s),
          fmt(patterns.ours_median_ms),
          patterns.ours_runs,
        ],
        [
          `talib: ${patterns.patterns} CDL functions (sum)`,
          fmt(patterns.talib_candles_per_s),
          fmt(patterns.talib_median_ms),
          patterns.talib_runs,
        ],
        ['ours/talib', `${patterns.ratio.toFixed(2)}x`, '', ''],
      ],
    ),
  );
  console.log(
    patterns.signal_count_mismatches.length
      ? `signal counts differ from talib: ${patterns.signal_count_mismatches.join('; ')}`
      : `signal counts per pattern equal talib's for all ${patterns.patterns} patterns`,
  );

  const written = writeResults('indicators', {
    machine: machine(),
    date: new Date().toISOString(),
    command: 'npm run bench -- indicators',
    candles: n,
    input: `${base.length} real ${FILE} candles repeated to ${n}; each copy re-timed to follow the previous one and its prices scaled so its first open equals the previous copy's last close; volumes unchanged`,
    rounds: { fast: ROUNDS, slow: SLOW_ROUNDS, slow_ms: SLOW_MS },
    streaming_isolation: STREAMING_ISOLATION,
    results,
    patterns,
  });
  console.log(`\nwritten ${written}`);
}
