import fc from 'fast-check';
import { expect } from 'vitest';
import type { Candle } from '../../src/core/candles/candle.js';
import { OutcomeTracker } from '../../src/core/outcomes/tracker.js';
import type { Outcome, OutcomeConfig } from '../../src/core/outcomes/types.js';
import type { Direction, EntryType, ExitPlan, Signal } from '../../src/core/signals/types.js';

/*
 * Signals, candle paths and runs for the outcome tracker's tests (src/core/outcomes/*.test.ts):
 * hand-made paths around one test trade, and random paths for the property tests.
 */

export const MIN = 60_000;
/** Creation time of every test signal: the close of its candle, so candle 0 below opens there. */
export const T0 = Date.UTC(2024, 0, 1, 12);

/**
 * The test trade: BUY entry 100, stop 95 (risk 5), targets 105 / 110 / 115 = 1R / 2R / 3R.
 * The SELL mirror reflects every price about 100: entry 100, stop 105, targets 95 / 90 / 85.
 */
const MIRROR = 200;

export interface SignalSpec {
  readonly id?: string;
  readonly direction?: Direction;
  readonly entryType?: EntryType;
  readonly entry?: number;
  readonly stop?: number;
  readonly targets?: readonly [number, number, number];
  readonly createdAt?: number;
  readonly expiresAt?: number;
  readonly exit?: ExitPlan;
}

/** Display-only fields the tracker never reads; a plain const so the literal is not checked field by field. */
const BREAKDOWN = {
  strategyBase: 0.7,
  votes: [],
  ensembleScore: 0.7,
  baseScale: 1,
  base: 0.7,
  mtfBoost: 0,
  alignmentFactor: 1,
  volumeFactor: 1,
  product: 0.7,
  score: 0.7,
  model: null,
  context: [],
};

export function makeSignal(spec: SignalSpec = {}): Signal {
  const direction = spec.direction ?? 'BUY';
  const buy = direction === 'BUY';
  const entry = spec.entry ?? 100;
  const stop = spec.stop ?? (buy ? 95 : 105);
  const targets = spec.targets ?? (buy ? [105, 110, 115] : [95, 90, 85]);
  const entryType = spec.entryType ?? 'MARKET_ENTRY';
  const createdAt = spec.createdAt ?? T0;
  return {
    id: spec.id ?? `TEST-${direction}-${entryType}`,
    symbol: 'BTCUSDT',
    direction,
    timeframe: '1h',
    entryTimeframe: '15m',
    strategy: 'momentum',
    entryType,
    entryPrice: entry,
    stopLoss: stop,
    takeProfits: [targets[0], targets[1], targets[2]],
    rewardRisk: 2,
    ...(spec.exit ? { exit: spec.exit } : {}),
    confidence: 0.7,
    breakdown: BREAKDOWN,
    health: { dataQuality: 1, technical: 1, risk: 1, regime: 1, score: 1 },
    priority: 'MEDIUM',
    reasons: [],
    entryAnalysis: {
      entryTimeframe: '15m',
      entryCandles: 0,
      marketPrice: entry,
      considered: [],
      chosen: entryType,
      why: 'test',
    },
    published: true,
    features: {},
    createdAt,
    expiresAt: spec.expiresAt ?? createdAt + 60 * MIN,
    status: 'PENDING',
    statusAt: createdAt,
    statusReason: 'created',
  };
}

export type Ohlc = readonly [open: number, high: number, low: number, close: number];

/** 1m candles opening at T0, T0 + 1m, ... */
export function candles(path: readonly Ohlc[], start = T0): Candle[] {
  return path.map(([open, high, low, close], i) => ({
    openTime: start + i * MIN,
    open,
    high,
    low,
    close,
    volume: 1,
  }));
}

/** The SELL mirror of a BUY path: prices reflected about 100, so highs become lows. */
export function mirror(path: readonly Ohlc[]): Ohlc[] {
  return path.map(([o, h, l, c]) => [MIRROR - o, MIRROR - l, MIRROR - h, MIRROR - c] as const);
}

export interface Closed {
  readonly outcome: Outcome;
  /** Index of the candle it closed on. */
  readonly at: number;
}

export function feed(tracker: OutcomeTracker, bars: readonly Candle[]): Closed[] {
  const closed: Closed[] = [];
  bars.forEach((c, i) => {
    for (const outcome of tracker.onCandle(c, c.openTime + MIN)) closed.push({ outcome, at: i });
  });
  return closed;
}

/**
 * A complete tracker configuration for tests: the engine's defaults of 2025 (split 50/30/20,
 * break-even after TP1, 0.1 % per side, stop first), with `over` applied. The engine itself maps
 * its validated `outcomes` section with `trackerSettings`.
 */
