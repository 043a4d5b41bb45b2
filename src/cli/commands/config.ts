import type { Command } from 'commander';
import { stringify } from 'yaml';
import { maskUrlPassword, storeLocation } from '../../adapters/store/open-stores.js';
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
          `# from ${loaded.file ?? 'defaults and environment'}; database: ${storeLocation(loaded)}\n`,
        );
        const { store } = loaded.config;
        const shown = store.url
          ? { ...loaded.config, store: { ...store, url: maskUrlPassword(store.url) } }
          : loaded.config;
        process.stdout.write(stringify(shown));
        return;
      }
      process.stdout.write(`${describeConfig((await configFor(cmd)).registry)}\n`);
    });
}
