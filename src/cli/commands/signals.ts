import type { Command } from 'commander';
import { describeInputs, mergeFiles, requireTimeframe } from '../../adapters/market/file-inputs.js';
import { resolveConfidenceModelsFor } from '../../runtime/confidence-models.js';
import { PipelineDriver } from '../../runtime/driver.js';
import { engineForInputs } from '../../runtime/engine-for-inputs.js';
import { CliError, configFor, formatInt, parseTimeOption, progress } from '../common.js';
import { JsonlFile } from '../jsonl-file.js';

interface SignalsOptions {
  input: string[];
  symbol?: string;
  from?: string;
  to?: string;
  out: string;
  rejectedOut?: string;
}

export function registerSignals(program: Command): void {
  program
    .command('signals')
    .description('run the signal pipeline over candle files and write every created signal as JSON lines')
    .requiredOption('-i, --input <file...>', 'base-timeframe candle files, one per symbol (repeat --input)')
    .requiredOption('-o, --out <file.jsonl>', 'where to write the created signals')
    .option('--rejected-out <file.jsonl>', 'where to write the filtered candidates with their reasons')
    .option('-s, --symbol <symbol>', 'symbol of a single input whose name does not tell it')
    .option('--from <time>', 'report signals created at or after this time (earlier candles still warm up)')
    .option('--to <time>', 'stop reading candles at this time')
    .action(async (opts: SignalsOptions, cmd: Command) => {
      const loaded = await configFor(cmd);
      const from = parseTimeOption(opts.from, '--from');
      const to = parseTimeOption(opts.to, '--to');
      if (from !== undefined && to !== undefined && to <= from)
        throw new CliError('--to must be after --from');
      const inputs = await describeInputs(opts.input, opts.symbol);
      const engine = engineForInputs(loaded, inputs[0].timeframe);
      requireTimeframe(inputs, engine.baseTimeframe);
      const confidence = await resolveConfidenceModelsFor(loaded, engine.confidence.model);
      const out = new JsonlFile(opts.out);
      const rejected = opts.rejectedOut ? new JsonlFile(opts.rejectedOut) : null;
      const counts = new Map<string, number>();
      const bar = progress('signals');
      let ok = false;
      try {
        const driver = new PipelineDriver(
          engine,
          (e) => {
            if (e.type === 'signal.created') {
              out.write(e.signal);
              counts.set(e.signal.strategy, (counts.get(e.signal.strategy) ?? 0) + 1);
            } else if (e.type === 'signal.rejected') rejected?.write(e.candidate);
          },
          { from, symbols: inputs, registry: loaded.registry, confidence },
        );
        const candles = await driver.run(mergeFiles(inputs, to), (n) => bar.update(n));
        bar.stop();
        ok = true;
        await out.close(true);
        await rejected?.close(true);
        const per = [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
        process.stdout.write(
          `read ${formatInt(candles)} candles of ${inputs.map((i) => i.symbol).join(', ')}; wrote ${formatInt(out.lines)} signals to ${opts.out}${per ? ` (${per})` : ''}` +
            (rejected ? `, ${formatInt(rejected.lines)} rejected candidates to ${rejected.path}` : '') +
            '\n',
        );
      } finally {
        bar.stop();
        if (!ok) {
          await out.close(false);
          await rejected?.close(false);
        }
      }
    });
}
