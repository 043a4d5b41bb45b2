import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candlePath,
  candles,
  feed,
  MIN,
  makeSignal,
  mirror,
  PROPERTY_RUNS,
  scenario,
  setup,
  T0,
  testOutcomeConfig,
} from '../../../test/support/outcome-paths.js';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import type { Candle } from '../candles/candle.js';
import { mulberry32 } from '../metrics/random.js';
import type { Direction } from '../signals/types.js';
import { OutcomeTracker } from './tracker.js';
import type { Outcome, OutcomeConfig, OutcomeEvent } from './types.js';

describe('OutcomeTracker: cancellation', () => {
  it('CANCELLED: a pending limit is withdrawn with R 0; a filled remainder exits at the given price', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal({ id: 'pending', entryType: 'FIBONACCI_618' }));
    tracker.track(makeSignal({ id: 'market' }));
    // TP1 for the market order; the limit at 100 is not touched (low 101)
    expect(feed(tracker, candles([[102, 106, 101, 104]]))).toHaveLength(0);

    const pending = tracker.cancel('pending', T0 + MIN, 104, 'opposite signal');
    expect(pending?.type).toBe('CANCELLED');
    expect(pending?.reason).toBe('opposite signal');
    expect(pending?.filled).toBe(false);
    expect(pending?.rMultiple).toBe(0);
    expect(pending?.returnPct).toBe(0);
    expect(pending?.exitTime).toBe(T0 + MIN);

    const market = tracker.cancel('market', T0 + MIN, 104, 'opposite signal');
    expect(market?.type).toBe('CANCELLED');
    expect(market?.targetsHit).toBe(1);
    // R = 0.5 × 1 + 0.5 × (104 − 100) / 5 = 0.9; gross = 0.5 × 5 % + 0.5 × 4 % = 4.5 %
    // fees = 0.001 × (1 + (0.5 × 105 + 0.5 × 104) / 100) = 0.002045
    expect(market?.rMultiple).toBeCloseTo(0.9, 12);
    expect(market?.returnPct).toBeCloseTo(0.045 - 0.002045, 12);
    expect(market?.events.at(-1)).toEqual({
      kind: 'CANCELLED',
      time: T0 + MIN,
      price: 104,
      fraction: 0.5,
      ambiguous: false,
      precision: null,
    });

    expect(tracker.size).toBe(0);
    expect(tracker.cancel('market', T0 + MIN, 104, 'again')).toBeNull();
  });
});

describe('OutcomeTracker: manual exit', () => {
  it('MANUAL_EXIT: an operator closes the whole position at the given price, after costs, as its own type', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal({ id: 'sell', direction: 'SELL' }));
    // no level touched (stop 105, TP1 95)
    expect(feed(tracker, candles([[100, 103, 98, 102]]))).toHaveLength(0);
    const o = tracker.cancel('sell', T0 + MIN, 102, 'operator: news', 'MANUAL_EXIT');
    expect(o?.type).toBe('MANUAL_EXIT');
    expect(o?.filled).toBe(true);
    expect(o?.reason).toBe('operator: news');
    // a SELL from 100 out at 102 with the stop 5 away: R = -0.4; gross -2 %; fees 0.001 × (1 + 1.02)
    expect(o?.rMultiple).toBeCloseTo(-0.4, 12);
    expect(o?.returnPct).toBeCloseTo(-0.02 - 0.00202, 12);
    expect(o?.averageExitPrice).toBe(102);
    expect(o?.events.at(-1)).toEqual({
      kind: 'MANUAL_EXIT',
      time: T0 + MIN,
      price: 102,
      fraction: 1,
      ambiguous: false,
      // a manual exit is no stop or target touch: it has no level to be precise about
      precision: null,
    });
    expect(tracker.size).toBe(0);
  });
});

