import type { Candle } from '../candles/candle.js';
import type { Direction, Signal, SignalStatus, StrategyName } from './types.js';

export type DedupPolicy = 'symbol_direction' | 'symbol_direction_strategy';

export interface StatusChange {
  readonly signal: Signal;
  readonly previous: SignalStatus;
}

function isLive(s: Signal): boolean {
  return s.status === 'PENDING' || s.status === 'ACTIVE';
}

function withStatus(s: Signal, status: SignalStatus, at: number, reason: string): Signal {
  return { ...s, status, statusAt: at, statusReason: reason };
}

/**
 * The live signals of one symbol and their lifecycle, driven by base candles:
 * PENDING (limit entry not yet touched) -> ACTIVE (filled) -> CLOSED (stop or final target),
 * or PENDING -> EXPIRED (not filled before expiry), or -> CANCELLED (an opposite signal,
 * when configured). The candle that creates a signal never fills it: the signal exists only
 * from that candle's close on.
 *
 * Within one candle the book is conservative: a candle that fills the entry and also touches
 * the stop closes the signal at the stop; a candle that touches both the stop and the final
 * target closes it at the stop. The OutcomeTracker (outcomes/) resolves such candles properly
 * and measures results; the book only keeps statuses for dedup and delivery.
 */
export class SignalBook {
  private live: Signal[] = [];

  constructor(private readonly dedup: DedupPolicy) {}

  get size(): number {
    return this.live.length;
  }

  liveSignals(): readonly Signal[] {
    return this.live;
  }

  /** A live signal that a new candidate with this key would duplicate, or null. */
  duplicateOf(direction: Direction, strategy: StrategyName): Signal | null {
    for (const s of this.live) {
      if (s.direction !== direction) continue;
      if (this.dedup === 'symbol_direction_strategy' && s.strategy !== strategy) continue;
      return s;
    }
    return null;
  }

  add(s: Signal): void {
    this.live.push(s);
  }

  /** Cancels live signals opposite to `direction`; returns the changes. */
  cancelOpposite(direction: Direction, at: number, byId: string, out: StatusChange[]): void {
    this.live = this.live.filter((s) => {
      if (s.direction === direction) return true;
      out.push({
        signal: withStatus(s, 'CANCELLED', at, `cancelled by opposite signal ${byId}`),
        previous: s.status,
      });
      return false;
    });
  }

  /**
   * Applies one closed base candle to every live signal. `closeTime` is the candle's close.
   * Changes are appended to `out` (nothing is allocated when nothing changes).
   */
  onCandle(c: Candle, closeTime: number, out: StatusChange[]): void {
    const live = this.live;
    if (live.length === 0) return;
    let removed = false;
    for (let i = 0; i < live.length; i++) {
      let s = live[i];
      const buy = s.direction === 'BUY';
      if (s.status === 'PENDING') {
        const touched = buy ? c.low <= s.entryPrice : c.high >= s.entryPrice;
        if (touched) {
          const prev = s.status;
          s = withStatus(s, 'ACTIVE', closeTime, `entry ${s.entryPrice} filled`);
          live[i] = s;
          out.push({ signal: s, previous: prev });
        } else if (closeTime >= s.expiresAt) {
          const expired = withStatus(s, 'EXPIRED', closeTime, 'entry not filled before expiry');
          out.push({ signal: expired, previous: 'PENDING' });
          live[i] = expired;
          removed = true;
          continue;
        } else {
          continue;
        }
      }
      // ACTIVE (possibly filled on this very candle)
      const stopHit = buy ? c.low <= s.stopLoss : c.high >= s.stopLoss;
      const finalHit = buy ? c.high >= s.takeProfits[2] : c.low <= s.takeProfits[2];
      if (stopHit || finalHit) {
        const reason = stopHit ? `stop-loss ${s.stopLoss} hit` : `final target ${s.takeProfits[2]} hit`;
        const closed = withStatus(s, 'CLOSED', closeTime, reason);
        out.push({ signal: closed, previous: 'ACTIVE' });
        live[i] = closed;
        removed = true;
      }
    }
    if (removed) this.live = live.filter(isLive);
  }
}
