/**
 * Issue 15 measurements on the TRAINING part only (candles before 2025-07-01; docs/RESULTS.md).
 *
 *   npx tsx scripts/research/issue15.ts merge [--base 1h]     merging agreeing timeframes vs keeping them apart
 *   npx tsx scripts/research/issue15.ts validity [--base 1h]  entry validity 2 h vs the old 8 signal candles
 *
 * Data: the five 5m files (BTC 2024-01..2025-06, ETH/SOL/XRP/BNB 2024-12-31..2025-06), base 5m,
 * signal timeframes 15m/1h/4h; with --base 1h the five 1h files (BTC 2017-08..2025-06, the others
 * 2024-09..2025-06), signal timeframes 4h/1d. The formula's confidence (no model: nothing fitted).
 * Two populations: the default engine, and "past the cost floor" (filters cost_dominated,
 * duplicate and cooldown only), which lets enough signals through on every timeframe to measure.
 * Every figure is net R per trade after fees 0.1 % + slippage 0.02 % per side, with a 95 %
 * bootstrap interval (2,000 resamples, seed 42) and n. ALPHAPULSE_DATA_DIR overrides the data
 * folder (default ../shared/data/ohlcv).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FileInput, mergeFiles } from '../../src/adapters/market/file-inputs.js';
import { bootstrapTradeIntervals } from '../../src/core/metrics/bootstrap.js';
import { mulberry32 } from '../../src/core/metrics/random.js';
import { netROf } from '../../src/core/outcomes/trade-record.js';
import type { Outcome } from '../../src/core/outcomes/types.js';
import { EngineConfig } from '../../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../../src/core/pipeline/events.js';
import type { RejectedCandidate, Signal } from '../../src/core/signals/types.js';
import { PipelineDriver } from '../../src/runtime/driver.js';

const TRAIN_END = Date.UTC(2025, 6, 1);
const here = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(
  process.env.ALPHAPULSE_DATA_DIR ?? join(here, '..', '..', '..', 'shared', 'data', 'ohlcv'),
);
/** Symbol and price step (SOURCES.md: 2 decimals, 4 for XRP); no row after the split is read. */
const FILES: readonly [string, number][] = [
  ['BTCUSDT', 0.01],
  ['ETHUSDT', 0.01],
  ['SOLUSDT', 0.01],
  ['XRPUSDT', 0.0001],
  ['BNBUSDT', 0.01],
];
/** `--base 1h`: the five 1h files (4h and 1d signals) instead of the 5m ones (15m, 1h, 4h). */
const ON_1H = process.argv.includes('--base') && process.argv[process.argv.indexOf('--base') + 1] === '1h';
const INPUTS: FileInput[] = FILES.map(([symbol, tickSize]) => ({
  path: join(
    DATA,
    `binance_${symbol}_${ON_1H ? '1h' : '5m'}.csv${ON_1H && symbol !== 'BTCUSDT' ? '' : '.gz'}`,
  ),
  symbol,
  timeframe: ON_1H ? '1h' : '5m',
  tickSize,
}));
const SIGNAL_TFS = ON_1H ? ['4h', '1d'] : ['15m', '1h', '4h'];

const BASE = {
  baseTimeframe: ON_1H ? '1h' : '5m',
  signalTimeframes: SIGNAL_TFS.map((timeframe) => ({ timeframe })),
};
const POPULATIONS: Record<string, Record<string, unknown>> = {
  default: {},
  'past the cost floor': { filters: ['cost_dominated', 'duplicate', 'cooldown'] },
};

interface Run {
  readonly signals: Map<string, Signal>;
  readonly outcomes: Map<string, Outcome>;
  readonly rejected: RejectedCandidate[];
  readonly shadow: Map<string, Outcome>;
}

async function run(engine: Record<string, unknown>): Promise<Run> {
  const cfg = EngineConfig.parse({ ...BASE, ...engine });
  const signals = new Map<string, Signal>();
  const outcomes = new Map<string, Outcome>();
  const rejected: RejectedCandidate[] = [];
  const shadow = new Map<string, Outcome>();
  const sink = (e: PipelineEvent): void => {
    if (e.type === 'signal.created') signals.set(e.signal.id, e.signal);
    else if (e.type === 'signal.updated' && signals.has(e.signal.id)) signals.set(e.signal.id, e.signal);
    else if (e.type === 'signal.rejected') rejected.push(e.candidate);
    else if (e.type === 'outcome.closed') (e.shadow ? shadow : outcomes).set(e.outcome.signalId, e.outcome);
  };
  const driver = new PipelineDriver(cfg, sink, { symbols: INPUTS });
  await driver.run(mergeFiles(INPUTS, TRAIN_END));
  return { signals, outcomes, rejected, shadow };
}

interface Stat {
  readonly n: number;
  readonly mean: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly win: number | null;
}

function stat(xs: readonly number[]): Stat {
  if (xs.length === 0) return { n: 0, mean: null, lo: null, hi: null, win: null };
  const ci = bootstrapTradeIntervals(xs, 2000, 42);
  return {
    n: xs.length,
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    lo: ci?.expectancyR[0] ?? null,
    hi: ci?.expectancyR[1] ?? null,
    win: xs.filter((x) => x > 0).length / xs.length,
  };
}

