import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../metrics/random.js';
import { type LabelWindow, purgedKFold, type Split, walkForwardSplits } from './purged-split.js';

const HOUR = 3_600_000;

/** Sample i made at hour i, its label known `length` hours later. */
function fixedLabels(count: number, length: number): LabelWindow[] {
  return Array.from({ length: count }, (_, i) => ({ start: i * HOUR, end: (i + length) * HOUR }));
}

/**
 * Signals at irregular times (gaps of 0-3 hours, several on one candle) whose outcomes take
 * 0-48 hours: labels overlap their neighbours the way triple-barrier outcomes do.
 */
function randomLabels(seed: number, count: number): LabelWindow[] {
  const random = mulberry32(seed);
  let time = 0;
  return Array.from({ length: count }, () => {
    time += Math.floor(random() * 4) * HOUR;
    return { start: time, end: time + Math.floor(random() * 49) * HOUR };
  });
}

const overlaps = (a: LabelWindow, b: LabelWindow): boolean => a.start <= b.end && b.start <= a.end;

/** Training samples whose label window intersects some test sample's label window. */
function leaks(samples: readonly LabelWindow[], split: Split): number[] {
  return split.train.filter((i) => split.test.some((j) => overlaps(samples[i], samples[j])));
}

function testSpan(samples: readonly LabelWindow[], split: Split): [number, number] {
  return [samples[split.test[0]].start, Math.max(...split.test.map((j) => samples[j].end))];
}

