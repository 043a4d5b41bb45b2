import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, trade } from '../../../test/support/trades.js';
import { computePerformance, groupPerformance } from './performance.js';
import type { Metric, Performance, TradeRecord } from './types.js';

function metricsOf(p: Performance): [string, Metric][] {
  return Object.entries(p).filter(
    (entry): entry is [string, Metric] =>
      typeof entry[1] === 'object' && entry[1] !== null && 'reliable' in entry[1],
  );
}

describe('computePerformance: trade statistics', () => {
  // Close order: A +2R/+2 %, B -1R/-1 %, C +1R/+1 %, D -1R/-1 %, E 0R/0 %.
  // Holding times 1h, 2h, 3h, 4h, 10h.
  const trades: TradeRecord[] = [
    trade({ id: 'A', netR: 2, returnPct: 0.02, openTime: T0, closeTime: T0 + HOUR }),
    trade({ id: 'B', netR: -1, returnPct: -0.01, openTime: T0, closeTime: T0 + 2 * HOUR }),
    trade({ id: 'C', netR: 1, returnPct: 0.01, openTime: T0, closeTime: T0 + 3 * HOUR }),
    trade({ id: 'D', netR: -1, returnPct: -0.01, openTime: T0, closeTime: T0 + 4 * HOUR }),
    trade({ id: 'E', netR: 0, returnPct: 0, openTime: T0, closeTime: T0 + 10 * HOUR }),
  ];
  const p = computePerformance(trades, { minTrades: 5 });

  it('counts wins (net R > 0), losses (net R < 0) and breakevens; win rate over all trades', () => {
    expect([p.trades, p.wins, p.losses, p.breakeven]).toEqual([5, 2, 2, 1]);
    // 2 wins / 5 trades
    expect(p.winRate.value).toBeCloseTo(0.4, 12);
    expect(p.winRate.n).toBe(5);
  });

  it('profit factor in net R: the account profit factor at a fixed risk per trade', () => {
    // net R won 2 + 1 = 3, lost 1 + 1 = 2 -> 1.5
    expect(p.profitFactor.value).toBeCloseTo(1.5, 12);
    expect(p.profitFactor.note).toBeNull();
  });

  it('expectancy in R and in return', () => {
    // (2 - 1 + 1 - 1 + 0) / 5 = 0.2 R; (0.02 - 0.01 + 0.01 - 0.01 + 0) / 5 = 0.002
    expect(p.expectancyR.value).toBeCloseTo(0.2, 12);
    expect(p.expectancyPct.value).toBeCloseTo(0.002, 12);
  });

  it('average win / loss and payoff ratio, each resting on its own side', () => {
    // wins +2 %, +1 % -> 1.5 %; losses -1 %, -1 % -> -1 %; payoff 1.5 / 1 = 1.5 (same in R)
    expect(p.averageWinPct).toMatchObject({ n: 2, reliable: false });
    expect(p.averageWinPct.value).toBeCloseTo(0.015, 12);
    expect(p.averageLossPct.value).toBeCloseTo(-0.01, 12);
    expect(p.averageWinR.value).toBeCloseTo(1.5, 12);
    expect(p.averageLossR.value).toBeCloseTo(-1, 12);
    expect(p.payoffRatio.value).toBeCloseTo(1.5, 12);
    expect(p.payoffRatioR.value).toBeCloseTo(1.5, 12);
    expect(p.payoffRatio.n).toBe(2);
  });

  it('best and worst trade by net R, first in close order on a tie', () => {
    expect(p.bestTrade).toMatchObject({ id: 'A', value: 0.02, netR: 2 });
    expect(p.worstTrade).toMatchObject({ id: 'B', value: -0.01, netR: -1 });
  });

  it('SQN = sqrt(n) * mean R / sample std R', () => {
    // R = [2, -1, 1, -1, 0], mean 0.2, squared deviations 3.24 + 1.44 + 0.64 + 1.44 + 0.04 = 6.8,
    // std = sqrt(6.8 / 4) = 1.303840481, SQN = sqrt(5) * 0.2 / 1.303840481 = 0.342997170
    expect(p.sqn.value).toBeCloseTo(0.34299717, 7);
  });

  it('holding time average and median', () => {
    // (1 + 2 + 3 + 4 + 10) h / 5 = 4 h; median 3 h
    expect(p.averageHoldingMs.value).toBe(4 * HOUR);
    expect(p.medianHoldingMs.value).toBe(3 * HOUR);
  });

  it('every figure carries n and reliable = n >= minTrades', () => {
    for (const [name, m] of metricsOf(p)) {
      expect(m.reliable, name).toBe(m.n >= 5);
    }
    expect(p.winRate.reliable).toBe(true);
    expect(p.averageLossR.reliable).toBe(false);
  });

  it('does not depend on the order the trades come in', () => {
    expect(computePerformance([...trades].reverse(), { minTrades: 5 })).toEqual(p);
  });
});

