/**
 * Train/test splits for time-ordered samples whose labels span time.
 *
 * A sample is a signal made at `start` (the close of its candle) whose outcome, the label, was
 * known at `end` (when the target, the stop or the time limit was hit). Ordinary k-fold or
 * walk-forward splits leak here: a training sample whose label window overlaps the test period
 * was labelled with prices the test period also uses, so the model is scored partly on what it
 * was fitted to. The remedy (López de Prado, Advances in Financial Machine Learning, 2018,
 * ch. 7 "Cross-Validation in Finance", §7.4 "Purged K-Fold CV"):
 *
 * - purging: drop from training every sample whose label window [start, end] intersects the
 *   test span [first test start, last test label end];
 * - embargo: also drop training samples that start within `embargo` time units after
 *   the test span ends, since features built from overlapping look-back windows carry the test
 *   period's information into them (serial correlation).
 *
 * Intervals are closed: a label ending at the very instant the test starts counts as an overlap.
 * Times are numbers in one unit (epoch milliseconds in this project), `embargo` in the same unit.
 * Samples must be sorted by start. Results are index arrays into `samples`, ascending.
 */

export interface LabelWindow {
  /** When the signal was made (its candle's close time). */
  readonly start: number;
  /** When its outcome was known; >= start. */
  readonly end: number;
}

export interface Split {
  readonly train: number[];
  readonly test: number[];
  /** Left out of training because their label windows overlap the test span. */
  readonly purged: number[];
  /** Left out of training by the embargo (after the test span in k-fold, before it in walk-forward). */
  readonly embargoed: number[];
}

interface PurgeOptions {
  /** Time units; default 0. */
  readonly embargo?: number;
  /**
   * Default true. False gives the leaky split (no purge, no embargo), only to measure what the
   * purge removes; never to train on.
   */
  readonly purge?: boolean;
}

export type WalkForwardOptions = PurgeOptions & {
  /** Train on everything before the test window (true) or on a window of fixed size (false). */
  readonly expanding: boolean;
} & (
    | {
        /**
         * k test windows: the samples are cut into k + 1 contiguous groups of (nearly) equal size
         * and group i (1..k) is tested after training on the groups before it (expanding) or on
         * group i − 1 alone.
         */
        readonly folds: number;
      }
    | {
        /** Samples in a training window (the first one when expanding). */
        readonly trainWindow: number;
        /** Samples in a test window; only full windows are made. */
        readonly testWindow: number;
        /** Samples from one test window's start to the next; default testWindow. */
        readonly step?: number;
      }
  );

function checkSamples(samples: readonly LabelWindow[]): void {
  samples.forEach((sample, i) => {
    const { start, end } = sample;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
      throw new RangeError(`sample ${i}: label window [${start}, ${end}] is not a finite interval`);
    }
    if (i > 0 && start < samples[i - 1].start) {
      throw new RangeError(
        `sample ${i}: starts at ${start}, before sample ${i - 1} (${samples[i - 1].start})`,
      );
    }
  });
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

function checkEmbargo(embargo: number): void {
  if (!(embargo >= 0) || !Number.isFinite(embargo)) {
    throw new RangeError(`embargo must be a finite number >= 0, got ${embargo}`);
  }
}

/** [first start, last label end] of samples lo..hi−1 (labels may end out of order). */
function span(samples: readonly LabelWindow[], lo: number, hi: number): [number, number] {
  let end = Number.NEGATIVE_INFINITY;
  for (let i = lo; i < hi; i++) if (samples[i].end > end) end = samples[i].end;
  return [samples[lo].start, end];
}

/**
 * Sorts the candidate training samples into kept, purged and embargoed for a test block
 * [lo, hi). `embargoAfter`: the k-fold embargo, samples starting in (testEnd, testEnd + embargo];
 * otherwise the walk-forward gap, samples whose labels end in [testStart − embargo, testStart).
 */
