import { mulberry32 } from '../metrics/random.js';
import { applyCalibrator, type CalibrationMethod, type Calibrator, fitCalibrator } from './calibration.js';
import { type FeatureBins, featureBins } from './drift.js';
import { FEATURE_NAMES } from './features.js';
import { DEFAULT_LOGISTIC, fitLogistic, type LogisticOptions } from './logistic.js';
import {
  ConfidenceModel,
  type ConfidenceModelJson,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_LABEL,
  type ModelMetrics,
  type ScoreSummary,
} from './model.js';
import { type FeatureRow, fitPreprocessor, transformRows } from './preprocess.js';
import { walkForwardSplits } from './purged-split.js';
import type { LabelledSample } from './samples.js';
import { auc, brierScore, logLoss, type ProbabilityScores, scoreProbabilities } from './scoring.js';

/**
 * Fitting and judging a confidence model, walk-forward and purged (López de Prado 2018, ch. 7):
 * the samples (ordered by creation) are cut into folds + 1 groups; each group from the second on
 * is predicted by a model fitted on the groups before it, minus the samples whose labels were not
 * yet known when the test began, minus an embargo before it. Calibration is judged the same way:
 * the predictions of test fold k are calibrated with a calibrator fitted on the out-of-fold
 * predictions of the earlier folds whose labels ended before fold k began (so folds 2..k carry a
 * calibrated prediction). The final model is fitted on every sample, its calibrator on every
 * out-of-fold prediction.
 */

/** What a library must offer to be judged here: fit on rows, predict probabilities. */
export interface Learner {
  readonly name: string;
  fit(rows: readonly (readonly number[])[], labels: readonly number[], seed: number): Predictor;
}

export interface Predictor {
  predict(rows: readonly (readonly number[])[]): number[];
}

export const DAY_MS = 86_400_000;

export interface WalkForwardOptions {
  /** Default FEATURE_NAMES. */
  readonly featureNames?: readonly string[];
  /** Test folds; default 6. */
  readonly folds?: number;
  /** Training labels must end this long before a test fold starts; default one day. */
  readonly embargoMs?: number;
  readonly seed?: number;
}

export interface FoldReport {
  readonly fold: number;
  readonly train: number;
  readonly purged: number;
  readonly embargoed: number;
  readonly test: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** Scores of the raw (uncalibrated) predictions of this fold. */
  readonly raw: ScoreSummary;
  /** Calibrated log loss per method (folds 2..k). */
  readonly calibrated: Readonly<Record<CalibrationMethod, number>> | null;
}

