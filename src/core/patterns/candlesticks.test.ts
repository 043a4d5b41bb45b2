import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import type { Bar } from '../candles/candle.js';
import { CandleSettings, CandleWindow } from './candle-settings.js';
import {
  CandlePatternDetector,
  candlePattern,
  isPatternName,
  PATTERN_LOOKBACKS,
  PATTERN_NAMES,
  type PatternName,
  patternLookback,
} from './candlesticks.js';
import { PatternScanner, scanPatterns } from './scanner.js';

/** Element-wise equality of two pattern outputs (Int32Array: no -0 or NaN, so === is exact). */
function sameValues(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

const bar = (open: number, high: number, low: number, close: number): Bar => ({
  open,
  high,
  low,
  close,
  volume: 1,
});

/** Ordinary white candles: body 1, range 2, so "long", "short", "doji" have clear meanings. */
const background = (count: number): Bar[] => Array.from({ length: count }, () => bar(100, 101.5, 99.5, 101));

function lastResult(name: string, bars: readonly Bar[], penetration?: number): number {
  const detector = new CandlePatternDetector(name, penetration === undefined ? {} : { penetration });
  let result = 0;
  for (const b of bars) result = detector.update(b);
  return result;
}

describe('candlestick patterns on hand-built candles', () => {
  it('a clear bullish engulfing gives +100, a bearish one -100', () => {
    const black = bar(101, 101.2, 99.8, 100);
    expect(lastResult('engulfing', [...background(3), black, bar(99.5, 101.7, 99.4, 101.5)])).toBe(100);
    const white = bar(100, 101.2, 99.8, 101);
    expect(lastResult('engulfing', [...background(3), white, bar(101.5, 101.7, 99.4, 99.5)])).toBe(-100);
  });

  it('an engulfing that only matches one end of the prior body gives 80, as TA-Lib 0.6 does', () => {
    const black = bar(101, 101.2, 99.8, 100);
    expect(lastResult('engulfing', [...background(3), black, bar(100, 101.7, 99.9, 101.5)])).toBe(80);
  });

  it('a doji is found and an ordinary candle is not', () => {
    expect(lastResult('doji', [...background(10), bar(100, 101, 99, 100.01)])).toBe(100);
    expect(lastResult('doji', [...background(11)])).toBe(0);
  });

  it('a hammer after a fall gives +100', () => {
    // Small body at the prior low, long lower shadow, almost no upper shadow.
    expect(lastResult('hammer', [...background(11), bar(99.6, 99.82, 98.5, 99.8)])).toBe(100);
  });

  it('a morning star gives +100, and a deeper penetration requirement rejects it', () => {
    const star = [bar(105, 105.2, 99.9, 100), bar(99.5, 99.6, 99.2, 99.3), bar(99.6, 103.1, 99.5, 103)];
    expect(lastResult('morningstar', [...background(10), ...star])).toBe(100);
    expect(lastResult('morningstar', [...background(10), ...star], 0.9)).toBe(0);
  });

  it('kicking: a black marubozu, a gap up, a white marubozu gives +100', () => {
    const kick = [bar(102, 102, 100, 100), bar(103, 105, 103, 105)];
    expect(lastResult('kicking', [...background(10), ...kick])).toBe(100);
  });

  it('hikkake reports the setup (+100), then +200 when a close confirms it', () => {
    const wide = bar(100, 110, 90, 100);
    const detector = new CandlePatternDetector('hikkake');
    const results = [
      wide,
      wide,
      wide,
      wide,
      bar(100, 105, 95, 100),
      bar(98, 104, 93, 99),
      bar(99, 107, 98, 106),
    ].map((b) => detector.update(b));
    expect(results).toEqual([0, 0, 0, 0, 0, 100, 200]);
  });

  it('no pattern gives 0 on ordinary candles', () => {
    const quiet = background(20);
    for (const name of ['engulfing', 'doji', 'hammer', 'morningstar', 'harami', 'kicking'] as const) {
      expect(lastResult(name, quiet)).toBe(0);
    }
  });

  it('returns 0 during the lookback and is stable after it', () => {
    const detector = new CandlePatternDetector('doji');
    expect(detector.lookback).toBe(10);
    const flat = bar(100, 100, 100, 100);
    for (let i = 0; i < 10; i++) {
      expect(detector.update(flat)).toBe(0);
      expect(detector.isStable()).toBe(false);
    }
    // A flat candle has a zero body, no larger than 10% of a zero average range: TA-Lib calls it a doji.
    expect(detector.update(flat)).toBe(100);
    expect(detector.isStable()).toBe(true);
    detector.reset();
    expect(detector.isStable()).toBe(false);
    expect(detector.update(flat)).toBe(0);
  });
});

describe('pattern names and lookbacks', () => {
  it('has the 25 core patterns, lower case without CDL', () => {
    const core = [
      'engulfing',
      'hammer',
      'hangingman',
      'invertedhammer',
      'shootingstar',
      'doji',
      'dragonflydoji',
      'gravestonedoji',
      'morningstar',
      'eveningstar',
      'morningdojistar',
      'eveningdojistar',
      '3whitesoldiers',
      '3blackcrows',
      'harami',
      'haramicross',
      'piercing',
      'darkcloudcover',
      'marubozu',
      'spinningtop',
      '3inside',
      '3outside',
      'kicking',
      'abandonedbaby',
      'tristar',
    ];
    for (const name of core) expect(isPatternName(name)).toBe(true);
    expect(PATTERN_NAMES).toHaveLength(61);
    expect(new Set(PATTERN_NAMES).size).toBe(PATTERN_NAMES.length);
  });

  it('an unknown name throws an error that lists the valid names', () => {
    expect(() => candlePattern('CDLENGULFING')).toThrow(
      /unknown candlestick pattern "CDLENGULFING".*engulfing/,
    );
    expect(() => new PatternScanner(['doji', 'nope'])).toThrow(/valid names: .*3whitesoldiers/);
  });

  it('exports lookbacks from the candle settings', () => {
    expect(PATTERN_LOOKBACKS.engulfing).toBe(2);
    expect(PATTERN_LOOKBACKS.hammer).toBe(11);
    expect(PATTERN_LOOKBACKS.morningstar).toBe(12);
    expect(PATTERN_LOOKBACKS['3blackcrows']).toBe(13);
    expect(patternLookback('tristar')).toBe(12);
  });

  it('rejects a negative or non-finite penetration', () => {
    expect(() => new CandlePatternDetector('morningstar', { penetration: -0.1 })).toThrow(/penetration/);
    expect(
      () => new PatternScanner(['darkcloudcover'], { penetration: { darkcloudcover: Number.NaN } }),
    ).toThrow(/penetration/);
  });
});

describe('PatternScanner', () => {
  const bars = [
    ...background(10),
    bar(105, 105.2, 99.9, 100),
    bar(99.5, 99.6, 99.2, 99.3),
    bar(99.6, 103.1, 99.5, 103),
  ];

  it('writes each pattern, in the order given, at the caller offset', () => {
    const names: PatternName[] = ['doji', 'morningstar', 'engulfing'];
    const scanner = new PatternScanner(names);
    const out = new Float64Array(5).fill(-1);
    for (const b of bars) scanner.update(b, out, 2);
    expect(Array.from(out)).toEqual([-1, -1, 0, 100, 0]);
  });

  it('refuses an output array too short for the set', () => {
    const scanner = new PatternScanner(['doji', 'hammer']);
    expect(() => scanner.update(bars[0], new Int32Array(2), 1)).toThrow(RangeError);
  });

  it('shares one window: totals kept identically by several patterns are kept once', () => {
    const alone = ['morningstar', 'eveningstar'].map((n) => new PatternScanner([n]).totalsKept);
    expect(alone).toEqual([3, 3]);
    expect(new PatternScanner(['morningstar', 'eveningstar']).totalsKept).toBe(3);
  });

  it.skipIf(!hasRealData)(
    'push + detectLatest on a few bars equals update on every bar, all 61 patterns, real BTC 1h',
    () => {
      const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
      const eager = new PatternScanner();
      const lazy = new PatternScanner();
      const a = new Int32Array(eager.size);
      const b = new Int32Array(lazy.size);
      let read = 0;
      for (let i = 0; i < candles.length; i++) {
        const c = candles[i];
        eager.update(c, a);
        lazy.push(c.open, c.high, c.low, c.close);
        // read the stateless patterns on an irregular few bars only, the warm-up included
        if (i < 20 || i % 7 === 3 || a.some((v) => v !== 0 && i % 2 === 0)) {
          lazy.detectLatest(b);
          // the deep compare only when the plain one finds a difference: ~10k deep compares cost seconds
          if (!sameValues(a, b)) expect(Array.from(b), `bar ${i}`).toEqual(Array.from(a));
          read++;
        }
      }
      expect(read).toBeGreaterThan(candles.length / 7);
    },
  );

  it.skipIf(!hasRealData)(
    'totals rolled late (reads many bars apart, no stateful pattern) equal totals rolled every bar, real BTC 1h',
    () => {
      const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
      // no hikkake: nothing reads the totals on push, so they roll only when read (or every 48 bars)
      const names = PATTERN_NAMES.filter((n) => !n.startsWith('hikkake'));
      const eager = new PatternScanner(names);
      const lazy = new PatternScanner(names);
      const a = new Int32Array(eager.size);
      const b = new Int32Array(lazy.size);
      let gap = 1;
      let next = 0;
      let read = 0;
      for (let i = 0; i < candles.length; i++) {
        const c = candles[i];
        eager.update(c, a);
        lazy.push(c.open, c.high, c.low, c.close);
        if (i === next) {
          lazy.detectLatest(b);
          if (!sameValues(a, b)) expect(Array.from(b), `bar ${i}`).toEqual(Array.from(a));
          read++;
          // gaps 1..120 bars: shorter than, equal to and longer than the most bars left pending
          gap = (gap * 7 + 3) % 120;
          next = i + 1 + gap;
        }
      }
      expect(read).toBeGreaterThan(candles.length / 120);
    },
  );

  it('batch equals streaming', () => {
    const cols = {
      length: bars.length,
      openTime: Float64Array.from(bars, (_, i) => i * 60_000),
      open: Float64Array.from(bars, (b) => b.open),
      high: Float64Array.from(bars, (b) => b.high),
      low: Float64Array.from(bars, (b) => b.low),
      close: Float64Array.from(bars, (b) => b.close),
      volume: Float64Array.from(bars, (b) => b.volume),
    };
    const batch = scanPatterns(cols);
    for (const name of PATTERN_NAMES) {
      const detector = new CandlePatternDetector(name);
      expect(Array.from(batch.get(name) ?? []), name).toEqual(bars.map((b) => detector.update(b)));
    }
  });
});

describe('CandleWindow', () => {
  it('averages a setting over the candles before the one it judges', () => {
    const w = new CandleWindow();
    const slot = w.addTotal(CandleSettings.BodyLong, 0, 10);
    for (let i = 1; i <= 10; i++) w.push(100, 100 + i, 100, 100 + i);
    w.push(100, 200, 100, 200);
    // Bodies 1..10 average 5.5; the eleventh candle's own body is not in its average.
    expect(w.avg(CandleSettings.BodyLong, slot, 0)).toBe(5.5);
    expect(w.addTotal(CandleSettings.ShadowLong, 0, 10)).toBe(-1);
  });
});
