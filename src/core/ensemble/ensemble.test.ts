import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warmSnapshot } from '../../../test/support/snapshots.js';
import type { Timeframe } from '../candles/timeframe.js';
import type { TfSnapshot } from '../features/snapshot.js';
import { scoreContext, volumeFactor } from '../mtf/context.js';
import type { StrategyCandidate } from '../signals/types.js';
import type { StrategyFamily } from '../strategies/definition.js';
import { BUILTIN_REGISTRY } from '../strategies/registry.js';
import { LevelTracker } from '../structure/levels.js';
import type { Swing } from '../structure/swings.js';
import { type EnsembleWeights, scoreConfidence as score, VOTERS } from './confidence.js';
import { HEALTH_WEIGHTS, type HealthInput, healthScore as health } from './health.js';
import { priceActionVoter as priceAction } from './price-action.js';
import { regimeFit as fitOfBand, regimeVoter as regime, volumeVoter as volume } from './regime.js';
import { technicalVoter as technical } from './technical.js';
import type { Voter, VoterOpinion } from './voter.js';

type StrategyName = string;

/** The declared family of a built-in strategy (the voters judge a candidate by its family). */
function familyOf(name: StrategyName): StrategyFamily {
  const d = BUILTIN_REGISTRY.get(name);
  if (!d) throw new Error(`no strategy ${name}`);
  return d;
}
const withFamily =
  (voter: Voter) =>
  (c: StrategyCandidate, s: TfSnapshot): VoterOpinion =>
    voter(c, s, familyOf(c.strategy));
const technicalVoter = withFamily(technical);
const priceActionVoter = withFamily(priceAction);
const regimeVoter = withFamily(regime);
const volumeVoter = withFamily(volume);
const regimeFit = (name: StrategyName, adx: number): number => fitOfBand(familyOf(name).regime, adx);
const scoreConfidence = (
  c: StrategyCandidate,
  s: TfSnapshot,
  ctx: readonly TfSnapshot[],
  w: EnsembleWeights,
) => score(c, familyOf(c.strategy), s, ctx, w);
const healthScore = ({ strategy, ...rest }: Omit<HealthInput, 'family'> & { strategy: StrategyName }) =>
  health({ ...rest, family: familyOf(strategy) });

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A tracker holding one level per given swing price (each its own cluster), last close at `close`. */
function levelsAt(close: number, ...swings: ['high' | 'low', number][]): LevelTracker {
  const t = new LevelTracker();
  swings.forEach(([kind, price], i) => {
    const s: Swing = {
      kind,
      price,
      index: i,
      openTime: T0 + i * HOUR,
      confirmedIndex: i,
      confirmedAt: T0 + (i + 1) * HOUR,
    };
    t.update({ openTime: T0 + i * HOUR, open: close, high: close, low: close, close, volume: 1 }, [s]);
  });
  return t;
}

/**
 * A warm 1h snapshot of a bullish market: RSI, MACD, EMAs all on the BUY side, ADX trending,
 * average volume, no levels, swings or patterns. Override to taste.
 */
function snapshot(overrides: Partial<Mutable<TfSnapshot>> = {}): TfSnapshot {
  return warmSnapshot({
    timeframe: '1h',
    count: 500,
    high: 101.5,
    low: 99.5,
    prevHigh: 100.5,
    prevLow: 99,
    ...overrides,
  });
}

function candidate(overrides: Partial<Mutable<StrategyCandidate>> = {}): StrategyCandidate {
  return {
    strategy: 'momentum',
    direction: 'BUY',
    baseConfidence: 0.7,
    reasons: ['test'],
    confirmations: [],
    ...overrides,
  };
}

function swing(kind: 'high' | 'low', price: number, index: number): Swing {
  return {
    kind,
    price,
    index,
    openTime: T0 + index * HOUR,
    confirmedIndex: index + 5,
    confirmedAt: T0 + (index + 6) * HOUR,
  };
}

