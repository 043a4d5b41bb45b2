import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_FEATURES, syntheticSamples } from '../../../test/support/confidence-samples.js';
import { TrainingError, trainConfidenceModel } from './fit.js';
import { ConfidenceModel, confidenceModelFromText, ModelFormatError, parseConfidenceModel } from './model.js';
import { transformRow } from './preprocess.js';

const HOUR = 3_600_000;
const SHIPPED = fileURLToPath(new URL('../../../models/confidence.json', import.meta.url));
const NAMES = SYNTHETIC_FEATURES;
const synthetic = syntheticSamples;

describe('confidence model', () => {
  const samples = synthetic(1200, 1);
  const trained = trainConfidenceModel(samples, { featureNames: NAMES, folds: 4, embargoMs: 2 * HOUR });
  const model = trained.model;
  const probes = synthetic(200, 9).map((s) => s.features);

  it('learns the direction of the signal, gives probabilities, beats the base rate out of sample', () => {
    const lo = model.predict({ a: -0.8, b: 0.8, c: 0.5 });
    const hi = model.predict({ a: 0.8, b: -0.8, c: 0.5 });
    expect(hi).toBeGreaterThan(0.7);
    expect(lo).toBeLessThan(0.3);
    for (const f of probes) {
      const p = model.predict(f);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    const m = model.metrics;
    expect(m.folds).toBe(4);
    expect(m.model.logLoss).toBeLessThan(m.baseline.logLoss);
    expect(m.model.auc).toBeGreaterThan(0.7);
    expect(m.evaluated).toBe(trained.comparison.model.n);
    expect(trained.comparison.logLossVsBaseline[1]).toBeLessThan(0);
    expect(model.json.preprocessing.missingFlags).toEqual(['b']);
    expect(model.trainedFrom).toBe(samples[0].createdAt);
    expect(model.trainedTo).toBe(samples[samples.length - 1].createdAt);
    expect(model.version).toMatch(/^cm-20240219-[0-9a-f]{16}$/);
  });

  it("scores every row exactly as the library's testScores does, to the bit (the shipped model too)", () => {
    const shipped = confidenceModelFromText(readFileSync(SHIPPED, 'utf8'), SHIPPED);
    for (const m of [model, shipped]) {
      const lib = LogisticRegression.load(structuredClone(m.json.library.model));
      const rows = m === model ? probes : probes.map((f) => ({ ...f, score: f.a, stop_atr: 1.5 + f.b }));
      for (const f of rows) {
        const row = [...transformRow(m.json.preprocessing, f), 1];
        expect(m.rawScore(f)).toBe(lib.classifiers[0].testScores(new Matrix([row]))[0]);
      }
    }
  });

  it('JSON round trip gives identical predictions, to the bit', () => {
    const text = JSON.stringify(model);
    const back = confidenceModelFromText(text);
    expect(back.version).toBe(model.version);
    for (const f of probes) expect(back.predict(f)).toBe(model.predict(f));
    expect(JSON.stringify(back)).toBe(text);
  });

  it('is deterministic: the same samples and seed give the same artefact', () => {
    const again = trainConfidenceModel(samples, { featureNames: NAMES, folds: 4, embargoMs: 2 * HOUR });
    expect(JSON.stringify(again.model)).toBe(JSON.stringify(model));
    expect(again.comparison.logLossVsBaseline).toEqual(trained.comparison.logLossVsBaseline);
  });

  it('treats a missing or non-finite feature as missing, never as a number', () => {
    expect(model.predict({ a: 0.2, c: 0.1 })).toBe(model.predict({ a: 0.2, b: Number.NaN, c: 0.1 }));
    expect(model.predict({ a: 0.2, b: Number.POSITIVE_INFINITY, c: 0.1 })).toBe(
      model.predict({ a: 0.2, c: 0.1 }),
    );
  });

  it('the loader names what is wrong', () => {
    expect(() => confidenceModelFromText('{"format":')).toThrow(/model is not JSON/);
    expect(() => parseConfidenceModel({ format: 'other' }, 'x.json')).toThrow(
      /x\.json is not an AlphaPulse confidence model/,
    );
    const broken = JSON.parse(JSON.stringify(model));
    broken.library.model.classifiers[0].weights[0].pop();
    expect(() => parseConfidenceModel(broken, 'm.json')).toThrow(ModelFormatError);
    expect(() => parseConfidenceModel(broken, 'm.json')).toThrow(
      /m\.json is not a valid confidence model: library\.model\.classifiers\.0\.weights: must hold 5 weights/,
    );
    const noFeatures = { ...JSON.parse(JSON.stringify(model)), featureNames: [] };
    expect(() => parseConfidenceModel(noFeatures)).toThrow(/featureNames/);
    expect(new ConfidenceModel(parseConfidenceModel(JSON.parse(JSON.stringify(model)))).version).toBe(
      model.version,
    );
  });

  it('refuses to train on too little or one-sided data', () => {
    expect(() => trainConfidenceModel(samples.slice(0, 20), { featureNames: NAMES })).toThrow(TrainingError);
    const allWins = samples.slice(0, 300).map((s) => ({ ...s, label: 1 as const }));
    expect(() => trainConfidenceModel(allWins, { featureNames: NAMES })).toThrow(/nothing to learn/);
  });
});
