import type { TfSnapshot, WarmField } from '../features/snapshot.js';
import type { StrategyCandidate } from '../signals/types.js';

/**
 * What a strategy family is, for the engine and for people: trend followers, breakouts,
 * fades of an extreme (reversion) and fast scalps. The ensemble reads it: a reversion is judged
 * on turns (RSI hooking back, room to the mean), the others on sides (RSI above 50, ...).
 */
export type StrategyKind = 'trend' | 'breakout' | 'reversion' | 'scalp';
export const STRATEGY_KINDS: readonly StrategyKind[] = ['trend', 'breakout', 'reversion', 'scalp'];

/**
 * The market a family fits, read from the signal timeframe's ADX by the ensemble's regime vote
 * and the health score: `trending` ramps from 0 at ADX 15 to 1 at ADX 25, `ranging` is 1 up to
 * ADX 20 and falls to 0 at ADX 30.
 */
export type RegimeBand = 'trending' | 'ranging';
export const REGIME_BANDS: readonly RegimeBand[] = ['trending', 'ranging'];

/** What the ensemble and the health score read of a family. */
export interface StrategyFamily {
  readonly kind: StrategyKind;
  readonly regime: RegimeBand;
}

/** A range the optimizer may search for a parameter (inclusive; `step` for a grid). */
export interface ParamRange {
  readonly min: number;
  readonly max: number;
  readonly step?: number;
}

interface ParamBase {
  /** What the parameter does, for `config --print` and the docs. */
  readonly description: string;
}

export interface NumberParam extends ParamBase {
  readonly type: 'number';
  readonly default: number;
  /** Inclusive bounds; `positive` requires > 0. */
  readonly min?: number;
  readonly max?: number;
  readonly positive?: boolean;
  readonly search?: ParamRange;
}

export interface IntParam extends ParamBase {
  readonly type: 'int';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly search?: ParamRange;
}

export interface BooleanParam extends ParamBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

export type ParamSpec = NumberParam | IntParam | BooleanParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The values a strategy's `create` receives: numbers and booleans as its specs declare. */
export type ParamValues<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends BooleanParam ? boolean : number;
};

/** What a rule sees on each close of a signal timeframe it runs on. */
export interface StrategyContext {
  readonly symbol: string;
  /** Snapshot of the signal timeframe; its latest candle has just closed. */
  readonly signal: TfSnapshot;
  /** True when this signal timeframe is the lowest configured one. */
  readonly isLowestSignalTimeframe: boolean;
  /**
   * The latest candle is complete and every field the strategy declared in `needs` is warm.
   * A candle built from missing constituents may lie, and a NaN reading cannot be judged.
   */
  readonly ready: boolean;
}

/**
 * One rule instance. `evaluate` is called on every close of every signal timeframe it runs on,
 * in candle order (ready or not), so rules that fire on a transition can remember the previous
 * candle (see CandleMemory); it returns a candidate when the setup holds.
 */
export interface StrategyRule {
  evaluate(ctx: StrategyContext): StrategyCandidate | null;
}

/**
 * A strategy family, declared in one file: the rule and everything the engine needs to know
 * about it. The engine builds the features, checks readiness from `needs`, scores the
 * candidate (ensemble, multi-timeframe context), plans risk and entry and applies the signal
 * filters; the strategy only says when its setup holds and why.
 *
 * Register a built-in one in `BUILTIN_STRATEGIES` (registry.ts); a user's own is a module
 * exporting this shape, loaded with `--strategy-path` (see docs/STRATEGIES.md).
 */
export interface StrategyDefinition<S extends ParamSpecs = ParamSpecs> {
  /** Its id in config, signals and the API: lower case, digits and underscores. */
  readonly name: string;
  readonly description: string;
  readonly kind: StrategyKind;
  readonly regime: RegimeBand;
  /** Numeric snapshot fields that must be warm (not NaN) before the rule can fire. */
  readonly needs: readonly WarmField[];
  /** Candles of the signal timeframe before the rule may fire (its indicators' warm-up). */
  readonly warmup: number;
  /** `lowest`: only on the lowest configured signal timeframe (a scalp on 4h is a slow trend). */
  readonly timeframes: 'all' | 'lowest';
  /** Whether it runs when the config says nothing (default true). */
  readonly enabledByDefault?: boolean;
  /** Its configuration: each parameter with its default, bounds and meaning, written once. */
  readonly params: S;
  /** A fresh rule with these parameter values; its memory is per (symbol, timeframe). */
  create(params: ParamValues<S>): StrategyRule;
}

/** Declares a strategy with its parameter types checked against `create`. */
export function defineStrategy<const S extends ParamSpecs>(
  def: StrategyDefinition<S>,
): StrategyDefinition<S> {
  return def;
}

/** Every parameter at its default. */
export function defaultParams<S extends ParamSpecs>(specs: S): ParamValues<S> {
  const out: Record<string, number | boolean> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = spec.default;
  return out as ParamValues<S>;
}
