import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeInputs, requireTimeframe } from '../../adapters/market/file-inputs.js';
import { openStores } from '../../adapters/store/open-stores.js';
import type { CalibrationMethod } from '../../core/learn/calibration.js';
import { DAY_MS } from '../../core/learn/fit.js';
import { type ConfidenceModel, confidenceModelFromText, MODEL_LABEL } from '../../core/learn/model.js';
import type { ProbabilityScores, ReliabilityBucket } from '../../core/learn/scoring.js';
import { engineForInputs } from '../../runtime/engine-for-inputs.js';
import type { Dataset } from '../../runtime/research/dataset.js';
import { evaluateOnFiles, type TrainRun, trainFromFiles } from '../../runtime/research/train.js';
import { CliError, configFor, formatInt, iso, parseTimeOption, progress } from '../common.js';

interface TrainOptions {
  input: string[];
  symbol?: string;
  from?: string;
  to: string;
  db?: string;
  activate?: boolean;
  out?: string;
  seed: string;
  folds: string;
  calibration: string;
  evaluate?: string;
}

function positiveInt(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)} %`;
}

function f4(x: number): string {
  return Number.isNaN(x) ? '-' : x.toFixed(4);
}

function datasetLine(d: Dataset, symbols: string): string {
  const c = d.counts;
  const s = d.samples;
  const wins = s.reduce((a, x) => a + x.label, 0);
  return (
    `dataset: ${formatInt(d.candles)} candles of ${symbols}; ${formatInt(c.created)} signals and ${formatInt(c.rejectedWithPlan)} filtered candidates with a plan -> ${formatInt(s.length)} filled and closed samples (${formatInt(c.unfilled)} unfilled, not samples)` +
    (s.length
      ? `, created ${iso(s[0].createdAt)} .. ${iso(s[s.length - 1].createdAt)}, base rate ${pct(wins / s.length)}`
      : '')
  );
}

function scoreTable(rows: readonly (readonly [string, ProbabilityScores])[]): string[] {
  const out = ['                        log loss   Brier    AUC'];
  for (const [name, s] of rows) {
    out.push(
      `  ${name.padEnd(20)}  ${f4(s.logLoss).padStart(8)}  ${f4(s.brier).padStart(7)}  ${f4(s.auc).padStart(6)}`,
    );
  }
  return out;
}

function reliabilityLines(title: string, table: readonly ReliabilityBucket[]): string[] {
  const out = [`${title}:`, '  bucket        n   predicted   realised     gap'];
  for (const b of table) {
    if (b.n === 0) continue;
    const gap = b.predicted !== null && b.realised !== null ? b.realised - b.predicted : null;
    const flag = b.n < 30 ? '  (n < 30)' : '';
    out.push(
      `  ${b.lower.toFixed(1)}-${b.upper.toFixed(1)}  ${formatInt(b.n).padStart(7)}  ${pct(b.predicted).padStart(10)}  ${pct(b.realised).padStart(9)}  ${(gap === null ? '-' : `${gap >= 0 ? '+' : ''}${(100 * gap).toFixed(1)}`).padStart(6)}${flag}`,
    );
  }
  return out;
}

function interval([lo, hi]: readonly [number, number]): string {
  return `[${lo >= 0 ? '+' : ''}${lo.toFixed(4)}, ${hi >= 0 ? '+' : ''}${hi.toFixed(4)}]`;
}

function trainReport(run: TrainRun, symbols: string): string[] {
  const { dataset, result } = run;
  const wf = result.walkForward;
  const cmp = result.comparison;
  const model = result.model;
  const method = model.metrics.calibration;
  const lines = [datasetLine(dataset, symbols), `label: ${MODEL_LABEL}`, ''];
  lines.push(
    `walk-forward: ${wf.folds.length} expanding folds, training labels purged and ended more than the embargo before each test`,
  );
  lines.push(
    '  fold   train  purged  embargoed   test  test from             test to               raw AUC  raw log loss  isotonic  Platt',
  );
  for (const f of wf.folds) {
    lines.push(
      `  ${String(f.fold).padStart(4)}  ${formatInt(f.train).padStart(6)}  ${formatInt(f.purged).padStart(6)}  ${formatInt(f.embargoed).padStart(9)}  ${formatInt(f.test).padStart(5)}  ${iso(f.testFrom).padEnd(20)}  ${iso(f.testTo).padEnd(20)}  ${(f.raw.auc === null ? '-' : f.raw.auc.toFixed(3)).padStart(7)}  ${f4(f.raw.logLoss).padStart(12)}  ${(f.calibrated ? f4(f.calibrated.isotonic) : '-').padStart(8)}  ${(f.calibrated ? f4(f.calibrated.platt) : '-').padStart(6)}`,
    );
  }
  lines.push(
    `calibration: ${method} (walk-forward calibrated log loss: isotonic ${f4(result.calibrationLoss.isotonic)}, Platt ${f4(result.calibrationLoss.platt)}; fold k is calibrated on the earlier folds' out-of-fold predictions)`,
    '',
    `out of sample (folds 2-${wf.folds.length}, n ${formatInt(cmp.model.n)}, base rate ${pct(cmp.model.baseRate)}):`,
    ...scoreTable([
      ['model (calibrated)', cmp.model],
      ['old formula score', cmp.oldScore],
      ['base rate', cmp.baseline],
    ]),
    `  log loss, model minus base rate: ${(cmp.model.logLoss - cmp.baseline.logLoss).toFixed(4)} ${interval(cmp.logLossVsBaseline)} (95 % bootstrap, seed ${model.json.seed})`,
    `  log loss, model minus old score: ${(cmp.model.logLoss - cmp.oldScore.logLoss).toFixed(4)} ${interval(cmp.logLossVsOldScore)}`,
    '',
    ...reliabilityLines('reliability, model (calibrated, out of sample)', cmp.model.reliability),
    ...reliabilityLines('reliability, old formula score', cmp.oldScore.reliability),
    '',
    `model ${model.version}: fitted on all ${formatInt(model.metrics.samples)} samples (${iso(model.trainedFrom)} .. ${iso(model.trainedTo)}), ${model.featureNames.length} features, ${method} calibration on ${formatInt(wf.raw.filter((v) => !Number.isNaN(v)).length)} out-of-fold predictions; predict ${run.inferenceMicros.toFixed(1)} µs per candidate`,
  );
  return lines;
}

