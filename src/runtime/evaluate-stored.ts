import type { AuditStore, CandleStore, ModelStore, SeriesKey } from '../adapters/store/ports.js';
import type { LoadedConfig } from '../config/load.js';
import { inferTickSize } from '../core/candles/tick-size.js';
import { compareTimeframes, type Timeframe, timeframeMs } from '../core/candles/timeframe.js';
import type { Evaluation } from '../core/pipeline/evaluation.js';
import { CandlesNotStoredError } from './candles/read-stored.js';
import { resolveConfidenceModels } from './confidence-models.js';
import { PipelineDriver } from './driver.js';
import { engineForInputs } from './engine-for-inputs.js';
import { applyOperatorActions, operatorActions } from './operator-actions.js';

export interface StoredEvaluation {
  readonly run: Evaluation;
  /** The base series replayed, and how many of its candles. */
  readonly series: SeriesKey;
  readonly candles: number;
}

/**
 * The on-demand run on stored candles (`alphapulse evaluate`): the symbol's stored base candles
 * replayed through a fresh pipeline (with the operators' recorded actions applied again where
 * they happened, as recovery does), then its latest closed `timeframe` candle evaluated. Nothing
 * is published; the run is audited as `actor`. Rejects with CandlesNotStoredError or
 * EvaluationError naming what is wrong.
 */
export async function evaluateStored(opts: {
  readonly loaded: LoadedConfig;
  /** The stores of one database (the caller opens and closes it). */
  readonly stores: { readonly candles: CandleStore; readonly audit: AuditStore; readonly models: ModelStore };
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly actor: string;
  readonly warn?: (msg: string) => void;
  readonly now?: () => number;
}): Promise<StoredEvaluation> {
  const { loaded, exchange, symbol, timeframe } = opts;
  const { candles, audit } = opts.stores;
  const stored = (await candles.findSeries(exchange, symbol)).sort((a, b) =>
    compareTimeframes(a.timeframe, b.timeframe),
  );
  const finest = stored[0];
  if (!finest) {
    throw new CandlesNotStoredError(
      `no candles stored for ${exchange} ${symbol}; import some first (alphapulse import)`,
    );
  }
  const engine = engineForInputs(loaded, finest.timeframe);
  const base = engine.baseTimeframe;
  if (!stored.some((s) => s.timeframe === base)) {
    throw new CandlesNotStoredError(
      `${exchange} ${symbol} has no ${base} candles, the engine's base timeframe (stored: ${stored.map((s) => s.timeframe).join(', ')})`,
    );
  }
  const series: SeriesKey = { exchange, symbol, timeframe: base };
  const tickSize = inferTickSize(await candles.getCandles(series, { limit: 10_000 }));
  // the registry on the same database (not closed here: the caller owns it)
  const confidence = await resolveConfidenceModels(engine.confidence.model, opts.stores.models);
  const driver = new PipelineDriver(engine, () => {}, {
    registry: loaded.registry,
    confidence,
    symbols: [{ symbol, tickSize }],
  });
  const actions = await operatorActions(audit);
  const baseMs = timeframeMs(base);
  const warn = opts.warn ?? (() => {});
  let n = 0;
  for await (const page of candles.candlePages(series)) {
    for (const c of page) {
      driver.feed(symbol, c);
      applyOperatorActions(driver.pipeline, actions, symbol, c.openTime + baseMs, () => {}, warn);
    }
    n += page.length;
  }
  const run = driver.pipeline.evaluateNow(symbol, timeframe);
  await audit.append({
    at: (opts.now ?? Date.now)(),
    actor: opts.actor,
    action: 'evaluate.run',
    target: `${symbol} ${timeframe}`,
    after: {
      symbol,
      timeframe,
      publish: false,
      source: `stored ${exchange} ${base} candles`,
      candleTime: run.candle.closeTime,
      fresh: run.fresh,
      candidates: run.candidates.map((k) => ({
        id: k.id,
        verdict: k.verdict,
        rejection: k.rejection?.reason ?? null,
      })),
      created: [],
    },
  });
  return { run, series, candles: n };
}
