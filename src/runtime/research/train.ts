import { createRequire } from 'node:module';
import type { FileInput } from '../../adapters/market/file-inputs.js';
import type { CalibrationMethod } from '../../core/learn/calibration.js';
import {
  oldScoreProbability,
  TrainingError,
  type TrainResult,
  trainConfidenceModel,
} from '../../core/learn/fit.js';
import type { ConfidenceModel } from '../../core/learn/model.js';
import type { LabelledSample } from '../../core/learn/samples.js';
import { type ProbabilityScores, scoreProbabilities } from '../../core/learn/scoring.js';
import { buildDatasetFromFiles, type Dataset, type DatasetOptions } from './dataset.js';

export interface TrainRunOptions extends DatasetOptions {
  readonly seed?: number;
  readonly folds?: number;
  readonly embargoMs?: number;
  readonly calibration?: CalibrationMethod | 'auto';
}

export interface TrainRun {
  readonly dataset: Dataset;
  readonly result: TrainResult;
  /** Mean time of ConfidenceModel.predict over the dataset's candidates (µs). */
  readonly inferenceMicros: number;
}

/** The library's installed version, recorded in the artefact. */
function libraryVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('ml-logistic-regression/package.json') as { version: string }).version;
}

function noSamples(dataset: Dataset): TrainingError {
  const c = dataset.counts;
  return new TrainingError(
    `no labelled samples in the window: ${dataset.candles} candles gave ${c.created} signals and ${c.rejectedWithPlan} filtered candidates with a plan, ${c.filled} of them filled and closed (widen the window or check --from/--to)`,
  );
}

/** Mean predict time per candidate, over every sample (the model's real inference path). */
export function inferenceMicros(model: ConfidenceModel, samples: readonly LabelledSample[]): number {
  if (samples.length === 0) return 0;
  const t = performance.now();
  for (const s of samples) model.predict(s.features);
  return (1000 * (performance.now() - t)) / samples.length;
}

/** Builds the dataset from candle files, judges the model walk-forward, fits the final one. */
export async function trainFromFiles(inputs: readonly FileInput[], opts: TrainRunOptions): Promise<TrainRun> {
  const dataset = await buildDatasetFromFiles(inputs, opts);
  if (dataset.samples.length === 0) throw noSamples(dataset);
  const result = trainConfidenceModel(dataset.samples, {
    seed: opts.seed,
    folds: opts.folds,
    embargoMs: opts.embargoMs,
    calibration: opts.calibration,
    libraryVersion: libraryVersion(),
  });
  return { dataset, result, inferenceMicros: inferenceMicros(result.model, dataset.samples) };
}

export interface Evaluation {
  readonly dataset: Dataset;
  readonly model: ProbabilityScores;
  readonly oldScore: ProbabilityScores;
  /** The model's training win rate, for every candidate. */
  readonly baseline: ProbabilityScores;
}

/** Scores a stored model on the samples of candle files (e.g. a part it was not trained on). */
export async function evaluateOnFiles(
  model: ConfidenceModel,
  inputs: readonly FileInput[],
  opts: DatasetOptions,
): Promise<Evaluation> {
  const dataset = await buildDatasetFromFiles(inputs, opts);
  if (dataset.samples.length === 0) throw noSamples(dataset);
  const y = dataset.samples.map((s) => s.label);
  return {
    dataset,
    model: scoreProbabilities(
      dataset.samples.map((s) => model.predict(s.features)),
      y,
    ),
    oldScore: scoreProbabilities(
      dataset.samples.map((s) => oldScoreProbability(s.score)),
      y,
    ),
    baseline: scoreProbabilities(
      y.map(() => model.metrics.baseRate),
      y,
    ),
  };
}
