import { Command } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerBacktest } from './commands/backtest.js';
import { registerCandles } from './commands/candles.js';
import { registerConfig } from './commands/config.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerImport } from './commands/import.js';
import { registerIndicators } from './commands/indicators.js';
import { registerOptimize, registerOptimizeWorker } from './commands/optimize.js';
import { registerResample } from './commands/resample.js';
import { registerServe } from './commands/serve.js';
import { registerSignals } from './commands/signals.js';
import { registerTrain } from './commands/train.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('alphapulse')
    .description('AlphaPulse: crypto trading signals from candles, with tracked outcomes')
    .option('-c, --config <file>', 'YAML config file (default: ./alphapulse.config.yaml when present)')
    .option('--verbose', 'print stack traces with errors')
    .option(
      '--strategy-path <file>',
      'a strategy file (.ts or .js) to load beside the built-in families; repeat for several (docs/STRATEGIES.md)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--model <setting>',
      'the confidence model: auto, active, shipped, none or a model file (overrides engine.confidence.model)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerImport(program);
  registerResample(program);
  registerCandles(program);
  registerIndicators(program);
  registerSignals(program);
  registerBacktest(program);
  registerOptimize(program);
  registerOptimizeWorker(program);
  registerConfig(program);
  registerTrain(program);
  registerEvaluate(program);
  registerAudit(program);
  return program;
}
