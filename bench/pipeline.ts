import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCandleRows } from '../src/adapters/market/candle-file.js';
import type { SymbolCandle } from '../src/adapters/market/time-order.js';
import { Aggregator } from '../src/core/candles/aggregator.js';
import type { Candle } from '../src/core/candles/candle.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { DATA_DIR, fmt, machine, median, table, timeRuns, writeResults } from './lib.js';

const FILES: Record<string, string> = {
  BTCUSDT: 'binance_BTCUSDT_1m.csv.gz',
  ETHUSDT: 'binance_ETHUSDT_1m.csv.gz',
};

async function load(file: string): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const batch of readCandleRows(join(DATA_DIR, file)))
    for (const r of batch) if (r.ok) out.push(r.candle);
  return out;
}

/**
 * A pipeline run reaches V8's optimised code only on its third or fourth pass over the 261k
 * candles (measured: 405, 205, 148, 130 ms for the first four), so three untimed runs come first.
 */
const PIPELINE_WARMUP = 3;
const PIPELINE_RUNS = 7;

/**
 * The same 2 symbols x 13 weeks of 1m candles, interleaved in time order as a live feed
 * delivers them, through (a) the aggregation the pipeline needs and nothing else, (b) the
 * pipeline with no strategy enabled (aggregation and features), (c) the whole SignalPipeline
 * with every strategy on 15m/1h/4h and (d) the backtest. File parsing is outside the timing.
 */
export async function runPipelineBench(): Promise<void> {
  if (!Object.values(FILES).every((f) => existsSync(join(DATA_DIR, f)))) {
    console.log('pipeline bench skipped: real 1m files not found (set ALPHAPULSE_DATA_DIR)');
    return;
  }
  const symbols = Object.keys(FILES);
  const series = await Promise.all(symbols.map((s) => load(FILES[s])));
  const feedSymbols: string[] = [];
  const feed: Candle[] = [];
  const idx = symbols.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < symbols.length; k++) {
      const c = series[k][idx[k]];
      if (c && (best < 0 || c.openTime < series[best][idx[best]].openTime)) best = k;
    }
    if (best < 0) break;
    feedSymbols.push(symbols[best]);
    feed.push(series[best][idx[best]++]);
  }
  const engine = EngineConfig.parse({});
  const targets = [...new SignalPipeline(engine).timeframes().keys()].filter(
    (tf) => tf !== engine.baseTimeframe,
  );

  const aggMs = await timeRuns(
    () => {
      const aggs = new Map(symbols.map((s) => [s, new Aggregator(engine.baseTimeframe, targets, () => {})]));
      for (let i = 0; i < feed.length; i++) aggs.get(feedSymbols[i])?.push(feed[i]);
    },
    7,
    2,
  );
  // the floor under the pipeline: the same aggregation plus every timeframe's features, with no
  // strategy enabled (so no candidates, risk, texts or outcome tracking)
  const featuresOnly = EngineConfig.parse({
    strategies: Object.fromEntries(
      ['momentum', 'breakout', 'mean_reversion', 'scalping'].map((k) => [k, { enabled: false }]),
    ),
  });
  const featMs = await timeRuns(
    () => {
      const p = new SignalPipeline(featuresOnly);
      const sink = () => {};
      for (let i = 0; i < feed.length; i++) p.process(feedSymbols[i], feed[i], sink);
    },
    PIPELINE_RUNS,
    PIPELINE_WARMUP,
  );
  let signals = 0;
  const pipeMs = await timeRuns(
    () => {
      const p = new SignalPipeline(engine);
      signals = 0;
      const sink = (e: { type: string }) => {
        if (e.type === 'signal.created') signals++;
      };
      for (let i = 0; i < feed.length; i++) p.process(feedSymbols[i], feed[i], sink);
    },
    PIPELINE_RUNS,
    PIPELINE_WARMUP,
  );
  // the backtest end to end (pipeline, outcome tracking, policy replays, metrics), file parsing excluded
  const batches: SymbolCandle[][] = [];
  for (let i = 0; i < feed.length; i += 8192) {
    batches.push(feed.slice(i, i + 8192).map((candle, k) => ({ symbol: feedSymbols[i + k], candle })));
  }
  const inputs = symbols.map((s) => ({ path: FILES[s], symbol: s, timeframe: engine.baseTimeframe }));
  const btMs = await timeRuns(() => runBacktest({ engine, inputs, feed: batches }), 3, 1);
  const bt = (feed.length / median(btMs)) * 1000;
  const agg = (feed.length / median(aggMs)) * 1000;
  const pipe = (feed.length / median(pipeMs)) * 1000;
  const feat = (feed.length / median(featMs)) * 1000;
  console.log('\n## Signal pipeline (2 symbols x 13 weeks of 1m, strategies on 15m/1h/4h; medians)');
  console.log(
    table(
      ['run', 'base candles/s', 'vs aggregation-only'],
      [
        [`aggregation only (${targets.join(', ')})`, fmt(agg), '1.00x'],
        ['aggregation + features (no strategy enabled)', fmt(feat), `${(feat / agg).toFixed(2)}x`],
        [
          'full SignalPipeline (incl. outcome tracking)',
          fmt(pipe),
          `${(pipe / agg).toFixed(2)}x (goal >= 0.33x)`,
        ],
        ['backtest end to end (no file parsing)', fmt(bt), `${(bt / agg).toFixed(2)}x`],
      ],
    ),
  );
  console.log(`(${fmt(feed.length)} candles, ${signals} signals per run)`);
  writeResults('pipeline', {
    machine: machine(),
    date: new Date().toISOString(),
    command: 'npm run bench -- pipeline',
    candles: feed.length,
    signals,
    aggregation_only_candles_per_s: agg,
    features_only_candles_per_s: feat,
    pipeline_candles_per_s: pipe,
    backtest_candles_per_s: bt,
    backtest_ms: btMs,
    ratio: pipe / agg,
    aggregation_ms: aggMs,
    features_only_ms: featMs,
    pipeline_ms: pipeMs,
  });
}
