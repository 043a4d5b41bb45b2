import LogisticRegression, { type LogisticRegressionJson } from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';

/**
 * Logistic regression through ml-logistic-regression (mljs): the library fits by batch gradient
 * ascent on the summed log-likelihood from zero weights, a fixed number of steps, one-vs-all.
 * What is ours: the intercept (a constant column, the library has none), a learning rate scaled
 * by 1/n (the library's gradient is a sum, so a fixed rate would diverge on large sets), and
 * reading P(label 1) from the first one-vs-all classifier (it is trained on "not class 0"), and
 * the penalty, which the library does not have: a ridge-like penalty by data augmentation
 * (pseudo-observations, as in Greenland & Mansournia 2015, "Penalization, bias reduction, and
 * default priors in logistic and related categorical and polytomous regressions", Stat Med 34).
 * Each weight j gets m pairs of rows at x = s·e_j (intercept column 0), one labelled 1 and one 0:
 * their log-likelihood is −m·log(2 + 2 cosh(s·w_j)) ≈ const − m s² w_j² / 4, a quadratic penalty
 * for |s·w_j| below about 1 that grows only linearly beyond (log-cosh). With m s² = 2 n λ this is
 * (λ / 2) w_j² per sample on the mean log-likelihood; s = sqrt(2 n λ / m) <= 1 keeps it quadratic
 * where standardised weights live. The intercept is not penalised.
 * Deterministic: the start is all zeros and the steps are plain arithmetic.
 */
export interface LogisticOptions {
  /** Gradient steps (the library's numSteps). */
  readonly steps?: number;
  /** Step size on the mean log-likelihood; the library receives stepSize / n. */
  readonly stepSize?: number;
  /** λ of the penalty (λ / 2) Σ w² on the mean log-likelihood; 0 for none. */
  readonly l2?: number;
}

export const DEFAULT_LOGISTIC: Required<LogisticOptions> = { steps: 800, stepSize: 1, l2: 0 };

export interface LogisticFit {
  /** One weight per input column. */
  readonly weights: readonly number[];
  readonly intercept: number;
  /** The library's own model JSON (intercept as its last weight). */
  readonly library: LogisticRegressionJson;
}

/** The design matrix (rows with the intercept column) and labels, with the penalty's pseudo-rows after them. */
function design(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  l2: number,
): { x: number[][]; y: number[] } {
  const x = rows.map((r) => [...r, 1]);
  const y = [...labels];
  if (l2 > 0) {
    const columns = rows[0].length;
    const total = 2 * rows.length * l2;
    const pairs = Math.max(1, Math.ceil(total));
    const scale = Math.sqrt(total / pairs);
    for (let j = 0; j < columns; j++) {
      const row = new Array<number>(columns + 1).fill(0);
      row[j] = scale;
      for (let k = 0; k < pairs; k++) {
        x.push(row, row);
        y.push(1, 0);
      }
    }
  }
  return { x, y };
}

/** Fits P(label = 1 | row); labels are 0/1 and both must occur. */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  opts: LogisticOptions = {},
): LogisticFit {
  const { steps, stepSize, l2 } = { ...DEFAULT_LOGISTIC, ...opts };
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new RangeError(`l2 must be a finite number >= 0, got ${l2}`);
  if (rows.length === 0 || rows.length !== labels.length) {
    throw new RangeError(`cannot fit on ${rows.length} rows and ${labels.length} labels`);
  }
  const ones = labels.reduce((a, b) => a + b, 0);
  if (ones === 0 || ones === labels.length)
    throw new RangeError('both labels must occur to fit a logistic model');
  const model = new LogisticRegression({ numSteps: steps, learningRate: stepSize / rows.length });
  const { x, y } = design(rows, labels, l2);
  model.train(new Matrix(x), Matrix.columnVector(y));
  const library = model.toJSON();
  const all = model.classifiers[0].weights.to1DArray();
  return { weights: all.slice(0, -1), intercept: all[all.length - 1], library };
}
