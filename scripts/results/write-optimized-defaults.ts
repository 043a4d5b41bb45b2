/**
 * Writes src/core/learn/optimized-defaults.ts from the YAML files `alphapulse optimize --out` wrote,
 * so the shipped slice defaults are exactly what the optimizer chose (docs/RESULTS.md part 1).
 *
 *   npx tsx scripts/results/write-optimized-defaults.ts <opt-5m.yaml> <opt-4h.yaml> [more.yaml]
 *
 * Slices are written in the order of the files and, inside a file, in the optimizer's order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

interface OptimizeOutput {
  readonly engine: {
    readonly slices: Record<string, unknown>;
    readonly publication: { readonly states: Record<string, string> };
  };
}

function readOutput(path: string): { header: string; output: OptimizeOutput } {
  const text = readFileSync(path, 'utf8');
  const header = text.split('\n')[0]?.replace(/^#\s*/, '') ?? '';
  const output = parse(text) as OptimizeOutput;
  if (!output?.engine?.slices || !output.engine.publication?.states) {
    throw new Error(
      `${path}: not an alphapulse optimize output (engine.slices and engine.publication.states)`,
    );
  }
  return { header, output };
}

/** A TypeScript literal of a plain JSON value, with single quotes and unquoted simple keys. */
function literal(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? `'${value}'` : String(value);
  }
  const inner = `${indent}  `;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
    const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `'${key}'`;
    return `${inner}${name}: ${literal(v, inner)},`;
  });
  const oneLine = `{ ${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `'${k}'`}: ${literal(v, '')}`)
    .join(', ')} }`;
  return oneLine.length + indent.length <= 90 && !oneLine.includes('\n')
    ? oneLine
    : `{\n${entries.join('\n')}\n${indent}}`;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: write-optimized-defaults.ts <optimize-out.yaml> [...]');
  process.exit(2);
}
const slices: Record<string, unknown> = {};
const states: Record<string, string> = {};
const headers: string[] = [];
for (const file of files) {
  const { header, output } = readOutput(file);
  headers.push(header);
  Object.assign(slices, output.engine.slices);
  Object.assign(states, output.engine.publication.states);
}
const validated = Object.entries(states).filter(([, s]) => s === 'validated');
const verdict =
  validated.length === 0
    ? ' * No slice passed: every state is disabled, so by default nothing is published (signals are\n * still computed, stored and tracked).'
    : ` * Validated: ${validated.map(([k]) => k).join(', ')}; every other slice is disabled.`;

const body = `/**
 * The shipped defaults of every strategy slice (family x signal timeframe), exactly as
 * \`alphapulse optimize\` chose them on the TRAINING part of ../shared/data/ohlcv (candles before
 * 2025-07-01), by the protocol pre-registered in docs/RESULTS.md part 1. Written by
 * scripts/results/write-optimized-defaults.ts from the optimizer's output; do not edit by hand.
 *
 *   4h slices on the 1h files (BTC 2017-08.., ETH/SOL/XRP/BNB 2024-09..):
 *     alphapulse optimize -i <5 x binance_*USDT_1h> --to 2025-07-01 \\
 *       --slices momentum:4h,breakout:4h,mean_reversion:4h --trials 40 --folds 4 --workers 2
 *   15m and 1h slices on the 5m files (BTC 2024-01.., the alts 2025-01..):
 *     alphapulse optimize -i <5 x binance_*USDT_5m> --to 2025-07-01 --slices momentum:15m,\\
 *       breakout:15m,mean_reversion:15m,scalping:15m,momentum:1h,breakout:1h,mean_reversion:1h \\
 *       --trials 40 --folds 4 --workers 2
 *
${headers.map((h) => ` * (${h})`).join('\n')}
 *
 * Each slice's settings are the best trial over the whole training range; its state is what the
 * nested walk-forward's out-of-sample record earned against the gates (>= 60 trades, 95 %
 * interval above 0 R, >= 95th percentile of random entries).
${verdict}
 * The figures are in docs/RESULTS.md.
 */
export const OPTIMIZED_SLICES = ${literal(slices, '')} as const;

export const OPTIMIZED_STATES = ${literal(states, '')} as const;
`;
const target = fileURLToPath(new URL('../../src/core/learn/optimized-defaults.ts', import.meta.url));
writeFileSync(target, body);
console.log(`wrote ${target}: ${Object.keys(slices).length} slices, ${validated.length} validated`);
