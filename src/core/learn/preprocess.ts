import { median } from '../metrics/stats.js';

/**
 * What the model's library sees: each feature made finite (a missing value, NaN or ±∞, becomes
 * the training median), standardised with the training mean and standard deviation and clipped
 * to ±CLIP standard deviations (one crash candle must not extrapolate a linear model to 0 or 1),
 * followed by a 0/1 "was missing" flag for each feature missing often enough in training to
 * carry information of its own (an indicator still warming up says the history is short).
 * Everything is fitted on the training rows only and stored with the model.
 */
export interface PreprocessorSpec {
  readonly featureNames: readonly string[];
  readonly medians: readonly number[];
  readonly means: readonly number[];
  /** Standard deviations; 1 for a feature constant in training (it then standardises to 0). */
  readonly scales: readonly number[];
  /** Features (by name) that get a missing flag, in column order after the features. */
  readonly missingFlags: readonly string[];
}

export const CLIP = 5;
/** A feature missing in at least this share of the training rows (and not all) gets a flag. */
export const MISSING_FLAG_SHARE = 0.01;

export type FeatureRow = Readonly<Record<string, number>>;

function featureValue(row: FeatureRow, name: string): number {
  const v = row[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

export function fitPreprocessor(
  rows: readonly FeatureRow[],
  featureNames: readonly string[],
): PreprocessorSpec {
  if (rows.length === 0) throw new RangeError('cannot fit a preprocessor on no rows');
  const medians: number[] = [];
  const means: number[] = [];
  const scales: number[] = [];
  const missingFlags: string[] = [];
  for (const name of featureNames) {
    const known: number[] = [];
    for (const row of rows) {
      const v = featureValue(row, name);
      if (!Number.isNaN(v)) known.push(v);
    }
    const m = median(known) ?? 0;
    const missingShare = 1 - known.length / rows.length;
    if (missingShare >= MISSING_FLAG_SHARE && known.length > 0) missingFlags.push(name);
    let sum = 0;
    for (const v of known) sum += v;
    sum += m * (rows.length - known.length);
    const mean = sum / rows.length;
    let squares = 0;
    for (const v of known) squares += (v - mean) * (v - mean);
    squares += (m - mean) * (m - mean) * (rows.length - known.length);
    const sd = Math.sqrt(squares / rows.length);
    medians.push(m);
    means.push(mean);
    scales.push(sd > 1e-12 ? sd : 1);
  }
  return { featureNames: [...featureNames], medians, means, scales, missingFlags };
}

/** Number of columns `transformRow` produces. */
export function columnCount(spec: PreprocessorSpec): number {
  return spec.featureNames.length + spec.missingFlags.length;
}

/** Column names: the features, then `<name>_missing` per flag. */
export function columnNames(spec: PreprocessorSpec): string[] {
  return [...spec.featureNames, ...spec.missingFlags.map((n) => `${n}_missing`)];
}

export function transformRow(spec: PreprocessorSpec, row: FeatureRow): number[] {
  const out: number[] = [];
  const { featureNames, medians, means, scales } = spec;
  for (let j = 0; j < featureNames.length; j++) {
    let v = featureValue(row, featureNames[j]);
    if (Number.isNaN(v)) v = medians[j];
    const z = (v - means[j]) / scales[j];
    out.push(z > CLIP ? CLIP : z < -CLIP ? -CLIP : z);
  }
  for (const name of spec.missingFlags) out.push(Number.isNaN(featureValue(row, name)) ? 1 : 0);
  return out;
}

export function transformRows(spec: PreprocessorSpec, rows: readonly FeatureRow[]): number[][] {
  return rows.map((r) => transformRow(spec, r));
}
