import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { SqliteAuditStore } from '../../adapters/store/sqlite-audit-store.js';
import { SqliteCandleStore } from '../../adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../../adapters/store/sqlite-database.js';
import { SqliteModelStore } from '../../adapters/store/sqlite-model-store.js';
import { parseTimeframe } from '../../core/candles/timeframe.js';
import { formatFixed, formatPrice } from '../../core/format.js';
import { type CandidateEvaluation, EvaluationError } from '../../core/pipeline/evaluation.js';
import { CandlesNotStoredError } from '../../runtime/candles/read-stored.js';
import { evaluateStored } from '../../runtime/evaluate-stored.js';
import { CliError, configFor, formatInt, iso } from '../common.js';

interface EvaluateOptions {
  symbol: string;
  timeframe: string;
  exchange?: string;
  db?: string;
  json?: boolean;
}

/** Who runs a CLI command, for the audit trail. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function describe(k: CandidateEvaluation, tick: number | undefined): string {
  const head = `${k.id}: ${k.verdict}${k.rejection ? ` (${k.rejection.reason}: ${k.rejection.detail})` : ''}`;
  const s = k.signal;
  if (!s) return head;
  const p = (x: number) => formatPrice(x, tick);
  const lines = [
    head,
    `    ${s.entryType} entry ${p(s.entryPrice)}, stop ${p(s.stopLoss)}, targets ${s.takeProfits.map(p).join(' / ')}, R:R ${formatFixed(s.rewardRisk, 2)}`,
    `    confidence ${formatFixed(s.confidence, 3)} (ensemble ${formatFixed(s.breakdown.ensembleScore, 3)}: ${s.breakdown.votes.map((v) => `${v.voter} ${formatFixed(v.score, 2)}`).join(', ')}), health ${formatFixed(s.health.score, 3)}, priority ${s.priority}`,
    `    entry: ${s.entryAnalysis.why}`,
    `    filters: ${k.filters.map((f) => `${f.name} ${f.passed ? 'ok' : 'FAILS'}`).join(', ')}`,
  ];
  return lines.join('\n');
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'on-demand run on stored candles: replay the symbol through a fresh pipeline, then show every candidate of the latest closed candle of a signal timeframe with its plan, scores and every filter’s verdict (audited; publishes nothing)',
    )
    .requiredOption('-s, --symbol <symbol>', 'symbol, e.g. BTCUSDT')
    .requiredOption('-t, --timeframe <tf>', 'a signal timeframe, e.g. 1h')
    .option('-e, --exchange <name>', 'exchange the candles are stored under (default from config)')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .option('--json', 'print the whole evaluation as JSON')
    .action(async (opts: EvaluateOptions, cmd: Command) => {
      let timeframe: ReturnType<typeof parseTimeframe>;
      try {
        timeframe = parseTimeframe(opts.timeframe);
      } catch (e) {
        throw new CliError(`--timeframe: ${(e as Error).message}`);
      }
      const symbol = opts.symbol.toUpperCase();
      if (!/^[A-Z0-9]{2,20}$/.test(symbol)) {
        throw new CliError(
          `--symbol "${opts.symbol}" is not a symbol; use upper-case letters and digits like BTCUSDT`,
        );
      }
      const loaded = await configFor(cmd, opts.db);
      const db = openSqlite(loaded.dbPath);
      try {
        const { run, series, candles } = await evaluateStored({
          loaded,
          stores: {
            candles: new SqliteCandleStore(db),
            audit: new SqliteAuditStore(db),
            models: new SqliteModelStore(db),
          },
          exchange: opts.exchange ?? loaded.config.exchange,
          symbol,
          timeframe,
          actor: cliActor(),
          warn: (msg) => process.stderr.write(`warning: ${msg}\n`),
        });
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(run, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
          );
          return;
        }
        const tick = run.candidates.find((k) => k.plan)?.plan?.tickSize;
        process.stdout.write(
          `${symbol} ${timeframe} candle closed ${iso(run.candle.closeTime)} at ${formatPrice(run.candle.close, tick)}; replayed ${formatInt(candles)} stored ${series.exchange} ${series.timeframe} candles up to ${iso(run.asOf)}\n`,
        );
        if (run.candidates.length === 0)
          process.stdout.write('no strategy proposed a candidate on this candle\n');
        for (const k of run.candidates) process.stdout.write(`${describe(k, tick)}\n`);
      } catch (e) {
        if (e instanceof EvaluationError || e instanceof CandlesNotStoredError) throw new CliError(e.message);
        throw e;
      } finally {
        if (db.open) db.close();
      }
    });
}
