import LogisticRegression, { type LogisticRegressionJson } from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';

/**
 * Logistic regression through ml-logistic-regression (mljs): the library fits by batch gradient
 * ascent on the summed log-likelihood from zero weights, a fixed number of steps, one-vs-all.
 * What is ours: the intercept (a constant column, the library has none), a learning rate scaled
 * by 1/n (the library's gradient is a sum, so a fixed rate would diverge on large sets), and
 * reading P(label 1) from the first one-vs-all classifier (it is trained on "not class 0").
 * Deterministic: the start is all zeros and the steps are plain arithmetic.
 */
export interface LogisticOptions {
  /** Gradient steps (the library's numSteps). */
  readonly steps?: number;
  /** Step size on the mean log-likelihood; the library receives stepSize / n. */
  readonly stepSize?: number;
}

export const DEFAULT_LOGISTIC: Required<LogisticOptions> = { steps: 800, stepSize: 1 };

export interface LogisticFit {
  /** One weight per input column. */
  readonly weights: readonly number[];
  readonly intercept: number;
  /** The library's own model JSON (intercept as its last weight). */
  readonly library: LogisticRegressionJson;
}

function withIntercept(rows: readonly (readonly number[])[]): Matrix {
  return new Matrix(rows.map((r) => [...r, 1]));
}

/** Fits P(label = 1 | row); labels are 0/1 and both must occur. */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  opts: LogisticOptions = {},
): LogisticFit {
  const { steps, stepSize } = { ...DEFAULT_LOGISTIC, ...opts };
  if (rows.length === 0 || rows.length !== labels.length) {
    throw new RangeError(`cannot fit on ${rows.length} rows and ${labels.length} labels`);
  }
  const ones = labels.reduce((a, b) => a + b, 0);
  if (ones === 0 || ones === labels.length)
    throw new RangeError('both labels must occur to fit a logistic model');
  const model = new LogisticRegression({ numSteps: steps, learningRate: stepSize / rows.length });
  model.train(withIntercept(rows), Matrix.columnVector([...labels]));
  const library = model.toJSON();
  const all = model.classifiers[0].weights.to1DArray();
  return { weights: all.slice(0, -1), intercept: all[all.length - 1], library };
}
