import { describe, expect, it } from 'vitest';
import { type Ohlc, runOne } from '../../../test/support/outcome-paths.js';

describe('OutcomeTracker: fees', () => {
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
});
