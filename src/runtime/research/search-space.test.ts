import { describe, expect, it } from 'vitest';
import { EngineConfig } from '../../core/pipeline/engine-settings.js';
import { meanReversion } from '../../core/strategies/mean-reversion.js';
import { defaultSettings, gridOf, sampleTrials, searchSpace } from './search-space.js';

describe('the search space of a slice', () => {
  it('grids a declared range by its step (four steps without one), integers rounded', () => {
    expect(gridOf({ min: 1, max: 2.5, step: 0.25 }, false)).toEqual([1, 1.25, 1.5, 1.75, 2, 2.25, 2.5]);
    expect(gridOf({ min: 0, max: 1 }, false)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridOf({ min: 1, max: 4, step: 1 }, true)).toEqual([1, 2, 3, 4]);
  });

  it("searches the family's declared parameters, then the stop and the exit", () => {
    expect(searchSpace(meanReversion).map((d) => d.name)).toEqual([
      'params.rsiOversold',
      'params.rsiOverbought',
      'params.maxAdx',
      'stopAtr',
      'exit.style',
      'exit.trailAtr',
    ]);
  });

  it('samples distinct trials from a seed, the current settings first; the same seed gives the same trials', () => {
    // the family's own defaults, without the shipped per-slice settings
    const engine = EngineConfig.parse({ slices: {} });
    const base = defaultSettings(meanReversion, engine, '4h');
    expect(base.params).toEqual({ rsiOversold: 30, rsiOverbought: 70, maxAdx: 22 });
    // with them, trial 0 is what optimize chose
    expect(defaultSettings(meanReversion, EngineConfig.parse({}), '4h').params).toEqual({
      rsiOversold: 20,
      rsiOverbought: 80,
      maxAdx: 18,
    });
    const a = sampleTrials(base, searchSpace(meanReversion), 25, 1);
    expect(a[0]).toEqual(base);
    expect(new Set(a.map((t) => JSON.stringify(t))).size).toBe(25);
    expect(sampleTrials(base, searchSpace(meanReversion), 25, 1)).toEqual(a);
    expect(sampleTrials(base, searchSpace(meanReversion), 25, 2)).not.toEqual(a);
    for (const t of a) if (t.exit.style !== 'trailing') expect(t.exit.trailAtr).toBe(base.exit.trailAtr);
  });
});