function purgedSplit(
  samples: readonly LabelWindow[],
  candidates: Iterable<number>,
  lo: number,
  hi: number,
  options: PurgeOptions,
  embargoAfter: boolean,
): Split {
  const embargo = options.embargo ?? 0;
  const purge = options.purge ?? true;
  const test = Array.from({ length: hi - lo }, (_, i) => lo + i);
  const train: number[] = [];
  const purged: number[] = [];
  const embargoed: number[] = [];
  const [testStart, testEnd] = span(samples, lo, hi);
  for (const i of candidates) {
    const { start, end } = samples[i];
    if (!purge) train.push(i);
    else if (start <= testEnd && end >= testStart) purged.push(i);
    else if (embargoAfter ? start > testEnd && start <= testEnd + embargo : end >= testStart - embargo) {
      embargoed.push(i);
    } else train.push(i);
  }
  return { train, test, purged, embargoed };
}

function* range(lo: number, hi: number): Generator<number> {
  for (let i = lo; i < hi; i++) yield i;
}

/**
 * Purged k-fold cross-validation with an embargo (López de Prado 2018, §7.4): the samples are
 * cut, in order, into k contiguous folds of (nearly) equal size; each fold is tested once and
 * trained on every other sample except those purged (label window intersecting the fold's span
 * [first start, last label end]) and those embargoed (starting in (span end, span end + embargo]).
 * Training samples on both sides of the test fold are used, as in the book: the purge and the
 * embargo are what make that acceptable. For a past-only protocol use `walkForwardSplits`.
 * Throws unless 2 <= k <= samples.length.
 */
export function purgedKFold(
  samples: readonly LabelWindow[],
  k: number,
  embargo = 0,
  options: Pick<PurgeOptions, 'purge'> = {},
): Split[] {
  checkSamples(samples);
  checkCount('k', k, 2);
  checkEmbargo(embargo);
  const n = samples.length;
  if (k > n) throw new RangeError(`k = ${k} folds cannot be made from ${n} samples`);
  const splits: Split[] = [];
  for (let fold = 0; fold < k; fold++) {
    const lo = Math.floor((fold * n) / k);
    const hi = Math.floor(((fold + 1) * n) / k);
    const others = [...range(0, lo), ...range(hi, n)];
    splits.push(purgedSplit(samples, others, lo, hi, { ...options, embargo }, true));
  }
  return splits;
}

/**
 * Walk-forward splits: each test window is trained only on samples before it (by index, hence by
 * start time), minus those whose labels reach into the test span (purge: a label that ends at or
 * after the first test start was not known when the test began). All training precedes the test,
 * so the k-fold embargo after the test has nothing to remove; here `embargo` is a gap before it:
 * training labels must end more than `embargo` before the first test start.
 *
 * `folds`: k + 1 equal groups, k tests (throws unless samples.length >= k + 1).
 * `trainWindow` / `testWindow` / `step`: full test windows of testWindow samples, the first
 * starting at index trainWindow, then every `step`; none when the samples are too few.
 */
export function walkForwardSplits(samples: readonly LabelWindow[], options: WalkForwardOptions): Split[] {
  checkSamples(samples);
  checkEmbargo(options.embargo ?? 0);
  const n = samples.length;
  const splits: Split[] = [];
  if ('folds' in options) {
    const k = options.folds;
    checkCount('folds', k, 1);
    if (n < k + 1) throw new RangeError(`${k} walk-forward folds need at least ${k + 1} samples, got ${n}`);
    const edge = (i: number) => Math.floor((i * n) / (k + 1));
    for (let i = 1; i <= k; i++) {
      const trainFrom = options.expanding ? 0 : edge(i - 1);
      splits.push(purgedSplit(samples, range(trainFrom, edge(i)), edge(i), edge(i + 1), options, false));
    }
    return splits;
  }
  const { trainWindow, testWindow } = options;
  const step = options.step ?? testWindow;
  checkCount('trainWindow', trainWindow, 1);
  checkCount('testWindow', testWindow, 1);
  checkCount('step', step, 1);
  for (let lo = trainWindow; lo + testWindow <= n; lo += step) {
    const trainFrom = options.expanding ? 0 : lo - trainWindow;
    splits.push(purgedSplit(samples, range(trainFrom, lo), lo, lo + testWindow, options, false));
  }
  return splits;
}
