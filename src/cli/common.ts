import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { openStores } from '../adapters/store/open-stores.js';
import type { CandleStore } from '../adapters/store/ports.js';
import { type LoadedConfig, loadConfigWithStrategies } from '../config/load.js';

/** An error meant for the person at the terminal: printed as one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  strategyPath?: string[];
  model?: string;
}

/**
 * Loads the configuration for a command, applying `--db` when the command has it, with the
 * strategy files of `strategyPaths` and `--strategy-path` loaded into its registry.
 */
export function configFor(cmd: Command, db?: string): Promise<LoadedConfig> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfigWithStrategies({
    file: globals.config ?? process.env.ALPHAPULSE_CONFIG,
    overrides: [
      [['store', 'path'], db],
      [['engine', 'confidence', 'model'], globals.model],
    ],
    extraStrategyPaths: globals.strategyPath ?? [],
  });
}

/** The configured store's candles (SQLite or PostgreSQL); closing it closes the database. */
export async function openCandleStore(loaded: LoadedConfig): Promise<CandleStore> {
  return (await openStores(loaded)).candles;
}

/** Parses an ISO-8601 time (or epoch milliseconds) given to the option `name`. */
export function parseTimeOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const asNumber = Number(value);
  const t = /^\d+$/.test(value) ? asNumber : Date.parse(value);
  if (!Number.isFinite(t)) {
    throw new CliError(
      `${name} "${value}" is not a time; use ISO-8601 like 2025-05-20 or 2025-05-20T12:00:00Z`,
    );
  }
  return t;
}

/**
 * A whole number given to the option `name`, from `min` to `max`; otherwise a one-line error
 * naming the option, the value and what it takes (`what`, e.g. "runs"; `hint`, e.g. what 0 means).
 */
export function parseWholeOption(
  value: string,
  name: string,
  range: { readonly min: number; readonly max: number; readonly what?: string; readonly hint?: string },
): number {
  const n = Number(value);
  if (/^\s*-?\d+\s*$/.test(value) && Number.isSafeInteger(n) && n >= range.min && n <= range.max) return n;
  const of = range.what ? ` of ${range.what}` : '';
  const hint = range.hint ? ` (${range.hint})` : '';
  throw new CliError(
    `${name} "${value}" must be a whole number${of} from ${formatInt(range.min)} to ${formatInt(range.max)}${hint}`,
  );
}

/** A fraction of equity given to the option `name`: above 0 and at most `max`. */
export function parseFractionOption(value: string, name: string, max: number): number {
  const x = Number(value);
  if (value.trim() !== '' && Number.isFinite(x) && x > 0 && x <= max) return x;
  throw new CliError(
    `${name} "${value}" must be a fraction of equity above 0 and at most ${max} (0.01 = 1 %)`,
  );
}

export function iso(t: number | null | undefined): string {
  return t === null || t === undefined ? '-' : new Date(t).toISOString().replace('.000Z', 'Z');
}

/** A progress bar on a terminal; silent when stdout is a pipe or a file. */
export interface Progress {
  update(value: number): void;
  stop(): void;
}

export function progress(label: string, total?: number): Progress {
  if (!process.stdout.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: total ? `${label} [{bar}] {percentage}% | {value}/{total}` : `${label} {value} rows`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  return {
    update: (v) => bar.update(v),
    stop: () => bar.stop(),
  };
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}
