import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import type { Candle } from '../candles/candle.js';
import { mulberry32 } from '../metrics/random.js';
import type { Direction, EntryType, Signal } from '../signals/types.js';
import { DEFAULT_OUTCOME_CONFIG, resolveOutcomeConfig } from './config.js';
import { OutcomeTracker } from './tracker.js';
import type { Outcome, OutcomeConfig, OutcomeEvent } from './types.js';

const MIN = 60_000;
/** Creation time of every test signal: the close of its candle, so candle 0 below opens there. */
const T0 = Date.UTC(2024, 0, 1, 12);

/**
 * The test trade: BUY entry 100, stop 95 (risk 5), targets 105 / 110 / 115 = 1R / 2R / 3R.
 * The SELL mirror reflects every price about 100: entry 100, stop 105, targets 95 / 90 / 85.
 */
const MIRROR = 200;

interface SignalSpec {
  readonly id?: string;
  readonly direction?: Direction;
  readonly entryType?: EntryType;
  readonly entry?: number;
  readonly stop?: number;
  readonly targets?: readonly [number, number, number];
  readonly createdAt?: number;
  readonly expiresAt?: number;
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
  context: [],
};

function makeSignal(spec: SignalSpec = {}): Signal {
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
    features: {},
    createdAt,
    expiresAt: spec.expiresAt ?? createdAt + 60 * MIN,
    status: 'PENDING',
    statusAt: createdAt,
    statusReason: 'created',
  };
}

type Ohlc = readonly [open: number, high: number, low: number, close: number];

