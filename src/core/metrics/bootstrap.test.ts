import { describe, expect, it } from 'vitest';
import { trade } from '../../../test/support/trades.js';
import { bootstrapTradeIntervals } from './bootstrap.js';
import { computePerformance } from './performance.js';
import { mulberry32 } from './random.js';

// 40 trades: 16 wins at +2R, 4 at +0.5R, 20 losses at -1R -> win rate 0.5, mean R (32 + 2 - 20) / 40 = 0.35
const rs = [
  ...Array.from({ length: 16 }, () => 2),
  ...Array.from({ length: 4 }, () => 0.5),
  ...Array.from({ length: 20 }, () => -1),
];
const trades = rs.map((r) => trade({ netR: r, returnPct: r / 100 }));

describe('mulberry32', () => {
  it('is reproducible from its seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const sum = draws.reduce((acc, x) => acc + x, 0);
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });

  it('keeps the published sequence, so stored reports stay reproducible', () => {
    // mulberry32(0) first draw is 1144304738 / 2^32 = 0.26642920868471265 in the reference JS
    expect(mulberry32(0)()).toBe(1144304738 / 4294967296);
    const r = mulberry32(42);
    expect([r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });
});

describe('bootstrap intervals', () => {
  it('same seed gives identical intervals', () => {
    const first = computePerformance(trades, { seed: 7 });
    const second = computePerformance([...trades].reverse(), { seed: 7 });
    expect(second.winRate.ci95).toEqual(first.winRate.ci95);
    expect(second.expectancyR.ci95).toEqual(first.expectancyR.ci95);
  });

  it('a different seed may give different intervals (here it does)', () => {
    const a = bootstrapTradeIntervals(Float64Array.from(rs), 2000, 1);
    const b = bootstrapTradeIntervals(Float64Array.from(rs), 2000, 2);
    expect(a).not.toEqual(b);
  });

  it('the interval contains the point estimate and is of a plausible width', () => {
    const p = computePerformance(trades);
    expect(p.winRate.value).toBe(0.5);
    expect(p.expectancyR.value).toBeCloseTo(0.35, 12);
    const [wLo, wHi] = p.winRate.ci95 ?? [Number.NaN, Number.NaN];
    const [eLo, eHi] = p.expectancyR.ci95 ?? [Number.NaN, Number.NaN];
    expect(wLo).toBeLessThanOrEqual(0.5);
    expect(wHi).toBeGreaterThanOrEqual(0.5);
    expect(eLo).toBeLessThanOrEqual(0.35);
    expect(eHi).toBeGreaterThanOrEqual(0.35);
    // normal approximation: win rate +- 1.96 * sqrt(0.25 / 40) = +- 0.155
    expect(wHi - wLo).toBeGreaterThan(0.2);
    expect(wHi - wLo).toBeLessThan(0.4);
  });

  it('null with no trades or no resamples', () => {
    expect(bootstrapTradeIntervals([], 2000, 42)).toBeNull();
    expect(bootstrapTradeIntervals([1], 0, 42)).toBeNull();
  });
});
