import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCandleRows } from '../src/adapters/market/candle-file.js';
import type { Candle } from '../src/core/candles/candle.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { resolveConfidenceModels } from '../src/runtime/confidence-models.js';
import { DATA_DIR, fmt, machine, median, table, writeResults } from './lib.js';

const FILES = ['binance_BTCUSDT_1m.csv.gz', 'binance_ETHUSDT_1m.csv.gz'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function load(file: string): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const batch of readCandleRows(join(DATA_DIR, file)))
    for (const r of batch) if (r.ok) out.push(r.candle);
  return out;
}

/** Wall time of one `alphapulse optimize` process (ms); parsing and the dataset are in it. */
function optimizeMs(trials: number, out: string): number {
  const t = performance.now();
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      '--model',
      'none',
      'optimize',
      ...FILES.flatMap((f) => ['-i', join(DATA_DIR, f)]),
      // the whole 13 weeks (a speed measurement, not research: no report part to protect)
      '--to',
      '2026-01-01',
      '--slices',
      'momentum:15m',
      '--trials',
      String(trials),
      '--folds',
      '2',
      '--workers',
      '0',
      '--baseline-runs',
      '20',
      '--out',
      join(out, `opt-${trials}.yaml`),
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  return performance.now() - t;
}

/**
 * Issue 12's two research costs on 2 symbols x 13 weeks of 1m: (a) `optimize` time per trial,
 * the slope between a 4-trial and a 12-trial run of one process each (so start-up, file parsing
 * and the dataset cancel out); (b) the confidence model's inference cost per candidate against
 * the pipeline's time per base candle, measured as the same pipeline with and without the
 * shipped model (`alphapulse train` prints the bare predict loop's cost beside).
 */
export async function runResearchBench(): Promise<void> {
  if (!FILES.every((f) => existsSync(join(DATA_DIR, f)))) {
    console.log('research bench skipped: real 1m files not found (set ALPHAPULSE_DATA_DIR)');
    return;
  }
  const [btc, eth] = await Promise.all(FILES.map(load));
  const feed: { symbol: string; candle: Candle }[] = [];
  for (let i = 0, j = 0; i < btc.length || j < eth.length; ) {
    if (j >= eth.length || (i < btc.length && btc[i].openTime <= eth[j].openTime))
      feed.push({ symbol: 'BTCUSDT', candle: btc[i++] });
    else feed.push({ symbol: 'ETHUSDT', candle: eth[j++] });
  }
  const engine = EngineConfig.parse({});
  const { model } = await resolveConfidenceModels('shipped', null);
  if (!model) throw new Error('the shipped model (models/confidence.json) did not load');

  let candidates = 0;
  const run = (withModel: boolean) => () => {
    const p = new SignalPipeline(engine);
    if (withModel) p.setConfidenceModel(model);
    candidates = 0;
    const sink = (e: PipelineEvent) => {
      if (e.type === 'signal.created' || (e.type === 'signal.rejected' && e.candidate.signal)) candidates++;
    };
    for (const { symbol, candle } of feed) p.process(symbol, candle, sink);
  };
  // alternated, so neither variant profits from running on the warmer JIT
  const formulaMs: number[] = [];
  const modelMs: number[] = [];
  for (let k = 0; k < 7; k++) {
    for (const [withModel, into] of [
      [false, formulaMs],
      [true, modelMs],
    ] as const) {
      const t = performance.now();
      run(withModel)();
      if (k >= 2) into.push(performance.now() - t);
    }
  }
  const perCandleUs = (1000 * median(modelMs)) / feed.length;
  const deltaPerCandidateUs = (1000 * (median(modelMs) - median(formulaMs))) / Math.max(1, candidates);

  const out = mkdtempSync(join(tmpdir(), 'ap-bench-opt-'));
  try {
    const few = [optimizeMs(4, out), optimizeMs(4, out)];
    const many = [optimizeMs(12, out), optimizeMs(12, out)];
    const perTrialS = (median(many) - median(few)) / 8 / 1000;
    console.log('\n## Research costs (2 symbols x 13 weeks of 1m; medians)');
    console.log(
      table(
        ['what', 'value'],
        [
          ['optimize: seconds per trial (momentum:15m, 2 folds, in process)', perTrialS.toFixed(2)],
          ['optimize: one process, 4 trials (s)', (median(few) / 1000).toFixed(1)],
          ['optimize: one process, 12 trials (s)', (median(many) / 1000).toFixed(1)],
          ['pipeline with the shipped model: µs per base candle', perCandleUs.toFixed(2)],
          ['candidates with a plan per run', fmt(candidates)],
          ['model, measured in the pipeline: µs per candidate', deltaPerCandidateUs.toFixed(1)],
          [
            'model share of the pipeline time',
            `${((100 * (median(modelMs) - median(formulaMs))) / median(modelMs)).toFixed(1)} %`,
          ],
        ],
      ),
    );
    writeResults('research', {
      machine: machine(),
      date: new Date().toISOString(),
      command: 'npm run bench -- research',
      candles: feed.length,
      candidates,
      optimize_seconds_per_trial: perTrialS,
      optimize_4_trials_ms: few,
      optimize_12_trials_ms: many,
      pipeline_formula_ms: formulaMs,
      pipeline_model_ms: modelMs,
      pipeline_us_per_candle: perCandleUs,
      model_us_per_candidate_in_pipeline: deltaPerCandidateUs,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
