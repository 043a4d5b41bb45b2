import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Timeframe } from '../candles/timeframe.js';
import type { TfSnapshot } from '../features/snapshot.js';
import { blankSnapshot, TimeframeFeatures } from '../features/timeframe-features.js';
import { filtersNamed } from '../pipeline/filters.js';
import { SignalBook } from '../signals/signal-book.js';
import type { EntryOption, EntryType, Signal, StrategyCandidate } from '../signals/types.js';
import type { Swing } from '../structure/swings.js';
import { MAX_ENTRY_DISTANCE_ATR } from './entry.js';
import { type RiskConfig as PlanRiskConfig, planRisk as plan, type RiskPlan } from './risk-plan.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RiskConfig = PlanRiskConfig;

/** A plan as the pipeline judges it: planRisk, then the two risk filters in their default order. */
type RiskResult =
  | { readonly ok: true; readonly plan: RiskPlan }
  | { readonly ok: false; readonly reason: string; readonly detail: string; readonly plan: RiskPlan | null };

const RISK_FILTERS = filtersNamed(['max_stop_distance', 'min_reward_risk']);

function planRisk(
  c: StrategyCandidate,
  signal: TfSnapshot,
  entry: TfSnapshot,
  risk: RiskConfig,
  minRewardRisk: number,
): RiskResult {
  const r = plan(c, signal, entry, risk);
  if (!r.ok) return { ...r, plan: null };
  const config = {
    thresholds: { minConfidence: 0, minHealth: 0, minRewardRisk, minStopCostMultiple: 0 },
    risk,
  };
  for (const f of RISK_FILTERS) {
    const detail = f.check({
      signal: { timeframe: signal.timeframe } as Signal,
      plan: r.plan,
      config,
      book: new SignalBook('symbol_direction'),
      lastSignalAt: undefined,
      cooldownMs: 0,
      costPerSide: 0,
    });
    if (detail !== null) return { ok: false, reason: f.reason, detail, plan: r.plan };
  }
  return r;
}

/** The schema defaults of the `risk` section. */
const RISK: RiskConfig = {
  stopAtr: 1.5,
  swingBufferAtr: 0.2,
  maxStopAtr: 4,
  targetMode: 'atr',
  targets: [1.5, 3, 4.5],
  minEntryCandles: 200,
};

const HOUR = 3_600_000;

function swing(kind: 'high' | 'low', index: number, price: number): Swing {
  return {
    kind,
    index,
    openTime: index * HOUR,
    price,
    confirmedIndex: index + 5,
    confirmedAt: (index + 6) * HOUR,
  };
}

/** A snapshot with every indicator warming (NaN) except what the test sets. */
function snapshot(timeframe: Timeframe, over: Partial<Mutable<TfSnapshot>> = {}): TfSnapshot {
  const base: Mutable<TfSnapshot> = {
    ...blankSnapshot(timeframe),
    count: 500,
    openTime: 0,
    closeTime: HOUR,
    open: 100,
    high: 100,
    low: 100,
    close: 100,
    volume: 1,
    complete: true,
    defectsInWindow: 0,
  };
  return { ...base, ...over };
}

/** Signal timeframe: close 100, ATR 2, unless overridden. */
const signalTf = (over: Partial<Mutable<TfSnapshot>> = {}) => snapshot('1h', { close: 100, atr: 2, ...over });
/** Entry timeframe: 500 candles, nothing to refine on unless overridden. */
const entryTf = (over: Partial<Mutable<TfSnapshot>> = {}) =>
  snapshot('15m', { close: 100, atr: 0.8, ...over });

function candidate(over: Partial<StrategyCandidate> = {}): StrategyCandidate {
  return {
    strategy: 'momentum',
    direction: 'BUY',
    baseConfidence: 0.7,
    reasons: [],
    confirmations: [],
    ...over,
  };
}

/** An up-leg on the entry timeframe: low then (later) high. */
const upLeg = (low: number, high: number) => ({
  lastSwingLow: swing('low', 10, low),
  lastSwingHigh: swing('high', 20, high),
});
/** A down-leg on the entry timeframe: high then (later) low. */
const downLeg = (high: number, low: number) => ({
  lastSwingHigh: swing('high', 10, high),
  lastSwingLow: swing('low', 20, low),
});