export function testOutcomeConfig(over: Partial<OutcomeConfig> = {}): OutcomeConfig {
  return {
    split: [0.5, 0.3, 0.2],
    breakevenAfterTp1: true,
    maxHoldingMs: null,
    feePerSide: 0.001,
    policy: 'pessimistic',
    ...over,
  };
}

/** Tracks one signal on one path and returns its single outcome. */
export function runOne(
  path: readonly Ohlc[],
  spec: SignalSpec = {},
  config: Partial<OutcomeConfig> = {},
): Closed {
  const tracker = new OutcomeTracker(testOutcomeConfig(config));
  tracker.track(makeSignal(spec));
  const closed = feed(tracker, candles(path));
  expect(closed).toHaveLength(1);
  expect(tracker.size).toBe(0);
  return closed[0];
}

export const both = [
  { direction: 'BUY' as const, path: (p: readonly Ohlc[]) => [...p] },
  { direction: 'SELL' as const, path: mirror },
];

/** Raise for a longer search, e.g. OUTCOME_PROPERTY_RUNS=100000. */
export const PROPERTY_RUNS = Number(process.env.OUTCOME_PROPERTY_RUNS ?? 2000);

/** Random-walk steps: the close moves by `move`, the high and low reach `up` / `down` beyond open and close. */
export const candlePath = fc.array(
  fc.record({
    move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
    up: fc.double({ min: 0, max: 0.02, noNaN: true }),
    down: fc.double({ min: 0, max: 0.02, noNaN: true }),
  }),
  { minLength: 1, maxLength: 80 },
);
/** A random signal and tracker configuration for `scenario`. */
export const setup = fc.record({
  direction: fc.constantFrom<Direction>('BUY', 'SELL'),
  entryType: fc.constantFrom<EntryType>('MARKET_ENTRY', 'FIBONACCI_618'),
  entryOffset: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
  riskPct: fc.double({ min: 0.002, max: 0.04, noNaN: true }),
  tp: fc.tuple(
    fc.double({ min: 0.3, max: 3, noNaN: true }),
    fc.double({ min: 0.1, max: 2, noNaN: true }),
    fc.double({ min: 0.1, max: 2, noNaN: true }),
  ),
  policy: fc.constantFrom<OutcomeConfig['policy']>('pessimistic', 'optimistic', 'ohlc_path'),
  breakevenAfterTp1: fc.boolean(),
  hold: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  expiry: fc.integer({ min: 1, max: 60 }),
  exit: fc.constantFrom<ExitPlan['style']>('targets', 'targets', 'trailing', 'time'),
  /** The trailing distance in R. */
  trail: fc.double({ min: 0.3, max: 3, noNaN: true }),
});

export type Steps = readonly { readonly move: number; readonly up: number; readonly down: number }[];
export type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

/** A random-walk path from 100 and a signal around it, levels in R multiples of a random risk. */
export function scenario(steps: Steps, s: Setup) {
  const path: Ohlc[] = [];
  let price = 100;
  for (const st of steps) {
    const open = price;
    const close = open * (1 + st.move);
    path.push([open, Math.max(open, close) * (1 + st.up), Math.min(open, close) * (1 - st.down), close]);
    price = close;
  }
  const sign = s.direction === 'BUY' ? 1 : -1;
  const entry = 100 * (1 + s.entryOffset);
  const risk = entry * s.riskPct;
  const r1 = s.tp[0];
  const r2 = r1 + s.tp[1];
  const r3 = r2 + s.tp[2];
  const signal = makeSignal({
    direction: s.direction,
    entryType: s.entryType,
    entry,
    stop: entry - sign * risk,
    targets: [entry + sign * r1 * risk, entry + sign * r2 * risk, entry + sign * r3 * risk],
    expiresAt: T0 + s.expiry * MIN,
    exit: { style: s.exit, trailDistance: s.exit === 'trailing' ? s.trail * risk : null },
  });
  // targets cap R only when the position exits by targets
  const tp3R =
    s.exit !== 'targets'
      ? Number.POSITIVE_INFINITY
      : (sign * (signal.takeProfits[2] - entry)) / Math.abs(entry - signal.stopLoss);
  const config: Partial<OutcomeConfig> = {
    policy: s.policy,
    breakevenAfterTp1: s.breakevenAfterTp1,
    maxHoldingMs: s.hold === null ? null : s.hold * MIN,
    feePerSide: 0,
  };
  return { bars: candles(path), signal, tp3R, config };
}
