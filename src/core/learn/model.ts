import LogisticRegression, { type LogisticRegressionJson } from 'ml-logistic-regression';
import { z } from 'zod';
import { applyCalibrator, type Calibrator } from './calibration.js';
import type { FeatureBins } from './drift.js';
import { columnCount, type PreprocessorSpec, transformRow } from './preprocess.js';
import type { ReliabilityBucket } from './scoring.js';

/**
 * A trained confidence model as a versioned artefact: the library's own model JSON, our
 * preprocessing around it, the calibrator, the training distribution of each feature (for the
 * drift monitor) and the walk-forward metrics it was accepted on. `predict` gives the
 * calibrated probability that a candidate, once filled, closes with a net profit after costs.
 * Pure and deterministic: the same JSON and features give the same number on every machine
 * (plain double arithmetic in a fixed order; no randomness at inference).
 */

export const MODEL_FORMAT = 'alphapulse.confidence-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_LABEL =
  'P(net profit after costs | filled): 1 when the (real or shadow) outcome was filled and returnPct > 0, 0 when filled and not; unfilled candidates are not samples';

export interface ScoreSummary {
  readonly logLoss: number;
  readonly brier: number;
  /** NaN (stored as null) for a constant predictor. */
  readonly auc: number | null;
}

/** Out-of-sample (walk-forward) figures the model was accepted on. */
export interface ModelMetrics {
  readonly samples: number;
  readonly baseRate: number;
  readonly folds: number;
  /** Test samples scored with a calibrated prediction (folds 2..k). */
  readonly evaluated: number;
  readonly calibration: Calibrator['kind'];
  readonly model: ScoreSummary;
  /** The old formula's score (breakdown.product clipped to [0, 1]) read as a probability. */
  readonly oldScore: ScoreSummary;
  /** The training window's win rate, the same for every candidate. */
  readonly baseline: ScoreSummary;
  readonly reliability: readonly ReliabilityBucket[];
}

export interface ConfidenceModelJson {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly version: string;
  readonly label: string;
  readonly featureNames: readonly string[];
  /** Creation time of the first and last training sample (ms). */
  readonly trainedFrom: number;
  readonly trainedTo: number;
  readonly seed: number;
  readonly metrics: ModelMetrics;
  readonly preprocessing: PreprocessorSpec;
  readonly library: {
    readonly name: 'ml-logistic-regression';
    readonly version: string;
    readonly model: LogisticRegressionJson;
  };
  readonly calibrator: Calibrator;
  readonly drift: readonly FeatureBins[];
}

export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

const finite = z.number().finite();
const scoreSummary = z.object({ logLoss: finite, brier: finite, auc: finite.nullable() });
const bucket = z.object({
  lower: finite,
  upper: finite,
  n: z.number().int().min(0),
  predicted: finite.nullable(),
  realised: finite.nullable(),
});

const ModelSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    formatVersion: z.literal(MODEL_FORMAT_VERSION),
    version: z.string().min(1),
    label: z.string(),
    featureNames: z.array(z.string().min(1)).min(1),
    trainedFrom: finite,
    trainedTo: finite,
    seed: z.number().int(),
    metrics: z.object({
      samples: z.number().int().min(1),
      baseRate: finite,
      folds: z.number().int().min(1),
      evaluated: z.number().int().min(0),
      calibration: z.enum(['isotonic', 'platt']),
      model: scoreSummary,
      oldScore: scoreSummary,
      baseline: scoreSummary,
      reliability: z.array(bucket),
    }),
    preprocessing: z.object({
      featureNames: z.array(z.string()),
      medians: z.array(finite),
      means: z.array(finite),
      scales: z.array(finite.positive()),
      missingFlags: z.array(z.string()),
    }),
    library: z.object({
      name: z.literal('ml-logistic-regression'),
      version: z.string(),
      model: z.object({
        name: z.literal('LogisticRegression'),
        numSteps: z.number().int().positive(),
        learningRate: finite.positive(),
        numberClasses: z.literal(2),
        classifiers: z
          .array(
            z.object({
              numSteps: z.number().int().positive(),
              learningRate: finite.positive(),
              weights: z.array(z.array(finite)).length(1),
            }),
          )
          .length(2),
      }),
    }),
    calibrator: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('isotonic'),
        xMin: z.array(finite).min(1),
        xMax: z.array(finite).min(1),
        values: z.array(finite.min(0).max(1)).min(1),
      }),
      z.object({ kind: z.literal('platt'), a: finite, b: finite }),
    ]),
    drift: z.array(
      z.object({ feature: z.string(), edges: z.array(finite), shares: z.array(finite.min(0).max(1)) }),
    ),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const p = m.preprocessing;
    const n = m.featureNames.length;
    if (p.featureNames.join('\u0000') !== m.featureNames.join('\u0000'))
      issue(['preprocessing', 'featureNames'], 'must equal featureNames');
    for (const key of ['medians', 'means', 'scales'] as const)
      if (p[key].length !== n) issue(['preprocessing', key], `must hold ${n} values, one per feature`);
    p.missingFlags.forEach((f, i) => {
      if (!m.featureNames.includes(f)) issue(['preprocessing', 'missingFlags', i], `${f} is not a feature`);
    });
    const columns = n + p.missingFlags.length + 1;
    m.library.model.classifiers.forEach((c, i) => {
      if (c.weights[0].length !== columns)
        issue(
          ['library', 'model', 'classifiers', i, 'weights'],
          `must hold ${columns} weights (features, missing flags, intercept), got ${c.weights[0].length}`,
        );
    });
    const cal = m.calibrator;
    if (cal.kind === 'isotonic') {
      if (cal.xMax.length !== cal.xMin.length || cal.values.length !== cal.xMin.length)
        issue(['calibrator'], 'xMin, xMax and values must have one length');
      for (let i = 1; i < cal.xMin.length; i++) {
        if (!(cal.xMin[i] > cal.xMax[i - 1]) || cal.values[i] < cal.values[i - 1]) {
          issue(['calibrator'], `block ${i} is not after and at least as high as block ${i - 1}`);
          break;
        }
      }
    }
    m.drift.forEach((b, i) => {
      if (b.shares.length !== b.edges.length + 2)
        issue(['drift', i, 'shares'], `must hold ${b.edges.length + 2} shares (bins and missing)`);
    });
  });

