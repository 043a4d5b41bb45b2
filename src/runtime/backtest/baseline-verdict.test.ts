import { describe, expect, it } from 'vitest';
import { baselineVerdict, formatPercentile, ordinalPercentile } from './baseline-verdict.js';

describe('baselineVerdict', () => {
  it('beats random at or above the 95th percentile, worse at or below the 5th', () => {
    expect(baselineVerdict(95)).toBe('beats');
    expect(baselineVerdict(100)).toBe('beats');
    expect(baselineVerdict(94.99)).toBe('inside');
    expect(baselineVerdict(50)).toBe('inside');
    expect(baselineVerdict(5.01)).toBe('inside');
    expect(baselineVerdict(5)).toBe('worse');
    expect(baselineVerdict(0)).toBe('worse');
    expect(baselineVerdict(null)).toBeNull();
    expect(baselineVerdict(Number.NaN)).toBeNull();
  });
});

describe('formatPercentile', () => {
  it('floors to a tenth so a value under 95 never reads as 95', () => {
    expect(formatPercentile(84)).toBe('84');
    expect(formatPercentile(57.5)).toBe('57.5');
    expect(formatPercentile(26.455026455026456)).toBe('26.4');
    expect(formatPercentile(94.99)).toBe('94.9');
    expect(formatPercentile(95)).toBe('95');
    expect(formatPercentile(0)).toBe('0');
    expect(formatPercentile(null)).toBe('-');
  });

  it('writes ordinals', () => {
    expect(ordinalPercentile(84)).toBe('84th');
    expect(ordinalPercentile(1)).toBe('1st');
    expect(ordinalPercentile(22)).toBe('22nd');
    expect(ordinalPercentile(53)).toBe('53rd');
    expect(ordinalPercentile(11)).toBe('11th');
    expect(ordinalPercentile(12)).toBe('12th');
    expect(ordinalPercentile(13)).toBe('13th');
    expect(ordinalPercentile(100)).toBe('100th');
    expect(ordinalPercentile(57.5)).toBe('57.5th');
    expect(ordinalPercentile(null)).toBe('-');
  });
});