describe('OutcomeTracker: many signals, open state, allocation', () => {
  it('follows several signals at once and reports each on the candle it closes', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal({ id: 'buy-market' }));
    tracker.track(makeSignal({ id: 'sell-market', direction: 'SELL' }));
    tracker.track(
      makeSignal({
        id: 'buy-limit',
        entryType: 'EMA_PULLBACK',
        entry: 98,
        stop: 96,
        targets: [100, 102, 104],
      }),
    );
    tracker.track(makeSignal({ id: 'buy-late', entryType: 'SUPPORT_RETEST', createdAt: T0 + 2 * MIN }));
    expect(tracker.open().map((s) => [s.signalId, s.state])).toEqual([
      ['buy-market', 'filled'],
      ['sell-market', 'filled'],
      ['buy-limit', 'pending'],
      ['buy-late', 'pending'],
    ]);
    const bars = candles([
      [100, 101, 97.5, 98], // buy-limit fills at 98 inside the range
      [98, 100.5, 98.5, 100], // buy-limit TP1 100, stop -> 98
      [100, 104, 99.5, 103.5], // buy-limit TP2 102 + TP3 104; buy-late's first candle fills it at the open 100
      [103.5, 106, 102, 105], // buy-market and buy-late TP1 105; sell-market stop 105
      [105, 105.5, 94, 95], // buy-market and buy-late breakeven stop 100
    ]);
    const closed = feed(tracker, bars);
    expect(closed.map((c) => [c.outcome.signalId, c.at, c.outcome.type])).toEqual([
      ['buy-limit', 2, 'TP_HIT'],
      ['sell-market', 3, 'SL_HIT'],
      ['buy-market', 4, 'PARTIAL_TP'],
      ['buy-late', 4, 'PARTIAL_TP'],
    ]);
    const byId = new Map(closed.map((c) => [c.outcome.signalId, c.outcome]));
    expect(byId.get('buy-limit')?.rMultiple).toBeCloseTo(0.5 + 0.3 * 2 + 0.2 * 3, 12);
    expect(byId.get('buy-late')?.fillTime).toBe(T0 + 3 * MIN);
    expect(tracker.size).toBe(0);
  });

  it('open() shows the current stop and what is left', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    tracker.track(makeSignal({ direction: 'SELL' }));
    feed(tracker, candles(mirror([[100, 106, 101, 104]])));
    expect(tracker.open()).toEqual([
      {
        signalId: 'TEST-SELL-MARKET_ENTRY',
        direction: 'SELL',
        state: 'filled',
        fillTime: T0,
        targetsHit: 1,
        stop: 100,
        remaining: 0.5,
        ambiguousCandles: 0,
      },
    ]);
  });

  it('returns one shared empty array on every candle where nothing closes', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    const bars = candles([
      [100, 101, 99, 100],
      [100, 102, 99.5, 101],
      [101, 106, 100.5, 104], // TP1: an event, but nothing closes
      [104, 104.5, 101, 103],
    ]);
    const empty = tracker.onCandle(bars[0], bars[0].openTime + MIN);
    expect(empty).toHaveLength(0);
    expect(Object.isFrozen(empty)).toBe(true);
    tracker.track(makeSignal({ createdAt: bars[1].openTime }));
    for (const c of bars.slice(1)) expect(tracker.onCandle(c, c.openTime + MIN)).toBe(empty);
    expect(tracker.open()[0].targetsHit).toBe(1);
  });
});

describe('OutcomeTracker: input checks', () => {
  it('rejects a second symbol, a duplicate id and prices out of order', () => {
    const tracker = new OutcomeTracker(testOutcomeConfig());
    expect(() => tracker.track({ ...makeSignal({ stop: 0 }), symbol: 'ETHUSDT' })).toThrow(
      /stopLoss must be/,
    );
    expect(tracker.symbol).toBeNull();
    tracker.track(makeSignal());
    expect(tracker.symbol).toBe('BTCUSDT');
    expect(() => tracker.track(makeSignal())).toThrow(/already tracked/);
    expect(() => tracker.track({ ...makeSignal({ id: 'eth' }), symbol: 'ETHUSDT' })).toThrow(RangeError);
    expect(() => tracker.track(makeSignal({ id: 'bad', stop: 101 }))).toThrow(
      /entryPrice 100 breaks the order/,
    );
    expect(() => tracker.track(makeSignal({ id: 'bad2', targets: [105, 104, 115] }))).toThrow(
      /takeProfits\[1\]/,
    );
  });
});

