import type { Command } from 'commander';
import { configFor, formatInt, iso, openCandleStore } from '../common.js';

interface ServeOptions {
  db?: string;
}

/**
 * The service skeleton: it opens the store (creating and migrating it) and reports what it
 * holds. The long-running live service (market feed, pipeline, API, WebSocket, dashboard)
 * is built on top of this entry point.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start AlphaPulse (for now: open the store and report what it holds)')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .action((opts: ServeOptions, cmd: Command) => {
      const loaded = configFor(cmd, opts.db);
      const store = openCandleStore(loaded);
      try {
        const series = store.listSeries();
        const lines = [
          `AlphaPulse ${loaded.file ? `config ${loaded.file}` : 'default config'}; store ${loaded.dbPath} (SQLite, WAL)`,
          series.length
            ? `stored series: ${series.length}`
            : 'the store is empty: import candles with `alphapulse import --input <file>`',
          ...series.map(
            (s) =>
              `  ${s.exchange} ${s.symbol} ${s.timeframe}: ${formatInt(s.count)} candles ${iso(s.first)} .. ${iso(s.last)}`,
          ),
          'the live service (market feed, signal pipeline, REST/WebSocket API, dashboard) is not built yet; see README',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        store.close();
      }
    });
}
