import { describe, expect, it } from 'vitest';
import { both, MIN, mirror, type Ohlc, runOne, T0 } from '../../../test/support/outcome-paths.js';

describe('OutcomeTracker: exits', () => {
  // 0: quiet (low 99 = −1 %), 1: TP1 105, 2: TP2 110, 3: TP3 115
  const tpPath: Ohlc[] = [
    [100, 103, 99, 102],
    [102, 106, 101, 105],
    [105, 111, 104, 110],
    [110, 116, 109, 115],
  ];

  it('TP_HIT: all three targets, R and return worked out by hand (BUY)', () => {
    const { outcome: o, at } = runOne(tpPath);
    expect(at).toBe(3);
    expect(o.type).toBe('TP_HIT');
    expect(o.targetsHit).toBe(3);
    // R = 0.5 × 1 + 0.3 × 2 + 0.2 × 3 = 1.7
    expect(o.rMultiple).toBeCloseTo(1.7, 12);
    // gross = 0.5 × 5 % + 0.3 × 10 % + 0.2 × 15 % = 8.5 %
    // fees  = 0.001 × (1 entry + (0.5 × 105 + 0.3 × 110 + 0.2 × 115) / 100 exits) = 0.001 × 2.085 = 0.002085
    // return = 0.085 − 0.002085 = 0.082915
    expect(o.fees).toBeCloseTo(0.002085, 12);
    expect(o.returnPct).toBeCloseTo(0.082915, 12);
    expect(o.averageExitPrice).toBeCloseTo(108.5, 12);
    expect(o.filled).toBe(true);
    expect(o.fillTime).toBe(T0);
    expect(o.fillPrice).toBe(100);
    expect(o.timeToFillMs).toBe(0);
    // events are dated at the close of their candle; TP times count from the fill
    expect(o.timeToTp1Ms).toBe(2 * MIN);
    expect(o.timeToTp2Ms).toBe(3 * MIN);
    expect(o.timeToTp3Ms).toBe(4 * MIN);
    expect(o.exitTime).toBe(T0 + 4 * MIN);
    expect(o.holdingMs).toBe(4 * MIN);
    expect(o.timeToExitMs).toBe(4 * MIN);
    // MAE: low 99 on candle 0 = −1 % = −0.2R; MFE: TP3 on the last candle = 15 % = 3R
    expect(o.mae).toBeCloseTo(-0.01, 12);
    expect(o.maeR).toBeCloseTo(-0.2, 12);
    expect(o.mfe).toBeCloseTo(0.15, 12);
    expect(o.mfeR).toBeCloseTo(3, 12);
    expect(o.ambiguous).toBe(false);
    expect(o.events.map((e) => [e.kind, e.price, e.fraction])).toEqual([
      ['FILL', 100, 1],
      ['TP1', 105, 0.5],
      ['TP2', 110, 0.3],
      ['TP3', 115, 0.2],
    ]);
  });

  it('TP_HIT mirrored for SELL: same R, same gross return, exit fees on the lower exit prices', () => {
    const { outcome: o } = runOne(mirror(tpPath), { direction: 'SELL' });
    expect(o.type).toBe('TP_HIT');
    expect(o.rMultiple).toBeCloseTo(1.7, 12);
    // fees = 0.001 × (1 + (0.5 × 95 + 0.3 × 90 + 0.2 × 85) / 100) = 0.001 × 1.915 = 0.001915
    // return = 0.085 − 0.001915 = 0.083085
    expect(o.fees).toBeCloseTo(0.001915, 12);
    expect(o.returnPct).toBeCloseTo(0.083085, 12);
    expect(o.mae).toBeCloseTo(-0.01, 12);
    expect(o.mfeR).toBeCloseTo(3, 12);
    expect(o.events.map((e) => e.price)).toEqual([100, 95, 90, 85]);
  });

  for (const { direction, path } of both) {
    it(`PARTIAL_TP: TP1 then the breakeven stop, R = 0.5 × 1R + 0.5 × 0 (${direction})`, () => {
      // 0: TP1 (low 101 stays above the entry), 1: back to 99 -> breakeven stop at 100
      const { outcome: o, at } = runOne(
        path([
          [100, 106, 101, 104],
          [104, 105, 99, 100],
        ]),
        { direction },
      );
      expect(at).toBe(1);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.targetsHit).toBe(1);
      expect(o.rMultiple).toBeCloseTo(0.5, 12);
      expect(o.events.map((e) => e.kind)).toEqual(['FILL', 'TP1', 'BREAKEVEN_STOP']);
      expect(o.events[2].price).toBe(100);
      expect(o.events[2].fraction).toBe(0.5);
      // gross = 0.5 × 5 % = 2.5 %
      // fees BUY  = 0.001 × (1 + (0.5 × 105 + 0.5 × 100) / 100) = 0.002025 -> 0.022975
      // fees SELL = 0.001 × (1 + (0.5 × 95 + 0.5 × 100) / 100) = 0.001975 -> 0.023025
      expect(o.returnPct).toBeCloseTo(direction === 'BUY' ? 0.022975 : 0.023025, 12);
      expect(o.ambiguous).toBe(false);
    });

    it(`PARTIAL_TP without breakeven: the rest exits at the original stop, R = 0.5 − 0.5 = 0 (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [100, 106, 101, 104],
          [104, 105, 99, 100],
          [100, 101, 94, 95],
        ]),
        { direction },
        { breakevenAfterTp1: false },
      );
      expect(at).toBe(2);
      expect(o.type).toBe('PARTIAL_TP');
      expect(o.rMultiple).toBeCloseTo(0, 12);
      expect(o.events.map((e) => e.kind)).toEqual(['FILL', 'TP1', 'SL']);
      expect(o.events[2].price).toBe(direction === 'BUY' ? 95 : 105);
    });

    it(`SL_HIT: R −1, MAE stops at the stop even when the candle goes beyond it (${direction})`, () => {
      const { outcome: o } = runOne(
        path([
          [100, 103, 97, 98],
          [98, 99, 90, 91],
        ]),
        { direction },
      );
      expect(o.type).toBe('SL_HIT');
      expect(o.targetsHit).toBe(0);
      expect(o.rMultiple).toBeCloseTo(-1, 12);
      // gross −5 %; fees BUY 0.001 × (1 + 0.95) = 0.00195, SELL 0.001 × (1 + 1.05) = 0.00205
      expect(o.returnPct).toBeCloseTo(direction === 'BUY' ? -0.05195 : -0.05205, 12);
      expect(o.maeR).toBeCloseTo(-1, 12);
      expect(o.mae).toBeCloseTo(-0.05, 12);
      // MFE: the high 103 of candle 0 (held open to close); on the exit candle only its open counts
      expect(o.mfeR).toBeCloseTo(0.6, 12);
    });

    it(`TIME_EXIT: the remainder closes at the close once held maxHoldingMs (${direction})`, () => {
      const { outcome: o, at } = runOne(
        path([
          [100, 101, 99, 100.5],
          [100.5, 102, 100, 101],
          [101, 103, 100.5, 102],
          [102, 104, 101, 103],
        ]),
        { direction },
        { maxHoldingMs: 3 * MIN },
      );
      // filled at T0 (market), candle 2 closes at T0 + 3m: held 3m
      expect(at).toBe(2);
      expect(o.type).toBe('TIME_EXIT');
      expect(o.holdingMs).toBe(3 * MIN);
      // R = (102 − 100) / 5 = 0.4; fees BUY 0.001 × (1 + 1.02), SELL 0.001 × (1 + 0.98)
      expect(o.rMultiple).toBeCloseTo(0.4, 12);
      expect(o.returnPct).toBeCloseTo(0.02 - (direction === 'BUY' ? 0.00202 : 0.00198), 12);
      expect(o.events.at(-1)?.kind).toBe('TIME_EXIT');
      expect(o.events.at(-1)?.price).toBe(direction === 'BUY' ? 102 : 98);
    });
  }

  it('TIME_EXIT after TP1 keeps the target it took', () => {
    const { outcome: o } = runOne(
      [
        [100, 106, 101, 104],
        [104, 105, 101, 103],
      ],
      {},
      { maxHoldingMs: 2 * MIN },
    );
    expect(o.type).toBe('TIME_EXIT');
    expect(o.targetsHit).toBe(1);
    // 0.5 × 1R + 0.5 × (103 − 100) / 5
    expect(o.rMultiple).toBeCloseTo(0.8, 12);
  });
});

describe('OutcomeTracker: trailing and time exits', () => {
  // BUY entry 100, stop 95 (1 R = 5); trailing 4 below the best price since the fill
  const trailing = { exit: { style: 'trailing', trailDistance: 4 } } as const;

  it('trails the best price seen, never takes the targets, and closes TRAILING_STOP where the trail stood', () => {
    const path: Ohlc[] = [
      [100, 104, 99, 103], // best 104: stop 100
      [103, 112, 102, 111], // through TP1 and TP2 (guides only): best 112, stop 108
      [111, 118, 110, 117], // past TP3 115: best 118, stop 114
      [117, 117, 113, 114], // low 113 reaches the trailing stop 114
    ];
    const { outcome: o, at } = runOne(path, trailing);
    expect(at).toBe(3);
    expect(o.type).toBe('TRAILING_STOP');
    expect(o.targetsHit).toBe(0);
    expect(o.events.map((e) => e.kind)).toEqual(['FILL', 'TRAIL_STOP']);
    // (114 − 100) / 5 = 2.8 R, beyond what the 3 R targets' split would have paid (1.7 R)
    expect(o.rMultiple).toBeCloseTo(2.8, 12);
    expect(o.averageExitPrice).toBe(114);
  });

  it('a candle never stops out on the stop its own high moved', () => {
    // the high 110 would move the stop to 106, the low 104 is below that: not stopped on this candle
    const path: Ohlc[] = [
      [100, 110, 104, 108],
      [108, 108, 105, 106], // the stop (106) is reached on the next candle
    ];
    const { outcome: o, at } = runOne(path, trailing);
    expect(at).toBe(1);
    expect(o.events.at(-1)).toMatchObject({ kind: 'TRAIL_STOP', price: 106 });
  });

  it('a stop that never trailed closes as SL_HIT at the original stop; SELL mirrors BUY', () => {
    // a 6-point trail: the best price 100.5 would put it at 94.5, below the original stop 95
    const wide = { exit: { style: 'trailing', trailDistance: 6 } } as const;
    const path: Ohlc[] = [
      [100, 100.5, 98, 99],
      [99, 100, 94, 95],
    ];
    const buy = runOne(path, wide).outcome;
    expect(buy.type).toBe('SL_HIT');
    expect(buy.rMultiple).toBeCloseTo(-1, 12);
    const sell = runOne(mirror(path), { ...wide, direction: 'SELL' }).outcome;
    expect(sell.type).toBe('SL_HIT');
    expect(sell.rMultiple).toBeCloseTo(buy.rMultiple, 12);
    const up: Ohlc[] = [
      [100, 104, 99, 103],
      [103, 112, 102, 111],
      [111, 118, 110, 117],
      [117, 117, 113, 114],
    ];
    const s = runOne(mirror(up), { ...trailing, direction: 'SELL' }).outcome;
    expect(s.type).toBe('TRAILING_STOP');
    expect(s.rMultiple).toBeCloseTo(2.8, 12);
  });

  it("exit style 'time': no targets, no trail; the stop or the holding limit closes it", () => {
    const path: Ohlc[] = [
      [100, 112, 99, 111],
      [111, 116, 110, 115],
      [115, 116, 112, 113],
    ];
    const { outcome: o, at } = runOne(
      path,
      { exit: { style: 'time', trailDistance: null } },
      { maxHoldingMs: 3 * MIN },
    );
    expect(at).toBe(2);
    expect(o.type).toBe('TIME_EXIT');
    expect(o.targetsHit).toBe(0);
    expect(o.rMultiple).toBeCloseTo((113 - 100) / 5, 12);
  });
});
