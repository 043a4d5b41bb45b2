import { describe, expect, it } from 'vitest';
import { AnchoredVwap, anchoredVwap, type TimedBar, Vwap, vwap } from './vwap.js';

const HOUR = 3_600_000;
const jan1 = Date.UTC(2024, 0, 1);

/** Bars given by typical price and volume; high/low straddle the typical price. */
function bar(openTime: number, typical: number, volume: number): TimedBar {
  return { openTime, open: typical, high: typical + 2, low: typical - 4, close: typical + 2, volume };
}

function columns(bars: readonly TimedBar[]) {
  const pick = (f: (b: TimedBar) => number) => Float64Array.from(bars, f);
  return {
    openTime: pick((b) => b.openTime),
    high: pick((b) => b.high),
    low: pick((b) => b.low),
    close: pick((b) => b.close),
    volume: pick((b) => b.volume),
  };
}

function streamAll(indicator: { update(b: TimedBar): number | null }, bars: readonly TimedBar[]) {
  return bars.map((b) => indicator.update(b));
}

describe('Vwap (anchored to each UTC day)', () => {
  // Typical prices 10, 21 | 30, 19 with volumes 1, 2 | 4, 1; the day changes at 00:00 UTC.
  const bars = [
    bar(jan1 + 22 * HOUR, 10, 1),
    bar(jan1 + 23 * HOUR, 21, 2),
    bar(jan1 + 24 * HOUR, 30, 4),
    bar(jan1 + 25 * HOUR, 19, 1),
  ];
  // Day 1: 10; (10*1 + 21*2) / 3 = 52/3. Day 2 restarts: 30; (30*4 + 19*1) / 5 = 139/5.
  const expected = [10, 52 / 3, 30, 139 / 5];

  it('restarts the sums at UTC midnight', () => {
    const got = streamAll(new Vwap(), bars);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 12);
    const c = columns(bars);
    const batch = vwap(c.openTime, c.high, c.low, c.close, c.volume);
    expect(Array.from(batch)).toEqual(got);
  });

  it('uses the typical price (h + l + c) / 3', () => {
    const v = new Vwap();
    expect(v.update({ openTime: jan1, open: 0, high: 12, low: 6, close: 9, volume: 5 })).toBe(9);
  });

  it('starts a new session after a gap of several days', () => {
    const v = new Vwap();
    v.update(bar(jan1, 100, 1));
    expect(v.update(bar(jan1 + 72 * HOUR, 50, 1))).toBe(50);
  });

  it('falls back to the current typical price while the session has no volume', () => {
    const session = [
      bar(jan1, 100, 0),
      bar(jan1 + HOUR, 110, 0),
      bar(jan1 + 2 * HOUR, 120, 2),
      bar(jan1 + 3 * HOUR, 90, 1),
    ];
    // No volume yet: 100, then 110; the first volume takes over: 120; then (240 + 90) / 3 = 110.
    const got = streamAll(new Vwap(), session);
    expect(got).toEqual([100, 110, 120, 110]);
    const c = columns(session);
    expect(Array.from(vwap(c.openTime, c.high, c.low, c.close, c.volume))).toEqual(got);
  });

  it('has lookback 0, and reset forgets the session', () => {
    const v = new Vwap();
    expect(v.lookback).toBe(0);
    expect(v.isStable()).toBe(false);
    expect(v.getResult()).toBeNull();
    v.update(bar(jan1, 100, 1));
    expect(v.isStable()).toBe(true);
    v.reset();
    expect(v.getResult()).toBeNull();
    expect(v.update(bar(jan1 + HOUR, 40, 1))).toBe(40);
  });
});

describe('AnchoredVwap', () => {
  const bars = [
    bar(jan1 + 22 * HOUR, 10, 1),
    bar(jan1 + 23 * HOUR, 21, 2),
    bar(jan1 + 24 * HOUR, 30, 4),
    bar(jan1 + 25 * HOUR, 19, 1),
  ];

  it('ignores bars before the anchor and never restarts at midnight', () => {
    const anchor = jan1 + 23 * HOUR;
    const v = new AnchoredVwap(anchor);
    const got = streamAll(v, bars);
    // 21; (42 + 120) / 6 = 27; (162 + 19) / 7 = 181/7.
    expect(got[0]).toBeNull();
    expect(got[1]).toBe(21);
    expect(got[2]).toBe(27);
    expect(got[3]).toBeCloseTo(181 / 7, 12);
    const c = columns(bars);
    const batch = anchoredVwap(c.openTime, c.high, c.low, c.close, c.volume, anchor);
    expect(Number.isNaN(batch[0])).toBe(true);
    expect(Array.from(batch.subarray(1))).toEqual(got.slice(1));
  });

  it('anchors on a bar that opens exactly at the anchor, not only after it', () => {
    const v = new AnchoredVwap(jan1);
    expect(v.update(bar(jan1 - 1, 5, 1))).toBeNull();
    expect(v.isStable()).toBe(false);
    expect(v.update(bar(jan1, 7, 1))).toBe(7);
  });

  it('rejects a non-finite anchor, naming it', () => {
    expect(() => new AnchoredVwap(Number.NaN)).toThrow(RangeError);
    expect(() => new AnchoredVwap(Number.NaN)).toThrow(/anchorTime/);
    const e = new Float64Array(0);
    expect(() => anchoredVwap(e, e, e, e, e, Number.POSITIVE_INFINITY)).toThrow(/anchorTime/);
  });
});