describe('purgedKFold', () => {
  it('is plain contiguous k-fold when labels do not overlap', () => {
    const samples = fixedLabels(10, 0);
    const splits = purgedKFold(samples, 5);
    expect(splits.map((s) => s.test)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    expect(splits[2].train).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
    for (const split of splits) expect(split.purged.concat(split.embargoed)).toEqual([]);
  });

  it('purges overlapping labels on both sides and embargoes after the test span, by hand', () => {
    // 20 samples, sample i made at hour i, labelled 3 hours later. k = 4: fold 1 tests 5..9,
    // span [5 h, 12 h] (sample 9's label ends at 12 h). Purged: before, labels ending at >= 5 h
    // (samples 2, 3, 4); after, samples starting at <= 12 h (10, 11, 12). Embargo 2 h: samples
    // starting in (12 h, 14 h] (13, 14). Training keeps 0, 1 and 15..19.
    const split = purgedKFold(fixedLabels(20, 3), 4, 2 * HOUR)[1];
    expect(split.test).toEqual([5, 6, 7, 8, 9]);
    expect(split.purged).toEqual([2, 3, 4, 10, 11, 12]);
    expect(split.embargoed).toEqual([13, 14]);
    expect(split.train).toEqual([0, 1, 15, 16, 17, 18, 19]);
  });

  it('never trains on a label that overlaps a test label; without the purge it would', () => {
    const samples = randomLabels(42, 400);
    for (const k of [2, 5, 10]) {
      const purged = purgedKFold(samples, k);
      for (const split of purged) expect(leaks(samples, split)).toEqual([]);
      // The same folds without the purge: the assertion above fails on every fold.
      const leaky = purgedKFold(samples, k, 0, { purge: false });
      expect(leaky.map((s) => s.test)).toEqual(purged.map((s) => s.test));
      for (const split of leaky) expect(leaks(samples, split).length).toBeGreaterThan(0);
    }
  });

  it('respects the embargo: no training sample starts within it after the test span', () => {
    const samples = randomLabels(7, 300);
    const embargo = 12 * HOUR;
    let embargoed = 0;
    for (const split of purgedKFold(samples, 6, embargo)) {
      const [, end] = testSpan(samples, split);
      for (const i of split.train)
        expect(samples[i].start > end && samples[i].start <= end + embargo).toBe(false);
      for (const i of split.embargoed)
        expect(samples[i].start > end && samples[i].start <= end + embargo).toBe(true);
      embargoed += split.embargoed.length;
      // train, test, purged and embargoed partition the samples
      const all = [...split.train, ...split.test, ...split.purged, ...split.embargoed].sort((a, b) => a - b);
      expect(all).toEqual(samples.map((_, i) => i));
    }
    expect(embargoed).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const samples = randomLabels(3, 120);
    expect(purgedKFold(samples, 4, HOUR)).toEqual(purgedKFold(samples, 4, HOUR));
  });

  it('handles the edges: k = n, k > n, empty input, bad arguments, unsorted or inverted windows', () => {
    const samples = fixedLabels(4, 0);
    expect(purgedKFold(samples, 4).map((s) => s.test)).toEqual([[0], [1], [2], [3]]);
    expect(() => purgedKFold(samples, 5)).toThrow(RangeError);
    expect(() => purgedKFold([], 2)).toThrow(RangeError);
    expect(() => purgedKFold(samples, 1)).toThrow(RangeError);
    expect(() => purgedKFold(samples, 2.5)).toThrow(RangeError);
    expect(() => purgedKFold(samples, 2, -1)).toThrow(RangeError);
    expect(() => purgedKFold([samples[1], samples[0]], 2)).toThrow(RangeError);
    expect(() => purgedKFold([{ start: 2, end: 1 }, samples[3]], 2)).toThrow(RangeError);
    expect(() => purgedKFold([{ start: 0, end: Number.NaN }, samples[3]], 2)).toThrow(RangeError);
  });
});

describe('walkForwardSplits', () => {
  it('makes the expected sliding and expanding windows', () => {
    const samples = fixedLabels(10, 0);
    const sliding = walkForwardSplits(samples, { trainWindow: 4, testWindow: 2, expanding: false });
    expect(sliding.map((s) => [s.train, s.test])).toEqual([
      [
        [0, 1, 2, 3],
        [4, 5],
      ],
      [
        [2, 3, 4, 5],
        [6, 7],
      ],
      [
        [4, 5, 6, 7],
        [8, 9],
      ],
    ]);
    const expanding = walkForwardSplits(samples, { trainWindow: 4, testWindow: 3, step: 2, expanding: true });
    expect(expanding.map((s) => [s.train, s.test])).toEqual([
      [
        [0, 1, 2, 3],
        [4, 5, 6],
      ],
      [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8],
      ],
    ]);
    // folds: 10 samples into 3 groups (0-2, 3-5, 6-9), 2 tests
    const folds = walkForwardSplits(samples, { folds: 2, expanding: true });
    expect(folds.map((s) => [s.train, s.test])).toEqual([
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9],
      ],
    ]);
    expect(walkForwardSplits(samples, { folds: 2, expanding: false })[1].train).toEqual([3, 4, 5]);
  });

  it('never trains on the future, and purges labels that reach into the test', () => {
    const samples = randomLabels(11, 500);
    const configurations = [
      { folds: 5, expanding: true },
      { folds: 5, expanding: false },
      { trainWindow: 100, testWindow: 50, expanding: false },
      { trainWindow: 60, testWindow: 40, step: 25, expanding: true },
    ];
    for (const options of configurations) {
      const splits = walkForwardSplits(samples, options);
      expect(splits.length).toBeGreaterThan(1);
      for (const split of splits) {
        const [testStart] = testSpan(samples, split);
        expect(Math.max(...split.train)).toBeLessThan(Math.min(...split.test));
        // every training label was known before the test began
        for (const i of split.train) expect(samples[i].end).toBeLessThan(testStart);
        expect(leaks(samples, split)).toEqual([]);
      }
      // Without the purge the last training labels run into the test windows.
      const leaky = walkForwardSplits(samples, { ...options, purge: false });
      expect(leaky.some((split) => leaks(samples, split).length > 0)).toBe(true);
    }
  });

  it('keeps an embargo gap before each test window', () => {
    // labels 3 hours long, embargo 2 hours: for the test starting at sample 6 (6 h), labels must
    // end before 4 h. Samples 3, 4, 5 end at 6-8 h (purged); samples 1, 2 end at 4-5 h (embargoed).
    const samples = fixedLabels(10, 3);
    const [split] = walkForwardSplits(samples, {
      trainWindow: 6,
      testWindow: 4,
      expanding: true,
      embargo: 2 * HOUR,
    });
    expect(split.test).toEqual([6, 7, 8, 9]);
    expect(split.purged).toEqual([3, 4, 5]);
    expect(split.embargoed).toEqual([1, 2]);
    expect(split.train).toEqual([0]);
  });

  it('is deterministic', () => {
    const samples = randomLabels(5, 200);
    const options = { trainWindow: 50, testWindow: 20, expanding: false, embargo: HOUR };
    expect(walkForwardSplits(samples, options)).toEqual(walkForwardSplits(samples, options));
  });

  it('handles the edges: empty input, too few samples, bad windows', () => {
    expect(walkForwardSplits([], { trainWindow: 5, testWindow: 2, expanding: true })).toEqual([]);
    expect(walkForwardSplits(fixedLabels(6, 0), { trainWindow: 5, testWindow: 2, expanding: true })).toEqual(
      [],
    );
    expect(() => walkForwardSplits([], { folds: 2, expanding: true })).toThrow(RangeError);
    expect(() => walkForwardSplits(fixedLabels(2, 0), { folds: 2, expanding: true })).toThrow(RangeError);
    expect(walkForwardSplits(fixedLabels(3, 0), { folds: 2, expanding: true }).map((s) => s.test)).toEqual([
      [1],
      [2],
    ]);
    const samples = fixedLabels(10, 0);
    expect(() => walkForwardSplits(samples, { folds: 0, expanding: true })).toThrow(RangeError);
    expect(() => walkForwardSplits(samples, { trainWindow: 0, testWindow: 2, expanding: true })).toThrow(
      RangeError,
    );
    expect(() =>
      walkForwardSplits(samples, { trainWindow: 2, testWindow: 2, step: 0, expanding: true }),
    ).toThrow(RangeError);
    expect(() =>
      walkForwardSplits(samples, { trainWindow: 2, testWindow: 2, expanding: true, embargo: -1 }),
    ).toThrow(RangeError);
  });
});
