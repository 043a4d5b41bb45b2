import { expect, it } from 'vitest';
import type { StreamingIndicator } from '../../src/core/indicators/indicator.js';

/*
 * Checks that every indicator's test file (src/core/indicators/<name>.test.ts) runs on its own
 * indicator: the same inputs and the same assertions for each, written once here.
 */

export const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

export const ONE_TO_TEN = f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

/** `actual` equals `expected` to 12 decimals, NaN where `expected` is NaN. */
export function expectSeries(actual: Float64Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(expected[i], 12);
  }
}

/** Three values: shorter than the lookback of every value indicator at period 5 or its defaults. */
export const SHORT = f64([1, 2, 3]);

/** A batch result over `SHORT`: all NaN, at the input's full length. */
function expectAllNaNOverShort(out: Float64Array): void {
  expect(out.length).toBe(3);
  expect(Array.from(out).every(Number.isNaN)).toBe(true);
}

/** Ten bars of made-up high/low/close/volume for the bar indicators' short-series checks. */
export function shortBars(): {
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
  n: number;
} {
  const n = 10;
  const h = Float64Array.from({ length: n }, (_, i) => 101 + (i % 3));
  const l = Float64Array.from(h, (x) => x - 2);
  const c = Float64Array.from(h, (x) => x - 1);
  const v = new Float64Array(n).fill(5);
  return { h, l, c, v, n };
}

/** Every value NaN, at length `n`. */
export const allNaN = (a: Float64Array, n: number): boolean => a.length === n && a.every(Number.isNaN);

export const EMPTY = new Float64Array(0);

/**
 * Feeds `update` 30 values (a sine around 100) and expects one result object, the same one on
 * every update that has a result (multi-output indicators reuse theirs).
 */
function expectOneReusedResult(update: (x: number) => unknown): void {
  const results: unknown[] = [];
  for (let i = 0; i < 30; i++) results.push(update(100 + Math.sin(i) * 5));
  const objects = results.filter((r) => r !== null);
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) expect(o).toBe(objects[0]);
}

/** After `reset()` the indicator has no result and, fed the same 40 values, gives the same outputs. */
function expectResetStartsOver(ind: StreamingIndicator<number, unknown>): void {
  const inputs = Array.from({ length: 40 }, (_, i) => 50 + Math.cos(i / 3) * 4 + i / 10);
  const first = inputs.map((x) => ind.update(x));
  ind.reset();
  expect(ind.getResult()).toBeNull();
  expect(ind.isStable()).toBe(false);
  const second = inputs.map((x) => ind.update(x));
  expect(second).toEqual(first);
}

/** Periods that are never valid: zero, fractional, NaN, negative, infinite. */
const BAD_PERIODS = [0, 1.5, Number.NaN, -3, Number.POSITIVE_INFINITY];

/**
 * `make` refuses period 1 and every `BAD_PERIODS` value with a RangeError, and names indicator and
 * parameter for 1: "`name`: period must be an integer >= 2, got 1".
 */
function expectPeriodFromTwo(name: string, make: (p: number) => unknown): void {
  for (const p of [1, ...BAD_PERIODS]) expect(() => make(p), String(p)).toThrow(RangeError);
  expect(() => make(1)).toThrow(new RegExp(`${name}: period must be an integer >= 2, got 1`));
}

/** `make` throws a RangeError whose message matches `message`. */
function expectRangeError(make: () => unknown, message: RegExp): void {
  expect(make).toThrow(RangeError);
  expect(make).toThrow(message);
}

/** `make` throws a RangeError whose message matches `message`, for each case: one test a case. */
export function itRefuses(
  cases: readonly (readonly [label: string, make: () => unknown, message: RegExp])[],
): void {
  for (const [label, make, message] of cases) {
    it(`refuses ${label} with a RangeError naming the indicator and parameter`, () => {
      expectRangeError(make, message);
    });
  }
}

/** What `valueIndicatorChecks` runs for one indicator; each check is left out when not given. */
export interface ValueIndicatorChecks {
  /** TA-Lib's name, as the parameter errors give it (e.g. 'SMA'). */
  readonly name: string;
  /** The batch function over `SHORT` (period 5 or the defaults): all NaN. */
  readonly short?: () => Float64Array;
  /** A fresh streaming instance for `expectResetStartsOver`. */
  readonly reset?: () => StreamingIndicator<number, unknown>;
  /** Updates a fresh multi-output instance with one value, for `expectOneReusedResult`. */
  readonly reused?: () => (x: number) => unknown;
  /**
   * The class and the batch function (over `SHORT`) for a given period. `from` is the smallest
   * period allowed: 2 (TA-Lib's usual minimum, checked with `expectPeriodFromTwo`) or 1.
   */
  readonly period?: {
    readonly from: 1 | 2;
    readonly stream: (p: number) => { readonly lookback: number };
    readonly batch: (p: number) => unknown;
  };
}

/** Registers the checks shared by the value indicators (fed closes), one test each. */
export function valueIndicatorChecks(c: ValueIndicatorChecks): void {
  const { short, reset, reused, period } = c;
  if (short) {
    it('gives all NaN, at full length, on a series shorter than its lookback', () => {
      expectAllNaNOverShort(short());
    });
  }
  if (reset) {
    it('reset() starts over: the same inputs give the same outputs', () => {
      expectResetStartsOver(reset());
    });
  }
  if (reused) {
    it('returns one reused result object', () => {
      expectOneReusedResult(reused());
    });
  }
  if (period?.from === 2) {
    it('the class refuses period 1 and 0, 1.5, NaN, -3, Infinity, naming the parameter', () => {
      expectPeriodFromTwo(c.name, period.stream);
    });
    it('the batch function refuses them alike', () => {
      expectPeriodFromTwo(c.name, period.batch);
    });
  } else if (period?.from === 1) {
    it('allows period 1 but nothing below', () => {
      expect(period.stream(1).lookback).toBe(1);
      const message = new RegExp(`${c.name}: period`);
      for (const p of BAD_PERIODS) {
        expect(() => period.stream(p)).toThrow(message);
        expect(() => period.batch(p)).toThrow(message);
      }
    });
  }
}