export interface WalkForwardResult {
  readonly folds: readonly FoldReport[];
  /** Raw out-of-fold prediction per sample index; NaN for samples never tested (the first group). */
  readonly raw: Float64Array;
  /** Calibrated out-of-fold predictions per method; NaN where no earlier fold could calibrate. */
  readonly calibrated: Readonly<Record<CalibrationMethod, Float64Array>>;
  /** The training folds' win rate per test sample (the no-skill forecast); NaN where not tested. */
  readonly baseline: Float64Array;
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

const METHODS: readonly CalibrationMethod[] = ['isotonic', 'platt'];

export function logisticLearner(opts: LogisticOptions = {}): Learner {
  return {
    name: 'ml-logistic-regression',
    fit(rows, labels) {
      const f = fitLogistic(rows, labels, opts);
      return {
        predict: (xs) =>
          xs.map((r) => {
            let z = f.intercept;
            for (let j = 0; j < r.length; j++) z += r[j] * f.weights[j];
            return 1 / (1 + Math.exp(-z));
          }),
      };
    },
  };
}

function featuresOf(samples: readonly LabelledSample[], idx: readonly number[]): FeatureRow[] {
  return idx.map((i) => samples[i].features);
}

function summary(p: ArrayLike<number>, y: ArrayLike<number>): ScoreSummary {
  const a = auc(p, y);
  return { logLoss: logLoss(p, y), brier: brierScore(p, y), auc: Number.isNaN(a) ? null : a };
}

function checkSamples(samples: readonly LabelledSample[], folds: number): void {
  const min = Math.max(50, 10 * (folds + 1));
  if (samples.length < min)
    throw new TrainingError(
      `${samples.length} labelled samples; at least ${min} are needed for ${folds} folds`,
    );
  const wins = samples.reduce((a, s) => a + s.label, 0);
  if (wins === 0 || wins === samples.length)
    throw new TrainingError(`all ${samples.length} samples have label ${samples[0].label}: nothing to learn`);
}

/** Walk-forward out-of-fold predictions of `learner` with prequential calibration. */
export function walkForward(
  samples: readonly LabelledSample[],
  learner: Learner,
  opts: WalkForwardOptions = {},
): WalkForwardResult {
  const featureNames = opts.featureNames ?? FEATURE_NAMES;
  const folds = opts.folds ?? 6;
  const embargo = opts.embargoMs ?? DAY_MS;
  const seed = opts.seed ?? 42;
  checkSamples(samples, folds);
  const y: number[] = samples.map((s) => s.label);
  const splits = walkForwardSplits(
    samples.map((s) => ({ start: s.createdAt, end: s.exitTime })),
    { folds, expanding: true, embargo },
  );
  const n = samples.length;
  const raw = new Float64Array(n).fill(Number.NaN);
  const baseline = new Float64Array(n).fill(Number.NaN);
  const calibrated = {
    isotonic: new Float64Array(n).fill(Number.NaN),
    platt: new Float64Array(n).fill(Number.NaN),
  };
  const tested: number[] = [];
  const reports: FoldReport[] = [];
  splits.forEach((split, k) => {
    const trainLabels = split.train.map((i) => y[i]);
    const wins = trainLabels.reduce((a, b) => a + b, 0);
    if (split.train.length === 0 || wins === 0 || wins === trainLabels.length) {
      throw new TrainingError(
        `walk-forward fold ${k + 1} has ${split.train.length} training samples with ${wins} wins: too few to fit; use fewer folds or more data`,
      );
    }
    const spec = fitPreprocessor(featuresOf(samples, split.train), featureNames);
    const model = learner.fit(transformRows(spec, featuresOf(samples, split.train)), trainLabels, seed);
    const p = model.predict(transformRows(spec, featuresOf(samples, split.test)));
    const yt = split.test.map((i) => y[i]);
    const rate = wins / trainLabels.length;
    split.test.forEach((i, j) => {
      raw[i] = p[j];
      baseline[i] = rate;
    });
    const testFrom = samples[split.test[0]].createdAt;
    let calibratedLoss: Record<CalibrationMethod, number> | null = null;
    const past = tested.filter((i) => samples[i].exitTime < testFrom - embargo);
    const pastWins = past.reduce((a, i) => a + y[i], 0);
    if (past.length > 0 && pastWins > 0 && pastWins < past.length) {
      calibratedLoss = { isotonic: 0, platt: 0 };
      for (const method of METHODS) {
        const cal = fitCalibrator(
          method,
          past.map((i) => raw[i]),
          past.map((i) => y[i]),
        );
        const pc = p.map((v) => applyCalibrator(cal, v));
        split.test.forEach((i, j) => {
          calibrated[method][i] = pc[j];
        });
        calibratedLoss[method] = logLoss(pc, yt);
      }
    }
    tested.push(...split.test);
    reports.push({
      fold: k + 1,
      train: split.train.length,
      purged: split.purged.length,
      embargoed: split.embargoed.length,
      test: split.test.length,
      testFrom,
      testTo: samples[split.test[split.test.length - 1]].createdAt,
      raw: summary(p, yt),
      calibrated: calibratedLoss,
    });
  });
  return { folds: reports, raw, calibrated, baseline };
}

/** The old formula's product read as a probability. */
export function oldScoreProbability(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}

export interface Comparison {
  readonly model: ProbabilityScores;
  readonly oldScore: ProbabilityScores;
  readonly baseline: ProbabilityScores;
  /** 95 % bootstrap interval of (model log loss − baseline log loss), per-sample resampling. */
  readonly logLossVsBaseline: readonly [number, number];
  /** 95 % bootstrap interval of (model log loss − old score log loss). */
  readonly logLossVsOldScore: readonly [number, number];
}

function lossTerms(p: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = logLoss([p[i]], [y[i]]);
  return out;
}

/** 2.5 % and 97.5 % quantiles of the mean of (a − b) over `resamples` seeded bootstrap draws. */
function bootstrapMeanDiff(
  a: Float64Array,
  b: Float64Array,
  seed: number,
  resamples = 1000,
): [number, number] {
  const rnd = mulberry32(seed);
  const n = a.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rnd() * n);
      sum += a[i] - b[i];
    }
    means[r] = sum / n;
  }
  means.sort();
  return [means[Math.floor(0.025 * resamples)], means[Math.floor(0.975 * resamples)]];
}

/** Model (calibrated, `method`) against the old score and the base rate on the same samples. */
export function compareOutOfSample(
  samples: readonly LabelledSample[],
  wf: WalkForwardResult,
  method: CalibrationMethod,
  seed: number,
): Comparison {
  const idx: number[] = [];
  for (let i = 0; i < samples.length; i++) if (!Number.isNaN(wf.calibrated[method][i])) idx.push(i);
  const y = idx.map((i) => samples[i].label);
  const p = idx.map((i) => wf.calibrated[method][i]);
  const old = idx.map((i) => oldScoreProbability(samples[i].score));
  const base = idx.map((i) => wf.baseline[i]);
  const lp = lossTerms(p, y);
  return {
    model: scoreProbabilities(p, y),
    oldScore: scoreProbabilities(old, y),
    baseline: scoreProbabilities(base, y),
    logLossVsBaseline: bootstrapMeanDiff(lp, lossTerms(base, y), seed),
    logLossVsOldScore: bootstrapMeanDiff(lp, lossTerms(old, y), seed + 1),
  };
}

