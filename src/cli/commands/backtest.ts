import { renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describeInputs } from '../../adapters/market/file-inputs.js';
import { runBacktest } from '../../runtime/backtest/backtest.js';
import { formatSummary } from '../../runtime/backtest/summary.js';
import { resolveConfidenceModelsFor } from '../../runtime/confidence-models.js';
import { engineForInputs } from '../../runtime/engine-for-inputs.js';
import {
  CliError,
  configFor,
  parseFractionOption,
  parseTimeOption,
  parseWholeOption,
  progress,
} from '../common.js';
import { JsonlFile } from '../jsonl-file.js';

interface BacktestCliOptions {
  input: string[];
  symbol?: string;
  from?: string;
  to?: string;
  json?: string;
  signalsOut?: string;
  html?: string;
  walkForward?: string;
  minTrades: string;
  baselineRuns: string;
  seed: string;
  riskPerTrade?: string;
  maxOpenRisk?: string;
  store: boolean;
  db?: string;
}

/** Writes a whole file under a temporary name, then renames it: never a half-written report. */
function writeAtomic(path: string, text: string): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('replay candle files through the live signal pipeline and report the track record')
    .requiredOption('-i, --input <file...>', 'base-timeframe candle files, one per symbol (repeat --input)')
    .option('-s, --symbol <symbol>', 'symbol of a single input whose name does not tell it')
    .option('--from <time>', 'report signals created at or after this time (earlier candles still warm up)')
    .option('--to <time>', 'stop reading candles at this time')
    .option('--json <report.json>', 'write the whole report as JSON')
    .option('--signals-out <signals.jsonl>', 'write every signal with its outcome, one JSON object per line')
    .option('--html <report.html>', 'write a self-contained HTML report (works offline)')
    .option('--walk-forward <n>', 'split the range into n consecutive windows and report each')
    .option('--min-trades <n>', 'figures resting on fewer trades are marked unreliable', '30')
    .option(
      '--baseline-runs <n>',
      'random-entry runs every trade is compared with (same geometry, exits and costs); 0 skips them',
      '200',
    )
    .option('--seed <n>', 'seed of the random-entry runs and of the bootstrap intervals', '42')
    .option(
      '--risk-per-trade <fraction>',
      'equity risked per trade at its stop (default: config portfolio.riskPerTrade, 0.01)',
    )
    .option(
      '--max-open-risk <fraction>',
      'cap on the risk of all open trades together (default: config portfolio.maxOpenRisk, 0.1)',
    )
    .option('--no-store', 'do not save the run in the store')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .action(async (opts: BacktestCliOptions, cmd: Command) => {
      const loaded = await configFor(cmd, opts.db);
      const from = parseTimeOption(opts.from, '--from');
      const to = parseTimeOption(opts.to, '--to');
      if (from !== undefined && to !== undefined && to <= from)
        throw new CliError('--to must be after --from');
      const walk =
        opts.walkForward === undefined
          ? undefined
          : parseWholeOption(opts.walkForward, '--walk-forward', { min: 1, max: 100, what: 'windows' });
      const minTrades = parseWholeOption(opts.minTrades, '--min-trades', { min: 1, max: 1_000_000 });
      const baselineRuns = parseWholeOption(opts.baselineRuns, '--baseline-runs', {
        min: 0,
        max: 10_000,
        what: 'runs',
        hint: '0 skips the random baseline',
      });
      const seed = parseWholeOption(opts.seed, '--seed', { min: 0, max: 4_294_967_295 });
      const { portfolio } = loaded.config;
      const riskPerTrade =
        opts.riskPerTrade === undefined
          ? portfolio.riskPerTrade
          : parseFractionOption(opts.riskPerTrade, '--risk-per-trade', 1);
      const maxOpenRisk =
        opts.maxOpenRisk === undefined
          ? portfolio.maxOpenRisk
          : parseFractionOption(opts.maxOpenRisk, '--max-open-risk', 10);
      const inputs = await describeInputs(opts.input, opts.symbol);
      const engine = engineForInputs(loaded, inputs[0].timeframe);
      const confidence = await resolveConfidenceModelsFor(loaded, engine.confidence.model, opts.store);
      const bar = progress('backtest');
      let result: Awaited<ReturnType<typeof runBacktest>>;
      try {
        result = await runBacktest({
          engine,
          registry: loaded.registry,
          confidence,
          inputs,
          from,
          to,
          walkForward: walk,
          metrics: { minTrades, seed, riskPerTrade, maxOpenRisk },
          baseline: baselineRuns === 0 ? false : { runs: baselineRuns, seed },
          onProgress: (n) => bar.update(n),
        });
      } finally {
        bar.stop();
      }
      const { report, signals } = result;
      if (opts.json) writeAtomic(opts.json, `${JSON.stringify(report, null, 2)}\n`);
      if (opts.signalsOut) {
        const f = new JsonlFile(opts.signalsOut);
        for (const s of signals) f.write(s);
        await f.close(true);
      }
      if (opts.html) {
        const { renderHtmlReport } = await import('../../runtime/backtest/html-report.js');
        writeAtomic(opts.html, renderHtmlReport({ report, signals, charts: result.charts }));
      }
      let stored = '';
      if (opts.store) {
        const { openStores } = await import('../../adapters/store/open-stores.js');
        const stores = await openStores(loaded);
        try {
          const id = await stores.signals.saveBacktestRun(report, signals);
          stored = `\nsaved as backtest run ${id} in ${stores.where}`;
        } finally {
          await stores.close();
        }
      }
      process.stdout.write(`${formatSummary(report)}${stored}\n`);
    });
}