/** 1m candles opening at T0, T0 + 1m, ... */
function candles(path: readonly Ohlc[], start = T0): Candle[] {
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
function mirror(path: readonly Ohlc[]): Ohlc[] {
  return path.map(([o, h, l, c]) => [MIRROR - o, MIRROR - l, MIRROR - h, MIRROR - c] as const);
}

interface Closed {
  readonly outcome: Outcome;
  /** Index of the candle it closed on. */
  readonly at: number;
}

function feed(tracker: OutcomeTracker, bars: readonly Candle[]): Closed[] {
  const closed: Closed[] = [];
  bars.forEach((c, i) => {
    for (const outcome of tracker.onCandle(c, c.openTime + MIN)) closed.push({ outcome, at: i });
  });
  return closed;
}

/** Tracks one signal on one path and returns its single outcome. */
function runOne(path: readonly Ohlc[], spec: SignalSpec = {}, config: Partial<OutcomeConfig> = {}): Closed {
  const tracker = new OutcomeTracker(config);
  tracker.track(makeSignal(spec));
  const closed = feed(tracker, candles(path));
  expect(closed).toHaveLength(1);
  expect(tracker.size).toBe(0);
  return closed[0];
}

const both = [
  { direction: 'BUY' as const, path: (p: readonly Ohlc[]) => [...p] },
  { direction: 'SELL' as const, path: mirror },
];

describe('OutcomeTracker: exits', () => {
  // 0: quiet (low 99 = −1 %), 1: TP1 105, 2: TP2 110, 3: TP3 115
  const tpPath: Ohlc[] = [
    [100, 103, 99, 102],
    [102, 106, 101, 105],
    [105, 111, 104, 110],
    [110, 116, 109, 115],
  ];

  it('TP_HIT: all three targets, R and return worked out by hand (BUY)', () => {
    const { outcome: o, at } = runOne(tpPath);
    expect(at).toBe(3);
    expect(o.type).toBe('TP_HIT');
    expect(o.targetsHit).toBe(3);
    // R = 0.5 × 1 + 0.3 × 2 + 0.2 × 3 = 1.7
    expect(o.rMultiple).toBeCloseTo(1.7, 12);
    // gross = 0.5 × 5 % + 0.3 × 10 % + 0.2 × 15 % = 8.5 %
    // fees  = 0.001 × (1 entry + (0.5 × 105 + 0.3 × 110 + 0.2 × 115) / 100 exits) = 0.001 × 2.085 = 0.002085
    // return = 0.085 − 0.002085 = 0.082915
    expect(o.fees).toBeCloseTo(0.002085, 12);
    expect(o.returnPct).toBeCloseTo(0.082915, 12);
    expect(o.averageExitPrice).toBeCloseTo(108.5, 12);
    expect(o.filled).toBe(true);
    expect(o.fillTime).toBe(T0);
    expect(o.fillPrice).toBe(100);
    expect(o.timeToFillMs).toBe(0);
    // events are dated at the close of their candle; TP times count from the fill
    expect(o.timeToTp1Ms).toBe(2 * MIN);
    expect(o.timeToTp2Ms).toBe(3 * MIN);
    expect(o.timeToTp3Ms).toBe(4 * MIN);
    expect(o.exitTime).toBe(T0 + 4 * MIN);
    expect(o.holdingMs).toBe(4 * MIN);
    expect(o.timeToExitMs).toBe(4 * MIN);
    // MAE: low 99 on candle 0 = −1 % = −0.2R; MFE: TP3 on the last candle = 15 % = 3R
    expect(o.mae).toBeCloseTo(-0.01, 12);
    expect(o.maeR).toBeCloseTo(-0.2, 12);
    expect(o.mfe).toBeCloseTo(0.15, 12);
    expect(o.mfeR).toBeCloseTo(3, 12);
    expect(o.ambiguous).toBe(false);
    expect(o.events.map((e) => [e.kind, e.price, e.fraction])).toEqual([
      ['FILL', 100, 1],
      ['TP1', 105, 0.5],
      ['TP2', 110, 0.3],
      ['TP3', 115, 0.2],
    ]);
  });

  it('TP_HIT mirrored for SELL: same R, same gross return, exit fees on the lower exit prices', () => {
    const { outcome: o } = runOne(mirror(tpPath), { direction: 'SELL' });
    expect(o.type).toBe('TP_HIT');
    expect(o.rMultiple).toBeCloseTo(1.7, 12);
    // fees = 0.001 × (1 + (0.5 × 95 + 0.3 × 90 + 0.2 × 85) / 100) = 0.001 × 1.915 = 0.001915
    // return = 0.085 − 0.001915 = 0.083085
    expect(o.fees).toBeCloseTo(0.001915, 12);
    expect(o.returnPct).toBeCloseTo(0.083085, 12);
    expect(o.mae).toBeCloseTo(-0.01, 12);
    expect(o.mfeR).toBeCloseTo(3, 12);
    expect(o.events.map((e) => e.price)).toEqual([100, 95, 90, 85]);
  });

  for (const { direction, path } of both) {
    it(`PARTIAL_TP: TP1 then the breakeven stop, R = 0.5 × 1R + 0.5 × 0 (${direction})`, () => {
      // 0: TP1 (low 101 stays above the entry), 1: back to 99 -> breakeven stop at 100
      const { outcome: o, at } = runOne(
        path([
          [100, 106, 101, 104],
          [104, 105, 99, 100],
        ]),
        { direction },
      );
      expect(at).toBe(1);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.targetsHit).toBe(1);
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      expect(o.events.map((e) => e.kind)).toEqual(['FILL', 'TP1', 'BREAKEVEN_STOP']);
      expect(o.events[2].price).toBe(100);
      expect(o.events[2].fraction).toBe(0.5);
      // gross = 0.5 × 5 % = 2.5 %
      // fees BUY  = 0.001 × (1 + (0.5 × 105 + 0.5 × 100) / 100) = 0.002025 -> 0.022975
      // fees SELL = 0.001 × (1 + (0.5 × 95 + 0.5 × 100) / 100) = 0.001975 -> 0.023025
      expect(o.returnPct).toBeCloseTo(direction === 'BUY' ? 0.022975 : 0.023025, 12);
      expect(o.ambiguous).toBe(false);
    });

    it(`PARTIAL_TP without breakeven: the rest exits at the original stop, R = 0.5 − 0.5 = 0 (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [100, 106, 101, 104],
          [104, 105, 99, 100],
          [100, 101, 94, 95],
        ]),
        { direction },
        { breakevenAfterTp1: false },
      );
      expect(at).toBe(2);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0, 12);
      expect(o.events.map((e) => e.kind)).toEqual(['FILL', 'TP1', 'SL']);
      expect(o.events[2].price).toBe(direction === 'BUY' ? 95 : 105);
    });

    it(`SL_HIT: R −1, MAE stops at the stop even when the candle goes beyond it (${direction})`, () => {
      const { outcome: o } = runOne(
        path([
          [100, 103, 97, 98],
          [98, 99, 90, 91],
        ]),
        { direction },
      );
      expect(o.type).toBe('SL_HIT');
      expect(o.targetsHit).toBe(0);
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      // gross −5 %; fees BUY 0.001 × (1 + 0.95) = 0.00195, SELL 0.001 × (1 + 1.05) = 0.00205
      expect(o.returnPct).toBeCloseTo(direction === 'BUY' ? -0.05195 : -0.05205, 12);
      expect(o.maeR).toBeCloseTo(-1, 12);
      expect(o.mae).toBeCloseTo(-0.05, 12);
      // MFE: the high 103 of candle 0 (held open to close); on the exit candle only its open counts
      expect(o.mfeR).toBeCloseTo(0.6, 12);
    });

    it(`TIME_EXIT: the remainder closes at the close once held maxHoldingMs (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [100, 101, 99, 100.5],
          [100.5, 102, 100, 101],
          [101, 103, 100.5, 102],
          [102, 104, 101, 103],
        ]),
        { direction },
        { maxHoldingMs: 3 * MIN },
      );
      // filled at T0 (market), candle 2 closes at T0 + 3m: held 3m
      expect(at).toBe(2);
      expect(o.type).toBe('TIME_EXIT');
      expect(o.holdingMs).toBe(3 * MIN);
      // R = (102 − 100) / 5 = 0.4; fees BUY 0.001 × (1 + 1.02), SELL 0.001 × (1 + 0.98)
      expect(o.rMultiple).toBeCloseTo(0.4, 12);
      expect(o.returnPct).toBeCloseTo(0.02 - (direction === 'BUY' ? 0.00202 : 0.00198), 12);
      expect(o.events.at(-1)?.kind).toBe('TIME_EXIT');
      expect(o.events.at(-1)?.price).toBe(direction === 'BUY' ? 102 : 98);
    });
  }

  it('TIME_EXIT after TP1 keeps the target it took', () => {
    const { outcome: o } = runOne(
      [
        [100, 106, 101, 104],
        [104, 105, 101, 103],
      ],
      {},
      { maxHoldingMs: 2 * MIN },
    );
    expect(o.type).toBe('TIME_EXIT');
    expect(o.targetsHit).toBe(1);
    // 0.5 × 1R + 0.5 × (103 − 100) / 5
    expect(o.rMultiple).toBeCloseTo(0.8, 12);
  });
});