function planOf(r: RiskResult): RiskPlan {
  if (r.plan === null) throw new Error(`expected a plan, got ${JSON.stringify(r)}`);
  return r.plan;
}

function option(plan: RiskPlan, type: EntryType): EntryOption {
  const o = plan.analysis.considered.find((x) => x.type === type);
  if (!o) throw new Error(`${type} not considered`);
  return o;
}

/** Every returned plan's invariants. */
function expectOrdered(plan: RiskPlan, direction: 'BUY' | 'SELL'): void {
  const [tp1, tp2, tp3] = plan.takeProfits;
  const prices = [plan.stopLoss, plan.entryPrice, tp1, tp2, tp3];
  for (const p of prices) {
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeGreaterThan(0);
  }
  const s = direction === 'BUY' ? 1 : -1;
  for (let i = 1; i < prices.length; i++) expect(s * (prices[i] - prices[i - 1])).toBeGreaterThan(0);
  expect(Number.isFinite(plan.rewardRisk)).toBe(true);
}

describe('planRisk: ATR and market price', () => {
  it('rejects a warming (NaN) ATR as invalid_risk without a plan', () => {
    const r = planRisk(candidate(), signalTf({ atr: Number.NaN }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk', plan: null });
    if (!r.ok) expect(r.detail).toMatch(/1h ATR is not available/);
  });

  it.each([0, -1, Number.POSITIVE_INFINITY])('rejects ATR %s as invalid_risk', (atr) => {
    const r = planRisk(candidate(), signalTf({ atr }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk', plan: null });
  });

  it('rejects a non-positive market price', () => {
    const r = planRisk(candidate(), signalTf({ close: 0 }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk', plan: null });
  });
});

describe('planRisk: entry refinement', () => {
  it('falls back to MARKET_ENTRY while the entry timeframe has fewer than minEntryCandles, and says so', () => {
    const r = planRisk(
      candidate(),
      signalTf(),
      entryTf({ count: 50, ema21: 99.5, ...upLeg(98, 101) }),
      RISK,
      2,
    );
    const plan = planOf(r);
    expect(r.ok).toBe(true);
    expect(plan.entryType).toBe('MARKET_ENTRY');
    expect(plan.entryPrice).toBe(100);
    expect(plan.analysis.chosen).toBe('MARKET_ENTRY');
    expect(plan.analysis.entryTimeframe).toBe('15m');
    expect(plan.analysis.entryCandles).toBe(50);
    expect(plan.analysis.marketPrice).toBe(100);
    expect(plan.analysis.why).toMatch(/15m has 50 closed candles, fewer than the 200/);
    // the options are still listed (with what they would have been), none valid
    expect(plan.analysis.considered.map((o) => o.type)).toEqual([
      'SUPPORT_RETEST',
      'EMA_PULLBACK',
      'FIBONACCI_618',
    ]);
    expect(plan.analysis.considered.every((o) => !o.valid)).toBe(true);
    expect(option(plan, 'EMA_PULLBACK')).toMatchObject({ price: 99.5, valid: false });
    expect(option(plan, 'EMA_PULLBACK').reason).toMatch(/not used: 15m has 50 of the 200 candles/);
  });

  it('refines once the entry timeframe has exactly minEntryCandles', () => {
    const r = planRisk(candidate(), signalTf(), entryTf({ count: 200, ema21: 99.5 }), RISK, 2);
    expect(planOf(r).entryType).toBe('EMA_PULLBACK');
  });

  it('falls back to MARKET_ENTRY when no option is valid, explaining each', () => {
    const r = planRisk(candidate(), signalTf(), entryTf(), RISK, 2);
    const plan = planOf(r);
    expect(plan.entryType).toBe('MARKET_ENTRY');
    expect(plan.entryPrice).toBe(100);
    expect(plan.analysis.why).toMatch(/no refinement option is valid/);
    expect(option(plan, 'SUPPORT_RETEST')).toMatchObject({ price: null, valid: false });
    expect(option(plan, 'SUPPORT_RETEST').reason).toMatch(/named no level/);
    expect(option(plan, 'EMA_PULLBACK')).toMatchObject({ price: null, valid: false });
    expect(option(plan, 'EMA_PULLBACK').reason).toMatch(/15m EMA 21 is not available/);
    expect(option(plan, 'FIBONACCI_618')).toMatchObject({ price: null, valid: false });
    expect(option(plan, 'FIBONACCI_618').reason).toMatch(/no confirmed swing leg on 15m/);
  });

  it('chooses EMA_PULLBACK when the EMA is the nearest valid option', () => {
    // fib: 102 − 0.618 × 7 = 97.674; level 98.5; EMA 99.2 is nearest to 100
    const entry = entryTf({ ema21: 99.2, ...upLeg(95, 102) });
    const c = candidate({ level: { price: 98.5, touches: 3, kind: 'resistance' } });
    const plan = planOf(planRisk(c, signalTf(), entry, RISK, 2));
    expect(plan.entryType).toBe('EMA_PULLBACK');
    expect(plan.entryPrice).toBe(99.2);
    expect(plan.analysis.considered.every((o) => o.valid)).toBe(true);
    expect(option(plan, 'FIBONACCI_618').price).toBeCloseTo(97.674, 12);
    expect(plan.analysis.why).toMatch(
      /EMA_PULLBACK limit at 99.20: the valid option nearest to the market price 100.00/,
    );
    expect(plan.analysis.why).toMatch(/2 other valid options/);
  });

  it('chooses SUPPORT_RETEST when the broken level is the nearest valid option', () => {
    const entry = entryTf({ ema21: 99.2, ...upLeg(95, 102) });
    const c = candidate({ level: { price: 99.6, touches: 2, kind: 'resistance' } });
    const plan = planOf(planRisk(c, signalTf(), entry, RISK, 2));
    expect(plan.entryType).toBe('SUPPORT_RETEST');
    expect(plan.entryPrice).toBe(99.6);
    expect(option(plan, 'SUPPORT_RETEST').reason).toMatch(
      /retest of the resistance 99.60 \(2 touches\): 0.20 ATR below/,
    );
  });

  it('chooses FIBONACCI_618 when the retracement is the nearest valid option', () => {
    // up-leg 98 → 101: 101 − 0.618 × 3 = 99.146
    const entry = entryTf({ ema21: 98.5, ...upLeg(98, 101) });
    const c = candidate({ level: { price: 98, touches: 2, kind: 'support' } });
    const plan = planOf(planRisk(c, signalTf(), entry, RISK, 2));
    expect(plan.entryType).toBe('FIBONACCI_618');
    expect(plan.entryPrice).toBeCloseTo(99.146, 12);
    expect(option(plan, 'FIBONACCI_618').reason).toMatch(
      /61.8 % retracement of the 15m up-leg 98.00 → 101.00/,
    );
  });

  it('breaks ties by SUPPORT_RETEST, then EMA_PULLBACK, then FIBONACCI_618', () => {
    const fib = 101 - 0.618 * 3;
    const both = planRisk(
      candidate({ level: { price: 99, touches: 2, kind: 'resistance' } }),
      signalTf(),
      entryTf({ ema21: 99 }),
      RISK,
      2,
    );
    expect(planOf(both).entryType).toBe('SUPPORT_RETEST');
    const emaFib = planRisk(candidate(), signalTf(), entryTf({ ema21: fib, ...upLeg(98, 101) }), RISK, 2);
    expect(planOf(emaFib).entryType).toBe('EMA_PULLBACK');
    expect(planOf(emaFib).entryPrice).toBe(fib);
  });

  it('explains each invalid option: wrong side of market, beyond the stop, too far, wrong leg', () => {
    // signal swing low 99 → structural stop 99 − 0.2 × 2 = 98.6
    const signal = signalTf({ lastSwingLow: swing('low', 40, 99) });
    const c = candidate({ level: { price: 100, touches: 2, kind: 'resistance' } });
    // EMA 98.7 is valid (above 98.6, 0.65 ATR below); the level sits AT the market price
    const r1 = planRisk(c, signal, entryTf({ ema21: 98.7, ...downLeg(102, 97) }), RISK, 2);
    const p1 = planOf(r1);
    expect(option(p1, 'SUPPORT_RETEST')).toMatchObject({ price: 100, valid: false });
    expect(option(p1, 'SUPPORT_RETEST').reason).toMatch(/not below the market price 100.00/);
    expect(option(p1, 'FIBONACCI_618')).toMatchObject({ price: null, valid: false });
    expect(option(p1, 'FIBONACCI_618').reason).toMatch(
      /last 15m leg is down \(102.00 → 97.00\), not an up-leg for a BUY/,
    );
    expect(p1.entryType).toBe('EMA_PULLBACK');

    // EMA at the structural stop; fib at 101 − 0.618 × 5 = 97.91, below it
    const r2 = planRisk(c, signal, entryTf({ ema21: 98.6, ...upLeg(96, 101) }), RISK, 2);
    const p2 = planOf(r2);
    expect(option(p2, 'EMA_PULLBACK')).toMatchObject({ price: 98.6, valid: false });
    expect(option(p2, 'EMA_PULLBACK').reason).toMatch(/at or beyond the structural stop 98.60/);
    expect(option(p2, 'FIBONACCI_618').valid).toBe(false);
    expect(option(p2, 'FIBONACCI_618').reason).toMatch(/structural stop/);
    expect(p2.entryType).toBe('MARKET_ENTRY');

    // with no swing low, an EMA 1.75 ATR below is too far
    const r3 = planRisk(candidate(), signalTf(), entryTf({ ema21: 96.5 }), RISK, 2);
    const p3 = planOf(r3);
    expect(option(p3, 'EMA_PULLBACK').valid).toBe(false);
    expect(option(p3, 'EMA_PULLBACK').reason).toMatch(/1.75 ATR below the market, beyond the 1.5 ATR limit/);
    // exactly at the limit is allowed
    const atLimit = planRisk(
      candidate(),
      signalTf(),
      entryTf({ ema21: 100 - MAX_ENTRY_DISTANCE_ATR * 2 }),
      RISK,
      2,
    );
    expect(planOf(atLimit).entryType).toBe('EMA_PULLBACK');
  });
});

describe('planRisk: stop-loss', () => {
  it('puts the stop beyond the signal swing low minus the buffer when that is further than the ATR minimum', () => {
    // 100 − (96 − 0.4) = 4.4 > 1.5 × 2 = 3
    const r = planRisk(
      candidate(),
      signalTf({ lastSwingLow: swing('low', 40, 96) }),
      entryTf(),
      { ...RISK, targets: [2, 5, 7] },
      2,
    );
    expect(r.ok).toBe(true);
    expect(planOf(r).stopLoss).toBeCloseTo(95.6, 12);
  });

  it('uses the ATR minimum when the swing is closer', () => {
    const r = planRisk(candidate(), signalTf({ lastSwingLow: swing('low', 40, 99) }), entryTf(), RISK, 2);
    expect(r.ok).toBe(true);
    expect(planOf(r).stopLoss).toBe(97);
    expect(planOf(r).rewardRisk).toBe(2);
  });

  it('ignores a swing low at or above the entry', () => {
    const at = planRisk(candidate(), signalTf({ lastSwingLow: swing('low', 40, 100) }), entryTf(), RISK, 2);
    expect(planOf(at).stopLoss).toBe(97);
    const above = planRisk(
      candidate(),
      signalTf({ lastSwingLow: swing('low', 40, 101) }),
      entryTf(),
      RISK,
      2,
    );
    expect(planOf(above).stopLoss).toBe(97);
  });

  it("takes the candidate's own stopAtr over the config's", () => {
    const r = planRisk(candidate({ strategy: 'scalping', stopAtr: 1 }), signalTf(), entryTf(), RISK, 2);
    expect(planOf(r).stopLoss).toBe(98);
    expect(planOf(r).rewardRisk).toBe(3);
  });

  it('measures the stop from the refined entry, not the market price', () => {
    // EMA entry 99.2; swing 96 → 99.2 − 95.6 = 3.6 from the swing
    const r = planRisk(
      candidate(),
      signalTf({ lastSwingLow: swing('low', 40, 96) }),
      entryTf({ ema21: 99.2 }),
      { ...RISK, targetMode: 'r', targets: [1, 2, 3] },
      2,
    );
    const plan = planOf(r);
    expect(plan.entryPrice).toBe(99.2);
    expect(plan.stopLoss).toBeCloseTo(95.6, 12);
    expect(plan.takeProfits[0]).toBeCloseTo(102.8, 12);
  });

  it('rejects a stop further than maxStopAtr as invalid_risk, keeping the plan', () => {
    // 100 − (90 − 0.4) = 10.4 = 5.2 ATR > 4
    const r = planRisk(candidate(), signalTf({ lastSwingLow: swing('low', 40, 90) }), entryTf(), RISK, 2);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('invalid_risk');
    expect(r.detail).toMatch(
      /5.20 ATR from the entry \(beyond the 1h swing low 90.00 with a 0.20 ATR buffer\), more than the 4 ATR maximum/,
    );
    const plan = planOf(r);
    expect(plan.stopLoss).toBeCloseTo(89.6, 12);
    expectOrdered(plan, 'BUY');
  });

  it('rejects an ATR-minimum stop beyond maxStopAtr', () => {
    const r = planRisk(candidate({ stopAtr: 5 }), signalTf(), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk' });
    if (!r.ok) expect(r.detail).toMatch(/the 5.00 ATR minimum/);
  });

  it('rejects a BUY stop at or below zero as invalid_risk without a plan', () => {
    const r = planRisk(candidate(), signalTf({ close: 3, atr: 2 }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk', plan: null });
    if (!r.ok) expect(r.detail).toMatch(/stop 0.0000 is not a positive finite price/);
  });
});

describe('planRisk: targets and reward:risk', () => {
  it("'atr' targets are ATR multiples from the entry", () => {
    const plan = planOf(planRisk(candidate(), signalTf(), entryTf(), RISK, 2));
    expect(plan.takeProfits).toEqual([103, 106, 109]);
    expect(plan.stopLoss).toBe(97);
    expect(plan.rewardRisk).toBe(2);
  });

  it("'r' targets are multiples of the stop distance", () => {
    const signal = signalTf({ lastSwingLow: swing('low', 40, 96) });
    const r = planRisk(candidate(), signal, entryTf(), { ...RISK, targetMode: 'r', targets: [1, 2, 3] }, 2);
    expect(r.ok).toBe(true);
    const plan = planOf(r);
    expect(plan.takeProfits[0]).toBeCloseTo(104.4, 12);
    expect(plan.takeProfits[1]).toBeCloseTo(108.8, 12);
    expect(plan.takeProfits[2]).toBeCloseTo(113.2, 12);
    expect(plan.rewardRisk).toBe(2);
    // the same setup in 'atr' mode: TP2 = 100 + 3 × 2, R:R 6 / 4.4
    const atr = planOf(planRisk(candidate(), signal, entryTf(), RISK, 0.5));
    expect(atr.takeProfits).toEqual([103, 106, 109]);
    expect(atr.rewardRisk).toBeCloseTo(6 / 4.4, 12);
  });

  it('rejects a reward:risk below the minimum as low_reward_risk, keeping the plan', () => {
    const r = planRisk(candidate(), signalTf({ lastSwingLow: swing('low', 40, 96) }), entryTf(), RISK, 2);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('low_reward_risk');
    expect(r.detail).toMatch(/reward:risk to TP2 after costs is 1.36, below the 2 minimum/);
    const plan = planOf(r);
    expect(plan.rewardRisk).toBeCloseTo(6 / 4.4, 12);
    expect(plan.stopLoss).toBeCloseTo(95.6, 12);
    expectOrdered(plan, 'BUY');
  });

  it('accepts a plan exactly at the minimum whatever the price rounding', () => {
    // TP2 3 ATR over a 1.5 ATR stop is 2 exactly; prices alone would round it either way
    const r = planRisk(candidate(), signalTf({ close: 64_123.37, atr: 123.457 }), entryTf(), RISK, 2);
    expect(r.ok).toBe(true);
    expect(planOf(r).rewardRisk).toBe(2);
    const s = planRisk(
      candidate({ direction: 'SELL' }),
      signalTf({ close: 0.000_123_47, atr: 0.000_001_9 }),
      entryTf(),
      RISK,
      2,
    );
    expect(s.ok).toBe(true);
  });
});

describe('planRisk: SELL mirrors BUY', () => {
  const sell = (over: Partial<StrategyCandidate> = {}) => candidate({ direction: 'SELL', ...over });

  it('market entry with the ATR-minimum stop above and targets below', () => {
    const plan = planOf(planRisk(sell(), signalTf(), entryTf(), RISK, 2));
    expect(plan.entryType).toBe('MARKET_ENTRY');
    expect(plan.stopLoss).toBe(103);
    expect(plan.takeProfits).toEqual([97, 94, 91]);
    expect(plan.rewardRisk).toBe(2);
    expectOrdered(plan, 'SELL');
  });

  it('stop above the signal swing high plus the buffer, limit entries above the market', () => {
    // swing high 104 → structural stop 104.4; fib of the down-leg 105 → 98: 98 + 0.618 × 7 = 102.326
    const signal = signalTf({ lastSwingHigh: swing('high', 40, 104) });
    const entry = entryTf({ ema21: 101.3, ...downLeg(105, 98) });
    const c = sell({ level: { price: 100.9, touches: 3, kind: 'support' } });
    const r = planRisk(c, signal, entry, { ...RISK, targetMode: 'r', targets: [1, 2, 3] }, 2);
    expect(r.ok).toBe(true);
    const plan = planOf(r);
    expect(plan.entryType).toBe('SUPPORT_RETEST');
    expect(plan.entryPrice).toBe(100.9);
    expect(plan.stopLoss).toBeCloseTo(104.4, 12);
    expect(plan.takeProfits[0]).toBeCloseTo(100.9 - 3.5, 12);
    expect(plan.takeProfits[2]).toBeCloseTo(100.9 - 10.5, 12);
    expect(option(plan, 'FIBONACCI_618').price).toBeCloseTo(102.326, 12);
    expect(option(plan, 'FIBONACCI_618').reason).toMatch(
      /15m down-leg 105.00 → 98.00 at 102.33: 1.16 ATR above the market/,
    );
    expect(option(plan, 'EMA_PULLBACK').valid).toBe(true);
    expectOrdered(plan, 'SELL');
  });

  it('rejects SELL options below the market or beyond the structural stop, and an up-leg', () => {
    const signal = signalTf({ lastSwingHigh: swing('high', 40, 101) }); // stop 101.4
    const plan = planOf(
      planRisk(
        sell({ level: { price: 99, touches: 2, kind: 'support' } }),
        signal,
        entryTf({ ema21: 101.5, ...upLeg(97, 103) }),
        RISK,
        2,
      ),
    );
    expect(option(plan, 'SUPPORT_RETEST').reason).toMatch(/not above the market price 100.00/);
    expect(option(plan, 'EMA_PULLBACK').reason).toMatch(/at or beyond the structural stop 101.40/);
    expect(option(plan, 'FIBONACCI_618').reason).toMatch(/not a down-leg for a SELL/);
    expect(plan.entryType).toBe('MARKET_ENTRY');
    // swing high 1 above: 1.4 from the swing < 3 from the ATR minimum
    expect(plan.stopLoss).toBe(103);
  });

  it('rejects a SELL whose targets would fall to zero or below', () => {
    const r = planRisk(sell(), signalTf({ close: 5, atr: 2 }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk', plan: null });
    if (!r.ok) expect(r.detail).toMatch(/TP2 -1.0000 is not a positive finite price/);
  });

  it('rejects a SELL swing stop beyond maxStopAtr', () => {
    const r = planRisk(sell(), signalTf({ lastSwingHigh: swing('high', 40, 110) }), entryTf(), RISK, 2);
    expect(r).toMatchObject({ ok: false, reason: 'invalid_risk' });
    if (!r.ok) expect(r.detail).toMatch(/swing high 110.00/);
  });
});

describe('planRisk: properties', () => {
  const atrs = (lo: number, hi: number) =>
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
  // fast-check's doubles crowd toward the bounds and toward 0 (denormals), which leaves a
  // price offset of 1e-300 ATR that equals the market; a grid of 1/1000 ATR spreads them out.
  const offsets = (lo: number, hi: number) =>
    maybe(
      fc.oneof(
        atrs(lo, hi),
        fc.integer({ min: lo * 1000, max: hi * 1000 }).map((i) => i / 1000),
      ),
    );

  const inputs = fc.record({
    direction: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    market: fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    atrPct: atrs(1e-4, 0.3),
    signalLow: offsets(-2, 10),
    signalHigh: offsets(-2, 10),
    // ATRs from the market toward the stop side (negative: the wrong side)
    ema: offsets(-0.5, 2),
    level: offsets(-0.5, 2),
    legA: offsets(-4, 4),
    legB: offsets(-4, 4),
    legUp: fc.boolean(),
    entryCount: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(1000)),
    candidateStopAtr: fc.option(atrs(0.3, 3), { nil: undefined }),
    stopAtr: atrs(0.3, 3),
    swingBufferAtr: atrs(0, 1),
    maxStopAtr: atrs(1, 8),
    targetMode: fc.constantFrom<'atr' | 'r'>('atr', 'r'),
    t1: atrs(0.1, 3),
    dt2: atrs(0.01, 3),
    dt3: atrs(0.01, 3),
    minEntryCandles: fc.integer({ min: 1, max: 300 }),
    minRewardRisk: atrs(0.2, 4),
  });

  it('every returned plan is ordered, finite and positive; accepted plans meet the rules', () => {
    fc.assert(
      fc.property(inputs, (x) => {
        const atr = x.market * x.atrPct;
        const toward = x.direction === 'BUY' ? 1 : -1;
        // offsets are in ATRs away from the market on the side a stop would be (low: below, high: above)
        const signal = signalTf({
          close: x.market,
          atr,
          lastSwingLow: x.signalLow === null ? null : swing('low', 30, x.market - x.signalLow * atr),
          lastSwingHigh: x.signalHigh === null ? null : swing('high', 31, x.market + x.signalHigh * atr),
        });
        const legs =
          x.legA === null || x.legB === null
            ? {}
            : x.legUp
              ? {
                  lastSwingLow: swing('low', 10, x.market + x.legA * atr),
                  lastSwingHigh: swing('high', 20, x.market + x.legB * atr),
                }
              : {
                  lastSwingHigh: swing('high', 10, x.market + x.legA * atr),
                  lastSwingLow: swing('low', 20, x.market + x.legB * atr),
                };
        const entry = entryTf({
          count: x.entryCount,
          ema21: x.ema === null ? Number.NaN : x.market - toward * x.ema * atr,
          ...legs,
        });
        const c = candidate({
          direction: x.direction,
          stopAtr: x.candidateStopAtr,
          level:
            x.level === null
              ? undefined
              : { price: x.market - toward * x.level * atr, touches: 2, kind: 'support' },
        });
        const risk: RiskConfig = {
          stopAtr: x.stopAtr,
          swingBufferAtr: x.swingBufferAtr,
          maxStopAtr: x.maxStopAtr,
          targetMode: x.targetMode,
          targets: [x.t1, x.t1 + x.dt2, x.t1 + x.dt2 + x.dt3],
          minEntryCandles: x.minEntryCandles,
        };
        const r = planRisk(c, signal, entry, risk, x.minRewardRisk);
        if (r.plan === null) {
          expect(r.ok).toBe(false);
          return;
        }
        const plan = r.plan;
        expectOrdered(plan, x.direction);
        const s = x.direction === 'BUY' ? 1 : -1;
        // the entry is the market price or a valid limit on the right side, within the limit
        const away = s * (x.market - plan.entryPrice);
        expect(away).toBeGreaterThanOrEqual(0);
        expect(away).toBeLessThanOrEqual(MAX_ENTRY_DISTANCE_ATR * atr * (1 + 1e-12));
        if (plan.entryType === 'MARKET_ENTRY') expect(plan.entryPrice).toBe(x.market);
        else expect(plan.analysis.considered.find((o) => o.type === plan.entryType)?.valid).toBe(true);
        if (x.entryCount < x.minEntryCandles) expect(plan.entryType).toBe('MARKET_ENTRY');
        // the stop is at least the ATR minimum away
        const k = x.candidateStopAtr ?? x.stopAtr;
        expect(s * (plan.entryPrice - plan.stopLoss)).toBeGreaterThanOrEqual(k * atr * (1 - 1e-9));
        if (r.ok) {
          expect(plan.rewardRisk).toBeGreaterThanOrEqual(x.minRewardRisk);
          expect(s * (plan.entryPrice - plan.stopLoss)).toBeLessThanOrEqual(x.maxStopAtr * atr * (1 + 1e-9));
        } else if (r.reason === 'low_reward_risk') {
          expect(plan.rewardRisk).toBeLessThan(x.minRewardRisk);
        }
        // the reported reward:risk is the price ratio up to rounding
        const priceRatio =
          (s * (plan.takeProfits[1] - plan.entryPrice)) / (s * (plan.entryPrice - plan.stopLoss));
        expect(Math.abs(priceRatio - plan.rewardRisk)).toBeLessThanOrEqual(1e-6 * plan.rewardRisk);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('planRisk on snapshots built by TimeframeFeatures', () => {
  it('plans from streamed synthetic candles (an uptrend with pullbacks)', () => {
    const signal = new TimeframeFeatures('1h', 'full');
    const entry = new TimeframeFeatures('15m', 'light');
    const q = HOUR / 4;
    let hourOpen = 100;
    let hh = 0;
    let hl = 0;
    for (let i = 0; i < 4 * 400; i++) {
      // a rising wave: 0.02 per 15m plus a 40-candle oscillation of amplitude 3
      const mid = 100 + 0.02 * i + 3 * Math.sin((2 * Math.PI * i) / 40);
      const next = 100 + 0.02 * (i + 1) + 3 * Math.sin((2 * Math.PI * (i + 1)) / 40);
      const open = mid;
      const close = next;
      const high = Math.max(open, close) + 0.3;
      const low = Math.min(open, close) - 0.3;
      entry.update({ openTime: i * q, open, high, low, close, volume: 10 });
      if (i % 4 === 0) {
        hourOpen = open;
        hh = high;
        hl = low;
      } else {
        hh = Math.max(hh, high);
        hl = Math.min(hl, low);
      }
      if (i % 4 === 3)
        signal.update({ openTime: (i - 3) * q, open: hourOpen, high: hh, low: hl, close, volume: 40 });
    }
    expect(signal.snapshot.atr).toBeGreaterThan(0);
    expect(entry.snapshot.count).toBe(1600);
    for (const direction of ['BUY', 'SELL'] as const) {
      const r = planRisk(candidate({ direction }), signal.snapshot, entry.snapshot, RISK, 1);
      const plan = planOf(r);
      expectOrdered(plan, direction);
      expect(plan.analysis.entryTimeframe).toBe('15m');
      expect(plan.analysis.entryCandles).toBe(1600);
      expect(plan.analysis.marketPrice).toBe(signal.snapshot.close);
      expect(plan.analysis.considered).toHaveLength(3);
    }
  });
});

describe('planRisk on a tick grid', () => {
  const onGrid = (x: number, tick: number) => Math.abs(x / tick - Math.round(x / tick)) < 1e-9;

  it('puts entry, stop and targets on the tick; the stop away from the entry, the targets toward it', () => {
    for (const direction of ['BUY', 'SELL'] as const) {
      const signal = signalTf({ close: 100, atr: 1.2345, tickSize: 0.01 });
      const entry = entryTf({ ema21: direction === 'BUY' ? 99.3333 : 100.6667, tickSize: 0.01 });
      const plan = planOf(planRisk(candidate({ direction }), signal, entry, RISK, 1));
      expectOrdered(plan, direction);
      const sign = direction === 'BUY' ? 1 : -1;
      for (const p of [plan.entryPrice, plan.stopLoss, ...plan.takeProfits])
        expect(onGrid(p, 0.01), `${p}`).toBe(true);
      // unrounded: entry − 1.5 ATR and entry + 1.5 / 3 / 4.5 ATR
      const rawStop = plan.entryPrice - sign * 1.5 * 1.2345;
      expect(sign * (plan.entryPrice - plan.stopLoss)).toBeGreaterThanOrEqual(
        sign * (plan.entryPrice - rawStop),
      );
      expect(Math.abs(plan.stopLoss - rawStop)).toBeLessThan(0.01);
      const rawTp1 = plan.entryPrice + sign * 1.5 * 1.2345;
      expect(sign * (plan.takeProfits[0] - plan.entryPrice)).toBeLessThanOrEqual(
        sign * (rawTp1 - plan.entryPrice),
      );
      expect(plan.analysis.why).toMatch(/limit at \d+\.\d\d:/);
    }
  });
});
