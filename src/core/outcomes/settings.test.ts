import { describe, expect, it } from 'vitest';
import { EngineConfig } from '../pipeline/engine-settings.js';
import { maxHoldingMsOf, trackerSettings } from './settings.js';

describe('the outcome settings: one definition, in the engine config', () => {
  it('maps the engine defaults onto the tracker: the cost per side is the fee plus the slippage', () => {
    const outcomes = EngineConfig.parse({}).outcomes;
    expect(trackerSettings(outcomes)).toEqual({
      split: [0.5, 0.3, 0.2],
      breakevenAfterTp1: true,
      maxHoldingMs: null,
      feePerSide: outcomes.feePerSide + outcomes.slippagePerSide,
      policy: 'pessimistic',
      precision: { toleranceBps: 0, toleranceTicks: 0, confirm: 'touch', minPenetrationBps: 0 },
    });
    expect(trackerSettings(outcomes, 'optimistic').policy).toBe('optimistic');
    expect(maxHoldingMsOf(outcomes, '1h')).toBe(96 * 3_600_000);
    expect(maxHoldingMsOf({ ...outcomes, maxHoldingCandles: null }, '1h')).toBeNull();
  });

  it.each([
    [{ split: [0.5, 0.3, 0.3] }, /engine\.outcomes\.split|split must add up to 1/],
    [{ split: [0.5, 0.5] }, /outcomes\.split/],
    [{ split: [1.5, -0.5, 0] }, /outcomes\.split/],
    [{ feePerSide: -0.001 }, /outcomes\.feePerSide/],
    [{ slippagePerSide: 0.5 }, /outcomes\.slippagePerSide/],
    [{ maxHoldingCandles: 0 }, /outcomes\.maxHoldingCandles/],
    [{ policy: 'coin_flip' }, /outcomes\.policy/],
    [{ breakevenAfterTp1: 'yes' }, /outcomes\.breakevenAfterTp1/],
    [{ slippage: 0.01 }, /slippage/],
  ])('the engine config refuses %o, naming the field', (bad, message) => {
    const r = EngineConfig.safeParse({ outcomes: bad });
    expect(r.success).toBe(false);
    if (!r.success) {
      const text = r.error.issues
        .map((i) => `outcomes.${i.path.slice(1).join('.')} ${i.message} ${JSON.stringify(i)}`)
        .join('; ');
      expect(text).toMatch(message);
    }
  });

  it('accepts a split whose decimals do not add up exactly in binary', () => {
    expect(EngineConfig.parse({ outcomes: { split: [0.1, 0.2, 0.7] } }).outcomes.split).toEqual([
      0.1, 0.2, 0.7,
    ]);
  });
});