export interface TrainOptions extends WalkForwardOptions {
  /** 'auto' (default): the method with the lower walk-forward calibrated log loss. */
  readonly calibration?: CalibrationMethod | 'auto';
  readonly logistic?: LogisticOptions;
  /** The library's version, recorded in the artefact. */
  readonly libraryVersion?: string;
}

export interface TrainResult {
  readonly model: ConfidenceModel;
  readonly walkForward: WalkForwardResult;
  readonly comparison: Comparison;
  /** Walk-forward calibrated log loss per method over folds 2..k (the basis of the choice). */
  readonly calibrationLoss: Readonly<Record<CalibrationMethod, number>>;
}

/** FNV-1a over the text, two 32-bit lanes: a short content id that is the same everywhere. */
function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Fits the confidence model on `samples` (ordered by creation, see SampleCollector): the
 * walk-forward judgement first, then the final fit on everything. Deterministic for the same
 * samples and options: the library starts from zero weights, calibration and bins are exact.
 */
export function trainConfidenceModel(
  samples: readonly LabelledSample[],
  opts: TrainOptions = {},
): TrainResult {
  const featureNames = opts.featureNames ?? FEATURE_NAMES;
  const seed = opts.seed ?? 42;
  const logistic = { ...DEFAULT_LOGISTIC, ...opts.logistic };
  const wf = walkForward(samples, logisticLearner(logistic), { ...opts, featureNames, seed });
  const calibrationLoss = { isotonic: 0, platt: 0 };
  for (const m of METHODS) {
    const idx = samples.map((_, i) => i).filter((i) => !Number.isNaN(wf.calibrated[m][i]));
    if (idx.length === 0) throw new TrainingError('no walk-forward fold could be calibrated; use more data');
    calibrationLoss[m] = logLoss(
      idx.map((i) => wf.calibrated[m][i]),
      idx.map((i) => samples[i].label),
    );
  }
  const method: CalibrationMethod =
    opts.calibration && opts.calibration !== 'auto'
      ? opts.calibration
      : calibrationLoss.isotonic < calibrationLoss.platt
        ? 'isotonic'
        : 'platt';
  const comparison = compareOutOfSample(samples, wf, method, seed);

  const all = samples.map((s) => s.features);
  const preprocessing = fitPreprocessor(all, featureNames);
  const fit = fitLogistic(
    transformRows(preprocessing, all),
    samples.map((s) => s.label),
    logistic,
  );
  const oof = samples.map((_, i) => i).filter((i) => !Number.isNaN(wf.raw[i]));
  const calibrator: Calibrator = fitCalibrator(
    method,
    oof.map((i) => wf.raw[i]),
    oof.map((i) => samples[i].label),
  );
  const drift: FeatureBins[] = featureNames.map((f) =>
    featureBins(
      f,
      samples.map((s) => s.features[f] ?? Number.NaN),
    ),
  );
  const wins = samples.reduce((a, s) => a + s.label, 0);
  const metrics: ModelMetrics = {
    samples: samples.length,
    baseRate: wins / samples.length,
    folds: wf.folds.length,
    evaluated: comparison.model.n,
    calibration: method,
    model: summaryOf(comparison.model),
    oldScore: summaryOf(comparison.oldScore),
    baseline: summaryOf(comparison.baseline),
    reliability: comparison.model.reliability,
  };
  const body = {
    featureNames: [...featureNames],
    trainedFrom: samples[0].createdAt,
    trainedTo: samples[samples.length - 1].createdAt,
    seed,
    metrics,
    preprocessing,
    library: {
      name: 'ml-logistic-regression' as const,
      version: opts.libraryVersion ?? 'unknown',
      // the library's toJSON holds class instances (its classifiers, ml-matrix weights): plain JSON here
      model: JSON.parse(JSON.stringify(fit.library)),
    },
    calibrator,
    drift,
  };
  const json: ConfidenceModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: `cm-${day(body.trainedTo)}-${contentHash(JSON.stringify(body))}`,
    label: MODEL_LABEL,
    ...body,
  };
  return { model: new ConfidenceModel(json), walkForward: wf, comparison, calibrationLoss };
}

function summaryOf(s: ProbabilityScores): ScoreSummary {
  return { logLoss: s.logLoss, brier: s.brier, auc: Number.isNaN(s.auc) ? null : s.auc };
}
