import { fitLogistic, type LogisticFit } from './logistic.js';

/**
 * Maps a model's raw score (a probability it believes in) to a calibrated probability, fitted
 * on out-of-fold predictions only (never on predictions of the rows a model was fitted to).
 *
 * - isotonic: the non-decreasing step function closest in squared error to the labels, by the
 *   pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972; as in Zadrozny &
 *   Elkan 2002 for classifiers). Between the fitted blocks it interpolates linearly; beyond the
 *   ends it holds the end values. Flexible, needs many samples.
 * - platt: a logistic fit of the label on the logit of the score (Platt 1999): two parameters,
 *   smooth, fine with few samples, but it can only stretch and shift.
 *
 * The result is clipped to [PROBABILITY_FLOOR, 1 − PROBABILITY_FLOOR]: an isotonic end block of
 * a few samples can be all wins or all losses, and a confidence of exactly 0 or 1 is never
 * earned by a few hundred trades.
 */
export const PROBABILITY_FLOOR = 1e-3;

export interface IsotonicCalibrator {
  readonly kind: 'isotonic';
  /** Block boundaries, ascending: block i covers scores [xMin[i], xMax[i]] with value values[i]. */
  readonly xMin: readonly number[];
  readonly xMax: readonly number[];
  readonly values: readonly number[];
}

export interface PlattCalibrator {
  readonly kind: 'platt';
  /** p = sigmoid(a × logit(score) + b). */
  readonly a: number;
  readonly b: number;
}

export type Calibrator = IsotonicCalibrator | PlattCalibrator;

export type CalibrationMethod = Calibrator['kind'];

function clipProbability(p: number): number {
  return Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, p));
}

/**
 * Pool adjacent violators: the non-decreasing fit to `y` (ordered by `x`, weights `w`, default 1)
 * minimising Σ w (y − fit)². Returns one value per input, in the input's order of `x`.
 * Ties in x are pooled first (one x, one value).
 */
export function poolAdjacentViolators(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w?: ArrayLike<number>,
): { xMin: number[]; xMax: number[]; values: number[]; weights: number[] } {
  const n = x.length;
  if (y.length !== n || (w && w.length !== n)) throw new RangeError('x, y and w must have one length');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const xMin: number[] = [];
  const xMax: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const i of order) {
    const wi = w ? w[i] : 1;
    const last = xMin.length - 1;
    if (last >= 0 && xMax[last] === x[i]) {
      sums[last] += wi * y[i];
      weights[last] += wi;
    } else {
      xMin.push(x[i]);
      xMax.push(x[i]);
      sums.push(wi * y[i]);
      weights.push(wi);
    }
    // merge backwards while the last block's mean is below the one before it
    while (xMin.length > 1) {
      const k = xMin.length - 1;
      if (sums[k - 1] / weights[k - 1] <= sums[k] / weights[k]) break;
      sums[k - 1] += sums[k];
      weights[k - 1] += weights[k];
      xMax[k - 1] = xMax[k];
      xMin.pop();
      xMax.pop();
      sums.pop();
      weights.pop();
    }
  }
  return { xMin, xMax, values: sums.map((s, k) => s / weights[k]), weights };
}

export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicCalibrator {
  if (scores.length === 0) throw new RangeError('cannot calibrate on no predictions');
  const { xMin, xMax, values } = poolAdjacentViolators(scores, labels);
  return { kind: 'isotonic', xMin, xMax, values };
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibrator {
  if (scores.length === 0) throw new RangeError('cannot calibrate on no predictions');
  const rows = Array.from(scores, (s) => [logit(s)]);
  const fit: LogisticFit = fitLogistic(rows, Array.from(labels));
  return { kind: 'platt', a: fit.weights[0], b: fit.intercept };
}

export function fitCalibrator(
  method: CalibrationMethod,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): Calibrator {
  return method === 'isotonic' ? fitIsotonic(scores, labels) : fitPlatt(scores, labels);
}

function isotonicValue(c: IsotonicCalibrator, s: number): number {
  const { xMin, xMax, values } = c;
  const last = values.length - 1;
  if (s <= xMax[0]) return values[0];
  if (s >= xMin[last]) return values[last];
  // the first block whose start is above s: s lies in block lo − 1 or in the gap before lo
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xMin[mid] > s) hi = mid;
    else lo = mid + 1;
  }
  const prev = lo - 1;
  if (s <= xMax[prev]) return values[prev];
  const t = (s - xMax[prev]) / (xMin[lo] - xMax[prev]);
  return values[prev] + t * (values[lo] - values[prev]);
}

/** The calibrated probability of a raw score. */
export function applyCalibrator(c: Calibrator, score: number): number {
  const s = Number.isFinite(score) ? score : 0.5;
  if (c.kind === 'isotonic') return clipProbability(isotonicValue(c, s));
  return clipProbability(1 / (1 + Math.exp(-(c.a * logit(s) + c.b))));
}