describe('OutcomeTracker: limit entries, expiry, cancellation', () => {
  for (const { direction, path } of both) {
    it(`EXPIRED when the limit is never touched, R 0 (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [103, 104, 101, 102],
          [102, 103, 100.5, 101],
          [101, 102, 100.1, 101.5],
          [101.5, 101.5, 90, 91],
        ]),
        { direction, entryType: 'FIBONACCI_618', expiresAt: T0 + 3 * MIN },
      );
      // candle 2 closes at T0 + 3m = expiresAt without a touch
      expect(at).toBe(2);
      expect(o.type).toBe('EXPIRED');
      expect(o.filled).toBe(false);
      expect(o.rMultiple).toBe(0);
      expect(o.returnPct).toBe(0);
      expect(o.fees).toBe(0);
      expect(o.exitTime).toBe(T0 + 3 * MIN);
      expect(o.timeToExitMs).toBe(3 * MIN);
      expect(o.holdingMs).toBeNull();
      expect(o.fillTime).toBeNull();
      expect(o.events.map((e) => e.kind)).toEqual(['EXPIRED']);
    });

    it(`a limit filled later, on the last candle before expiry (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [103, 104, 101, 102], // no touch
          [102, 103, 100.5, 101], // no touch
          [101, 102.5, 99.5, 101], // fills inside the range: its high may precede the fill
          [101, 106, 100.5, 105], // TP1
          [105, 105, 99, 99.5], // breakeven stop
        ]),
        { direction, entryType: 'EMA_PULLBACK', expiresAt: T0 + 3 * MIN },
      );
      expect(at).toBe(4);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.fillTime).toBe(T0 + 3 * MIN);
      expect(o.timeToFillMs).toBe(3 * MIN);
      expect(o.timeToTp1Ms).toBe(MIN);
      expect(o.holdingMs).toBe(2 * MIN);
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      // MAE: the fill candle's low 99.5 (it can only come after the fill) = −0.5 % = −0.1R.
      // MFE: the fill candle counts its close 101 but not its high 102.5; then candle 3's high 106.
      expect(o.mae).toBeCloseTo(-0.005, 12);
      expect(o.maeR).toBeCloseTo(-0.1, 12);
      expect(o.mfe).toBeCloseTo(0.06, 12);
      expect(o.ambiguous).toBe(false);
    });
  }

  it('MFE on the fill candle ignores a high that may have come before the fill', () => {
    const tracker = new OutcomeTracker();
    tracker.track(makeSignal({ entryType: 'SUPPORT_RETEST' }));
    feed(tracker, candles([[104, 104.5, 99.8, 100.2]]));
    const closed = tracker.cancel('TEST-BUY-SUPPORT_RETEST', T0 + MIN, 100.2, 'test');
    expect(closed?.mfe).toBeCloseTo(0.002, 12);
    expect(closed?.mae).toBeCloseTo(-0.002, 12);
  });

  it('a limit candle touching the entry and the stop fills and stops out, and is not ambiguous', () => {
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o } = runOne([[102, 102, 94, 96]], { entryType: 'EMA_PULLBACK' }, { policy });
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.ambiguous).toBe(false);
      expect(o.timeToFillMs).toBe(MIN);
      expect(o.holdingMs).toBe(0);
    }
  });

  it('a limit the open gaps through fills at its own price and the whole candle follows the fill', () => {
    // open 99 is already below the BUY limit 100: the high 106 surely came after the fill, so TP1 counts
    // under every policy (no breakeven here: with it, the low below 100 would make TP1 ambiguous)
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o, at } = runOne(
        [
          [99, 106, 98.5, 104],
          [104, 104.5, 94, 95],
        ],
        { entryType: 'SUPPORT_RETEST' },
        { policy, breakevenAfterTp1: false },
      );
      expect(at).toBe(1);
      expect(o.fillPrice).toBe(100);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.timeToTp1Ms).toBe(0);
      expect(o.rMultiple).toBeCloseTo(0, 12);
      expect(o.ambiguous).toBe(false);
    }
  });

  it('ignores candles that opened before the signal existed', () => {
    const tracker = new OutcomeTracker();
    tracker.track(makeSignal());
    // the signal's own candle (opens one minute before createdAt) reaches both the stop and TP3
    const before = candles([[100, 120, 80, 100]], T0 - MIN);
    expect(tracker.onCandle(before[0], T0)).toHaveLength(0);
    expect(tracker.open()[0].state).toBe('filled');
    expect(tracker.open()[0].targetsHit).toBe(0);
  });

  it('CANCELLED: a pending limit is withdrawn with R 0; a filled remainder exits at the given price', () => {
    const tracker = new OutcomeTracker();
    tracker.track(makeSignal({ id: 'pending', entryType: 'FIBONACCI_618' }));
    tracker.track(makeSignal({ id: 'market' }));
    // TP1 for the market order; the limit at 100 is not touched (low 101)
    expect(feed(tracker, candles([[102, 106, 101, 104]]))).toHaveLength(0);

    const pending = tracker.cancel('pending', T0 + MIN, 104, 'opposite signal');
    expect(pending?.type).toBe('CANCELLED');
    expect(pending?.reason).toBe('opposite signal');
    expect(pending?.filled).toBe(false);
    expect(pending?.rMultiple).toBe(0);
    expect(pending?.returnPct).toBe(0);
    expect(pending?.exitTime).toBe(T0 + MIN);

    const market = tracker.cancel('market', T0 + MIN, 104, 'opposite signal');
    expect(market?.type).toBe('CANCELLED');
    expect(market?.targetsHit).toBe(1);
    // R = 0.5 × 1 + 0.5 × (104 − 100) / 5 = 0.9; gross = 0.5 × 5 % + 0.5 × 4 % = 4.5 %
    // fees = 0.001 × (1 + (0.5 × 105 + 0.5 × 104) / 100) = 0.002045
    expect(market?.rMultiple).toBeCloseTo(0.9, 12);
    expect(market?.returnPct).toBeCloseTo(0.045 - 0.002045, 12);
    expect(market?.events.at(-1)).toEqual({
      kind: 'CANCELLED',
      time: T0 + MIN,
      price: 104,
      fraction: 0.5,
      ambiguous: false,
    });

    expect(tracker.size).toBe(0);
    expect(tracker.cancel('market', T0 + MIN, 104, 'again')).toBeNull();
  });
});

