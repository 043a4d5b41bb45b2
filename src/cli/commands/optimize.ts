import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { describeInputs, requireTimeframe } from '../../adapters/market/file-inputs.js';
import type { Candle } from '../../core/candles/candle.js';
import { compareTimeframes, isTimeframe, type Timeframe } from '../../core/candles/timeframe.js';
import type { EntryPoint } from '../../runtime/backtest/random-baseline.js';
import { engineForInputs } from '../../runtime/engine-for-inputs.js';
import {
  DEFAULT_GATES,
  type OptimizeReport,
  optimize,
  optimizedEngineSection,
} from '../../runtime/research/optimize.js';
import { defaultSettings } from '../../runtime/research/search-space.js';
import { baselineMarketOf, runTrial, type SliceSpec, trialEngine } from '../../runtime/research/trial.js';
import { loadTrialData } from '../../runtime/research/trial-data.js';
import { inProcessRunner, workerThreadRunner } from '../../runtime/research/trial-runners.js';
import { CliError, configFor, iso, parseTimeOption } from '../common.js';

interface OptimizeCliOptions {
  input: string[];
  symbol?: string;
  from?: string;
  to?: string;
  slices?: string;
  trials: string;
  folds: string;
  expanding?: boolean;
  minTrades: string;
  seed: string;
  workers: string;
  baselineRuns: string;
  gateMinTrades: string;
  gatePercentile: string;
  out?: string;
  json?: string;
  queue?: string | boolean;
}

