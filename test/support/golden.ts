import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../../src/core/candles/candle.js';
import { inferTickSize } from '../../src/core/candles/tick-size.js';
import { EngineConfig } from '../../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../../src/core/pipeline/events.js';
import { SignalPipeline } from '../../src/core/pipeline/signal-pipeline.js';
import { loadRealCandles } from './real-data.js';

/**
 * The golden output: every event the default pipeline (outcomes and shadow outcomes included)
 * emits over 13 weeks of real BTCUSDT + ETHUSDT 1m candles, in order, hashed. Any change of the
 * pipeline's output changes the hash; `npm run golden -- --update` records a new one on purpose.
 */
export const GOLDEN_FILES = ['binance_BTCUSDT_1m.csv.gz', 'binance_ETHUSDT_1m.csv.gz'] as const;

const here = dirname(fileURLToPath(import.meta.url));
export const GOLDEN_JSON = resolve(here, '..', 'golden', 'pipeline-events.json');
/** Two bytes of each event's own hash, in order: enough to find the first event that changed. */
export const GOLDEN_BIN = resolve(here, '..', 'golden', 'pipeline-events.bin');

export interface GoldenRecord {
  readonly sha256: string;
  readonly events: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

export interface GoldenRun extends GoldenRecord {
  /** Each event as the JSON text that was hashed. */
  readonly texts: readonly string[];
  /** Per event, the first two bytes of its sha256. */
  readonly short: Uint8Array;
}

/** Merges the symbols' candles in time order (ties: symbols in name order), like a live feed. */
function* merged(series: Readonly<Record<string, readonly Candle[]>>): Generator<[string, Candle]> {
  const symbols = Object.keys(series).sort();
  const idx = symbols.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < symbols.length; k++) {
      const c = series[symbols[k]][idx[k]];
      if (c && (best < 0 || c.openTime < series[symbols[best]][idx[best]].openTime)) best = k;
    }
    if (best < 0) return;
    yield [symbols[best], series[symbols[best]][idx[best]++]];
  }
}

/** The text hashed for one event: its JSON (NaN and Infinity print as null, as in storage). */
export function eventText(e: PipelineEvent): string {
  return JSON.stringify(e);
}

export function runGolden(): GoldenRun {
  const series: Record<string, Candle[]> = {};
  for (const f of GOLDEN_FILES) series[f.replace(/^binance_|_1m\.csv\.gz$/g, '')] = loadRealCandles(f);
  const pipeline = new SignalPipeline(EngineConfig.parse({}));
  // as the file commands do: each symbol's tick size inferred from its data
  for (const [symbol, candles] of Object.entries(series)) {
    pipeline.setTickSize(symbol, inferTickSize(candles) ?? Number.NaN);
  }
  const texts: string[] = [];
  const counts: Record<string, number> = {};
  const sink = (e: PipelineEvent): void => {
    texts.push(eventText(e));
    counts[e.type] = (counts[e.type] ?? 0) + 1;
  };
  for (const [symbol, candle] of merged(series)) pipeline.process(symbol, candle, sink);
  const total = createHash('sha256');
  const short = new Uint8Array(texts.length * 2);
  texts.forEach((t, i) => {
    total.update(t).update('\n');
    const h = createHash('sha256').update(t).digest();
    short[2 * i] = h[0];
    short[2 * i + 1] = h[1];
  });
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    sha256: total.digest('hex'),
    events: texts.length,
    counts: sorted,
    files: GOLDEN_FILES,
    texts,
    short,
  };
}

export function readGolden(): { record: GoldenRecord; short: Uint8Array } | null {
  if (!existsSync(GOLDEN_JSON) || !existsSync(GOLDEN_BIN)) return null;
  const record = JSON.parse(readFileSync(GOLDEN_JSON, 'utf8')) as GoldenRecord;
  return { record, short: new Uint8Array(readFileSync(GOLDEN_BIN)) };
}

export function writeGolden(run: GoldenRun): void {
  const record: GoldenRecord = {
    sha256: run.sha256,
    events: run.events,
    counts: run.counts,
    files: run.files,
  };
  writeFileSync(GOLDEN_JSON, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(GOLDEN_BIN, run.short);
}

const clip = (s: string, n = 600): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** What changed between the recorded golden output and this run, for a person; '' when equal. */
export function describeChange(
  before: { record: GoldenRecord; short: Uint8Array } | null,
  now: GoldenRun,
): string {
  if (!before)
    return `no golden output recorded yet (${join('test', 'golden')}); run: npm run golden -- --update`;
  if (before.record.sha256 === now.sha256) return '';
  const lines: string[] = [
    `pipeline output changed: sha256 ${before.record.sha256.slice(0, 16)}… -> ${now.sha256.slice(0, 16)}…`,
    `events: ${before.record.events} -> ${now.events}`,
  ];
  const types = new Set([...Object.keys(before.record.counts), ...Object.keys(now.counts)]);
  for (const t of [...types].sort()) {
    const a = before.record.counts[t] ?? 0;
    const b = now.counts[t] ?? 0;
    lines.push(`  ${t}: ${a} -> ${b}${a === b ? '' : ` (${b - a > 0 ? '+' : ''}${b - a})`}`);
  }
  const n = Math.min(before.short.length, now.short.length) / 2;
  let first = -1;
  for (let i = 0; i < n && first < 0; i++) {
    if (before.short[2 * i] !== now.short[2 * i] || before.short[2 * i + 1] !== now.short[2 * i + 1])
      first = i;
  }
  if (first < 0) first = n;
  if (first < now.texts.length) {
    lines.push(`first differing event: #${first} (0-based); now:`, `  ${clip(now.texts[first])}`);
  } else {
    lines.push(`the first ${first} events are unchanged; the new run ends there`);
  }
  return lines.join('\n');
}
