import type { Command } from 'commander';
import { openStores, storeLocation } from '../../adapters/store/open-stores.js';
import { CliError, configFor, formatInt } from '../common.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit trail of admin actions and engine changes');
  audit
    .command('verify')
    .description(
      'check the audit trail’s hash chain; names the first row that was altered, removed or inserted (exit 1)',
    )
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .action(async (opts: { db?: string }, cmd: Command) => {
      const loaded = await configFor(cmd, opts.db);
      // the configured store: the SQLite file, or PostgreSQL when store.url / DATABASE_URL is set
      const stores = await openStores(loaded);
      const where = storeLocation(loaded);
      try {
        const v = await stores.audit.verify();
        if (!v.ok) {
          throw new CliError(`audit trail of ${where} is broken at row ${v.badSeq}: ${v.problem}`);
        }
        process.stdout.write(
          `audit trail of ${where} holds: ${formatInt(v.rows)} rows, chain intact, head ${v.head}\n` +
            '(keep the head elsewhere to notice rows cut off the end later)\n',
        );
      } finally {
        await stores.close();
      }
    });
}