describe('OutcomeTracker: same-candle ambiguity', () => {
  // one candle reaching TP1 (105) and the stop (95); the open decides the ohlc_path order
  const highNearOpen: Ohlc = [102, 106, 94, 100]; // 4 to the high, 8 to the low
  const lowNearOpen: Ohlc = [97, 106, 94, 100]; // 9 to the high, 3 to the low

  for (const { direction, path } of both) {
    it(`pessimistic: the stop first -> SL_HIT −1R, flagged (${direction})`, () => {
      const { outcome: o } = runOne(path([highNearOpen]), { direction }, { policy: 'pessimistic' });
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.ambiguous).toBe(true);
      expect(o.ambiguousCandles).toBe(1);
      expect(o.events.at(-1)?.ambiguous).toBe(true);
    });

    it(`optimistic: TP1 first, then the stop then in force (breakeven) -> PARTIAL_TP 0.5R (${direction})`, () => {
      const { outcome: o } = runOne(path([lowNearOpen]), { direction }, { policy: 'optimistic' });
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      expect(o.events.map((e) => [e.kind, e.ambiguous])).toEqual([
        ['FILL', false],
        ['TP1', true],
        ['BREAKEVEN_STOP', true],
      ]);
      expect(o.ambiguousCandles).toBe(1);
    });

    it(`optimistic without breakeven: TP1, then the original stop -> 0R (${direction})`, () => {
      const { outcome: o } = runOne(
        path([highNearOpen]),
        { direction },
        { policy: 'optimistic', breakevenAfterTp1: false },
      );
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0, 12);
    });

    it(`ohlc_path follows the open: high nearer -> TP1 then breakeven; low nearer -> stop (${direction})`, () => {
      const high = runOne(path([highNearOpen]), { direction }, { policy: 'ohlc_path' }).outcome;
      expect(high.type).toBe('PARTIAL_TP');
      expect(high.rMultiple).toBeCloseTo(0.5, 12);
      expect(high.ambiguous).toBe(true);
      const low = runOne(path([lowNearOpen]), { direction }, { policy: 'ohlc_path' }).outcome;
      expect(low.type).toBe('SL_HIT');
      expect(low.rMultiple).toBeCloseTo(-1, 12);
      expect(low.ambiguous).toBe(true);
    });
  }

  it('a candle reaching TP1 and the breakeven level (not the stop): the three policies differ over the path', () => {
    // candle 0: TP1 105 and back to 99.5 (below the breakeven stop 100, above the stop 95)
    //   pessimistic: TP1, then the breakeven stop -> closed, 0.5R
    //   optimistic: the low came first (stop still 95), then TP1; close 104 is above 100 -> still open
    //   ohlc_path: open 104 is nearer the high -> TP1 -> low 99.5 -> breakeven stop, 0.5R
    // candle 1 then runs to TP3 for whoever is still open: optimistic 0.5 + 0.6 + 0.6 = 1.7R
    const path: Ohlc[] = [
      [104, 106, 99.5, 104],
      [104, 116, 103, 115],
    ];
    const pessimistic = runOne(path, {}, { policy: 'pessimistic' });
    expect(pessimistic.at).toBe(0);
    expect(pessimistic.outcome.rMultiple).toBeCloseTo(0.5, 12);
    expect(pessimistic.outcome.ambiguous).toBe(true);
    const optimistic = runOne(path, {}, { policy: 'optimistic' });
    expect(optimistic.at).toBe(1);
    expect(optimistic.outcome.type).toBe('TP_HIT');
    expect(optimistic.outcome.rMultiple).toBeCloseTo(1.7, 12);
    expect(optimistic.outcome.ambiguousCandles).toBe(1);
    const lowFirst: Ohlc[] = [[101, 106, 99.5, 104], path[1]];
    const pathLow = runOne(lowFirst, {}, { policy: 'ohlc_path' });
    expect(pathLow.outcome.rMultiple).toBeCloseTo(1.7, 12);
    const pathHigh = runOne(path, {}, { policy: 'ohlc_path' });
    expect(pathHigh.at).toBe(0);
    expect(pathHigh.outcome.rMultiple).toBeCloseTo(0.5, 12);
  });

  it('a limit filled inside a candle that also reaches TP1: pessimistic takes no target, optimistic takes it', () => {
    // open 103 above the BUY limit 100; the candle reaches 106 and 99.8 and closes at 104:
    //   pessimistic: 106 came before the fill -> filled, no target; candle 1 hits the stop -> −1R
    //   optimistic: fill, then TP1 (stop -> 100); candle 1 takes the rest at breakeven -> 0.5R
    //   ohlc_path: 3 to the high, 3.2 to the low -> 106 first (not filled yet), 99.8 fills, close 104 < TP1 -> −1R
    const path: Ohlc[] = [
      [103, 106, 99.8, 104],
      [104, 104.5, 94, 95],
    ];
    const spec: SignalSpec = { entryType: 'FIBONACCI_618' };
    for (const [policy, r] of [
      ['pessimistic', -1],
      ['optimistic', 0.5],
      ['ohlc_path', -1],
    ] as const) {
      const o = runOne(path, spec, { policy }).outcome;
      expect(o.rMultiple).toBeCloseTo(r, 12);
      expect(o.ambiguousCandles).toBe(1);
      expect(o.events[0]).toMatchObject({ kind: 'FILL', ambiguous: true, time: T0 + MIN });
    }
  });

  it('the stop moved by TP1 on an optimistic candle is hit when the close is beyond it', () => {
    // low 99.5 may have come before TP1, but the close 99.8 surely came after it
    const { outcome: o } = runOne([[101, 106, 99.5, 99.8]], {}, { policy: 'optimistic' });
    expect(o.type).toBe('PARTIAL_TP');
    expect(o.rMultiple).toBeCloseTo(0.5, 12);
  });

  it('a gap through the stop exits at the stop price (no gap slippage model)', () => {
    for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
      const { outcome: o } = runOne(
        [
          [100, 101, 99, 100],
          [90, 91, 88, 89],
        ],
        {},
        { policy },
      );
      expect(o.type).toBe('SL_HIT');
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      expect(o.maeR).toBeCloseTo(-1, 12);
    }
  });
});

