import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { warmSnapshot } from '../../../test/support/snapshots.js';
import { runStrategy, SeriesBuilder } from '../../../test/support/strategy-series.js';
import { isReady, type TfSnapshot, WARM_FIELDS, warmMask, warmOf } from '../features/snapshot.js';
import { TimeframeFeatures } from '../features/timeframe-features.js';
import { EngineConfig } from '../pipeline/engine-settings.js';
import type { StrategyCandidate } from '../signals/types.js';
import { defineStrategy } from './definition.js';
import { BUILTIN_REGISTRY, BUILTIN_STRATEGIES, StrategyRegistry } from './registry.js';
import { scalping } from './scalping.js';

const sections = (raw: unknown) => EngineConfig.parse({ strategies: raw }).strategies;

describe('StrategyRegistry', () => {
  it('creates all four built-in families by default, in registry order, each declared in full', () => {
    const all = BUILTIN_REGISTRY.create(sections({}));
    expect(all.map((s) => s.definition.name)).toEqual(['momentum', 'breakout', 'mean_reversion', 'scalping']);
    for (const { definition: d, needMask } of all) {
      expect(d.description.length).toBeGreaterThan(0);
      expect(d.needs.length).toBeGreaterThan(0);
      expect(d.warmup).toBeGreaterThan(0);
      expect(['trend', 'breakout', 'reversion', 'scalp']).toContain(d.kind);
      expect(['trending', 'ranging']).toContain(d.regime);
      expect(needMask).toBe(warmMask(d.needs));
    }
  });

  it('leaves the disabled ones out', () => {
    const cfg = sections({ breakout: { enabled: false }, scalping: { enabled: false } });
    expect(BUILTIN_REGISTRY.create(cfg).map((s) => s.definition.name)).toEqual([
      'momentum',
      'mean_reversion',
    ]);
    const none = sections({
      momentum: { enabled: false },
      breakout: { enabled: false },
      mean_reversion: { enabled: false },
      scalping: { enabled: false },
    });
    expect(BUILTIN_REGISTRY.create(none)).toEqual([]);
  });

  it('passes each family its own parameters, defaults where the config says nothing', () => {
    const cfg = sections({ scalping: { stopAtr: 0.5 } });
    expect(cfg.scalping).toEqual({ enabled: true, stopAtr: 0.5 });
    expect(cfg.momentum).toEqual({ enabled: true, rsiFloor: 50, rsiCeiling: 72, minAdx: 20 });
    const b = new SeriesBuilder('15m', 102, 100, 0.05);
    b.path(120, (i) => 102 - 0.02 * (i + 1));
    b.path(10, () => b.last + 0.3);
    const active = BUILTIN_REGISTRY.create(cfg).find((s) => s.definition.name === 'scalping');
    expect(active).toBeDefined();
    if (active) expect(runStrategy(active, b.candles, '15m')[0].candidate.stopAtr).toBe(0.5);
  });

  it('refuses a bad parameter or an unknown key in a strategy section, naming it', () => {
    expect(() => sections({ scalping: { stopAtr: -1 } })).toThrow(/scalping.*stopAtr|stopAtr/);
    expect(() => sections({ momentum: { rsiFloor: 'high' } })).toThrow(/rsiFloor/);
    expect(() => sections({ momentum: { rsiFlor: 50 } })).toThrow(/rsiFlor/);
    expect(() => sections({ nosuch: { enabled: true } })).toThrow(/nosuch/);
  });

  it('each call builds fresh rules: no memory shared between two engines', () => {
    const a = BUILTIN_REGISTRY.create(sections({}));
    const b = BUILTIN_REGISTRY.create(sections({}));
    expect(a[0].rule).not.toBe(b[0].rule);
  });

  it('refuses a badly named or twice-registered family', () => {
    const bad = defineStrategy({ ...scalping, name: 'Bad-Name' });
    expect(() => new StrategyRegistry([bad])).toThrow(/Bad-Name/);
    expect(() => BUILTIN_REGISTRY.with([scalping])).toThrow(/scalping.*twice/);
    expect(() => warmMask(['nosuchfield'])).toThrow(/nosuchfield/);
  });
});

/** Runs every strategy on the candles, evaluating each candle `times` times; returns what each produced. */
function runAll(
  candles: readonly Parameters<TimeframeFeatures['update']>[0][],
  times = 1,
): Map<string, { index: number; candidate: StrategyCandidate }[]> {
  const strategies = BUILTIN_REGISTRY.create(sections({}));
  const features = new TimeframeFeatures('1h', 'full');
  const out = new Map<string, { index: number; candidate: StrategyCandidate }[]>(
    strategies.map((s) => [s.definition.name, []]),
  );
  for (let i = 0; i < candles.length; i++) {
    features.update(candles[i]);
    for (const s of strategies) {
      let first: StrategyCandidate | null = null;
      for (let k = 0; k < times; k++) {
        const c = s.rule.evaluate({
          symbol: 'BTCUSDT',
          signal: features.snapshot,
          isLowestSignalTimeframe: true,
          ready: isReady(features.snapshot, s.needMask),
        });
        if (k === 0) first = c;
        else expect(c).toEqual(first);
      }
      if (first) out.get(s.definition.name)?.push({ index: i, candidate: first });
    }
  }
  return out;
}

describe.skipIf(!hasRealData)('strategies on real BTCUSDT 1h candles (last 5000)', () => {
  const candles = hasRealData ? loadRealCandles('binance_BTCUSDT_1h.csv.gz').slice(-5000) : [];

  it('every family produces candidates with sane confidences and readable reasons', () => {
    const byName = runAll(candles);
    for (const name of BUILTIN_REGISTRY.names) {
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

describe('readiness from the declared needs', () => {
  const warm = warmSnapshot();

  it.each(BUILTIN_STRATEGIES.map((d) => [d.name, d] as const))(
    '%s: ready exactly when the candle is complete and no field it needs is NaN',
    (_name, def) => {
      const mask = warmMask(def.needs);
      expect(isReady(warm, mask)).toBe(true);
      expect(isReady(warmSnapshot({ complete: false }), mask)).toBe(false);
      // fields computed together (a candle's prices, MACD's lines, ...) share a bit: NaN one group at a time
      for (const bit of new Set(WARM_FIELDS.map((f) => warmMask([f])))) {
        const group = WARM_FIELDS.filter((f) => warmMask([f]) === bit);
        const s = warmSnapshot(Object.fromEntries(group.map((f) => [f, Number.NaN])));
        const needed = group.some((f) => (def.needs as readonly string[]).includes(f));
        expect(isReady(s, mask), group.join(',')).toBe(!needed);
      }
    },
  );
});

describe.skipIf(!hasRealData)('the warm bits the features keep', () => {
  it('equal the fields read one by one, on every close of real BTCUSDT 1h (with its gaps), full and light', () => {
    const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz').slice(0, 3000);
    for (const level of ['full', 'light'] as const) {
      const f = new TimeframeFeatures('1h', level);
      const seen = new Set<number>();
      for (const c of candles) {
        f.update(c);
        const s: TfSnapshot = f.snapshot;
        expect(s.warm).toBe(warmOf(s));
        seen.add(s.warm);
      }
      // the bits change as indicators warm up: more than one state was seen
      expect(seen.size).toBeGreaterThan(3);
    }
  });
});
