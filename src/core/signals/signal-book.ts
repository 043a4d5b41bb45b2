import type { Timeframe } from '../candles/timeframe.js';
import type { Direction, Signal, SignalStatus, StrategyName } from './types.js';

/**
 * What makes two live signals duplicates: the same symbol and direction on the same signal
 * timeframe (so a 15m signal never blocks a 4h one), optionally of the same strategy too, or
 * the same symbol and direction on any timeframe.
 */
export type DedupPolicy =
  | 'symbol_timeframe_direction'
  | 'symbol_timeframe_direction_strategy'
  | 'symbol_direction';

export interface StatusChange {
  readonly signal: Signal;
  readonly previous: SignalStatus;
}

function isLive(status: SignalStatus): boolean {
  return status === 'PENDING' || status === 'ACTIVE';
}

/**
 * The live (PENDING or ACTIVE) signals of one symbol: what dedup looks at. Statuses change
 * through `setStatus`, driven by the OutcomeTracker's events (fill, targets, exits), so the
 * lifecycle and the measured outcome can never disagree. Lifecycle:
 * PENDING (limit entry not yet touched) -> ACTIVE (filled) -> CLOSED (stop, targets or time),
 * or PENDING -> EXPIRED, or PENDING/ACTIVE -> CANCELLED.
 */
export class SignalBook {
  private readonly live = new Map<string, Signal>();

  constructor(private readonly dedup: DedupPolicy) {}

  get size(): number {
    return this.live.size;
  }

  liveSignals(): readonly Signal[] {
    return [...this.live.values()];
  }

  get(id: string): Signal | undefined {
    return this.live.get(id);
  }

  /** A live signal that a new candidate with this key would duplicate, or null. */
  duplicateOf(direction: Direction, timeframe: Timeframe, strategy: StrategyName): Signal | null {
    for (const s of this.live.values()) {
      if (s.direction !== direction) continue;
      if (this.dedup !== 'symbol_direction' && s.timeframe !== timeframe) continue;
      if (this.dedup === 'symbol_timeframe_direction_strategy' && s.strategy !== strategy) continue;
      return s;
    }
    return null;
  }

  /** Live signals of the other direction (candidates for cancellation by an opposite signal). */
  opposite(direction: Direction): Signal[] {
    return [...this.live.values()].filter((s) => s.direction !== direction);
  }

  add(s: Signal): void {
    if (!isLive(s.status)) throw new RangeError(`signal ${s.id} is ${s.status}, not live`);
    this.live.set(s.id, s);
  }

  /**
   * Changes a live signal's record without changing its status (e.g. evidence merged into it);
   * returns the change, or null for an unknown id.
   */
  amend(
    id: string,
    patch: Pick<Partial<Signal>, 'evidence'>,
    at: number,
    reason: string,
  ): StatusChange | null {
    const s = this.live.get(id);
    if (!s) return null;
    const next: Signal = { ...s, ...patch, statusAt: at, statusReason: reason };
    this.live.set(id, next);
    return { signal: next, previous: s.status };
  }

  /**
   * Records a status change (or, with the same status, a new reason such as "TP1 hit"); a
   * signal that is no longer live leaves the book. Returns the change, or null for an unknown id.
   */
  setStatus(id: string, status: SignalStatus, at: number, reason: string): StatusChange | null {
    const s = this.live.get(id);
    if (!s) return null;
    const next: Signal = { ...s, status, statusAt: at, statusReason: reason };
    if (isLive(status)) this.live.set(id, next);
    else this.live.delete(id);
    return { signal: next, previous: s.status };
  }
}