describe('OutcomeTracker: fees, excursions, many signals, allocation', () => {
  it('0.1 % per side lowers returnPct by 0.001 × (1 + Σ fraction × exit / entry) and leaves R alone', () => {
    const path: Ohlc[] = [
      [100, 106, 101, 104],
      [104, 111, 103, 109],
      [109, 109.5, 99, 100],
    ];
    const free = runOne(path, {}, { feePerSide: 0 }).outcome;
    const paid = runOne(path, {}, { feePerSide: 0.001 }).outcome;
    // TP1 105 (0.5), TP2 110 (0.3), breakeven 100 (0.2): R = 0.5 + 0.6 + 0 = 1.1, gross = 2.5 % + 3 % = 5.5 %
    expect(free.rMultiple).toBeCloseTo(1.1, 12);
    expect(paid.rMultiple).toBe(free.rMultiple);
    expect(free.returnPct).toBeCloseTo(0.055, 12);
    expect(free.fees).toBe(0);
    // fees = 0.001 × (1 + (52.5 + 33 + 20) / 100) = 0.002055
    expect(paid.fees).toBeCloseTo(0.002055, 12);
    expect(free.returnPct - paid.returnPct).toBeCloseTo(0.002055, 12);
  });

  it('MAE/MFE for a SELL: adverse is a rise, both in fractions of entry and in R', () => {
    const { outcome: o } = runOne(
      [
        [100, 102, 98, 101], // up to 102: adverse 2 % = 0.4R; down to 98: favourable 2 %
        [101, 103.5, 97, 97.5], // adverse 3.5 % = 0.7R; favourable 3 %
        [97.5, 98, 96, 96.5],
      ],
      { direction: 'SELL' },
      { maxHoldingMs: 3 * MIN },
    );
    expect(o.type).toBe('TIME_EXIT');
    expect(o.mae).toBeCloseTo(-0.035, 12);
    expect(o.maeR).toBeCloseTo(-0.7, 12);
    expect(o.mfe).toBeCloseTo(0.04, 12);
    expect(o.mfeR).toBeCloseTo(0.8, 12);
    // exit at close 96.5: R = 3.5 / 5
    expect(o.rMultiple).toBeCloseTo(0.7, 12);
  });

  it('follows several signals at once and reports each on the candle it closes', () => {
    const tracker = new OutcomeTracker();
    tracker.track(makeSignal({ id: 'buy-market' }));
    tracker.track(makeSignal({ id: 'sell-market', direction: 'SELL' }));
    tracker.track(
      makeSignal({
        id: 'buy-limit',
        entryType: 'EMA_PULLBACK',
        entry: 98,
        stop: 96,
        targets: [100, 102, 104],
      }),
    );
    tracker.track(makeSignal({ id: 'buy-late', entryType: 'SUPPORT_RETEST', createdAt: T0 + 2 * MIN }));
    expect(tracker.open().map((s) => [s.signalId, s.state])).toEqual([
      ['buy-market', 'filled'],
      ['sell-market', 'filled'],
      ['buy-limit', 'pending'],
      ['buy-late', 'pending'],
    ]);
    const bars = candles([
      [100, 101, 97.5, 98], // buy-limit fills at 98 inside the range
      [98, 100.5, 98.5, 100], // buy-limit TP1 100, stop -> 98
      [100, 104, 99.5, 103.5], // buy-limit TP2 102 + TP3 104; buy-late's first candle fills it at the open 100
      [103.5, 106, 102, 105], // buy-market and buy-late TP1 105; sell-market stop 105
      [105, 105.5, 94, 95], // buy-market and buy-late breakeven stop 100
    ]);
    const closed = feed(tracker, bars);
    expect(closed.map((c) => [c.outcome.signalId, c.at, c.outcome.type])).toEqual([
      ['buy-limit', 2, 'TP_HIT'],
      ['sell-market', 3, 'SL_HIT'],
      ['buy-market', 4, 'PARTIAL_TP'],
      ['buy-late', 4, 'PARTIAL_TP'],
    ]);
    const byId = new Map(closed.map((c) => [c.outcome.signalId, c.outcome]));
    expect(byId.get('buy-limit')?.rMultiple).toBeCloseTo(0.5 + 0.3 * 2 + 0.2 * 3, 12);
    expect(byId.get('buy-late')?.fillTime).toBe(T0 + 3 * MIN);
    expect(tracker.size).toBe(0);
  });

  it('open() shows the current stop and what is left', () => {
    const tracker = new OutcomeTracker();
    tracker.track(makeSignal({ direction: 'SELL' }));
    feed(tracker, candles(mirror([[100, 106, 101, 104]])));
    expect(tracker.open()).toEqual([
      {
        signalId: 'TEST-SELL-MARKET_ENTRY',
        direction: 'SELL',
        state: 'filled',
        fillTime: T0,
        targetsHit: 1,
        stop: 100,
        remaining: 0.5,
        ambiguousCandles: 0,
      },
    ]);
  });

  it('returns one shared empty array on every candle where nothing closes', () => {
    const tracker = new OutcomeTracker();
    const bars = candles([
      [100, 101, 99, 100],
      [100, 102, 99.5, 101],
      [101, 106, 100.5, 104], // TP1: an event, but nothing closes
      [104, 104.5, 101, 103],
    ]);
    const empty = tracker.onCandle(bars[0], bars[0].openTime + MIN);
    expect(empty).toHaveLength(0);
    expect(Object.isFrozen(empty)).toBe(true);
    tracker.track(makeSignal({ createdAt: bars[1].openTime }));
    for (const c of bars.slice(1)) expect(tracker.onCandle(c, c.openTime + MIN)).toBe(empty);
    expect(tracker.open()[0].targetsHit).toBe(1);
  });
});

