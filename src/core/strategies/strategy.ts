import type { StrategiesConfig } from '../../config/engine-schema.js';
import { STRATEGY_NAMES, type StrategyCandidate, type StrategyName } from '../signals/types.js';
import { createBreakout } from './breakout.js';
import { createMeanReversion } from './mean-reversion.js';
import { createMomentum } from './momentum.js';
import { createScalping } from './scalping.js';
import type { TfSnapshot } from './snapshot.js';

export interface StrategyContext {
  readonly symbol: string;
  /** Snapshot of the signal timeframe; its latest candle has just closed. */
  readonly signal: TfSnapshot;
  /** True when this signal timeframe is the lowest configured one (scalping runs only there). */
  readonly isLowestSignalTimeframe: boolean;
}

/**
 * One strategy family: a small declarative rule over the signal timeframe's snapshot. The
 * engine builds the features, calls `evaluate` once per closed candle of every signal
 * timeframe the strategy runs on, and does the scoring, risk and signal rules itself.
 *
 * `evaluate` must see the candles of a snapshot in order (the pipeline calls it on every
 * close): rules that fire on a transition remember a few bits of the previous candle.
 */
export interface Strategy {
  readonly name: StrategyName;
  readonly description: string;
  /** Candles of the signal timeframe before the rule may fire (its indicators' warm-up). */
  readonly warmup: number;
  readonly timeframes: 'all' | 'lowest';
  /** Snapshot fields it reads, for documentation and the config printout. */
  readonly reads: readonly string[];
  evaluate(ctx: StrategyContext): StrategyCandidate | null;
}

const FACTORIES: { readonly [K in StrategyName]: (cfg: StrategiesConfig[K]) => Strategy } = {
  momentum: createMomentum,
  breakout: createBreakout,
  mean_reversion: createMeanReversion,
  scalping: createScalping,
};

function create<K extends StrategyName>(name: K, cfg: StrategiesConfig): Strategy | null {
  const section = cfg[name];
  return section.enabled ? FACTORIES[name](section) : null;
}

/** The enabled strategies, in STRATEGY_NAMES order; each gets fresh per-symbol memory. */
export function createStrategies(cfg: StrategiesConfig): Strategy[] {
  const out: Strategy[] = [];
  for (const name of STRATEGY_NAMES) {
    const s = create(name, cfg);
    if (s) out.push(s);
  }
  return out;
}