describe('OutcomeTracker: properties on random candle paths', () => {
  it('R stays within [−1, TP3 in R], returnPct has the sign of R without fees, fractions add up', () => {
    fc.assert(
      fc.property(candlePath, setup, (steps, s) => {
        const { bars, signal, tp3R, config } = scenario(steps, s);
        const tracker = new OutcomeTracker(testOutcomeConfig(config));
        tracker.track(signal);
        const closed = feed(tracker, bars);
        expect(closed.length + tracker.size).toBe(1);
        for (const { outcome: o } of closed) {
          const eps = 1e-9;
          expect(o.rMultiple).toBeGreaterThanOrEqual(-1 - eps);
          expect(o.rMultiple).toBeLessThanOrEqual(tp3R + eps);
          expect(Math.sign(o.returnPct)).toBe(Math.sign(o.rMultiple));
          expect(o.mae).toBeLessThanOrEqual(0);
          expect(o.mfe).toBeGreaterThanOrEqual(0);
          expect(o.maeR).toBeGreaterThanOrEqual(-1 - eps);
          expect(o.mfeR).toBeLessThanOrEqual(tp3R + eps);
          if (o.filled) {
            const traded = o.events.filter((e) => e.kind !== 'FILL').reduce((a, e) => a + e.fraction, 0);
            expect(traded).toBeCloseTo(1, 12);
            // R rebuilt from the exit events
            const sign = o.direction === 'BUY' ? 1 : -1;
            const risk = Math.abs(o.entryPrice - o.stopLoss);
            const fromEvents = o.events
              .filter((e) => e.kind !== 'FILL')
              .reduce((a, e) => a + (e.fraction * sign * (e.price - o.entryPrice)) / risk, 0);
            expect(o.rMultiple).toBeCloseTo(fromEvents, 9);
            expect(o.rMultiple).toBeGreaterThanOrEqual(o.maeR - eps);
            expect(o.rMultiple).toBeLessThanOrEqual(o.mfeR + eps);
          } else {
            expect(o.rMultiple).toBe(0);
            expect(o.type).toBe('EXPIRED');
          }
          expect(o.ambiguous).toBe(o.ambiguousCandles > 0);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('the quiet-candle shortcut changes nothing: several signals at once, every policy', () => {
    fc.assert(
      fc.property(candlePath, fc.array(setup, { minLength: 1, maxLength: 6 }), (steps, setups) => {
        for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
          const [fast, slow] = [true, false].map((quietShortcut) => {
            const log: [string, OutcomeEvent][] = [];
            const first = scenario(steps, setups[0]);
            // the first signal's config for the tracker; every signal keeps its own holding limit
            const tracker = new OutcomeTracker(
              testOutcomeConfig({ ...first.config, policy }),
              (sig, e) => log.push([sig.id, e]),
              {
                quietShortcut,
              },
            );
            setups.forEach((s, k) => {
              const { signal, config } = scenario(steps, s);
              tracker.track({ ...signal, id: `P${k}` }, config.maxHoldingMs ?? null);
            });
            const bars = first.bars;
            return { closed: feed(tracker, bars), open: tracker.open(), log };
          });
          expect(fast).toStrictEqual(slow);
        }
      }),
      { numRuns: PROPERTY_RUNS / 4 },
    );
  });
});

/** JSON with every number exact: JSON writes a finite number so that it reads back the same, and −0, ±∞ and NaN are spelt out. */
function exactText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))
      ? `number:${Object.is(v, -0) ? '-0' : v}`
      : v,
  );
}

interface RealRun {
  readonly outcomes: Outcome[];
  readonly log: [string, OutcomeEvent][];
  readonly open: ReturnType<OutcomeTracker['open']>;
}

/**
 * Real candles and, on about one candle in eight, a synthetic signal around the close: BUY or
 * SELL, at market or a limit a little away, risk 0.05-0.65 %, targets 0.5R-6R, some created a few
 * minutes ahead (candles before their creation must not touch them), expiries of 5-120 min,
 * holding limits of 10 min-1 day (some fractional, some none); now and then a signal is cancelled.
 */
function runReal(bars: readonly Candle[], config: Partial<OutcomeConfig>, quietShortcut: boolean): RealRun {
  const log: [string, OutcomeEvent][] = [];
  const tracker = new OutcomeTracker(testOutcomeConfig(config), (sig, e) => log.push([sig.id, e]), {
    quietShortcut,
  });
  // seeded, so both runs see the same signals
  const rand = mulberry32(20240101);
  const outcomes: Outcome[] = [];
  bars.forEach((c, i) => {
    const close = c.openTime + MIN;
    for (const o of tracker.onCandle(c, close)) outcomes.push(o);
    if (tracker.size > 0 && rand() < 0.003) {
      const open = tracker.open();
      const victim = open[Math.floor(rand() * open.length)];
      const o = tracker.cancel(victim.signalId, close, c.close, 'test');
      if (o !== null) outcomes.push(o);
    }
    if (rand() >= 1 / 8) return;
    const direction: Direction = rand() < 0.5 ? 'BUY' : 'SELL';
    const sign = direction === 'BUY' ? 1 : -1;
    const market = rand() < 0.5;
    const entry = market ? c.close : c.close * (1 - sign * 0.004 * rand());
    const risk = entry * (0.0005 + 0.006 * rand());
    const r1 = 0.5 + 1.5 * rand();
    const r2 = r1 + 0.3 + rand();
    const r3 = r2 + 0.3 + 2 * rand();
    const createdAt = rand() < 0.05 ? close + Math.floor(1 + 5 * rand()) * MIN : close;
    const holdDraw = rand();
    const hold = holdDraw < 0.2 ? null : (10 + Math.floor(1430 * rand())) * MIN + (holdDraw < 0.3 ? 0.5 : 0);
    tracker.track(
      makeSignal({
        id: `R${i}`,
        direction,
        entryType: market ? 'MARKET_ENTRY' : 'FIBONACCI_618',
        entry,
        stop: entry - sign * risk,
        targets: [entry + sign * r1 * risk, entry + sign * r2 * risk, entry + sign * r3 * risk],
        createdAt,
        expiresAt: createdAt + (5 + Math.floor(115 * rand())) * MIN,
      }),
      hold,
    );
  });
  return { outcomes, log, open: tracker.open() };
}

describe('OutcomeTracker: the quiet-candle shortcut on real candles', () => {
  it.skipIf(!hasRealData)(
    'gives exactly the outcomes, events and open state of the general path (BTC 1m, every policy)',
    () => {
      const bars = loadRealCandles('binance_BTCUSDT_1m.csv.gz');
      const configs: Partial<OutcomeConfig>[] = [];
      for (const policy of ['pessimistic', 'optimistic', 'ohlc_path'] as const) {
        configs.push({ policy });
        configs.push({ policy, breakevenAfterTp1: false, split: [0.6, 0.4, 0] });
      }
      for (const config of configs) {
        const fast = runReal(bars, config, true);
        const slow = runReal(bars, config, false);
        // the comparison means something: every way out, and ambiguous candles, occur
        const types = new Set(fast.outcomes.map((o) => o.type));
        const expected: Outcome['type'][] = [
          'TP_HIT',
          'PARTIAL_TP',
          'SL_HIT',
          'TIME_EXIT',
          'EXPIRED',
          'CANCELLED',
        ];
        for (const t of expected) expect(types.has(t), `${config.policy} ${t}`).toBe(true);
        expect(fast.outcomes.some((o) => o.ambiguous)).toBe(true);
        expect(fast.outcomes.length).toBeGreaterThan(10_000);
        expect(fast.open.length).toBeGreaterThan(0);
        expect(exactText(fast.open)).toBe(exactText(slow.open));
        expect(fast.outcomes.length).toBe(slow.outcomes.length);
        for (let i = 0; i < fast.outcomes.length; i++) {
          // a text compare is fast; on a difference the object compare shows it
          if (exactText(fast.outcomes[i]) !== exactText(slow.outcomes[i])) {
            expect(fast.outcomes[i]).toStrictEqual(slow.outcomes[i]);
          }
        }
        expect(exactText(fast.log)).toBe(exactText(slow.log));
      }
    },
    60_000,
  );
});
