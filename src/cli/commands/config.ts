import type { Command } from 'commander';
import { stringify } from 'yaml';
import { describeConfig } from '../../config/load.js';
import { configFor } from '../common.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('show the configuration: every field with its default, or the effective values')
    .option('--print', 'print every field with its default and description')
    .option('--effective', 'print the configuration in force (defaults <- file <- environment)')
    .action(async (opts: { print?: boolean; effective?: boolean }, cmd: Command) => {
      if (opts.effective) {
        const loaded = await configFor(cmd);
        process.stdout.write(
          `# from ${loaded.file ?? 'defaults and environment'}; database: ${loaded.dbPath}\n`,
        );
        process.stdout.write(stringify(loaded.config));
        return;
      }
      process.stdout.write(`${describeConfig((await configFor(cmd)).registry)}\n`);
    });
}