function wholeNumber(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    throw new CliError(`${option} "${value}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function writeAtomic(path: string, text: string): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** The slices asked for (`family:timeframe,...`), or every enabled family on every signal timeframe. */
function slicesOf(
  asked: string | undefined,
  engine: ReturnType<typeof engineForInputs>,
  names: readonly string[],
): SliceSpec[] {
  if (asked) {
    return asked.split(',').map((text) => {
      const [family, timeframe] = text.trim().split(':');
      if (!family || !timeframe || !isTimeframe(timeframe) || !names.includes(family)) {
        throw new CliError(
          `--slices "${text}" is not strategy:timeframe of a known strategy (strategies: ${names.join(', ')})`,
        );
      }
      return { family, timeframe };
    });
  }
  const tfs = engine.signalTimeframes.map((s) => s.timeframe).sort(compareTimeframes);
  return names
    .filter((n) => engine.strategies[n]?.enabled !== false)
    .flatMap((family) => tfs.map((timeframe: Timeframe) => ({ family, timeframe })));
}

function summary(report: OptimizeReport): string {
  const lines = [
    `optimize ${iso(report.range.from)} .. ${iso(report.range.to)}: ${report.trialsPerSlice} trials per slice, ${report.folds} walk-forward folds${report.expanding ? ' (expanding)' : ''}, seed ${report.seed}`,
    'slice                   state      OOS trades  net R    95 % interval        pct vs random  DSR    PBO',
  ];
  for (const s of report.slices) {
    const o = s.outOfSample;
    const ci = o.ci95 ? `${o.ci95[0].toFixed(3)} .. ${o.ci95[1].toFixed(3)}` : '-';
    const pct = o.baseline?.percentile;
    lines.push(
      [
        s.slice.padEnd(23),
        s.state.padEnd(10),
        String(o.trades).padStart(10),
        (o.expectancyR === null ? '-' : o.expectancyR.toFixed(3)).padStart(7),
        ci.padStart(20),
        (pct === null || pct === undefined ? '-' : pct.toFixed(1)).padStart(14),
        (o.deflatedSharpe ? o.deflatedSharpe.dsr.toFixed(2) : '-').padStart(6),
        (s.pbo ? s.pbo.pbo.toFixed(2) : '-').padStart(5),
      ].join(' '),
    );
  }
  lines.push(
    `validated when: >= ${report.gates.minTrades} out-of-sample trades, interval above ${report.gates.minLowerBound} R, >= the ${report.gates.minPercentile}th percentile of random entries (all after costs)`,
  );
  return lines.join('\n');
}

export function registerOptimize(program: Command): void {
  program
    .command('optimize')
    .description(
      'search each slice (strategy x timeframe) by nested walk-forward after costs; report out-of-sample records, deflated Sharpe and PBO; write the chosen settings',
    )
    .requiredOption('-i, --input <file...>', 'base-timeframe candle files, one per symbol')
    .option('-s, --symbol <symbol>', 'symbol of a single input whose name does not tell it')
    .option('--from <time>', 'start of the range the windows cut (default: the data start)')
    .requiredOption('--to <time>', 'end of the training range: nothing at or after it is read')
    .option('--slices <list>', 'slices to optimise, e.g. mean_reversion:4h,breakout:1h (default: all)')
    .option('--trials <n>', 'trials per slice (the first is the current settings)', '40')
    .option('--folds <n>', 'walk-forward test windows (the range is cut into folds + 1)', '4')
    .option('--expanding', 'choose on every window before the test one, not only the last')
    .option('--min-trades <n>', 'trades a window needs for a trial to count there', '20')
    .option('--seed <n>', 'seed of the search and the baseline', '42')
    .option('--workers <n>', 'worker threads (0: in this process)', '0')
    .option(
      '--queue [redis-url]',
      'run the trials through a Redis queue served by this process and every `alphapulse optimize-worker` (no URL: redis.url, else REDIS_URL; used whenever redis.url is set)',
    )
    .option('--no-queue', 'run here even when redis.url is set')
    .option('--baseline-runs <n>', 'random-entry runs for the out-of-sample percentile', '200')
    .option(
      '--gate-min-trades <n>',
      'out-of-sample trades a slice needs to be validated',
      String(DEFAULT_GATES.minTrades),
    )
    .option(
      '--gate-percentile <n>',
      'percentile against random a slice needs',
      String(DEFAULT_GATES.minPercentile),
    )
    .option('--out <config.yaml>', 'write the chosen settings and slice states as a config file')
    .option('--json <report.json>', 'write the whole report as JSON')
    .action(async (opts: OptimizeCliOptions, cmd: Command) => {
      const loaded = await configFor(cmd);
      const to = parseTimeOption(opts.to, '--to');
      const from = parseTimeOption(opts.from, '--from');
      if (to === undefined) throw new CliError('--to is required');
      const trials = wholeNumber(opts.trials, '--trials', 1, 5000);
      const folds = wholeNumber(opts.folds, '--folds', 1, 50);
      const minTrades = wholeNumber(opts.minTrades, '--min-trades', 1, 100_000);
      const seed = wholeNumber(opts.seed, '--seed', 0, 2 ** 31 - 1);
      const workers = wholeNumber(opts.workers, '--workers', 0, 64);
      const baselineRuns = wholeNumber(opts.baselineRuns, '--baseline-runs', 0, 100_000);
      const gateMinTrades = wholeNumber(opts.gateMinTrades, '--gate-min-trades', 1, 1_000_000);
      const gatePercentile = Number(opts.gatePercentile);
      if (!(gatePercentile >= 0 && gatePercentile <= 100)) {
        throw new CliError(`--gate-percentile "${opts.gatePercentile}" must be a number from 0 to 100`);
      }
      const inputs = await describeInputs(opts.input, opts.symbol);
      const engine = engineForInputs(loaded, inputs[0].timeframe);
      requireTimeframe(inputs, engine.baseTimeframe);
      const slices = slicesOf(opts.slices, engine, loaded.registry.names);
      const data = await loadTrialData(inputs, to);
      const first = data.batches[0]?.[0]?.candle.openTime;
      if (first === undefined) throw new CliError(`no candles before ${iso(to)} in the inputs`);
      const start = from ?? first;
      if (start >= to) throw new CliError('--to must be after --from (and after the first candle)');

      // one pass per signal timeframe records the market the random baseline replays: the base
      // candles once, the entry points (close and ATR) of every timeframe
      const market = { candles: new Map<string, Candle[]>(), entries: new Map<string, EntryPoint[]>() };
      const recorded = new Set<string>();
      for (const spec of slices) {
        const family = loaded.registry.get(spec.family);
        if (!family || recorded.has(spec.timeframe)) continue;
        await runTrial(
          trialEngine(engine, loaded.registry, spec, defaultSettings(family, engine, spec.timeframe)),
          loaded.registry,
          data,
          recorded.size === 0 ? market : { entries: market.entries },
        );
        recorded.add(spec.timeframe);
      }

      const setup = {
        engine,
        inputs: inputs.map((f) => ({ ...f, path: resolve(f.path) })),
        to,
        strategyPaths: loaded.config.strategyPaths.map((p) => resolve(p)),
      };
      // the queue when asked for or when redis.url is set (unless --no-queue)
      const configured = loaded.config.redis.url ?? undefined;
      const queueUrl =
        typeof opts.queue === 'string'
          ? opts.queue
          : opts.queue === true
            ? (configured ?? process.env.REDIS_URL)
            : opts.queue === false
              ? undefined
              : configured;
      if (opts.queue === true && !queueUrl) {
        throw new CliError('--queue needs a Redis URL, redis.url in the config or REDIS_URL');
      }
      // bullmq and ioredis are loaded only when a queue is used: every other command starts faster
      const queue = queueUrl ? await import('../../runtime/research/queue-runner.js') : null;
      if (queueUrl && queue) await queue.requireRedis(queueUrl);
      // this process serves the queue too, so a run finishes with no other worker up
      const local = queueUrl && queue ? queue.startQueueWorker(queueUrl, Math.max(1, workers)) : null;
      const runner =
        queueUrl && queue
          ? queue.queueRunner(setup, queueUrl)
          : workers > 0
            ? workerThreadRunner(setup, workers)
            : null;
      try {
        const report = await optimize({
          engine,
          registry: loaded.registry,
          slices,
          trials,
          folds,
          expanding: opts.expanding === true,
          minTrades,
          seed,
          from: start,
          to,
          gates: { minTrades: gateMinTrades, minLowerBound: 0, minPercentile: gatePercentile },
          baselineRuns,
          market: baselineMarketOf(engine, market),
          run: runner ?? inProcessRunner(engine, loaded.registry, data),
          onProgress: (slice) => process.stderr.write(`optimised ${slice}\n`),
        });
        if (opts.json) writeAtomic(opts.json, `${JSON.stringify(report, null, 2)}\n`);
        if (opts.out) {
          const header = `# written by alphapulse optimize: ${report.trialsPerSlice} trials per slice, ${report.folds} folds, seed ${report.seed}, trained on ${iso(report.range.from)} .. ${iso(report.range.to)}\n`;
          writeAtomic(opts.out, header + stringify({ engine: optimizedEngineSection(report) }));
        }
        process.stdout.write(`${summary(report)}\n`);
      } finally {
        await runner?.close();
        await local?.close();
      }
    });
}

export function registerOptimizeWorker(program: Command): void {
  program
    .command('optimize-worker')
    .description('serve the trials of `alphapulse optimize --queue` from a Redis queue, on this machine')
    .option('--queue <redis-url>', 'the Redis of the queue (env REDIS_URL)')
    .option('--concurrency <n>', 'trials run at once by this process', '1')
    .action(async (opts: { queue?: string; concurrency: string }) => {
      const url = opts.queue ?? process.env.REDIS_URL;
      if (!url) throw new CliError('optimize-worker needs --queue <redis-url> or REDIS_URL');
      const concurrency = wholeNumber(opts.concurrency, '--concurrency', 1, 64);
      const { requireRedis, startQueueWorker } = await import('../../runtime/research/queue-runner.js');
      await requireRedis(url);
      const { worker, close } = startQueueWorker(url, concurrency);
      worker.on('error', (e) => process.stderr.write(`optimize-worker: ${e.message}\n`));
      await worker.waitUntilReady();
      process.stdout.write(`optimize-worker serving ${url} (concurrency ${concurrency})\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          void close().then(done);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
