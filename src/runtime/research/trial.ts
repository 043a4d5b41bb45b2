import type { SymbolCandle } from '../../adapters/market/time-order.js';
import type { Candle } from '../../core/candles/candle.js';
import { type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { netROf } from '../../core/outcomes/trade-record.js';
import { type EngineConfig, engineConfigSchema } from '../../core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { Signal } from '../../core/signals/types.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import type { BaselineMarket, EntryPoint, TradeGeometry } from '../backtest/random-baseline.js';
import { entryKey, geometryOf } from '../backtest/random-baseline.js';
import { PipelineDriver } from '../driver.js';
import type { SliceSettings } from './search-space.js';

/** A closed trade of a trial, as slim as the statistics and the baseline need it. */
export interface TrialTrade extends TradeGeometry {
  readonly closeTime: number;
  readonly netR: number;
}

/** What the trial runs on: the candles (in time order) and the symbols' tick sizes. */
export interface TrialData {
  readonly batches: readonly (readonly SymbolCandle[])[];
  readonly tickSizes: readonly { readonly symbol: string; readonly tickSize?: number | null }[];
}

/** One slice to optimise: a family on a signal timeframe. */
export interface SliceSpec {
  readonly family: string;
  readonly timeframe: Timeframe;
}

export const sliceName = (s: SliceSpec): string => `${s.family}:${s.timeframe}`;

/**
 * The engine of a trial: the base configuration with only the slice's family, on only the
 * slice's timeframe (with its entry and context), the trial's settings for the slice, and every
 * slice published (publication does not change which trades happen).
 */
export function trialEngine(
  base: EngineConfig,
  registry: StrategyRegistry,
  slice: SliceSpec,
  settings: SliceSettings,
): EngineConfig {
  const tf = base.signalTimeframes.find((s) => s.timeframe === slice.timeframe) ?? {
    timeframe: slice.timeframe,
  };
  const strategies: Record<string, Record<string, unknown>> = {};
  for (const name of registry.names) {
    strategies[name] = { ...base.strategies[name], enabled: name === slice.family };
  }
  return engineConfigSchema(registry).parse({
    ...base,
    signalTimeframes: [tf],
    strategies,
    slices: { [sliceName(slice)]: settings },
    publication: { ...base.publication, unlisted: 'validated' },
  });
}

/**
 * Runs one trial over the data: every signal the slice creates and its outcome (filled and
 * closed before the data ends). With `market`, also records the slice's entry points (close and
 * ATR of each signal-timeframe candle) and, when given a map for them, the base candles, for the
 * random baseline.
 */
export async function runTrial(
  engine: EngineConfig,
  registry: StrategyRegistry,
  data: TrialData,
  market?: { candles?: Map<string, Candle[]>; entries: Map<string, EntryPoint[]> },
): Promise<TrialTrade[]> {
  const created = new Map<string, Signal>();
  const trades: TrialTrade[] = [];
  const signalTf = engine.signalTimeframes[0]?.timeframe;
  const sink = (e: PipelineEvent): void => {
    if (e.type === 'signal.created') created.set(e.signal.id, e.signal);
    else if (e.type === 'outcome.closed' && !e.shadow && e.outcome.filled) {
      const signal = created.get(e.outcome.signalId);
      if (signal)
        trades.push({ ...geometryOf(signal), closeTime: e.outcome.exitTime, netR: netROf(e.outcome) });
    } else if (market && e.type === 'candle.closed' && e.timeframe === signalTf) {
      const atr = driver.pipeline.snapshot(e.symbol, e.timeframe)?.atr ?? Number.NaN;
      if (!(atr > 0)) return;
      const key = entryKey(e.symbol, e.timeframe);
      const list = market.entries.get(key) ?? [];
      list.push({ closeTime: e.candle.openTime + timeframeMs(e.timeframe), close: e.candle.close, atr });
      market.entries.set(key, list);
    }
  };
  const driver = new PipelineDriver(engine, sink, {
    registry,
    symbols: data.tickSizes,
    ...(market?.candles
      ? {
          beforeCandle: (symbol: string, candle: Candle) => {
            const candles = market.candles;
            if (!candles) return;
            let list = candles.get(symbol);
            if (!list) {
              list = [];
              candles.set(symbol, list);
            }
            list.push(candle);
          },
        }
      : {}),
  });
  await driver.run(data.batches);
  return trades;
}

/** The market a trial recorded, as the random baseline reads it. */
export function baselineMarketOf(
  engine: EngineConfig,
  market: { candles: Map<string, Candle[]>; entries: Map<string, EntryPoint[]> },
): BaselineMarket {
  return { baseMs: timeframeMs(engine.baseTimeframe), candles: market.candles, entries: market.entries };
}
