import { describe, expect, it } from 'vitest';
import { riskLevelOf } from './risk-level.js';

describe('riskLevelOf: stop distance and volatility percentile, 0-2 points each', () => {
  it('low, medium and high at the documented bands', () => {
    expect(riskLevelOf(100, 99.5, 0.2)).toBe('low'); // 0.5 %: 0, calm: 0
    expect(riskLevelOf(100, 99.5, 0.5)).toBe('low'); // 0 + 1
    expect(riskLevelOf(100, 98, 0.5)).toBe('medium'); // 1 + 1
    expect(riskLevelOf(100, 99.5, 0.9)).toBe('medium'); // 0 + 2
    expect(riskLevelOf(100, 97, 0.5)).toBe('high'); // 3 %: 2 + 1
    expect(riskLevelOf(100, 96, 0.95)).toBe('high'); // 2 + 2
    expect(riskLevelOf(100, 101, 0.1)).toBe('low'); // a SELL stop 1 % away: 1 + 0
    expect(riskLevelOf(100, 101, 0.4)).toBe('medium'); // 1 + 1
  });

  it('an unknown volatility counts as the middle band', () => {
    expect(riskLevelOf(100, 99.5, Number.NaN)).toBe('low');
    expect(riskLevelOf(100, 98, Number.NaN)).toBe('medium');
  });
});
