import { describe, expect, it } from 'vitest';
import { testSignal } from '../../../test/support/signals.js';
import { signalId } from './id.js';
import { SignalBook } from './signal-book.js';
import type { Signal } from './types.js';

const T = Date.UTC(2025, 5, 1, 12);
const M = 60_000;

const signal = (over: Partial<Signal> = {}): Signal => testSignal({ id: 'X', ...over });

describe('signal ids', () => {
  it('derive from symbol, timeframe, strategy, direction and time only', () => {
    expect(signalId('BTCUSDT', '1h', 'momentum', 'BUY', Date.UTC(2025, 5, 1, 13))).toBe(
      'BTCUSDT-1h-momentum-BUY-20250601T1300Z',
    );
    expect(signalId('ETHUSDT', '15m', 'mean_reversion', 'SELL', Date.UTC(2025, 0, 2, 3, 45))).toBe(
      'ETHUSDT-15m-mean_reversion-SELL-20250102T0345Z',
    );
  });

  it('stamps the UTC minute of the creation time, whatever the order of the times', () => {
    const times = [T, T, T + M, T, T + 61 * M, T + 61 * M, T + 86_400_000, T];
    for (const t of times) {
      const d = new Date(t).toISOString(); // 2025-06-01T12:00:00.000Z
      const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}Z`;
      expect(signalId('BTCUSDT', '1h', 'breakout', 'SELL', t)).toBe(`BTCUSDT-1h-breakout-SELL-${stamp}`);
      expect(signalId('ETHUSDT', '4h', 'scalping', 'BUY', t)).toBe(`ETHUSDT-4h-scalping-BUY-${stamp}`);
    }
  });
});

describe('SignalBook', () => {
  it('keeps live signals and lets statuses change, dropping those no longer live', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal());
    const fill = book.setStatus('X', 'ACTIVE', T + M, 'entry filled at 100');
    expect(fill?.previous).toBe('PENDING');
    expect(fill?.signal).toMatchObject({
      status: 'ACTIVE',
      statusAt: T + M,
      statusReason: 'entry filled at 100',
    });
    expect(book.get('X')?.status).toBe('ACTIVE');
    const tp1 = book.setStatus('X', 'ACTIVE', T + 2 * M, 'TP1 hit at 105');
    expect(tp1?.previous).toBe('ACTIVE');
    const closed = book.setStatus('X', 'CLOSED', T + 3 * M, 'TP_HIT');
    expect(closed?.signal.status).toBe('CLOSED');
    expect(book.size).toBe(0);
    expect(book.setStatus('X', 'CLOSED', T + 4 * M, 'again')).toBeNull();
  });

  it('refuses to hold a signal that is not live', () => {
    expect(() => new SignalBook('symbol_direction').add(signal({ status: 'CLOSED' }))).toThrow(/not live/);
  });

  it('finds duplicates per (symbol, timeframe, direction), per strategy too, or across timeframes', () => {
    // the test signal is a 15m momentum BUY
    const a = new SignalBook('symbol_timeframe_direction');
    a.add(signal());
    expect(a.duplicateOf('BUY', '15m', 'breakout')?.id).toBe('X');
    expect(a.duplicateOf('BUY', '4h', 'breakout')).toBeNull();
    expect(a.duplicateOf('SELL', '15m', 'momentum')).toBeNull();
    const b = new SignalBook('symbol_timeframe_direction_strategy');
    b.add(signal());
    expect(b.duplicateOf('BUY', '15m', 'breakout')).toBeNull();
    expect(b.duplicateOf('BUY', '15m', 'momentum')?.id).toBe('X');
    const c = new SignalBook('symbol_direction');
    c.add(signal());
    expect(c.duplicateOf('BUY', '4h', 'breakout')?.id).toBe('X');
  });

  it('lists the live signals of the opposite direction', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal());
    book.add(signal({ id: 'Y', direction: 'SELL', stopLoss: 105, takeProfits: [95, 90, 85] }));
    expect(book.opposite('SELL').map((s) => s.id)).toEqual(['X']);
    expect(book.opposite('BUY').map((s) => s.id)).toEqual(['Y']);
  });
});
