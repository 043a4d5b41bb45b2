import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, trade } from '../../../test/support/trades.js';
import { netROf } from '../outcomes/trade-record.js';
import { dailyReturns, equityCurve, walkEquity } from './equity.js';
import { computePerformance } from './performance.js';

describe('equityCurve at a fixed risk per trade', () => {
  it('starts at the earliest fill; each trade returns riskPerTrade x equity at its open x net R', () => {
    const points = equityCurve(
      [
        trade({ netR: -1, openTime: T0 + 2 * HOUR, closeTime: T0 + 3 * HOUR }),
        trade({ netR: 2, openTime: T0, closeTime: T0 + 2 * HOUR }),
      ],
      { startingEquity: 100, sizing: { riskPerTrade: 0.05, maxOpenRisk: 1 } },
    );
    // 100 -> +2 R at 5 % of 100 = 110 -> -1 R at 5 % of 110 = 104.5 (5 % under the 110 high)
    expect(points.map((p) => p.time)).toEqual([T0, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(points[0]).toEqual({ time: T0, equity: 100, drawdown: 0 });
    expect(points[1].equity).toBeCloseTo(110, 10);
    expect(points[2].equity).toBeCloseTo(104.5, 10);
    expect(points[2].drawdown).toBeCloseTo(0.05, 12);
  });

  it('sizes overlapping trades on the equity at their own open, not at the close of the other', () => {
    const walk = walkEquity(
      [
        trade({ id: 'a', netR: 1, openTime: T0, closeTime: T0 + 2 * HOUR }),
        trade({ id: 'b', netR: 1, openTime: T0 + HOUR, closeTime: T0 + 3 * HOUR }),
      ],
      1,
      { riskPerTrade: 0.1, maxOpenRisk: 1 },
    );
    // both open on equity 1: +0.1 each
    expect(walk.finalEquity).toBeCloseTo(1.2, 12);
  });

  it('caps the open risk: a trade finding the budget full is skipped, a partly full one reduced', () => {
    const open = (id: string, h: number) =>
      trade({ id, netR: 1, openTime: T0 + h * HOUR, closeTime: T0 + 10 * HOUR });
    const walk = walkEquity([open('a', 0), open('b', 1), open('c', 2)], 1, {
      riskPerTrade: 0.02,
      maxOpenRisk: 0.03,
    });
    // a risks 0.02, b gets the 0.01 left, c nothing
    expect(walk.reducedByRiskCap).toBe(1);
    expect(walk.skippedByRiskCap).toBe(1);
    expect(walk.finalEquity).toBeCloseTo(1.03, 12);
  });

  it('one point per distinct close time, so chart times stay unique', () => {
    const points = equityCurve([
      trade({ netR: 10, openTime: T0, closeTime: T0 + HOUR }),
      trade({ netR: -10, openTime: T0, closeTime: T0 + HOUR }),
    ]);
    // both on equity 1 at 1 %: +0.1 and -0.1 in one step
    expect(points).toHaveLength(2);
    expect(points[1].equity).toBeCloseTo(1, 12);
  });

  it('books each trade as the P&L of a position sized to lose riskPerTrade of the equity at its stop', () => {
    // a: BUY 100, stop 98 (2 %), half out at TP1 102, the rest at the breakeven stop, 0.12 % per side
    const feeA = 0.0012 * (1 + (0.5 * 102 + 0.5 * 100) / 100);
    const a = { entryPrice: 100, stopLoss: 98, returnPct: (0.5 * 2 + 0.5 * 0) / 100 - feeA };
    // b: SELL 50, stop 52 (4 %), stopped out, opened while a is open
    const feeB = 0.0012 * (1 + 52 / 50);
    const b = { entryPrice: 50, stopLoss: 52, returnPct: -2 / 50 - feeB };
    const trades = [
      trade({ id: 'a', netR: netROf(a), returnPct: a.returnPct, openTime: T0, closeTime: T0 + 2 * HOUR }),
      trade({
        id: 'b',
        netR: netROf(b),
        returnPct: b.returnPct,
        openTime: T0 + HOUR,
        closeTime: T0 + 3 * HOUR,
      }),
    ];
    const s = 0.01;
    const walk = walkEquity(trades, 1000, { riskPerTrade: s, maxOpenRisk: 0.1 });
    // both open on 1000: notional = s x 1000 / stop distance, P&L = notional x returnPct
    const pnlA = ((s * 1000) / 0.02) * a.returnPct;
    const pnlB = ((s * 1000) / 0.04) * b.returnPct;
    expect(walk.closes[0].equity - 1000).toBeCloseTo(pnlA, 9);
    expect(walk.closes[1].equity - walk.closes[0].equity).toBeCloseTo(pnlB, 9);
    // the same in R: s x equity at the open x net R, so the total is s x Σ net R here (no compounding
    // between trades open together), and a stop costs s plus its costs
    expect(walk.finalEquity / 1000 - 1).toBeCloseTo(s * (netROf(a) + netROf(b)), 12);
    expect(netROf(b)).toBeCloseTo(-1 - (feeB * 50) / 2, 12);
  });

  it('does not return riskPerTrade x Σ net R: it compounds trades taken one after the other', () => {
    const trades = [
      trade({ netR: 10, openTime: T0, closeTime: T0 + HOUR }),
      trade({ netR: -10, openTime: T0 + HOUR, closeTime: T0 + 2 * HOUR }),
    ];
    // Σ net R = 0, but +10 % then -10 % of 1.1
    expect(walkEquity(trades, 1).finalEquity).toBeCloseTo(0.99, 12);
  });

  it('says how much net R the cap left out of the equity, trades sized at their close included', () => {
    const t = (id: string, netR: number, open: number, close: number) =>
      trade({ id, netR, openTime: T0 + open * HOUR, closeTime: T0 + close * HOUR });
    const walk = walkEquity(
      [
        t('a', -1, 0, 10),
        t('b', 4, 1, 10), // half of its 0.02: 2 R left out
        t('c', 3, 2, 10), // skipped: 3 R left out
        t('d', 5, 5, 5), // opens and closes at once, on a full budget: skipped, 5 R left out
      ],
      1,
      { riskPerTrade: 0.02, maxOpenRisk: 0.03 },
    );
    expect(walk.skippedByRiskCap).toBe(2);
    expect(walk.reducedByRiskCap).toBe(1);
    expect(walk.rLeftOutByRiskCap).toBeCloseTo(2 + 3 + 5, 12);
    // the equity follows Σ net R (11) minus what the cap left out (10), at 2 %
    expect(walk.finalEquity).toBeCloseTo(1 + 0.02 * (11 - 10), 12);
  });

  it('a trade that opens and closes at one instant holds no open risk afterwards', () => {
    const t = (id: string, netR: number, open: number, close: number) =>
      trade({ id, netR, openTime: T0 + open * HOUR, closeTime: T0 + close * HOUR });
    // z fills and is stopped on one candle; p and q open later and together fit the 2 % budget
    const walk = walkEquity([t('z', -1, 1, 1), t('p', 1, 2, 5), t('q', 1, 3, 5)], 1, {
      riskPerTrade: 0.01,
      maxOpenRisk: 0.02,
    });
    expect(walk.skippedByRiskCap).toBe(0);
    expect(walk.reducedByRiskCap).toBe(0);
    expect(walk.rLeftOutByRiskCap).toBe(0);
    // 1 - 1 % = 0.99, then +1 % of 0.99 twice: the equity change is 1 % x net R of every trade
    expect(walk.finalEquity).toBeCloseTo(0.99 + 2 * 0.0099, 12);
  });

  it('is empty for no trades', () => {
    expect(equityCurve([])).toEqual([]);
  });
});

describe('dailyReturns', () => {
  it('covers every UTC day from the first to the last close, empty days at 0', () => {
    const trades = [
      trade({ netR: 5, closeTime: T0 + 23 * HOUR }),
      trade({ netR: 10, closeTime: T0 + 3 * DAY }),
    ];
    const daily = dailyReturns(walkEquity(trades, 1), 1);
    // +5 % on day 0; +10 % of 1.05 on day 3 (midnight belongs to day 3)
    expect(Array.from(daily)).toEqual([expect.closeTo(0.05, 12), 0, 0, expect.closeTo(0.1, 12)]);
  });
});

describe('max drawdown against brute force', () => {
  it('equals the largest 1 - later / earlier equity over all pairs, starting equity included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (netRs) => {
          // sequential trades at 10 % risk: equity moves by 10 % x net R each time
          const trades = netRs.map((netR, i) =>
            trade({ netR, openTime: T0 + i * HOUR, closeTime: T0 + (i + 1) * HOUR }),
          );
          const equity = [1];
          for (const r of netRs) {
            const e = equity[equity.length - 1];
            equity.push(Math.max(0, e + 0.1 * e * r)); // the walk's own arithmetic: no spurious 1e-16 falls
          }
          let deepest = 0;
          for (let i = 0; i < equity.length; i++) {
            for (let j = i + 1; j < equity.length; j++)
              if (equity[i] > 0) deepest = Math.max(deepest, 1 - equity[j] / equity[i]);
          }
          const { maxDrawdown } = computePerformance(trades, {
            bootstrapSamples: 1,
            riskPerTrade: 0.1,
            maxOpenRisk: 1,
          });
          expect(maxDrawdown.value).toBeCloseTo(deepest, 12);
          if (deepest > 1e-9) {
            const peakIndex = ((maxDrawdown.peakTime ?? 0) - T0) / HOUR;
            const troughIndex = ((maxDrawdown.troughTime ?? 0) - T0) / HOUR;
            expect(peakIndex).toBeLessThan(troughIndex);
            expect(1 - equity[troughIndex] / equity[peakIndex]).toBeCloseTo(deepest, 12);
            const recoveryIndex =
              maxDrawdown.recoveryTime === null ? -1 : (maxDrawdown.recoveryTime - T0) / HOUR;
            const firstBackAtPeak = equity.findIndex((e, k) => k > troughIndex && e >= equity[peakIndex]);
            expect(recoveryIndex).toBe(firstBackAtPeak);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
