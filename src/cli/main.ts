#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CliError } from './common.js';
import { buildProgram } from './program.js';

/** Runs the CLI; errors become one clear line on stderr (stack only with --verbose). */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed usage or the error; help and version exit 0
      return e.exitCode;
    }
    const verbose = argv.includes('--verbose');
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`error: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