function describeIssues(error: z.ZodError): string {
  const first = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return first.join('; ') + more;
}

/** Validates a parsed model JSON; throws ModelFormatError naming the first bad fields. */
export function parseConfidenceModel(json: unknown, where = 'model'): ConfidenceModelJson {
  if (json && typeof json === 'object' && 'format' in json && json.format !== MODEL_FORMAT) {
    throw new ModelFormatError(
      `${where} is not an AlphaPulse confidence model (format ${String(json.format)})`,
    );
  }
  const r = ModelSchema.safeParse(json);
  if (!r.success)
    throw new ModelFormatError(`${where} is not a valid confidence model: ${describeIssues(r.error)}`);
  // the schema checked the shape; the declared interfaces are its readonly view
  return r.data as ConfidenceModelJson;
}

/** Parses and validates the text of a model file. */
export function confidenceModelFromText(text: string, where = 'model'): ConfidenceModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${where} is not JSON: ${(e as Error).message}`);
  }
  return new ConfidenceModel(parseConfidenceModel(json, where));
}

export class ConfidenceModel {
  private readonly columns: number;
  /** Classifier 0's weights (features, missing flags, intercept), read once from the library's model. */
  private readonly weights: Float64Array;

  constructor(readonly json: ConfidenceModelJson) {
    // load() writes its classifiers into the array it is given: hand it a copy, keep the artefact intact
    const classifier = LogisticRegression.load(structuredClone(json.library.model));
    this.columns = columnCount(json.preprocessing);
    this.weights = Float64Array.from(classifier.classifiers[0].weights.to1DArray());
  }

  get version(): string {
    return this.json.version;
  }

  /** The training distribution of each feature (decile bins), for the drift watch. */
  get driftBins(): readonly FeatureBins[] {
    return this.json.drift;
  }

  get featureNames(): readonly string[] {
    return this.json.featureNames;
  }

  get trainedFrom(): number {
    return this.json.trainedFrom;
  }

  get trainedTo(): number {
    return this.json.trainedTo;
  }

  get metrics(): ModelMetrics {
    return this.json.metrics;
  }

  /** The library's probability before calibration. */
  rawScore(features: Readonly<Record<string, number>>): number {
    const row = transformRow(this.json.preprocessing, features);
    row.push(1);
    if (row.length !== this.columns + 1) throw new Error('preprocessing and model disagree on columns');
    // classifier 0 of the one-vs-all pair is fitted to "not label 0", i.e. P(label 1). The
    // library's testScores computed on one row: the same sum in the same order (bit-identical,
    // tested), without a Matrix per call, which was most of the model's cost in the pipeline
    // (bench research: the model took 33 % of the pipeline's time at 160 µs per candidate).
    let s = 0;
    for (let k = 0; k < row.length; k++) s += row[k] * this.weights[k];
    return 1 / (1 + Math.exp(-s));
  }

  /** Calibrated probability of a net profit after costs, once filled; in [0, 1]. */
  predict(features: Readonly<Record<string, number>>): number {
    return applyCalibrator(this.json.calibrator, this.rawScore(features));
  }

  toJSON(): ConfidenceModelJson {
    return this.json;
  }
}