describe('OutcomeTracker: input checks', () => {
  it('rejects a second symbol, a duplicate id and prices out of order', () => {
    const tracker = new OutcomeTracker();
    expect(() => tracker.track({ ...makeSignal({ stop: 0 }), symbol: 'ETHUSDT' })).toThrow(
      /stopLoss must be/,
    );
    expect(tracker.symbol).toBeNull();
    tracker.track(makeSignal());
    expect(tracker.symbol).toBe('BTCUSDT');
    expect(() => tracker.track(makeSignal())).toThrow(/already tracked/);
    expect(() => tracker.track({ ...makeSignal({ id: 'eth' }), symbol: 'ETHUSDT' })).toThrow(RangeError);
    expect(() => tracker.track(makeSignal({ id: 'bad', stop: 101 }))).toThrow(
      /entryPrice 100 breaks the order/,
    );
    expect(() => tracker.track(makeSignal({ id: 'bad2', targets: [105, 104, 115] }))).toThrow(
      /takeProfits\[1\]/,
    );
  });
});

describe('resolveOutcomeConfig', () => {
  it('has the documented defaults', () => {
    expect(resolveOutcomeConfig()).toEqual({
      split: [0.5, 0.3, 0.2],
      breakevenAfterTp1: true,
      maxHoldingMs: null,
      feePerSide: 0.001,
      policy: 'pessimistic',
    });
    expect(DEFAULT_OUTCOME_CONFIG.policy).toBe('pessimistic');
  });

  it.each([
    [{ split: [0.5, 0.3, 0.3] }, /OutcomeConfig\.split must sum to 1/],
    [{ split: [0.5, 0.5] }, /OutcomeConfig\.split must be three fractions/],
    [{ split: [1.5, -0.5, 0] }, /OutcomeConfig\.split must hold fractions/],
    [{ feePerSide: -0.001 }, /OutcomeConfig\.feePerSide/],
    [{ feePerSide: Number.NaN }, /OutcomeConfig\.feePerSide/],
    [{ maxHoldingMs: 0 }, /OutcomeConfig\.maxHoldingMs/],
    [
      { policy: 'coin_flip' },
      /OutcomeConfig\.policy must be one of pessimistic, optimistic, ohlc_path, got coin_flip/,
    ],
    [{ breakevenAfterTp1: 'yes' }, /OutcomeConfig\.breakevenAfterTp1/],
    [{ slippage: 0.01 }, /no option 'slippage'/],
  ])('rejects %o', (bad, message) => {
    expect(() => resolveOutcomeConfig(bad as unknown as Partial<OutcomeConfig>)).toThrow(RangeError);
    expect(() => resolveOutcomeConfig(bad as unknown as Partial<OutcomeConfig>)).toThrow(message);
  });

  it('accepts a split whose decimals do not add up exactly in binary', () => {
    expect(resolveOutcomeConfig({ split: [0.1, 0.2, 0.7] }).split).toEqual([0.1, 0.2, 0.7]);
  });
});

