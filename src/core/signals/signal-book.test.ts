import { describe, expect, it } from 'vitest';
import type { Candle } from '../candles/candle.js';
import { signalId } from './id.js';
import { SignalBook, type StatusChange } from './signal-book.js';
import type { Signal } from './types.js';

const T = Date.UTC(2025, 5, 1, 12);
const M = 60_000;

function signal(over: Partial<Signal> = {}): Signal {
  const base = {
    id: 'X',
    symbol: 'BTCUSDT',
    direction: 'BUY',
    timeframe: '15m',
    entryTimeframe: '5m',
    strategy: 'momentum',
    entryType: 'EMA_PULLBACK',
    entryPrice: 100,
    stopLoss: 95,
    takeProfits: [105, 110, 115],
    rewardRisk: 2,
    confidence: 0.7,
    breakdown: {
      strategyBase: 0.6,
      votes: [],
      ensembleScore: 0.6,
      baseScale: 1,
      base: 0.6,
      mtfBoost: 0,
      alignmentFactor: 1,
      volumeFactor: 1,
      product: 0.6,
      context: [],
    },
    health: { dataQuality: 1, technical: 1, risk: 1, regime: 1, score: 1 },
    priority: 'MEDIUM',
    reasons: ['test'],
    entryAnalysis: {
      entryTimeframe: '5m',
      entryCandles: 300,
      marketPrice: 101,
      considered: [],
      chosen: 'EMA_PULLBACK',
      why: '',
    },
    createdAt: T,
    expiresAt: T + 30 * M,
    status: 'PENDING',
    statusAt: T,
    statusReason: '',
  } satisfies Signal;
  return { ...base, ...over };
}

function candle(i: number, low: number, high: number): Candle {
  return { openTime: T + i * M, open: (low + high) / 2, high, low, close: (low + high) / 2, volume: 1 };
}

function step(book: SignalBook, c: Candle): StatusChange[] {
  const out: StatusChange[] = [];
  book.onCandle(c, c.openTime + M, out);
  return out;
}

describe('signal ids', () => {
  it('derive from symbol, timeframe, strategy, direction and time only', () => {
    expect(signalId('BTCUSDT', '1h', 'momentum', 'BUY', Date.UTC(2025, 5, 1, 13))).toBe(
      'BTCUSDT-1h-momentum-BUY-20250601T1300Z',
    );
    expect(signalId('ETHUSDT', '15m', 'mean_reversion', 'SELL', Date.UTC(2025, 0, 2, 3, 45))).toBe(
      'ETHUSDT-15m-mean_reversion-SELL-20250102T0345Z',
    );
  });
});

describe('SignalBook', () => {
  it('fills a pending limit when price touches it, then closes at the final target', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal());
    expect(step(book, candle(0, 100.5, 102))).toEqual([]);
    const fill = step(book, candle(1, 99.9, 101));
    expect(fill.map((c) => [c.previous, c.signal.status])).toEqual([['PENDING', 'ACTIVE']]);
    expect(step(book, candle(2, 104, 112))).toEqual([]);
    const done = step(book, candle(3, 110, 115));
    expect(done.map((c) => [c.previous, c.signal.status, c.signal.statusReason])).toEqual([
      ['ACTIVE', 'CLOSED', 'final target 115 hit'],
    ]);
    expect(book.size).toBe(0);
  });

  it('expires an unfilled limit at its expiry', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal());
    for (let i = 0; i < 29; i++) expect(step(book, candle(i, 101, 102))).toEqual([]);
    const out = step(book, candle(29, 101, 102));
    expect(out.map((c) => c.signal.status)).toEqual(['EXPIRED']);
    expect(book.size).toBe(0);
  });

  it('closes at the stop, pessimistically when one candle fills and stops', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal());
    const out = step(book, candle(0, 94, 101));
    expect(out.map((c) => c.signal.status)).toEqual(['ACTIVE', 'CLOSED']);
    expect(out[1].signal.statusReason).toBe('stop-loss 95 hit');
  });

  it('mirrors everything for SELL', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal({ direction: 'SELL', entryPrice: 100, stopLoss: 105, takeProfits: [95, 90, 85] }));
    expect(step(book, candle(0, 98, 99.5))).toEqual([]);
    expect(step(book, candle(1, 99, 100.2)).map((c) => c.signal.status)).toEqual(['ACTIVE']);
    expect(step(book, candle(2, 99, 105.5)).map((c) => c.signal.status)).toEqual(['CLOSED']);
  });

  it('finds duplicates per (symbol, direction) or per strategy too', () => {
    const a = new SignalBook('symbol_direction');
    a.add(signal());
    expect(a.duplicateOf('BUY', 'breakout')?.id).toBe('X');
    expect(a.duplicateOf('SELL', 'momentum')).toBeNull();
    const b = new SignalBook('symbol_direction_strategy');
    b.add(signal());
    expect(b.duplicateOf('BUY', 'breakout')).toBeNull();
    expect(b.duplicateOf('BUY', 'momentum')?.id).toBe('X');
  });

  it('cancels opposite signals on request', () => {
    const book = new SignalBook('symbol_direction');
    book.add(signal({ status: 'ACTIVE' }));
    const out: StatusChange[] = [];
    book.cancelOpposite('SELL', T + M, 'Y', out);
    expect(out.map((c) => [c.signal.status, c.signal.statusReason])).toEqual([
      ['CANCELLED', 'cancelled by opposite signal Y'],
    ]);
    expect(book.size).toBe(0);
  });
});
