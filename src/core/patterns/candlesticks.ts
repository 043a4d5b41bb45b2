import type { Bar } from '../candles/candle.js';
import { type CandleSetting, CandleWindow } from './candle-settings.js';
import { MANY_CANDLE_PATTERNS } from './candlesticks-many.js';
import { ONE_CANDLE_PATTERNS } from './candlesticks-one.js';
import { THREE_CANDLE_PATTERNS } from './candlesticks-three.js';
import { TWO_CANDLE_PATTERNS } from './candlesticks-two.js';

/**
 * TA-Lib's candlestick patterns (CDL*), by TA-Lib's name in lower case without `CDL`.
 * Each gives what TA-Lib 0.6.0 gives on the same candle: 100 bullish, -100 bearish, 0 none,
 * and the other values some patterns use (80 for a non-strict engulfing or harami, 200 for a
 * confirmed hikkake).
 */
export const PATTERN_NAMES = [
  '2crows',
  '3blackcrows',
  '3inside',
  '3linestrike',
  '3outside',
  '3starsinsouth',
  '3whitesoldiers',
  'abandonedbaby',
  'advanceblock',
  'belthold',
  'breakaway',
  'closingmarubozu',
  'concealbabyswall',
  'counterattack',
  'darkcloudcover',
  'doji',
  'dojistar',
  'dragonflydoji',
  'engulfing',
  'eveningdojistar',
  'eveningstar',
  'gapsidesidewhite',
  'gravestonedoji',
  'hammer',
  'hangingman',
  'harami',
  'haramicross',
  'highwave',
  'hikkake',
  'hikkakemod',
  'homingpigeon',
  'identical3crows',
  'inneck',
  'invertedhammer',
  'kicking',
  'kickingbylength',
  'ladderbottom',
  'longleggeddoji',
  'longline',
  'marubozu',
  'matchinglow',
  'mathold',
  'morningdojistar',
  'morningstar',
  'onneck',
  'piercing',
  'rickshawman',
  'risefall3methods',
  'separatinglines',
  'shootingstar',
  'shortline',
  'spinningtop',
  'stalledpattern',
  'sticksandwich',
  'takuri',
  'tasukigap',
  'thrusting',
  'tristar',
  'unique3river',
  'upsidegap2crows',
  'xsidegap3methods',
] as const;

export type PatternName = (typeof PATTERN_NAMES)[number];

/** Which rolling total a pattern reads: a candle setting, for the candle `lag` bars back. */
export type TotalRequest = readonly [setting: CandleSetting, lag: number];

/**
 * One pattern, declared as TA-Lib's C function reads: its lookback, the rolling totals it keeps,
 * and the test on the newest bars. `detect` runs once per bar from `firstBar` on; it reads
 * totals through `slots` (the window slots of its `totals`, in order).
 */
export interface CandlePattern {
  readonly name: PatternName;
  /** TA-Lib's lookback: bars without output before the first one (TA-Lib's begIndex from 0). */
  readonly lookback: number;
  /**
   * First bar `detect` runs on when earlier than the lookback: a pattern with memory (hikkake)
   * warms it on a few bars before its first output, as TA-Lib does. Defaults to `lookback`.
   */
  readonly firstBar?: number;
  readonly totals: readonly TotalRequest[];
  /** TA-Lib's default `optInPenetration`, for the patterns that take one. */
  readonly penetration?: number;
  /** Size of the per-instance memory a stateful pattern keeps (hikkake), else absent. */
  readonly stateSize?: number;
  detect(w: CandleWindow, slots: Int32Array, penetration: number, state: Int32Array): number;
}

const DEFINITIONS: ReadonlyMap<string, CandlePattern> = (() => {
  const map = new Map<string, CandlePattern>();
  for (const group of [
    ONE_CANDLE_PATTERNS,
    TWO_CANDLE_PATTERNS,
    THREE_CANDLE_PATTERNS,
    MANY_CANDLE_PATTERNS,
  ]) {
    for (const pattern of group) {
      if (map.has(pattern.name)) throw new Error(`candlestick pattern ${pattern.name} defined twice`);
      map.set(pattern.name, pattern);
    }
  }
  for (const name of PATTERN_NAMES) {
    if (!map.has(name)) throw new Error(`candlestick pattern ${name} has no definition`);
  }
  return map;
})();