const WEIGHTS = { technical: 0.4, price_action: 0.2, regime: 0.2, volume: 0.2 };
const BEARISH: Partial<Mutable<TfSnapshot>> = { rsi: 40, macdHist: -0.5, close: 99, ema9: 99.5 };

describe('technical voter', () => {
  it('blends the strategy base (0.7) with indicator agreement (0.3)', () => {
    const all = technicalVoter(candidate(), snapshot());
    expect(all.voter).toBe('technical');
    expect(all.score).toBeCloseTo(0.7 * 0.7 + 0.3, 12);
    expect(all.reason).toContain('indicators agree 4/4');
    const none = technicalVoter(candidate(), snapshot(BEARISH));
    expect(none.score).toBeCloseTo(0.7 * 0.7, 12);
    expect(technicalVoter(candidate({ direction: 'SELL' }), snapshot(BEARISH)).score).toBeCloseTo(0.79, 12);
  });

  it('scores half agreement while indicators are cold', () => {
    const cold = snapshot({ rsi: Number.NaN, macdHist: Number.NaN, ema21: Number.NaN, ema9: Number.NaN });
    const v = technicalVoter(candidate({ baseConfidence: 1 }), cold);
    expect(v.score).toBeCloseTo(0.7 + 0.15, 12);
    expect(v.reason).toContain('not warm');
  });

  it('judges mean reversion by turns, not sides: an oversold hook upward agrees with a BUY', () => {
    const hook = snapshot({
      rsi: 28,
      prevRsi: 24,
      macdHist: -0.8,
      prevMacdHist: -1,
      close: 97,
      prevClose: 96,
      ema9: 99,
    });
    const mr = technicalVoter(candidate({ strategy: 'mean_reversion' }), hook);
    expect(mr.score).toBeCloseTo(0.7 * 0.7 + 0.3, 12);
    // the same snapshot read as a trend setup is all against
    expect(technicalVoter(candidate(), hook).score).toBeCloseTo(0.7 * 0.7, 12);
  });
});

