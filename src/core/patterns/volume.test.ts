import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import { DEFAULT_VOLUME_PERIOD, VolumeRatio, volumeRatio } from './volume.js';

function bar(volume: number) {
  return { open: 1, high: 1, low: 1, close: 1, volume };
}

function stream(volumes: readonly number[], period: number): (number | null)[] {
  const v = new VolumeRatio(period);
  return volumes.map((x) => v.update(bar(x)));
}

/** volume[i] / mean(volume[i - period .. i - 1]), written out plainly. */
function naive(volumes: readonly number[], period: number): (number | null)[] {
  return volumes.map((x, i) => {
    if (i < period) return null;
    let sum = 0;
    for (let j = i - period; j < i; j++) sum += volumes[j];
    return volumes.slice(i - period, i).every((y) => y === 0) ? null : x / (sum / period);
  });
}

function closeEnough(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('VolumeRatio', () => {
  it('defaults to a 20-bar average and a lookback of 20', () => {
    const v = new VolumeRatio();
    expect(DEFAULT_VOLUME_PERIOD).toBe(20);
    expect(v.period).toBe(20);
    expect(v.lookback).toBe(20);
  });

  it('divides by the average of the previous bars, not including the current one', () => {
    const volumes = [...Array.from({ length: 20 }, () => 100), 1000];
    const results = stream(volumes, 20);
    expect(results.slice(0, 20)).toEqual(Array.from({ length: 20 }, () => null));
    expect(results[20]).toBe(10);
  });

  it('follows a hand-computed series, with the zero-average case', () => {
    const got = stream([10, 20, 30, 40, 0, 0, 0, 5, 6], 3);
    expect(got.slice(0, 8)).toEqual([null, null, null, 2, 0, 0, 0, null]);
    expect(got[8]).toBeCloseTo(3.6, 12);
  });

  it('is stable from bar period + 1 on, also when the average is zero', () => {
    const v = new VolumeRatio(3);
    const stable: boolean[] = [];
    const results: (number | null)[] = [];
    for (const x of [0, 0, 0, 0, 7]) {
      results.push(v.update(bar(x)));
      stable.push(v.isStable());
    }
    expect(stable).toEqual([false, false, false, true, true]);
    expect(results).toEqual([null, null, null, null, null]);
    expect(v.getResult()).toBeNull();
    v.update(bar(14));
    expect(v.getResult()).toBe(14 / (7 / 3));
  });

  it('with period 1 compares each bar to the one before', () => {
    expect(stream([2, 4, 1, 0, 3], 1)).toEqual([null, 2, 0.25, 0, null]);
  });

  it('does not underflow to NaN on a vanishingly small average', () => {
    expect(stream([5e-324, 0, 0], 2)).toEqual([null, null, 0]);
  });

  it('starts over after reset', () => {
    const v = new VolumeRatio(2);
    for (const x of [1, 2, 3]) v.update(bar(x));
    v.reset();
    expect(v.isStable()).toBe(false);
    expect(v.getResult()).toBeNull();
    expect([5, 5, 10].map((x) => v.update(bar(x)))).toEqual([null, null, 2]);
  });

  it('does not carry rounding from huge volumes into a quiet market', () => {
    const volumes = [
      ...Array.from({ length: 37 }, () => 1e9 + 0.1),
      ...Array.from({ length: 200 }, () => 1e-3),
    ];
    const got = stream(volumes, 20);
    // Once the window holds only the quiet bars (and a resum has passed), the ratio is 1.
    for (let i = 37 + 40; i < volumes.length; i++) expect(got[i]).toBeCloseTo(1, 9);
  });

  it('keeps full precision when a spike leaves a near-empty window', () => {
    // Found by fast-check: 1 then 1e-8 in one window; subtracting the 1 left rounding behind.
    const got = stream([1, 1e-8, 0, 0, 0, 1], 4);
    expect(got[5]).toBeCloseTo(4e8, 3);
    expect(Math.abs((got[5] ?? 0) - 4e8) / 4e8).toBeLessThan(1e-12);
  });

  it.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects period %s', (period) => {
    expect(() => new VolumeRatio(period)).toThrow(RangeError);
    expect(() => new VolumeRatio(period)).toThrow(/VolumeRatio: period must be an integer >= 1/);
    expect(() => volumeRatio(new Float64Array(3), period)).toThrow(RangeError);
  });

  describe('properties', () => {
    const volumesArb = fc.array(
      // Exchange volumes have 8 decimals; zeros and small integers make ties and zero windows common.
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 100_000_000_000_000 }).map((units) => units / 1e8),
        fc.integer({ min: 0, max: 50 }),
      ),
      { maxLength: 150 },
    );
    const periodArb = fc.integer({ min: 1, max: 25 });

    it('equals the plain formula', () => {
      fc.assert(
        fc.property(volumesArb, periodArb, (volumes, period) => {
          const got = stream(volumes, period);
          const want = naive(volumes, period);
          for (let i = 0; i < volumes.length; i++) {
            if (!closeEnough(got[i], want[i])) expect.fail(`at ${i}: ${got[i]} != ${want[i]}`);
          }
        }),
      );
    });

    it('batch equals the stream (NaN where the stream gives null)', () => {
      fc.assert(
        fc.property(volumesArb, periodArb, (volumes, period) => {
          const batch = volumeRatio(Float64Array.from(volumes), period);
          expect(Array.from(batch, (x) => (Number.isNaN(x) ? null : x))).toEqual(stream(volumes, period));
        }),
      );
    });

    it('has no lookahead: a cut series gives the same results up to the cut', () => {
      fc.assert(
        fc.property(volumesArb, periodArb, fc.nat(), (volumes, period, seed) => {
          const cut = seed % (volumes.length + 1);
          expect(stream(volumes.slice(0, cut), period)).toEqual(stream(volumes, period).slice(0, cut));
        }),
      );
    });
  });
});

describe.skipIf(!hasRealData)('VolumeRatio on real BTCUSDT 1h', () => {
  it('matches the plain formula over the whole history, zero-volume rows included', () => {
    const { volume } = loadRealColumns('binance_BTCUSDT_1h.csv.gz');
    const period = 20;
    const got = volumeRatio(volume, period);
    let worst = 0;
    let zeroBars = 0;
    let mismatchedNulls = 0;
    for (let i = period; i < volume.length; i++) {
      let sum = 0;
      let nonZero = 0;
      for (let j = i - period; j < i; j++) {
        sum += volume[j];
        if (volume[j] !== 0) nonZero++;
      }
      if (nonZero === 0) {
        if (!Number.isNaN(got[i])) mismatchedNulls++;
        continue;
      }
      const want = volume[i] / (sum / period);
      worst = Math.max(worst, Math.abs(got[i] - want) / Math.max(1, want));
      if (volume[i] === 0) {
        zeroBars++;
        if (got[i] !== 0) mismatchedNulls++;
      }
    }
    expect(mismatchedNulls).toBe(0);
    expect(worst).toBeLessThan(1e-9);
    expect(zeroBars).toBeGreaterThan(0);
    for (let i = 0; i < period; i++) expect(got[i]).toBeNaN();
  });
});
