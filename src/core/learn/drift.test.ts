import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../metrics/random.js';
import { DriftMonitor, featureBins, populationStabilityIndex } from './drift.js';

function gaussian(seed: number): () => number {
  const rnd = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

describe('population stability index', () => {
  const g = gaussian(1);
  const training = Array.from({ length: 5000 }, g);
  const bins = featureBins('x', training);

  it('bins the training values at their deciles, with a missing bin', () => {
    expect(bins.edges).toHaveLength(9);
    expect(bins.shares).toHaveLength(11);
    for (const s of bins.shares.slice(0, 10)) expect(s).toBeCloseTo(0.1, 2);
    expect(bins.shares[10]).toBe(0);
  });

  it('is small for the same distribution and large for a shifted one', () => {
    const h = gaussian(2);
    expect(populationStabilityIndex(bins, Array.from({ length: 1000 }, h))).toBeLessThan(0.05);
    const shifted = Array.from({ length: 1000 }, () => h() + 1);
    expect(populationStabilityIndex(bins, shifted)).toBeGreaterThan(0.25);
    const wider = Array.from({ length: 1000 }, () => 2 * h());
    expect(populationStabilityIndex(bins, wider)).toBeGreaterThan(0.25);
  });

  it('sees a feature going missing, and matches the formula on a hand-made case', () => {
    const missing = Array.from({ length: 1000 }, (_, i) => (i % 2 ? Number.NaN : training[i]));
    expect(populationStabilityIndex(bins, missing)).toBeGreaterThan(0.25);
    const two = featureBins('y', [0, 0, 1, 1], 2);
    expect(two.edges).toEqual([1]);
    expect(two.shares).toEqual([0.5, 0.5, 0]);
    // recent shares 0.25 / 0.75: (0.25 − 0.5) ln(0.5) + (0.75 − 0.5) ln(1.5)
    expect(populationStabilityIndex(two, [0, 1, 1, 1])).toBeCloseTo(
      -0.25 * Math.log(0.5) + 0.25 * Math.log(1.5),
      12,
    );
  });
});

describe('DriftMonitor', () => {
  const g = gaussian(3);
  const trainingX = Array.from({ length: 4000 }, g);
  const trainingY = Array.from({ length: 4000 }, g);
  const bins = [featureBins('x', trainingX), featureBins('y', trainingY)];
  const small = { candidateWindow: 500, outcomeWindow: 200, minCandidates: 100, minOutcomes: 50 };

  it('says ok while candidates and outcomes look like training', () => {
    const m = new DriftMonitor(bins, small);
    const h = gaussian(4);
    const rnd = mulberry32(5);
    for (let i = 0; i < 600; i++) m.observeCandidate({ x: h(), y: h() });
    for (let i = 0; i < 300; i++) m.observeOutcome(0.55, rnd() < 0.55);
    const v = m.verdict();
    expect(v.status).toBe('ok');
    expect(v.reasons).toEqual([]);
    expect(v.candidates).toBe(500);
    expect(v.outcomes).toBe(200);
    expect(v.psi.x).toBeLessThan(0.1);
    expect(Math.abs(v.calibrationGap ?? 1)).toBeLessThan(0.1);
  });

  it('flags a shifted feature by name and an overconfident model with its gap', () => {
    const m = new DriftMonitor(bins, { ...small, psiThreshold: 0.25, gapThreshold: 0.1 });
    const h = gaussian(6);
    for (let i = 0; i < 500; i++) m.observeCandidate({ x: h() + 1.2, y: h() });
    for (let i = 0; i < 200; i++) m.observeOutcome(0.62, i % 2 === 0);
    const v = m.verdict();
    expect(v.status).toBe('drift');
    expect(v.reasons).toHaveLength(2);
    expect(v.reasons[0]).toMatch(/^x PSI \d\.\d\d > 0\.25$/);
    expect(v.reasons[1]).toMatch(/calibration gap 12\.0 points over the last 200 outcomes/);
    expect(v.calibrationGap).toBeCloseTo(0.12, 12);
    expect(v.psi.y).toBeLessThan(0.25);
  });

  it('judges only the newest window, and nothing below the minimum counts', () => {
    const m = new DriftMonitor(bins, { outcomeWindow: 100, minOutcomes: 50, minCandidates: 100 });
    for (let i = 0; i < 100; i++) m.observeOutcome(0.9, false); // old and bad
    for (let i = 0; i < 100; i++) m.observeOutcome(0.5, i % 2 === 0); // recent and fine
    expect(m.verdict().calibrationGap).toBeCloseTo(0, 12);
    const fresh = new DriftMonitor(bins, small);
    for (let i = 0; i < 49; i++) fresh.observeOutcome(0.9, false);
    for (let i = 0; i < 99; i++) fresh.observeCandidate({ x: 10, y: 10 });
    const v = fresh.verdict();
    expect(v).toMatchObject({ status: 'ok', calibrationGap: null, psi: {} });
  });

  it('refuses nonsensical options', () => {
    expect(() => new DriftMonitor(bins, { psiThreshold: -1 })).toThrow(/psiThreshold/);
    expect(() => new DriftMonitor(bins, { outcomeWindow: Number.NaN })).toThrow(/outcomeWindow/);
  });
});