describe('price-action voter', () => {
  it('scores a BUY just above support high and one just under resistance low', () => {
    const nearSupport = snapshot({ close: 100.6, levels: levelsAt(100.6, ['low', 100]) });
    const underResistance = snapshot({ close: 100.6, levels: levelsAt(100.6, ['high', 101]) });
    // a previous close on the level is a bounce from it, not a break of it
    expect(nearSupport.prevClose).toBe(100);
    const a = priceActionVoter(candidate(), nearSupport);
    const b = priceActionVoter(candidate(), underResistance);
    // location: 0.5 + 0.5 × (1 − 0.3) = 0.85 vs 0.5 − 0.4 × (1 − 0.2) = 0.18; structure and confirmation 0.5
    expect(a.score).toBeCloseTo(0.4 * 0.85 + 0.3 * 0.5 + 0.3 * 0.5, 12);
    expect(b.score).toBeCloseTo(0.4 * 0.18 + 0.3 * 0.5 + 0.3 * 0.5, 12);
    expect(a.reason).toContain('0.30 ATR from support 100');
    expect(b.reason).toContain('0.20 ATR to resistance 101');
  });

  it('gives a fresh break of the level behind the full bonus, however big the candle', () => {
    const broke = snapshot({ close: 106, prevClose: 99.5, levels: levelsAt(99, ['high', 100]) });
    const v = priceActionVoter(candidate({ level: { price: 100, touches: 3, kind: 'resistance' } }), broke);
    expect(v.score).toBeCloseTo(0.4 * 1 + 0.3 * 0.5 + 0.3 * 0.5, 12);
    expect(v.reason).toContain('broke');
    // a Donchian breakout counts the same
    const don = snapshot({ close: 104, prevClose: 102.5, donchianHigh: 103 });
    expect(priceActionVoter(candidate(), don).reason).toContain('broke 20-candle high 103');
  });

  it('names a level broken this candle for what it was: a BUY broke resistance, a SELL broke support', () => {
    // the tracker's level at 100 is below the new close, so it lists it as support already
    const up = snapshot({ close: 100.5, prevClose: 99.5, levels: levelsAt(100.5, ['high', 100]) });
    expect(priceActionVoter(candidate(), up).reason).toContain('broke resistance 100.00 this candle');
    const down = snapshot({ close: 99.5, prevClose: 100.5, levels: levelsAt(99.5, ['low', 100]) });
    expect(priceActionVoter(candidate({ direction: 'SELL' }), down).reason).toContain(
      'broke support 100.00 this candle',
    );
  });

  it('mirrors for SELL: just under resistance is good, just above support is bad', () => {
    const underResistance = snapshot({ close: 100.6, levels: levelsAt(100.6, ['high', 101]) });
    const sell = priceActionVoter(candidate({ direction: 'SELL' }), underResistance);
    const buy = priceActionVoter(candidate(), underResistance);
    expect(sell.score).toBeGreaterThan(buy.score);
    expect(sell.reason).toContain('resistance 101');
  });

  it('rewards swing structure in the direction and confirmations; ignores indecision patterns', () => {
    const up = {
      lastSwingHigh: swing('high', 105, 40),
      prevSwingHigh: swing('high', 103, 20),
      lastSwingLow: swing('low', 99, 45),
      prevSwingLow: swing('low', 97, 25),
    };
    const s = snapshot(up);
    const plain = priceActionVoter(candidate(), s).score;
    expect(plain).toBeCloseTo(0.4 * 0.5 + 0.3 * 1 + 0.3 * 0.5, 12);
    expect(priceActionVoter(candidate({ direction: 'SELL' }), s).score).toBeCloseTo(
      0.4 * 0.5 + 0 + 0.3 * 0.5,
      12,
    );
    const confirmed = priceActionVoter(candidate({ confirmations: ['engulfing', 'hammer'] }), s).score;
    expect(confirmed).toBeCloseTo(0.4 * 0.5 + 0.3 * 1 + 0.3 * 1, 12);
    const indecision = snapshot({ ...up, patterns: new Map([['doji', 100]]) });
    expect(priceActionVoter(candidate({ direction: 'SELL' }), indecision).score).toBeCloseTo(0.2 + 0.15, 12);
    const bearish = snapshot({
      ...up,
      patterns: new Map([
        ['engulfing', -100],
        ['eveningstar', -100],
      ]),
    });
    expect(priceActionVoter(candidate(), bearish).score).toBeCloseTo(0.4 * 0.5 + 0.3 * 1 + 0, 12);
  });

  it('leaves swing structure out for mean reversion', () => {
    const down = snapshot({
      lastSwingHigh: swing('high', 101, 40),
      prevSwingHigh: swing('high', 103, 20),
      lastSwingLow: swing('low', 95, 45),
      prevSwingLow: swing('low', 97, 25),
    });
    const v = priceActionVoter(candidate({ strategy: 'mean_reversion' }), down);
    expect(v.score).toBeCloseTo(0.6 * 0.5 + 0.4 * 0.5, 12);
  });
});

