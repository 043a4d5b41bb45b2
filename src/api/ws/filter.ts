import { atLeastPriority } from '../../core/ensemble/priority.js';
import type { Priority, Signal } from '../../core/signals/types.js';
import type { SubscriptionFilter } from './protocol.js';

/**
 * A subscriber's filter in the form checked on every event: sets instead of arrays, so a
 * client with a long symbol list costs one lookup per event, not a scan.
 */
export interface CompiledFilter {
  readonly symbols: ReadonlySet<string> | null;
  readonly strategies: ReadonlySet<string> | null;
  readonly minConfidence: number;
  /** Lowest priority admitted (NONE admits all). */
  readonly minPriority: Priority;
}

export const MATCH_ALL: CompiledFilter = {
  symbols: null,
  strategies: null,
  minConfidence: 0,
  minPriority: 'NONE',
};

export function compileFilter(filter: SubscriptionFilter): CompiledFilter {
  return {
    symbols: filter.symbols && filter.symbols.length > 0 ? new Set(filter.symbols) : null,
    strategies: filter.strategies && filter.strategies.length > 0 ? new Set(filter.strategies) : null,
    minConfidence: filter.minConfidence ?? 0,
    minPriority: filter.minPriority ?? 'NONE',
  };
}

/** Signals and outcomes (through the outcome's signal): symbol, strategy, confidence and priority. */
export function matchesSignal(filter: CompiledFilter, signal: Signal): boolean {
  if (filter.symbols !== null && !filter.symbols.has(signal.symbol)) return false;
  if (filter.strategies !== null && !filter.strategies.has(signal.strategy)) return false;
  if (filter.minPriority !== 'NONE' && !atLeastPriority(signal.priority, filter.minPriority)) return false;
  return signal.confidence >= filter.minConfidence;
}

/** Candles carry no strategy or confidence: only the symbol list applies. */
export function matchesSymbol(filter: CompiledFilter, symbol: string): boolean {
  return filter.symbols === null || filter.symbols.has(symbol);
}
