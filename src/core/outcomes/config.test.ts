import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTCOME_CONFIG, resolveOutcomeConfig } from './config.js';
import type { OutcomeConfig } from './types.js';

describe('resolveOutcomeConfig', () => {
  it('has the documented defaults', () => {
    expect(resolveOutcomeConfig()).toEqual({
      split: [0.5, 0.3, 0.2],
      breakevenAfterTp1: true,
      maxHoldingMs: null,
      feePerSide: 0.001,
      policy: 'pessimistic',
    });
    expect(DEFAULT_OUTCOME_CONFIG.policy).toBe('pessimistic');
  });

  it.each([
    [{ split: [0.5, 0.3, 0.3] }, /OutcomeConfig\.split must sum to 1/],
    [{ split: [0.5, 0.5] }, /OutcomeConfig\.split must be three fractions/],
    [{ split: [1.5, -0.5, 0] }, /OutcomeConfig\.split must hold fractions/],
    [{ feePerSide: -0.001 }, /OutcomeConfig\.feePerSide/],
    [{ feePerSide: Number.NaN }, /OutcomeConfig\.feePerSide/],
    [{ maxHoldingMs: 0 }, /OutcomeConfig\.maxHoldingMs/],
    [
      { policy: 'coin_flip' },
      /OutcomeConfig\.policy must be one of pessimistic, optimistic, ohlc_path, got coin_flip/,
    ],
    [{ breakevenAfterTp1: 'yes' }, /OutcomeConfig\.breakevenAfterTp1/],
    [{ slippage: 0.01 }, /no option 'slippage'/],
  ])('rejects %o', (bad, message) => {
    expect(() => resolveOutcomeConfig(bad as unknown as Partial<OutcomeConfig>)).toThrow(RangeError);
    expect(() => resolveOutcomeConfig(bad as unknown as Partial<OutcomeConfig>)).toThrow(message);
  });

  it('accepts a split whose decimals do not add up exactly in binary', () => {
    expect(resolveOutcomeConfig({ split: [0.1, 0.2, 0.7] }).split).toEqual([0.1, 0.2, 0.7]);
  });
});