describe('regime and volume voters', () => {
  it('fits trend families to trending ADX and mean reversion to ranging ADX, 0.5 when unknown', () => {
    for (const s of ['momentum', 'breakout', 'scalping'] as StrategyName[]) {
      expect(regimeFit(s, 10)).toBe(0);
      expect(regimeFit(s, 20)).toBeCloseTo(0.5, 12);
      expect(regimeFit(s, 25)).toBe(1);
      expect(regimeFit(s, 60)).toBe(1);
    }
    expect(regimeFit('mean_reversion', 12)).toBe(1);
    expect(regimeFit('mean_reversion', 20)).toBe(1);
    expect(regimeFit('mean_reversion', 25)).toBeCloseTo(0.5, 12);
    expect(regimeFit('mean_reversion', 30)).toBe(0);
    expect(regimeFit('momentum', Number.NaN)).toBe(0.5);
    const v = regimeVoter(candidate(), snapshot({ adx: 31.24 }));
    expect(v).toMatchObject({ voter: 'regime', score: 1 });
    expect(v.reason).toContain('ADX 31.2 (trending)');
  });

  it('scores volume as min(1, ratio / 2), 0.5 when unknown', () => {
    expect(volumeVoter(candidate(), snapshot({ volumeRatio: 1 })).score).toBe(0.5);
    expect(volumeVoter(candidate(), snapshot({ volumeRatio: 2 })).score).toBe(1);
    expect(volumeVoter(candidate(), snapshot({ volumeRatio: 5 })).score).toBe(1);
    expect(volumeVoter(candidate(), snapshot({ volumeRatio: 0 })).score).toBe(0);
    expect(volumeVoter(candidate(), snapshot({ volumeRatio: Number.NaN })).score).toBe(0.5);
  });
});

/** Snapshots with arbitrary (possibly cold) readings, for properties. */
const maybe = (lo: number, hi: number) =>
  fc.oneof(fc.double({ min: lo, max: hi, noNaN: true }), fc.constant(Number.NaN));
const arbSnapshot = fc
  .record({
    close: fc.double({ min: 50, max: 150, noNaN: true }),
    prevClose: maybe(50, 150),
    rsi: maybe(0, 100),
    prevRsi: maybe(0, 100),
    macdHist: maybe(-5, 5),
    prevMacdHist: maybe(-5, 5),
    ema9: maybe(50, 150),
    ema21: maybe(50, 150),
    ema50: maybe(50, 150),
    ema200: maybe(50, 150),
    ema50Slope: maybe(-0.05, 0.05),
    adx: maybe(0, 100),
    atr: maybe(0, 10),
    bbMiddle: maybe(50, 150),
    donchianHigh: maybe(50, 150),
    donchianLow: maybe(50, 150),
    volumeRatio: maybe(0, 10),
    defectsInWindow: fc.integer({ min: 0, max: 1000 }),
    complete: fc.boolean(),
    support: fc.double({ min: 50, max: 150, noNaN: true }),
    resistance: fc.double({ min: 50, max: 150, noNaN: true }),
    pattern: fc.integer({ min: -200, max: 200 }),
  })
  .map(({ support, resistance, pattern, ...x }) =>
    snapshot({
      ...x,
      levels: levelsAt(x.close, ['low', support], ['high', resistance]),
      patterns: pattern === 0 ? new Map() : new Map([['engulfing', pattern]]),
    }),
  );
const arbCandidate = fc
  .record({
    strategy: fc.constantFrom<StrategyName>('momentum', 'breakout', 'mean_reversion', 'scalping'),
    direction: fc.constantFrom('BUY' as const, 'SELL' as const),
    baseConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
    n: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ n, ...c }) => candidate({ ...c, confirmations: Array.from({ length: n }, (_, i) => `c${i}`) }));
const arbWeights = fc
  .tuple(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([technical, price_action, regime, volume]) => ({ technical, price_action, regime, volume }));
const arbContexts = fc.array(
  arbSnapshot.map((s) => ({ ...s, timeframe: '4h' as Timeframe })),
  { maxLength: 3 },
);

