import type { Signal } from '../../src/core/signals/types.js';

export const SIGNAL_TIME = Date.UTC(2025, 5, 1, 12);

/** A complete, valid BUY signal (limit entry at 100, stop 95, targets 105/110/115); override to taste. */
export function testSignal(over: Partial<Signal> = {}): Signal {
  const T = SIGNAL_TIME;
  const base = {
    id: 'BTCUSDT-15m-momentum-BUY-20250601T1200Z',
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
      score: 0.6,
      model: null,
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
      why: 'nearest',
    },
    published: true,
    features: {},
    createdAt: T,
    expiresAt: T + 3_600_000,
    status: 'PENDING',
    statusAt: T,
    statusReason: '',
  } satisfies Signal;
  return { ...base, ...over };
}