function evaluationReport(
  model: ConfidenceModel,
  e: Awaited<ReturnType<typeof evaluateOnFiles>>,
  symbols: string,
): string[] {
  return [
    datasetLine(e.dataset, symbols),
    `model ${model.version}, trained ${iso(model.trainedFrom)} .. ${iso(model.trainedTo)} (base rate ${pct(model.metrics.baseRate)})`,
    '',
    `scored on these samples (n ${formatInt(e.model.n)}, base rate ${pct(e.model.baseRate)}):`,
    ...scoreTable([
      ['model', e.model],
      ['old formula score', e.oldScore],
      ['training base rate', e.baseline],
    ]),
    '',
    ...reliabilityLines('reliability, model', e.model.reliability),
  ];
}

async function readModel(path: string): Promise<ConfidenceModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return confidenceModelFromText(text, path);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'fit the confidence model on the outcomes of candle files (walk-forward judged, calibrated), store it and print the out-of-sample report',
    )
    .requiredOption('-i, --input <file...>', 'base-timeframe candle files, one per symbol (repeat --input)')
    .requiredOption('--to <time>', 'stop reading candles at this time (keep the part you report on unseen)')
    .option('--from <time>', 'train on candidates created at or after this time (earlier candles warm up)')
    .option('-s, --symbol <symbol>', 'symbol of a single input whose name does not tell it')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .option('--activate', 'make the new model the active one (the live runtime loads it at start)')
    .option('-o, --out <model.json>', 'also write the model artefact to this file')
    .option('--seed <n>', 'seed of the bootstrap intervals', '42')
    .option('--folds <n>', 'walk-forward test folds', '6')
    .option('--calibration <method>', 'auto (by walk-forward log loss), isotonic or platt', 'auto')
    .option(
      '--evaluate <model.json>',
      'score this model on the window instead of fitting one (e.g. on a part it was not trained on)',
    )
    .action(async (opts: TrainOptions, cmd: Command) => {
      const from = parseTimeOption(opts.from, '--from');
      const to = parseTimeOption(opts.to, '--to');
      if (to === undefined) throw new CliError('--to is required');
      if (from !== undefined && to <= from) throw new CliError('--to must be after --from');
      const seed = positiveInt(opts.seed, '--seed', 0);
      const folds = positiveInt(opts.folds, '--folds', 2);
      if (!['auto', 'isotonic', 'platt'].includes(opts.calibration))
        throw new CliError(`--calibration must be auto, isotonic or platt, got "${opts.calibration}"`);
      const evaluated = opts.evaluate ? await readModel(opts.evaluate) : null;
      const loaded = await configFor(cmd, opts.db);
      const inputs = await describeInputs(opts.input, opts.symbol);
      // any base timeframe, as backtest takes it (runtime/engine-for-inputs.ts)
      const engine = engineForInputs(loaded, inputs[0].timeframe);
      requireTimeframe(inputs, engine.baseTimeframe);
      const symbols = inputs.map((i) => i.symbol).join(', ');
      const bar = progress('train');
      const base = {
        engine,
        registry: loaded.registry,
        from,
        to,
        onProgress: (n: number) => bar.update(n),
      };
      if (evaluated) {
        const e = await evaluateOnFiles(evaluated, inputs, base).finally(() => bar.stop());
        process.stdout.write(`${evaluationReport(evaluated, e, symbols).join('\n')}\n`);
        return;
      }
      const run = await trainFromFiles(inputs, {
        ...base,
        seed,
        folds,
        embargoMs: DAY_MS,
        calibration: opts.calibration as CalibrationMethod | 'auto',
      }).finally(() => bar.stop());
      const lines = trainReport(run, symbols);
      const json = run.result.model.json;
      if (opts.out) {
        await writeFile(opts.out, `${JSON.stringify(json, null, 1)}\n`);
        lines.push(`written to ${opts.out}`);
      }
      const stores = await openStores(loaded);
      try {
        await stores.models.save(json);
        if (opts.activate) await stores.models.activate(json.version);
      } finally {
        await stores.close();
      }
      lines.push(
        `stored in ${stores.where}${opts.activate ? ' and made active' : ' (not active; --activate makes it so)'}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