describe('every voter', () => {
  it('scores within [0, 1] with a reason, whatever the readings', () => {
    fc.assert(
      fc.property(arbCandidate, arbSnapshot, (c, s) => {
        for (const [name, voter] of Object.entries(VOTERS)) {
          const v = voter(c, s, familyOf(c.strategy));
          expect(v.voter).toBe(name);
          expect(v.score).toBeGreaterThanOrEqual(0);
          expect(v.score).toBeLessThanOrEqual(1);
          expect(v.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('scoreConfidence', () => {
  it('confidence is exactly the clamp of base × (1 + mtfBoost) × alignmentFactor × volumeFactor', () => {
    fc.assert(
      fc.property(arbCandidate, arbSnapshot, arbContexts, arbWeights, (c, s, ctx, w) => {
        const { confidence, breakdown: b } = scoreConfidence(c, s, ctx, w);
        const base = b.votes.reduce((sum, v) => sum + v.weight * v.score, 0);
        expect(b.base).toBe(base);
        expect(b.product).toBe(b.base * (1 + b.mtfBoost) * b.alignmentFactor * b.volumeFactor);
        expect(confidence).toBe(Math.min(1, Math.max(0, b.product)));
        const ctxScore = scoreContext(ctx, c.direction);
        expect(b.mtfBoost).toBe(ctxScore.mtfBoost);
        expect(b.alignmentFactor).toBe(ctxScore.alignmentFactor);
        expect(b.volumeFactor).toBe(volumeFactor(s.volumeRatio));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every vote with its configured weight, the strategy base and the context views', () => {
    const ctx = [snapshot({ timeframe: '4h' }), snapshot({ timeframe: '1d' })];
    const c = candidate({ baseConfidence: 0.65 });
    const { confidence, breakdown: b } = scoreConfidence(c, snapshot(), ctx, WEIGHTS);
    expect(b.votes.map((v) => [v.voter, v.weight])).toEqual([
      ['technical', 0.4],
      ['price_action', 0.2],
      ['regime', 0.2],
      ['volume', 0.2],
    ]);
    expect(b.votes[0].score).toBe(technicalVoter(c, snapshot()).score);
    expect(b.strategyBase).toBe(0.65);
    expect(b.mtfBoost).toBe(1);
    expect(b.alignmentFactor).toBe(1.25);
    expect(b.volumeFactor).toBe(1);
    expect(b.context.map((v) => [v.timeframe, v.asOf, v.agrees])).toEqual([
      ['4h', ctx[0].closeTime, true],
      ['1d', ctx[1].closeTime, true],
    ]);
    expect(b.product).toBeGreaterThan(1);
    expect(confidence).toBe(1);
  });

  it('with no context, confidence is base × volumeFactor', () => {
    const s = snapshot({ volumeRatio: 2 });
    const { confidence, breakdown: b } = scoreConfidence(candidate(), s, [], WEIGHTS);
    expect(b.mtfBoost).toBe(0);
    expect(b.alignmentFactor).toBe(1);
    expect(b.context).toEqual([]);
    expect(confidence).toBe(b.base * 1 * 1 * volumeFactor(2));
  });

  it('a voter with weight 0 changes nothing', () => {
    const w = { technical: 0.5, price_action: 0, regime: 0.5, volume: 0 };
    const s = snapshot();
    const plain = scoreConfidence(candidate(), s, [], w);
    const confirmed = scoreConfidence(candidate({ confirmations: ['a', 'b', 'c'] }), s, [], w);
    expect(confirmed.breakdown.votes[1].score).not.toBe(plain.breakdown.votes[1].score);
    expect(confirmed.confidence).toBe(plain.confidence);
    expect(confirmed.breakdown.base).toBe(plain.breakdown.base);

    const w2 = { technical: 0.6, price_action: 0.4, regime: 0, volume: 0 };
    const a = scoreConfidence(candidate(), snapshot({ adx: 10 }), [], w2);
    const b = scoreConfidence(candidate(), snapshot({ adx: 40 }), [], w2);
    expect(a.breakdown.votes[2].score).not.toBe(b.breakdown.votes[2].score);
    expect(a.confidence).toBe(b.confidence);
  });

  it('all-opposing context scales the base down by 0.8', () => {
    const down = snapshot({
      timeframe: '4h',
      ema50: 98,
      ema200: 110,
      ema50Slope: -0.01,
      rsi: 40,
      macdHist: -0.5,
    });
    const { confidence, breakdown: b } = scoreConfidence(candidate(), snapshot(), [down], WEIGHTS);
    expect(b.mtfBoost).toBe(0);
    expect(b.alignmentFactor).toBe(0.8);
    expect(confidence).toBe(b.base * 0.8);
  });
});

describe('healthScore', () => {
  const input = {
    signal: snapshot(),
    warmupComplete: true,
    qualityWindow: 200,
    rewardRisk: 3,
    minRewardRisk: 2,
    strategy: 'momentum' as StrategyName,
  };

  it('scores a clean, warm, consistent trend setup by the documented components', () => {
    const h = healthScore(input);
    expect(h.dataQuality).toBe(1);
    expect(h.technical).toBe(1);
    expect(h.risk).toBeCloseTo(0.75, 12);
    expect(h.regime).toBe(1);
    expect(h.score).toBeCloseTo(0.3 + 0.3 + 0.2 * 0.75 + 0.2, 12);
  });

  it('data quality: 0 before warm-up, falls with defects, halves on an incomplete latest candle', () => {
    expect(healthScore({ ...input, warmupComplete: false }).dataQuality).toBe(0);
    expect(healthScore({ ...input, signal: snapshot({ defectsInWindow: 20 }) }).dataQuality).toBeCloseTo(
      0.9,
      12,
    );
    expect(healthScore({ ...input, signal: snapshot({ defectsInWindow: 5000 }) }).dataQuality).toBe(0);
    expect(healthScore({ ...input, signal: snapshot({ complete: false }) }).dataQuality).toBe(0.5);
  });

  it('technical: warm share times consistency (trend families), warm share only for mean reversion', () => {
    const split = snapshot({ rsi: 40, macdHist: -0.5 }); // EMAs bullish, momentum bearish: 2 vs 2
    expect(healthScore({ ...input, signal: split }).technical).toBeCloseTo(0.5, 12);
    expect(healthScore({ ...input, signal: split, strategy: 'mean_reversion' }).technical).toBe(1);
    const cold = snapshot({ ema200: Number.NaN, volumeRatio: Number.NaN });
    expect(healthScore({ ...input, signal: cold }).technical).toBeCloseTo(0.8, 12);
  });

  it('risk: min(1, rr / (2 × minimum)), 0 for no plan', () => {
    expect(healthScore({ ...input, rewardRisk: 2 }).risk).toBe(0.5);
    expect(healthScore({ ...input, rewardRisk: 4 }).risk).toBe(1);
    expect(healthScore({ ...input, rewardRisk: 9 }).risk).toBe(1);
    expect(healthScore({ ...input, rewardRisk: 0 }).risk).toBe(0);
    expect(healthScore({ ...input, rewardRisk: Number.NaN }).risk).toBe(0);
  });

  it('keeps every component in [0, 1] and the score their weighted sum', () => {
    fc.assert(
      fc.property(
        arbSnapshot,
        fc.boolean(),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: -1, max: 20 }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.constantFrom<StrategyName>('momentum', 'breakout', 'mean_reversion', 'scalping'),
        (signal, warmupComplete, qualityWindow, rewardRisk, minRewardRisk, strategy) => {
          const h = healthScore({
            signal,
            warmupComplete,
            qualityWindow,
            rewardRisk,
            minRewardRisk,
            strategy,
          });
          for (const x of [h.dataQuality, h.technical, h.risk, h.regime, h.score]) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
          }
          expect(h.score).toBeCloseTo(
            HEALTH_WEIGHTS.dataQuality * h.dataQuality +
              HEALTH_WEIGHTS.technical * h.technical +
              HEALTH_WEIGHTS.risk * h.risk +
              HEALTH_WEIGHTS.regime * h.regime,
            12,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
