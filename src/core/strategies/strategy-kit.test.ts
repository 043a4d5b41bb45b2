import { describe, expect, it } from 'vitest';
import { INDECISION_PATTERNS, patternSign } from '../patterns/pattern-sign.js';
import { baseConfidence, clamp01 } from './strategy-kit.js';

describe('strategy kit', () => {
  it('baseConfidence runs 0.4 (bare setup) to 0.8 (textbook), confirmations add up to 0.1', () => {
    expect(baseConfidence(0, 0)).toBeCloseTo(0.4, 12);
    expect(baseConfidence(1, 0)).toBeCloseTo(0.8, 12);
    expect(baseConfidence(0.5, 1)).toBeCloseTo(0.65, 12);
    expect(baseConfidence(1, 5)).toBeCloseTo(0.9, 12);
    expect(baseConfidence(Number.NaN, 0)).toBeCloseTo(0.4, 12);
    expect(baseConfidence(7, 0)).toBeCloseTo(0.8, 12);
  });

  it('clamp01 treats NaN as nothing', () => {
    expect(clamp01(Number.NaN)).toBe(0);
    expect(clamp01(-1)).toBe(0);
    expect(clamp01(0.3)).toBe(0.3);
    expect(clamp01(2)).toBe(1);
  });

  it('pattern signs follow TA-Lib except for indecision candles and the gravestone doji', () => {
    expect(patternSign('engulfing', 100)).toBe(1);
    expect(patternSign('engulfing', -80)).toBe(-1);
    expect(patternSign('hammer', 100)).toBe(1);
    expect(patternSign('hangingman', -100)).toBe(-1);
    expect(patternSign('doji', 100)).toBe(0);
    expect(patternSign('spinningtop', -100)).toBe(0);
    expect(patternSign('gravestonedoji', 100)).toBe(-1);
    expect(patternSign('dragonflydoji', 100)).toBe(1);
    expect(patternSign('marubozu', 0)).toBe(0);
  });

  it('one set of indecision patterns: the vote ignores all four, a dragonfly or gravestone at a level still points', () => {
    expect([...INDECISION_PATTERNS].sort()).toEqual([
      'doji',
      'dragonflydoji',
      'gravestonedoji',
      'spinningtop',
    ]);
    for (const name of INDECISION_PATTERNS) expect(patternSign(name, 0)).toBe(0);
  });
});
