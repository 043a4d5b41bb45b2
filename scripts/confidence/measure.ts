/**
 * The measurement behind docs/CONFIDENCE.md: which npm library, which calibration, and whether
 * the Fear & Greed index earns a place, judged by the product's own purged walk-forward
 * (core/learn/fit.ts `walkForward`) on the TRAINING PART ONLY (candles before 2025-07-01).
 *
 *   npx tsx scripts/confidence/measure.ts [--skip rf,xgboost,libraries,penalty,sentiment] [--sets 1,2,3] > out.md
 *
 * The candidate libraries other than the chosen one are not dependencies: install them for the
 * run with `npm install --no-save ml-random-forest@2.1.0 ml-xgboost@1.1.2`; a missing one is
 * reported as such and skipped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describeInputs } from '../../src/adapters/market/file-inputs.js';
import { loadConfig } from '../../src/config/load.js';
import { FEATURE_NAMES } from '../../src/core/learn/features.js';
import {
  DAY_MS,
  type Learner,
  logisticLearner,
  oldScoreProbability,
  type WalkForwardResult,
  walkForward,
} from '../../src/core/learn/fit.js';
import type { LabelledSample } from '../../src/core/learn/samples.js';
import {
  auc,
  brierScore,
  logLoss,
  maxCalibrationGap,
  reliabilityTable,
} from '../../src/core/learn/scoring.js';
import { mulberry32 } from '../../src/core/metrics/random.js';
import { buildDatasetFromFiles } from '../../src/runtime/research/dataset.js';

const TO = Date.UTC(2025, 6, 1);
const DATA = resolve(
  process.env.ALPHAPULSE_DATA_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'),
);
const OHLCV = join(DATA, 'ohlcv');
function listArg(name: string): string[] {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? '').split(',') : [];
}
const skip = new Set(listArg('--skip'));
const only = new Set(listArg('--sets').map(Number));
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'BNBUSDT'];

const sets = [
  {
    name: '15m/1h/4h on a 5m base (BTC 2024-01..2025-06, ETH/SOL/XRP/BNB 2025-01..06)',
    config: 'base-5m.yaml',
    files: SYMBOLS.map((s) => `binance_${s}_5m.csv.gz`),
  },
  {
    name: '4h/1d on a 1h base (BTC 2017-08..2025-06, ETH/SOL/XRP/BNB 2024-09..2025-06)',
    config: 'base-1h.yaml',
    files: SYMBOLS.map((s) => (s === 'BTCUSDT' ? 'binance_BTCUSDT_1h.csv.gz' : `binance_${s}_1h.csv`)),
  },
  {
    name: '15m/1h/4h on the default 1m base (BTC and ETH 2025-05-20..06-30): a small window',
    config: null,
    files: ['binance_BTCUSDT_1m.csv.gz', 'binance_ETHUSDT_1m.csv.gz'],
  },
];
const L2 = [0, 0.001, 0.01, 0.03, 0.1];

const require = createRequire(import.meta.url);
function optional<T>(name: string): T | null {
  try {
    return require(name) as T;
  } catch {
    return null;
  }
}

interface ForestCtor {
  new (
    o: Record<string, unknown>,
  ): {
    train(x: number[][], y: number[]): void;
    predictProbability(x: number[][], label: number): number[];
    toJSON(): unknown;
  };
}
interface XgbCtor {
  new (
    o: Record<string, unknown>,
  ): {
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    toJSON(): unknown;
    free(): void;
  };
}

const rf = skip.has('rf') ? null : optional<{ RandomForestClassifier: ForestCtor }>('ml-random-forest');
// ml-xgboost's module is a promise of the class (its wasm loads asynchronously)
const xgbModule = skip.has('xgboost') ? null : optional<Promise<XgbCtor>>('ml-xgboost');
const XGBoost = xgbModule ? await xgbModule : null;

const sizes = new Map<string, number>();
const learners: Learner[] = [logisticLearner()];
if (rf) {
  learners.push({
    name: 'ml-random-forest 2.1.0 (50 trees, depth 5, min leaf 100, 1/3 of features, 2,000-row bootstrap)',
    fit(rows, labels, seed) {
      const f = new rf.RandomForestClassifier({
        nEstimators: 50,
        maxFeatures: 0.33,
        maxSamples: Math.min(2000, rows.length),
        seed,
        noOOB: true,
        treeOptions: { maxDepth: 5, minNumSamples: 100 },
      });
      f.train(
        rows.map((r) => [...r]),
        [...labels],
      );
      sizes.set('rf', JSON.stringify(f.toJSON()).length);
      return {
        predict: (xs) =>
          f.predictProbability(
            xs.map((r) => [...r]),
            1,
          ),
      };
    },
  });
}
if (XGBoost) {
  learners.push({
    name: 'ml-xgboost 1.1.2 (wasm; depth 2, 150 rounds, eta 0.05, min child weight 10)',
    fit(rows, labels, seed) {
      const b = new XGBoost({
        objective: 'binary:logistic',
        max_depth: 2,
        eta: 0.05,
        iterations: 150,
        subsample: 1,
        colsample_bytree: 1,
        min_child_weight: 10,
        seed,
      });
      b.train(
        rows.map((r) => [...r]),
        [...labels],
      );
      sizes.set('xgboost', JSON.stringify(b.toJSON()).length);
      return { predict: (xs) => b.predict(xs.map((r) => [...r])) };
    },
  });
}

function f4(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : '-';
}

function scored(samples: readonly LabelledSample[], p: Float64Array): { p: number[]; y: number[] } {
  const out = { p: [] as number[], y: [] as number[] };
  samples.forEach((s, i) => {
    if (!Number.isNaN(p[i])) {
      out.p.push(p[i]);
      out.y.push(s.label);
    }
  });
  return out;
}

function line(
  name: string,
  samples: readonly LabelledSample[],
  wf: WalkForwardResult,
  fitMs: readonly number[],
  ms: number,
): string {
  const raw = scored(samples, wf.raw);
  const cells = [
    name,
    String(raw.p.length),
    f4(logLoss(raw.p, raw.y)),
    f4(brierScore(raw.p, raw.y)),
    f4(auc(raw.p, raw.y)),
  ];
  for (const m of ['isotonic', 'platt'] as const) {
    const c = scored(samples, wf.calibrated[m]);
    cells.push(
      f4(logLoss(c.p, c.y)),
      f4(brierScore(c.p, c.y)),
      (100 * maxCalibrationGap(reliabilityTable(c.p, c.y))).toFixed(1),
    );
  }
  const fit = fitMs.reduce((a, b) => a + b, 0) / Math.max(1, fitMs.length);
  cells.push(`${(fit / 1000).toFixed(1)} s`, `${ms.toFixed(2)} µs`);
  return `| ${cells.join(' | ')} |`;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.every((v, i) => Object.is(v, b[i]));
}

/** Fear & Greed rows dated before 2025-07-01 only: the held-out part stays unread. */
function fearGreed(): Map<number, number> {
  const rows = readFileSync(join(DATA, 'sentiment', 'fear_greed_daily.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const out = new Map<number, number>();
  for (const r of rows) {
    const [date, value] = r.split(',');
    const t = Date.parse(`${date}T00:00:00Z`);
    if (t < TO) out.set(t, Number(value));
  }
  return out;
}

/** A day's value is known only the next day: a candidate of day D reads day D − 1. */
function withSentiment(samples: readonly LabelledSample[], fg: Map<number, number>): LabelledSample[] {
  return samples.map((s) => {
    const day = Math.floor(s.createdAt / DAY_MS) * DAY_MS;
    const v = fg.get(day - DAY_MS) ?? Number.NaN;
    const d = s.direction === 'BUY' ? 1 : -1;
    return { ...s, features: { ...s.features, fear_greed: v, fear_greed_for: d * (v - 50) } };
  });
}

function lossDiffInterval(samples: readonly LabelledSample[], a: Float64Array, b: Float64Array): string {
  const idx = samples.map((_, i) => i).filter((i) => !Number.isNaN(a[i]) && !Number.isNaN(b[i]));
  const d = idx.map((i) => logLoss([a[i]], [samples[i].label]) - logLoss([b[i]], [samples[i].label]));
  const rnd = mulberry32(42);
  const means: number[] = [];
  for (let r = 0; r < 1000; r++) {
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum += d[Math.floor(rnd() * d.length)];
    means.push(sum / d.length);
  }
  means.sort((x, y) => x - y);
  const mean = d.reduce((x, y) => x + y, 0) / d.length;
  return `${mean >= 0 ? '+' : ''}${mean.toFixed(4)} [${means[25].toFixed(4)}, ${means[974].toFixed(4)}] (n ${d.length})`;
}

console.log(`# Confidence model measurement (training part: candles before 2025-07-01)\n`);
console.log(`Libraries: ${learners.map((l) => l.name).join('; ')}`);
if (!rf && !skip.has('rf')) console.log('ml-random-forest not installed: skipped');
if (!XGBoost && !skip.has('xgboost')) console.log('ml-xgboost not installed: skipped');
const fg = fearGreed();

for (const [k, set] of sets.entries()) {
  if (only.size > 0 && !only.has(k + 1)) continue;
  const loaded = set.config
    ? loadConfig({ file: join(import.meta.dirname, set.config) })
    : loadConfig({ file: join(import.meta.dirname, 'default.yaml') });
  const inputs = await describeInputs(set.files.map((f) => join(OHLCV, f)));
  const ds = await buildDatasetFromFiles(inputs, {
    engine: loaded.config.engine,
    registry: loaded.registry,
    to: TO,
  });
  const { samples } = ds;
  const rate = samples.reduce((a, s) => a + s.label, 0) / samples.length;
  console.log(`\n## ${set.name}\n`);
  console.log(
    `${ds.candles} candles, ${samples.length} samples (filled outcomes of ${ds.counts.created} signals and ${ds.counts.rejectedWithPlan} filtered candidates; ${ds.counts.unfilled} unfilled), base rate ${rate.toFixed(3)}; 6 expanding walk-forward folds, 1-day embargo, purged.\n`,
  );
  console.log(
    '| library | n (folds 1-6) | raw log loss | raw Brier | AUC | isotonic log loss (folds 2-6) | isotonic Brier | isotonic max gap (pts, buckets n >= 30) | Platt log loss | Platt Brier | Platt max gap | fit / fold | predict / candidate |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  let logistic: WalkForwardResult | null = null;
  for (const learner of skip.has('libraries') ? [] : learners) {
    // inference cost: a batch of every sample, per row
    let perRow = 0;
    const fitMs: number[] = [];
    const timed: Learner = {
      name: learner.name,
      fit(rows, labels, seed) {
        const t0 = performance.now();
        const m = learner.fit(rows, labels, seed);
        fitMs.push(performance.now() - t0);
        return {
          predict(xs) {
            const t = performance.now();
            const p = m.predict(xs);
            perRow = (1000 * (performance.now() - t)) / Math.max(1, xs.length);
            return p;
          },
        };
      },
    };
    const wf = walkForward(samples, timed, { seed: 42 });
    console.log(line(learner.name, samples, wf, fitMs, perRow));
    const again = walkForward(samples, learner, { seed: 42 });
    console.log(
      `|  determinism: a second fit with seed 42 gives ${sameBits(wf.raw, again.raw) ? 'identical' : 'DIFFERENT'} predictions | | | | | | | | | | | | |`,
    );
    if (learner.name === 'ml-logistic-regression') logistic = wf;
  }
  for (const [k, v] of sizes)
    console.log(`\nmodel JSON of the last fold, ${k}: ${v.toLocaleString('en-US')} characters`);
  sizes.clear();
  if (!skip.has('penalty')) {
    console.log(`\n### Penalty (λ of (λ/2)·Σw² on the mean log-likelihood), logistic\n`);
    console.log('| λ | raw log loss | AUC | isotonic log loss | Platt log loss | Platt max gap (pts) |');
    console.log('|---|---|---|---|---|---|');
    for (const l2 of L2) {
      // the penalty's pseudo-rows: 2·n·λ pairs per column; past 40,000 rows the fit is too slow to be worth it here
      const pseudoRows = 2 * Math.ceil(2 * samples.length * l2) * (FEATURE_NAMES.length + 10);
      if (pseudoRows > 40_000) {
        console.log(`| ${l2} | not run: ${pseudoRows} pseudo-rows | | | | |`);
        continue;
      }
      const wf = walkForward(samples, logisticLearner({ l2 }), { seed: 42 });
      const raw = scored(samples, wf.raw);
      const iso = scored(samples, wf.calibrated.isotonic);
      const pl = scored(samples, wf.calibrated.platt);
      console.log(
        `| ${l2} | ${f4(logLoss(raw.p, raw.y))} | ${f4(auc(raw.p, raw.y))} | ${f4(logLoss(iso.p, iso.y))} | ${f4(logLoss(pl.p, pl.y))} | ${(100 * maxCalibrationGap(reliabilityTable(pl.p, pl.y))).toFixed(1)} |`,
      );
      if (l2 === 0 && !logistic) logistic = wf;
    }
  }
  if (!logistic) continue;
  const old = Float64Array.from(samples, (s, i) =>
    Number.isNaN(logistic.raw[i]) ? Number.NaN : oldScoreProbability(s.score),
  );
  const o = scored(samples, old);
  const b = scored(samples, logistic.baseline);
  console.log(
    `\nOld formula's score as a probability: log loss ${f4(logLoss(o.p, o.y))}, Brier ${f4(brierScore(o.p, o.y))}, AUC ${f4(auc(o.p, o.y))}. Base rate of the training folds: log loss ${f4(logLoss(b.p, b.y))}, Brier ${f4(brierScore(b.p, b.y))}.`,
  );

  if (skip.has('sentiment')) continue;
  const withFg = withSentiment(samples, fg);
  const missing = withFg.filter((s) => Number.isNaN(s.features.fear_greed)).length;
  console.log(`\n### Fear & Greed (previous day's value, raw and signed for the trade), logistic\n`);
  console.log(`${missing} samples without a previous-day value.\n`);
  console.log(
    '| features | isotonic log loss | Platt log loss | Δ isotonic vs without [95 % bootstrap] | Δ Platt vs without [95 % bootstrap] |',
  );
  console.log('|---|---|---|---|---|');
  const fgWf = walkForward(withFg, logisticLearner(), {
    featureNames: [...FEATURE_NAMES, 'fear_greed', 'fear_greed_for'],
    seed: 42,
  });
  for (const [name, wf] of [
    ['without', logistic],
    ['with fear_greed, fear_greed_for', fgWf],
  ] as const) {
    const iso = scored(samples, wf.calibrated.isotonic);
    const pl = scored(samples, wf.calibrated.platt);
    const delta = (m: 'isotonic' | 'platt') =>
      wf === logistic ? '' : lossDiffInterval(samples, wf.calibrated[m], logistic.calibrated[m]);
    console.log(
      `| ${name} | ${f4(logLoss(iso.p, iso.y))} | ${f4(logLoss(pl.p, pl.y))} | ${delta('isotonic')} | ${delta('platt')} |`,
    );
  }
}