/** Raise for a longer search, e.g. OUTCOME_PROPERTY_RUNS=100000. */
const PROPERTY_RUNS = Number(process.env.OUTCOME_PROPERTY_RUNS ?? 2000);

describe('OutcomeTracker: properties on random candle paths', () => {
  const candlePath = fc.array(
    fc.record({
      move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      up: fc.double({ min: 0, max: 0.02, noNaN: true }),
      down: fc.double({ min: 0, max: 0.02, noNaN: true }),
    }),
    { minLength: 1, maxLength: 80 },
  );
  const setup = fc.record({
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
  });

  type Steps = readonly { readonly move: number; readonly up: number; readonly down: number }[];
  type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

  /** A random-walk path from 100 and a signal around it, levels in R multiples of a random risk. */
  function scenario(steps: Steps, s: Setup) {
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
    });
    const tp3R = (sign * (signal.takeProfits[2] - entry)) / Math.abs(entry - signal.stopLoss);
    const config: Partial<OutcomeConfig> = {
      policy: s.policy,
      breakevenAfterTp1: s.breakevenAfterTp1,
      maxHoldingMs: s.hold === null ? null : s.hold * MIN,
      feePerSide: 0,
    };
    return { bars: candles(path), signal, tp3R, config };
  }

  it('R stays within [−1, TP3 in R], returnPct has the sign of R without fees, fractions add up', () => {
    fc.assert(
      fc.property(candlePath, setup, (steps, s) => {
        const { bars, signal, tp3R, config } = scenario(steps, s);
        const tracker = new OutcomeTracker(config);
        tracker.track(signal);
        const closed = feed(tracker, bars);
        expect(closed.length + tracker.size).toBe(1);
        for (const { outcome: o } of closed) {
          const eps = 1e-9;
          expect(o.rMultiple).toBeGreaterThanOrEqual(-1 - eps);
          expect(o.rMultiple).toBeLessThanOrEqual(tp3R + eps);
          expect(Math.sign(o.returnPct)).toBe(Math.sign(o.rMultiple));
          expect(o.mae).toBeLessThanOrEqual(0);
          expect(o.mfe).toBeGreaterThanOrEqual(0);
          expect(o.maeR).toBeGreaterThanOrEqual(-1 - eps);
          expect(o.mfeR).toBeLessThanOrEqual(tp3R + eps);
          if (o.filled) {
            const traded = o.events.filter((e) => e.kind !== 'FILL').reduce((a, e) => a + e.fraction, 0);
            expect(traded).toBeCloseTo(1, 12);
            // R rebuilt from the exit events
            const sign = o.direction === 'BUY' ? 1 : -1;
            const risk = Math.abs(o.entryPrice - o.stopLoss);
            const fromEvents = o.events
              .filter((e) => e.kind !== 'FILL')
              .reduce((a, e) => a + (e.fraction * sign * (e.price - o.entryPrice)) / risk, 0);
            expect(o.rMultiple).toBeCloseTo(fromEvents, 9);
            expect(o.rMultiple).toBeGreaterThanOrEqual(o.maeR - eps);
            expect(o.rMultiple).toBeLessThanOrEqual(o.mfeR + eps);
          } else {
            expect(o.rMultiple).toBe(0);
            expect(o.type).toBe('EXPIRED');
          }
          expect(o.ambiguous).toBe(o.ambiguousCandles > 0);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('without an ambiguous candle the three policies agree exactly', () => {
    let compared = 0;
    fc.assert(
      fc.property(candlePath, setup, (steps, s) => {
        const runs = (['pessimistic', 'optimistic', 'ohlc_path'] as const).map((policy) => {
          const { bars, signal, config } = scenario(steps, s);
          const tracker = new OutcomeTracker({ ...config, policy });
          tracker.track(signal);
          const closed = feed(tracker, bars).map(({ outcome, at }) => ({ ...outcome, policy: null, at }));
          return { closed, open: tracker.open() };
        });
        const flagged = runs.some(
          (r) => r.closed.some((c) => c.ambiguous) || r.open.some((o) => o.ambiguousCandles > 0),
        );
        if (flagged) return;
        compared++;
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[2]).toEqual(runs[0]);
      }),
      { numRuns: PROPERTY_RUNS / 2 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('the quiet-candle shortcut changes nothing: several signals at once, every policy', () => {
    fc.assert(
      fc.property(candlePath, fc.array(setup, { minLength: 1, maxLength: 6 }), (steps, setups) => {
        for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
          const [fast, slow] = [true, false].map((quietShortcut) => {
            const log: [string, OutcomeEvent][] = [];
            const first = scenario(steps, setups[0]);
            // the first signal's config for the tracker; every signal keeps its own holding limit
            const tracker = new OutcomeTracker(
              { ...first.config, policy },
              (sig, e) => log.push([sig.id, e]),
              {
                quietShortcut,
              },
            );
            setups.forEach((s, k) => {
              const { signal, config } = scenario(steps, s);
              tracker.track({ ...signal, id: `P${k}` }, config.maxHoldingMs ?? null);
            });
            const bars = first.bars;
            return { closed: feed(tracker, bars), open: tracker.open(), log };
          });
          expect(fast).toStrictEqual(slow);
        }
      }),
      { numRuns: PROPERTY_RUNS / 4 },
    );
  });
});

/** JSON with every number exact: JSON writes a finite number so that it reads back the same, and −0, ±∞ and NaN are spelt out. */
function exactText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))
      ? `number:${Object.is(v, -0) ? '-0' : v}`
      : v,
  );
}

interface RealRun {
  readonly outcomes: Outcome[];
  readonly log: [string, OutcomeEvent][];
  readonly open: ReturnType<OutcomeTracker['open']>;
}

/**
 * Real candles and, on about one candle in eight, a synthetic signal around the close: BUY or
 * SELL, at market or a limit a little away, risk 0.05-0.65 %, targets 0.5R-6R, some created a few
 * minutes ahead (candles before their creation must not touch them), expiries of 5-120 min,
 * holding limits of 10 min-1 day (some fractional, some none); now and then a signal is cancelled.
 */
function runReal(bars: readonly Candle[], config: Partial<OutcomeConfig>, quietShortcut: boolean): RealRun {
  const log: [string, OutcomeEvent][] = [];
  const tracker = new OutcomeTracker(config, (sig, e) => log.push([sig.id, e]), { quietShortcut });
  // seeded, so both runs see the same signals
  const rand = mulberry32(20240101);
  const outcomes: Outcome[] = [];
  bars.forEach((c, i) => {
    const close = c.openTime + MIN;
    for (const o of tracker.onCandle(c, close)) outcomes.push(o);
    if (tracker.size > 0 && rand() < 0.003) {
      const open = tracker.open();
      const victim = open[Math.floor(rand() * open.length)];
      const o = tracker.cancel(victim.signalId, close, c.close, 'test');
      if (o !== null) outcomes.push(o);
    }
    if (rand() >= 1 / 8) return;
    const direction: Direction = rand() < 0.5 ? 'BUY' : 'SELL';
    const sign = direction === 'BUY' ? 1 : -1;
    const market = rand() < 0.5;
    const entry = market ? c.close : c.close * (1 - sign * 0.004 * rand());
    const risk = entry * (0.0005 + 0.006 * rand());
    const r1 = 0.5 + 1.5 * rand();
    const r2 = r1 + 0.3 + rand();
    const r3 = r2 + 0.3 + 2 * rand();
    const createdAt = rand() < 0.05 ? close + Math.floor(1 + 5 * rand()) * MIN : close;
    const holdDraw = rand();
    const hold = holdDraw < 0.2 ? null : (10 + Math.floor(1430 * rand())) * MIN + (holdDraw < 0.3 ? 0.5 : 0);
    tracker.track(
      makeSignal({
        id: `R${i}`,
        direction,
        entryType: market ? 'MARKET_ENTRY' : 'FIBONACCI_618',
        entry,
        stop: entry - sign * risk,
        targets: [entry + sign * r1 * risk, entry + sign * r2 * risk, entry + sign * r3 * risk],
        createdAt,
        expiresAt: createdAt + (5 + Math.floor(115 * rand())) * MIN,
      }),
      hold,
    );
  });
  return { outcomes, log, open: tracker.open() };
}

describe('OutcomeTracker: the quiet-candle shortcut on real candles', () => {
  it.skipIf(!hasRealData)(
    'gives exactly the outcomes, events and open state of the general path (BTC 1m, every policy)',
    () => {
      const bars = loadRealCandles('binance_BTCUSDT_1m.csv.gz');
      const configs: Partial<OutcomeConfig>[] = [];
      for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
        configs.push({ policy });
        configs.push({ policy, breakevenAfterTp1: false, split: [0.6, 0.4, 0] });
      }
      for (const config of configs) {
        const fast = runReal(bars, config, true);
        const slow = runReal(bars, config, false);
        // the comparison means something: every way out, and ambiguous candles, occur
        const types = new Set(fast.outcomes.map((o) => o.type));
        const expected: Outcome['type'][] = [
          'TP_HIT',
          'PARTIAL_TP',
          'SL_HIT',
          'TIME_EXIT',
          'EXPIRED',
          'CANCELLED',
        ];
        for (const t of expected) expect(types.has(t), `${config.policy} ${t}`).toBe(true);
        expect(fast.outcomes.some((o) => o.ambiguous)).toBe(true);
        expect(fast.outcomes.length).toBeGreaterThan(10_000);
        expect(fast.open.length).toBeGreaterThan(0);
        expect(exactText(fast.open)).toBe(exactText(slow.open));
        expect(fast.outcomes.length).toBe(slow.outcomes.length);
        for (let i = 0; i < fast.outcomes.length; i++) {
          // a text compare is fast; on a difference the object compare shows it
          if (exactText(fast.outcomes[i]) !== exactText(slow.outcomes[i])) {
            expect(fast.outcomes[i]).toStrictEqual(slow.outcomes[i]);
          }
        }
        expect(exactText(fast.log)).toBe(exactText(slow.log));
      }
    },
    60_000,
  );
});