/** 95 % bootstrap interval of mean(a) − mean(b), the two resampled independently. */
function diff(a: readonly number[], b: readonly number[]): [number, number, number] | null {
  if (a.length === 0 || b.length === 0) return null;
  const r = mulberry32(42);
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ds: number[] = [];
  for (let k = 0; k < 2000; k++) {
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < a.length; i++) sa += a[Math.floor(r() * a.length)];
    for (let i = 0; i < b.length; i++) sb += b[Math.floor(r() * b.length)];
    ds.push(sa / a.length - sb / b.length);
  }
  ds.sort((x, y) => x - y);
  return [mean(a) - mean(b), ds[Math.floor(0.025 * 2000)], ds[Math.floor(0.975 * 2000)]];
}

const f = (x: number | null, d = 3) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);
const line = (name: string, s: Stat) =>
  `  ${name.padEnd(44)} n ${String(s.n).padStart(5)}  net R ${f(s.mean)} [${f(s.lo)}, ${f(s.hi)}]  win ${s.win === null ? '-' : `${(100 * s.win).toFixed(1)}%`}`;
const dline = (name: string, d: [number, number, number] | null) =>
  `  ${name.padEnd(44)} ${d === null ? '-' : `${f(d[0])} [${f(d[1])}, ${f(d[2])}]`}`;

/** Net R of the filled trades among `ids` in `outcomes`. */
function netRs(ids: Iterable<string>, outcomes: ReadonlyMap<string, Outcome>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const o = outcomes.get(id);
    if (o?.filled) out.push(netROf(o));
  }
  return out;
}

/** The merge window: 4h on the 5m files, 1d on the 1h files (one candle of the highest timeframe). */
const MERGE_WINDOW = ON_1H ? '1d' : '4h';

async function merge(): Promise<void> {
  console.log(
    `Merging agreeing signal timeframes (window ${MERGE_WINDOW}), training part < 2025-07-01, ${ON_1H ? '1h' : '5m'} files x5`,
  );
  for (const [name, pop] of Object.entries(POPULATIONS)) {
    const apart = await run(pop);
    const merged = await run({ ...pop, merge: { enabled: true, window: MERGE_WINDOW } });
    const a = netRs(apart.signals.keys(), apart.outcomes);
    const m = netRs(merged.signals.keys(), merged.outcomes);
    const mergedIds = merged.rejected.filter((r) => r.reason === 'merged').map((r) => r.id);
    const withEvidence = [...merged.signals.values()]
      .filter((s) => (s.evidence?.length ?? 0) > 0)
      .map((s) => s.id);
    const alone = [...merged.signals.values()].filter((s) => !s.evidence?.length).map((s) => s.id);
    console.log(`\npopulation: ${name}`);
    console.log(
      `  signals: kept apart ${apart.signals.size}, merged run ${merged.signals.size}, merged away ${mergedIds.length}`,
    );
    console.log(line('kept apart: every signal', stat(a)));
    console.log(line('merged: the signals published', stat(m)));
    console.log(dline('merged minus apart (net R per trade)', diff(m, a)));
    console.log(line('merged away (their shadow outcomes)', stat(netRs(mergedIds, merged.shadow))));
    console.log(line('merged run: signals with evidence', stat(netRs(withEvidence, merged.outcomes))));
    console.log(line('merged run: signals alone', stat(netRs(alone, merged.outcomes))));
    console.log(
      dline(
        'with evidence minus alone',
        diff(netRs(withEvidence, merged.outcomes), netRs(alone, merged.outcomes)),
      ),
    );
  }
}

async function validity(): Promise<void> {
  console.log(
    `Entry validity: 2h on every timeframe vs 8 signal candles (${SIGNAL_TFS.join(', ')}), training part < 2025-07-01, ${ON_1H ? '1h' : '5m'} files x5`,
  );
  const eight = { signalTimeframes: SIGNAL_TFS.map((timeframe) => ({ timeframe, expiryCandles: 8 })) };
  // every candidate with prices is followed (signals and shadows alike), so the filters do not
  // change this population: the default engine's candidates
  for (const [name, pop] of [['default', {}]] as const) {
    console.log(`\npopulation: ${name} (signals and the shadows of filtered candidates with prices)`);
    for (const [label, extra] of [
      ['2h', {}],
      ['8 candles', eight],
    ] as const) {
      const r = await run({ ...pop, ...extra });
      const all = new Map<string, Outcome>([...r.shadow, ...r.outcomes]);
      const sigs = [...r.signals.values(), ...r.rejected.flatMap((c) => (c.signal ? [c.signal] : []))];
      for (const tf of SIGNAL_TFS) {
        const limits = sigs.filter((s) => s.timeframe === tf && s.entryType !== 'MARKET_ENTRY');
        const closed = limits.flatMap((s) => {
          const o = all.get(s.id);
          return o && (o.filled || o.type === 'EXPIRED') ? [o] : [];
        });
        const filled = closed.filter((o) => o.filled);
        const perSignal = closed.map((o) => (o.filled ? netROf(o) : 0));
        console.log(
          `  ${label.padEnd(10)} ${tf.padEnd(4)} limit entries ${String(closed.length).padStart(5)}, filled ${closed.length ? ((100 * filled.length) / closed.length).toFixed(1) : '-'}%`,
        );
        console.log(line(`   ${label} ${tf}: per filled trade`, stat(filled.map(netROf))));
        console.log(line(`   ${label} ${tf}: per limit signal (unfilled 0 R)`, stat(perSignal)));
      }
    }
  }
}

const what = process.argv[2];
if (what === 'merge') await merge();
else if (what === 'validity') await validity();
else {
  console.error('usage: npx tsx scripts/research/issue15.ts merge|validity');
  process.exitCode = 2;
}
