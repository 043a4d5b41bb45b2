import type { Timeframe } from '../candles/timeframe.js';
import type { EntryConfidence, EntryType } from './types.js';

interface Tally {
  filled: number;
  expired: number;
}

const TERCILE_NAMES = ['1 of 3 (calm)', '2 of 3', '3 of 3 (volatile)'];

/**
 * The measured fill rate of one symbol's entry types in similar conditions: same entry type,
 * signal timeframe and volatility tercile of the signal timeframe (ATR% percentile < 1/3, < 2/3,
 * above; unknown is its own group). Counted from the symbol's outcomes closed so far, of signals
 * and of the shadows of filtered candidates alike: filled, or expired unfilled (cancelled ones say
 * nothing about fills and are left out). A market entry always fills, so its rate is 1 once
 * counted.
 *
 * Deterministic: it reads only outcomes the pipeline produced from the symbol's candles. One book
 * per symbol, so its figures do not depend on which other symbols the same process runs (a
 * sharded worker stores what a single process stores).
 */
export class EntryFillBook {
  private readonly tallies = new Map<string, Tally>();
  /** The group of each followed signal, until its outcome is counted. */
  private readonly pending = new Map<string, string>();

  constructor(private readonly symbol: string) {}

  /** The group key of a signal with these conditions. */
  static key(entryType: EntryType, timeframe: Timeframe, volatilityPercentile: number): string {
    return `${entryType}|${timeframe}|${tercile(volatilityPercentile)}`;
  }

  /** The fill rate of the group, with the n it rests on. */
  estimate(entryType: EntryType, timeframe: Timeframe, volatilityPercentile: number): EntryConfidence {
    const t = tercile(volatilityPercentile);
    const tally = this.tallies.get(`${entryType}|${timeframe}|${t}`);
    const n = tally ? tally.filled + tally.expired : 0;
    const vol = t < 0 ? 'volatility unknown' : `volatility tercile ${TERCILE_NAMES[t]}`;
    return {
      fillRate: tally && n > 0 ? tally.filled / n : null,
      n,
      basis: `${entryType} on ${this.symbol} ${timeframe}, ${vol}`,
    };
  }

  /** Starts counting a followed signal of group `key` (see `key`). */
  follow(signalId: string, key: string): void {
    this.pending.set(signalId, key);
  }

  /** Counts the outcome of a followed signal. */
  onOutcome(signalId: string, filled: boolean, expired: boolean): void {
    const key = this.pending.get(signalId);
    if (key === undefined) return;
    this.pending.delete(signalId);
    if (!filled && !expired) return;
    let t = this.tallies.get(key);
    if (!t) {
      t = { filled: 0, expired: 0 };
      this.tallies.set(key, t);
    }
    if (filled) t.filled++;
    else t.expired++;
  }
}

function tercile(p: number): number {
  if (!(p >= 0)) return -1;
  return p < 1 / 3 ? 0 : p < 2 / 3 ? 1 : 2;
}
