import { describe, expect, it } from 'vitest';
import { testSignal } from '../../../test/support/signals.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { RejectedCandidate, RejectionReason } from '../../core/signals/types.js';
import { SignalMonitor } from './signal-monitor.js';

const rejected = (reason: RejectionReason): RejectedCandidate => ({
  id: `r-${reason}`,
  reason,
  detail: '',
  symbol: 'BTCUSDT',
  timeframe: '1h',
  strategy: 'momentum',
  direction: 'BUY',
  createdAt: 0,
  signal: null,
});

describe('SignalMonitor: the design monitor figures', () => {
  it('counts entry types, the refinement fill rate, averages and the dedup rate', () => {
    const m = new SignalMonitor();
    expect(m.figures()).toMatchObject({
      signals: 0,
      refinementFillRate: null,
      dedupRate: null,
      averageConfidence: null,
    });
    const limit = testSignal({ id: 'a', entryType: 'FIBONACCI_618', confidence: 0.4, rewardRisk: 2 });
    const market = testSignal({ id: 'b', entryType: 'MARKET_ENTRY', confidence: 0.6, rewardRisk: 3 });
    m.observe({ type: 'signal.created', signal: limit });
    m.observe({ type: 'signal.created', signal: market });
    for (const r of ['duplicate', 'duplicate', 'cooldown', 'merged', 'low_health'] as const) {
      m.observe({ type: 'signal.rejected', candidate: rejected(r) });
    }
    const outcome = (filled: boolean, type: Outcome['type']) => ({ filled, type }) as Outcome;
    m.observe({ type: 'outcome.closed', signal: limit, outcome: outcome(true, 'SL_HIT'), shadow: false });
    m.observe({ type: 'outcome.closed', signal: limit, outcome: outcome(false, 'EXPIRED'), shadow: false });
    m.observe({ type: 'outcome.closed', signal: limit, outcome: outcome(false, 'EXPIRED'), shadow: true });
    m.observe({ type: 'outcome.closed', signal: market, outcome: outcome(true, 'TP_HIT'), shadow: false });
    const f = m.figures();
    expect(f.signals).toBe(2);
    expect(f.entryTypes).toEqual({ FIBONACCI_618: 1, EMA_PULLBACK: 0, SUPPORT_RETEST: 0, MARKET_ENTRY: 1 });
    expect(f.refinementFillRate).toBe(0.5);
    expect(f.refinementClosed).toBe(2);
    expect(f.averageConfidence).toBeCloseTo(0.5, 12);
    expect(f.averageRewardRisk).toBeCloseTo(2.5, 12);
    // past the thresholds: 2 signals + 2 duplicates + 1 cooldown + 1 merged = 6; low_health is not
    expect(f.candidatesPastThresholds).toBe(6);
    expect(f.dedupRate).toBeCloseTo(3 / 6, 12);
  });
});
