import type { TfSnapshot } from '../features/snapshot.js';

/** What a strategy remembered about one (symbol, timeframe): its flags on the last two candles. */
interface Entry {
  count: number;
  flags: number;
  /** Flags of candle `count - 1`, or -1 when that candle was not seen. */
  before: number;
}

/**
 * A few bits a strategy keeps per (symbol, timeframe) from one candle to the next, for rules
 * that fire on a transition ("the setup became true on this candle") and need a fact the
 * snapshot does not carry for the previous candle.
 *
 * Keyed by the snapshot object itself: `TimeframeFeatures` keeps one snapshot per (symbol,
 * timeframe) and updates it in place, so the key is stable, and the memory goes with it.
 * The snapshot's `count` tells whether the remembered flags belong to the previous candle;
 * when a candle was not seen (first evaluation, or a gap in evaluation) the previous flags
 * are unknown and `previous` returns -1, which each rule treats conservatively (no fire).
 * Evaluating the same candle twice gives the same answer: the flags of the candle before are
 * kept until the next candle arrives.
 */
export class CandleMemory {
  private readonly entries = new WeakMap<TfSnapshot, Entry>();
  /**
   * The snapshot last looked up and its entry: a rule calls `previous` and then `record` for the
   * same snapshot, so the second WeakMap lookup is skipped.
   */
  private lastKey: TfSnapshot | null = null;
  private lastEntry: Entry | undefined = undefined;

  private entry(s: TfSnapshot): Entry | undefined {
    if (s === this.lastKey) return this.lastEntry;
    const e = this.entries.get(s);
    this.lastKey = s;
    this.lastEntry = e;
    return e;
  }

  /** The flags recorded for the candle before the snapshot's latest one, or -1 if unknown. */
  previous(s: TfSnapshot): number {
    const e = this.entry(s);
    if (!e) return -1;
    if (e.count === s.count) return e.before;
    if (e.count === s.count - 1) return e.flags;
    return -1;
  }

  /** Records the flags (non-negative) of the snapshot's latest candle. */
  record(s: TfSnapshot, flags: number): void {
    const e = this.entry(s);
    if (!e) {
      const created: Entry = { count: s.count, flags, before: -1 };
      this.entries.set(s, created);
      this.lastEntry = created;
      return;
    }
    if (e.count !== s.count) {
      e.before = e.count === s.count - 1 ? e.flags : -1;
      e.count = s.count;
    }
    e.flags = flags;
  }
}
