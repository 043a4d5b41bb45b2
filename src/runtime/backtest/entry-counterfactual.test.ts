import { describe, expect, it } from 'vitest';
import { testSignal } from '../../../test/support/signals.js';
import type { Outcome } from '../../core/outcomes/types.js';
import { compareEntries, marketTwin } from './entry-counterfactual.js';

describe('marketTwin: the refined trade entered at market at creation', () => {
  it('moves entry, stop and targets by the same amount; market entries have none', () => {
    const s = testSignal();
    expect(s.entryType).not.toBe('MARKET_ENTRY');
    const twin = marketTwin(s);
    const shift = s.entryAnalysis.marketPrice - s.entryPrice;
    expect(twin?.entryType).toBe('MARKET_ENTRY');
    expect(twin?.entryPrice).toBe(s.entryAnalysis.marketPrice);
    expect(twin?.stopLoss).toBeCloseTo(s.stopLoss + shift, 9);
    expect(twin?.takeProfits[2]).toBeCloseTo(s.takeProfits[2] + shift, 9);
    expect(twin?.id).toBe(`${s.id}#market`);
    expect(marketTwin({ ...s, entryType: 'MARKET_ENTRY' })).toBeNull();
  });
});

describe('compareEntries', () => {
  const o = (filled: boolean, type: Outcome['type'], returnPct: number): Outcome =>
    ({ filled, type, returnPct, entryPrice: 100, stopLoss: 99 }) as Outcome;

  it('pairs each closed refined outcome with its twin; an unfilled limit is 0 R and no win', () => {
    const a = testSignal({ id: 'a' });
    const b = testSignal({ id: 'b' });
    const c = testSignal({ id: 'c' }); // still open: left out
    const outcomes = new Map([
      ['a', o(true, 'TP_HIT', 0.02)], // +2 R
      ['b', o(false, 'EXPIRED', 0)], // 0 R
    ]);
    const twins = new Map([
      ['a', o(true, 'TP_HIT', 0.01)], // +1 R
      ['b', o(true, 'SL_HIT', -0.01)], // −1 R
      ['c', o(true, 'SL_HIT', -0.01)],
    ]);
    const r = compareEntries([a, b, c], outcomes, twins, 500, 1);
    expect(r.refinedSignals).toBe(3);
    expect(r.compared).toBe(2);
    expect(r.fillRate).toBe(0.5);
    expect(r.perSignal.n).toBe(2);
    expect(r.perSignal.refinedR).toBeCloseTo(1, 9);
    expect(r.perSignal.marketR).toBeCloseTo(0, 9);
    expect(r.perSignal.deltaR).toBeCloseTo(1, 9);
    expect(r.perSignal.deltaRInterval?.[0]).toBeLessThanOrEqual(1);
    expect(r.perSignal.refinedWinRate).toBe(0.5);
    expect(r.perSignal.marketWinRate).toBe(0.5);
    expect(r.perSignal.deltaWinRate).toBe(0);
    expect(r.filledOnly.n).toBe(1);
    expect(r.filledOnly.deltaR).toBeCloseTo(1, 9);
    expect(Object.keys(r.byEntryType)).toEqual([a.entryType]);
  });
});
