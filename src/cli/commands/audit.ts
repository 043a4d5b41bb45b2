import type { Command } from 'commander';
import { SqliteAuditStore } from '../../adapters/store/sqlite-audit-store.js';
import { openSqlite } from '../../adapters/store/sqlite-database.js';
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
      const store = new SqliteAuditStore(openSqlite(loaded.dbPath));
      try {
        const v = await store.verify();
        if (!v.ok) {
          throw new CliError(`audit trail of ${loaded.dbPath} is broken at row ${v.badSeq}: ${v.problem}`);
        }
        process.stdout.write(
          `audit trail of ${loaded.dbPath} holds: ${formatInt(v.rows)} rows, chain intact, head ${v.head}\n` +
            '(keep the head elsewhere to notice rows cut off the end later)\n',
        );
      } finally {
        await store.close();
      }
    });
}
