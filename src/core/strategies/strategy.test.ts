import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { warmSnapshot } from '../../../test/support/snapshots.js';
import { runStrategy, SeriesBuilder } from '../../../test/support/strategy-series.js';
import { StrategiesConfig } from '../../config/engine-schema.js';
import type { StrategyCandidate } from '../signals/types.js';
import { STRATEGY_NAMES } from '../signals/types.js';
import { BREAKOUT_NEEDS, breakoutNotReady } from './breakout.js';
import { MEAN_REVERSION_NEEDS, meanReversionNotReady } from './mean-reversion.js';
import { MOMENTUM_NEEDS, momentumNotReady } from './momentum.js';
import { SCALPING_NEEDS, scalpingNotReady } from './scalping.js';
import type { TfSnapshot } from './snapshot.js';
import { createStrategies } from './strategy.js';
import { type NumericField, notReady } from './strategy-kit.js';
import { TimeframeFeatures } from './timeframe-features.js';

describe('createStrategies', () => {
  it('all four by default, in STRATEGY_NAMES order', () => {
    const all = createStrategies(StrategiesConfig.parse({}));
    expect(all.map((s) => s.name)).toEqual([...STRATEGY_NAMES]);
    for (const s of all) {
      expect(s.description.length).toBeGreaterThan(0);
      expect(s.reads.length).toBeGreaterThan(0);
      expect(s.warmup).toBeGreaterThan(0);
    }
  });

  it('leaves the disabled ones out', () => {
    const cfg = StrategiesConfig.parse({ breakout: { enabled: false }, scalping: { enabled: false } });
    expect(createStrategies(cfg).map((s) => s.name)).toEqual(['momentum', 'mean_reversion']);
    const none = StrategiesConfig.parse({
      momentum: { enabled: false },
      breakout: { enabled: false },
      mean_reversion: { enabled: false },
      scalping: { enabled: false },
    });
    expect(createStrategies(none)).toEqual([]);
  });

  it('passes each family its own parameters', () => {
    const cfg = StrategiesConfig.parse({ scalping: { stopAtr: 0.5 } });
    const b = new SeriesBuilder('15m', 102, 100, 0.05);
    b.path(120, (i) => 102 - 0.02 * (i + 1));
    b.path(10, () => b.last + 0.3);
    const scalping = createStrategies(cfg).find((s) => s.name === 'scalping');
    expect(scalping).toBeDefined();
    if (scalping) expect(runStrategy(scalping, b.candles, '15m')[0].candidate.stopAtr).toBe(0.5);
  });

  it('each call builds fresh strategies: no memory shared between two engines', () => {
    const a = createStrategies(StrategiesConfig.parse({}));
    const b = createStrategies(StrategiesConfig.parse({}));
    expect(a[0]).not.toBe(b[0]);
  });
});

/** Runs every strategy on the candles, evaluating each candle `times` times; returns what each produced. */
function runAll(
  candles: readonly Parameters<TimeframeFeatures['update']>[0][],
  times = 1,
): Map<string, { index: number; candidate: StrategyCandidate }[]> {
  const strategies = createStrategies(StrategiesConfig.parse({}));
  const features = new TimeframeFeatures('1h', 'full');
  const out = new Map<string, { index: number; candidate: StrategyCandidate }[]>(
    strategies.map((s) => [s.name, []]),
  );
  for (let i = 0; i < candles.length; i++) {
    features.update(candles[i]);
    for (const s of strategies) {
      let first: StrategyCandidate | null = null;
      for (let k = 0; k < times; k++) {
        const c = s.evaluate({ symbol: 'BTCUSDT', signal: features.snapshot, isLowestSignalTimeframe: true });
        if (k === 0) first = c;
        else expect(c).toEqual(first);
      }
      if (first) out.get(s.name)?.push({ index: i, candidate: first });
    }
  }
  return out;
}

describe.skipIf(!hasRealData)('strategies on real BTCUSDT 1h candles (last 5000)', () => {
  const candles = hasRealData ? loadRealCandles('binance_BTCUSDT_1h.csv.gz').slice(-5000) : [];

  it('every family produces candidates with sane confidences and readable reasons', () => {
    const byName = runAll(candles);
    for (const name of STRATEGY_NAMES) {
      const hits = byName.get(name) ?? [];
      expect(hits.length, name).toBeGreaterThan(0);
      // a setup rule, not a state: none fires on more than a tenth of the candles
      expect(hits.length, name).toBeLessThan(candles.length / 10);
      for (const { candidate: c } of hits) {
        expect(c.strategy).toBe(name);
        expect(c.baseConfidence).toBeGreaterThanOrEqual(0);
        expect(c.baseConfidence).toBeLessThanOrEqual(1);
        expect(c.baseConfidence).toBeGreaterThanOrEqual(0.4);
        expect(c.baseConfidence).toBeLessThanOrEqual(0.9);
        expect(c.reasons.length).toBeGreaterThan(0);
        for (const r of [...c.reasons, ...c.confirmations]) {
          expect(r.length).toBeGreaterThan(0);
          expect(r).not.toMatch(/NaN|undefined|Infinity/);
        }
        expect(c.reasons[0]).toContain(c.direction);
      }
    }
    // momentum fires on transitions: never on two consecutive candles in the same direction
    const momentum = byName.get('momentum') ?? [];
    for (let k = 1; k < momentum.length; k++) {
      const a = momentum[k - 1];
      const b = momentum[k];
      if (b.index === a.index + 1) expect(b.candidate.direction).not.toBe(a.candidate.direction);
    }
    // breakouts name the level they broke
    for (const { candidate } of byName.get('breakout') ?? []) expect(candidate.level).toBeDefined();
  });

  it('evaluating a candle twice changes nothing (the transition memory is idempotent)', () => {
    const part = candles.slice(-1500);
    const once = runAll(part, 1);
    const twice = runAll(part, 2);
    expect(twice).toEqual(once);
  });
});

describe('written-out readiness checks', () => {
  const cases: [string, readonly NumericField[], (s: TfSnapshot) => boolean][] = [
    ['momentum', MOMENTUM_NEEDS, momentumNotReady],
    ['breakout', BREAKOUT_NEEDS, breakoutNotReady],
    ['mean_reversion', MEAN_REVERSION_NEEDS, meanReversionNotReady],
    ['scalping', SCALPING_NEEDS, scalpingNotReady],
  ];
  const warm = warmSnapshot();
  const numeric = (Object.keys(warm) as (keyof TfSnapshot)[]).filter(
    (k): k is NumericField => typeof warm[k] === 'number',
  );

  it.each(cases)('%s: equal to notReady over its NEEDS, field by field', (_name, needs, check) => {
    expect(check(warm)).toBe(false);
    expect(notReady(warm, needs)).toBe(false);
    expect(check(warmSnapshot({ complete: false }))).toBe(true);
    // every numeric field NaN in turn: not ready exactly when the field is one it needs
    for (const field of numeric) {
      const s = warmSnapshot({ [field]: Number.NaN });
      expect(check(s), field).toBe(notReady(s, needs));
      expect(check(s), field).toBe(needs.includes(field));
    }
  });
});