export function isPatternName(name: string): name is PatternName {
  return DEFINITIONS.has(name);
}

/** The definition of a pattern; an unknown name throws an error that lists the valid ones. */
export function candlePattern(name: string): CandlePattern {
  const pattern = DEFINITIONS.get(name);
  if (pattern === undefined) {
    throw new Error(`unknown candlestick pattern "${name}"; valid names: ${PATTERN_NAMES.join(', ')}`);
  }
  return pattern;
}

/** TA-Lib's lookback of each pattern (with the default candle settings). */
export const PATTERN_LOOKBACKS: Readonly<Record<PatternName, number>> = Object.freeze(
  Object.fromEntries(PATTERN_NAMES.map((name) => [name, candlePattern(name).lookback])) as Record<
    PatternName,
    number
  >,
);

export function patternLookback(name: string): number {
  return candlePattern(name).lookback;
}

/** The TA-Lib function a pattern mirrors, e.g. `CDL3WHITESOLDIERS` for `3whitesoldiers`. */
export function talibFunctionName(name: PatternName): string {
  return `CDL${name.toUpperCase()}`;
}

/** Checks a penetration option at the edge: TA-Lib accepts any real from 0 up. */
export function checkPenetration(name: string, penetration: number): number {
  if (!Number.isFinite(penetration) || penetration < 0) {
    throw new Error(
      `candlestick pattern ${name}: penetration must be a finite number >= 0, got ${penetration}`,
    );
  }
  return penetration;
}

export interface PatternDetectorOptions {
  /** TA-Lib's optInPenetration, for the patterns that take one (else ignored). */
  readonly penetration?: number;
}

/**
 * One pattern, streaming: `update` takes one closed bar and returns what TA-Lib returns for that
 * candle (0 during the lookback). O(1) time and memory, no allocation per update.
 */
export class CandlePatternDetector {
  readonly name: PatternName;
  readonly lookback: number;
  private readonly pattern: CandlePattern;
  private readonly window = new CandleWindow();
  private readonly slots: Int32Array;
  private readonly state: Int32Array;
  private readonly firstBar: number;
  private readonly penetration: number;
  private result = 0;

  constructor(name: string, options: PatternDetectorOptions = {}) {
    const pattern = candlePattern(name);
    this.pattern = pattern;
    this.name = pattern.name;
    this.lookback = pattern.lookback;
    this.firstBar = pattern.firstBar ?? pattern.lookback;
    this.slots = registerTotals(this.window, pattern);
    this.state = new Int32Array(pattern.stateSize ?? 0);
    this.penetration = checkPenetration(pattern.name, options.penetration ?? pattern.penetration ?? 0);
  }

  update(bar: Bar): number {
    return this.updateOhlc(bar.open, bar.high, bar.low, bar.close);
  }

  updateOhlc(open: number, high: number, low: number, close: number): number {
    const w = this.window;
    w.push(open, high, low, close);
    const t = w.count - 1;
    if (t < this.firstBar) return 0;
    const value = this.pattern.detect(w, this.slots, this.penetration, this.state);
    this.result = t < this.lookback ? 0 : value;
    return this.result;
  }

  isStable(): boolean {
    return this.window.count > this.lookback;
  }

  /** The latest result (0 before the first update and during the lookback). */
  getResult(): number {
    return this.result;
  }

  reset(): void {
    this.window.reset();
    this.state.fill(0);
    this.result = 0;
  }
}

/** Registers a pattern's totals on a window; returns the window slots in the pattern's order. */
export function registerTotals(window: CandleWindow, pattern: CandlePattern): Int32Array {
  const firstBar = pattern.firstBar ?? pattern.lookback;
  const slots = new Int32Array(pattern.totals.length);
  pattern.totals.forEach(([candleSetting, lag], k) => {
    slots[k] = window.addTotal(candleSetting, lag, firstBar);
  });
  return slots;
}