describe('computePerformance: edge cases', () => {
  it('zero losses: profit factor null with note no_losses', () => {
    const p = computePerformance([trade({ netR: 1, returnPct: 0.01 }), trade({ netR: 0, returnPct: 0 })]);
    expect(p.profitFactor).toMatchObject({ value: null, note: 'no_losses', n: 2 });
    expect(p.averageLossPct.value).toBeNull();
    expect(p.payoffRatio).toMatchObject({ value: null, n: 0 });
  });

  it('one trade: every figure is reliable: false', () => {
    const p = computePerformance([trade({ netR: 1.5, returnPct: 0.015 })]);
    const metrics = metricsOf(p);
    expect(metrics.length).toBeGreaterThan(20);
    for (const [name, m] of metrics) expect(m.reliable, name).toBe(false);
    expect(p.winRate.value).toBe(1);
    expect(p.winRate.ci95).toEqual([1, 1]);
    expect(p.expectancyR.ci95).toEqual([1.5, 1.5]);
    expect(p.sqn.value).toBeNull();
    expect(p.sharpe.value).toBeNull();
    expect(p.maxDrawdown).toMatchObject({ value: 0, peakTime: null, recovered: false });
    expect(p.calmar.value).toBeNull();
  });

  it('minTrades 1 makes a one-trade figure reliable', () => {
    const p = computePerformance([trade({ netR: 1, returnPct: 0.01 })], { minTrades: 1 });
    expect(p.winRate.reliable).toBe(true);
  });

  it('empty list: no values, n 0, profit factor note no_trades', () => {
    const p = computePerformance([]);
    expect([p.trades, p.wins, p.losses, p.breakeven]).toEqual([0, 0, 0, 0]);
    expect(p.firstOpenTime).toBeNull();
    expect(p.lastCloseTime).toBeNull();
    for (const [name, m] of metricsOf(p)) {
      expect(m.value, name).toBeNull();
      expect(m.n, name).toBe(0);
      expect(m.reliable, name).toBe(false);
    }
    expect(p.profitFactor.note).toBe('no_trades');
    expect(p.winRate.ci95).toBeNull();
    expect(p.expectancyR.ci95).toBeNull();
    expect(p.sharpe.days).toBe(0);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('streaks: a breakeven ends both', () => {
    // W W L L L B W W W W L  -> longest win streak 4, longest loss streak 3
    const pattern = [1, 1, -1, -1, -1, 0, 1, 1, 1, 1, -1];
    const p = computePerformance(pattern.map((r) => trade({ netR: r, returnPct: r / 100 })));
    expect(p.longestWinStreak.value).toBe(4);
    expect(p.longestLossStreak.value).toBe(3);
    // W B W: the breakeven breaks the run
    const broken = computePerformance([1, 0, 1].map((r) => trade({ netR: r, returnPct: r / 100 })));
    expect(broken.longestWinStreak.value).toBe(1);
    expect(broken.longestLossStreak.value).toBe(0);
  });
});

describe('computePerformance: max drawdown', () => {
  const at = (h: number) => T0 + h * HOUR;
  // each trade risks 10 % of equity: net R k moves the equity by 10 k % (trades do not overlap)
  const sizing = { riskPerTrade: 0.1, maxOpenRisk: 1 };
  // equity: 1 -> +10 % 1.1 (peak, t1) -> -10 % 0.99 (dd 10 %, t2) -> +20 % 1.188 (new high, t3)
  //   -> -25 % 0.891 (dd 25 % from 1.188, t4) -> then either +10 % 0.9801 or +40 % 1.2474
  const base = () => [
    trade({ netR: 1, returnPct: 0.1, openTime: at(0), closeTime: at(1) }),
    trade({ netR: -1, returnPct: -0.1, openTime: at(1), closeTime: at(2) }),
    trade({ netR: 2, returnPct: 0.2, openTime: at(2), closeTime: at(3) }),
    trade({ netR: -2.5, returnPct: -0.25, openTime: at(3), closeTime: at(4) }),
  ];

  it('across a new equity high the deeper later drawdown wins, never recovered', () => {
    const p = computePerformance([...base(), trade({ netR: 1, returnPct: 0.1, closeTime: at(5) })], sizing);
    expect(p.maxDrawdown.value).toBeCloseTo(0.25, 12);
    expect(p.maxDrawdown).toMatchObject({
      peakTime: at(3),
      troughTime: at(4),
      recoveryTime: null,
      recovered: false,
      declineMs: HOUR,
      durationMs: 2 * HOUR, // peak to the last close, still under water
    });
  });

  it('recovery is the first close back at or above the peak', () => {
    // 0.891 * 1.4 = 1.2474 >= 1.188
    const p = computePerformance([...base(), trade({ netR: 4, returnPct: 0.4, closeTime: at(6) })], sizing);
    expect(p.maxDrawdown.value).toBeCloseTo(0.25, 12);
    expect(p.maxDrawdown).toMatchObject({
      peakTime: at(3),
      troughTime: at(4),
      recoveryTime: at(6),
      recovered: true,
      durationMs: 3 * HOUR,
    });
  });

  it('a first losing trade draws down from the starting equity at the earliest fill', () => {
    const p = computePerformance(
      [
        trade({ netR: -1, returnPct: -0.05, openTime: at(0), closeTime: at(2) }),
        trade({ netR: 2, returnPct: 0.1, openTime: at(1), closeTime: at(3) }),
      ],
      { riskPerTrade: 0.05, maxOpenRisk: 1 },
    );
    // both open on equity 1, risking 0.05 each: 1 -> 0.95 (5 % under the start) -> 1.05, recovered at t3
    expect(p.maxDrawdown.value).toBeCloseTo(0.05, 12);
    expect(p.maxDrawdown).toMatchObject({ peakTime: at(0), troughTime: at(2), recoveryTime: at(3) });
    expect(p.firstOpenTime).toBe(at(0));
  });
});

describe('computePerformance: daily Sharpe, Sortino, Calmar', () => {
  // Day 0: +2 %; day 1: no trade; day 2: +1 %; day 3: +10 % then -10 % (1.1 * 0.9 = 0.99 -> -1 %).
  // Daily returns [0.02, 0, 0.01, -0.01]: mean 0.005, squared deviations
  // 0.000225 + 0.000025 + 0.000025 + 0.000225 = 0.0005, sample std sqrt(0.0005 / 3) = 0.0129099445.
  // Sharpe = 0.005 / 0.0129099445 * sqrt(365) = 0.387298335 * 19.104973175 = 7.399324293.
  // Downside deviation sqrt(0.01^2 / 4) = 0.005, Sortino = 0.005 / 0.005 * sqrt(365) = 19.104973175.
  // at the default 1 % risk per trade, net R k moves the equity by k % (no trades overlap)
  const trades = [
    trade({ netR: 2, closeTime: T0 + 10 * HOUR }),
    trade({ netR: 1, closeTime: T0 + 2 * DAY + 5 * HOUR }),
    trade({ netR: 10, closeTime: T0 + 3 * DAY + 1 * HOUR }),
    trade({ netR: -10, closeTime: T0 + 3 * DAY + 23 * HOUR }),
  ];
  const p = computePerformance(trades);

  it('Sharpe and Sortino on UTC-daily returns with empty days as 0, annualised by sqrt(365)', () => {
    expect(p.sharpe.days).toBe(4);
    expect(p.sharpe.value).toBeCloseTo(7.399324293, 7);
    expect(p.sortino.value).toBeCloseTo(19.104973175, 7);
    expect(p.sharpe.n).toBe(4);
  });

  it('annualised return and Calmar', () => {
    // final equity 1.02 * 1.01 * 1.1 * 0.9 = 1.019898; annualised 1.019898^(365 / 4) - 1 = 5.0367409;
    // max drawdown: peak 1.02 * 1.01 * 1.1 = 1.13322, trough 1.019898 -> 10 %; Calmar = 50.367409
    expect(p.totalReturn.value).toBeCloseTo(0.019898, 12);
    expect(p.annualisedReturn.value).toBeCloseTo(5.0367409, 6);
    expect(p.maxDrawdown.value).toBeCloseTo(0.1, 12);
    expect(p.calmar.value).toBeCloseTo(50.367409, 5);
  });

  it('null with a single day', () => {
    const one = computePerformance([
      trade({ netR: 1, closeTime: T0 + HOUR }),
      trade({ netR: -1, closeTime: T0 + 2 * HOUR }),
    ]);
    expect(one.sharpe).toMatchObject({ value: null, days: 1 });
    expect(one.sortino.value).toBeNull();
  });

  it('null on zero spread, even when floating-point noise makes it 1e-18', () => {
    // day returns 0.01 and 1.0201 / 1.01 - 1 (= 0.01 up to rounding)
    const flat = computePerformance([
      trade({ netR: 1, closeTime: T0 + HOUR }),
      trade({ netR: 1, closeTime: T0 + DAY + HOUR }),
    ]);
    expect(flat.sharpe).toMatchObject({ value: null, days: 2 });
    // no losing day: no downside deviation
    expect(flat.sortino.value).toBeNull();
    expect(flat.calmar.value).toBeNull();
  });
});

describe('groupPerformance', () => {
  it('splits by a field, keys sorted, each group on its own trades', () => {
    const trades = [
      trade({ strategy: 'momentum', direction: 'SELL', netR: 1, returnPct: 0.01 }),
      trade({ strategy: 'breakout', direction: 'BUY', netR: -1, returnPct: -0.01 }),
      trade({ strategy: 'momentum', direction: 'BUY', netR: 2, returnPct: 0.02 }),
    ];
    const byStrategy = groupPerformance(trades, 'strategy', { minTrades: 2 });
    expect(Object.keys(byStrategy)).toEqual(['breakout', 'momentum']);
    expect(byStrategy.momentum.trades).toBe(2);
    expect(byStrategy.momentum.winRate).toMatchObject({ value: 1, n: 2, reliable: true });
    expect(byStrategy.breakout.winRate).toMatchObject({ value: 0, n: 1, reliable: false });
    const byDirection = groupPerformance(trades, 'direction');
    expect(Object.keys(byDirection)).toEqual(['BUY', 'SELL']);
    expect(byDirection.BUY.expectancyR.value).toBeCloseTo(0.5, 12);
    expect(groupPerformance([], 'symbol')).toEqual({});
  });
});
