import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGNAL_TIME as T, testSignal } from '../../../test/support/signals.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';
import { SqliteSignalStore } from './sqlite-signal-store.js';

const signal: Signal = testSignal({
  breakdown: {
    ...testSignal().breakdown,
    context: [
      {
        timeframe: '1h',
        asOf: T,
        trend: 0,
        regime: 'unknown',
        volatilityPercentile: Number.NaN,
        momentum: 0,
        agrees: false,
        weight: 0,
      },
    ],
  },
});

function store(): SqliteSignalStore {
  return new SqliteSignalStore(join(mkdtempSync(join(tmpdir(), 'ap-sig-')), 'a.db'));
}

describe('SqliteSignalStore', () => {
  it('stores a signal once, however often it is written, keeping its latest status', () => {
    const s = store();
    s.saveSignal(signal);
    s.saveSignal(signal);
    s.saveSignal({ ...signal, status: 'ACTIVE', statusAt: T + 60_000, statusReason: 'entry filled at 100' });
    expect(s.countSignals()).toBe(1);
    const got = s.getSignal(signal.id);
    expect(got?.signal.status).toBe('ACTIVE');
    expect(got?.signal.entryAnalysis.chosen).toBe('EMA_PULLBACK');
    // a context value that was NaN (not warm) reads back as null, never as a made-up number
    expect(got?.signal.breakdown.context[0].volatilityPercentile).toBeNull();
    expect(got?.outcome).toBeNull();
    s.close();
  });

  it('keeps real and shadow outcomes apart', () => {
    const s = store();
    s.saveSignal(signal);
    const outcome = {
      signalId: signal.id,
      type: 'SL_HIT',
      filled: true,
      rMultiple: -1,
      returnPct: -0.05,
      exitTime: T + 1,
    } as Outcome;
    s.saveOutcome(outcome, false);
    s.saveOutcome({ ...outcome, type: 'TP_HIT', rMultiple: 2 }, true);
    expect(s.getSignal(signal.id)?.outcome?.type).toBe('SL_HIT');
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get()).toEqual({ n: 2 });
    s.close();
  });

  it('returns null for an unknown signal or backtest', () => {
    const s = store();
    expect(s.getSignal('nope')).toBeNull();
    expect(s.getBacktest(42)).toBeNull();
    expect(s.listBacktests()).toEqual([]);
    s.close();
  });
});
