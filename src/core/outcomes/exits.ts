import type { Position, TargetCount } from './position.js';
import type { OutcomeConfig, OutcomeEventKind } from './types.js';

const TARGET_EVENTS: readonly OutcomeEventKind[] = ['TP1', 'TP2', 'TP3'];

/**
 * How a position leaves the market: TP1..TP3 close their split fractions at the target prices,
 * TP1 moves the stop to the entry when `breakevenAfterTp1`, the stop closes the remainder at the
 * stop price, and after the holding limit the remainder closes at the candle's close. Every
 * level fills at its own price, also when a candle gaps through it: there is no gap-slippage
 * model beyond `feePerSide`. In which order one candle's levels are taken is the ambiguity
 * policy's business (ambiguity.ts).
 */
export class ExitRules {
  readonly breakevenAfterTp1: boolean;
  private readonly split: OutcomeConfig['split'];
  /** rest[k]: fraction still open after k targets. */
  private readonly rest: readonly [number, number, number, number];

  constructor(config: OutcomeConfig) {
    this.breakevenAfterTp1 = config.breakevenAfterTp1;
    this.split = config.split;
    const [, b, c] = config.split;
    this.rest = [1, b + c, c, 0];
  }

  /** Takes the next target at its price, or at `atX` (a confirming close) when given. */
  takeTarget(p: Position, time: number, ambiguous: boolean, atX?: number): void {
    const k: number = p.next;
    const fraction = this.split[k];
    const level = p.targetX[k];
    const x = atX ?? level;
    p.exit(fraction, x);
    p.targetTime[k] = time;
    p.next = (k + 1) as TargetCount;
    p.nextTargetX = k + 1 < 3 ? p.targetX[k + 1] : Number.POSITIVE_INFINITY;
    p.remaining = this.rest[k + 1];
    if (x > p.candleTopTargetX) p.candleTopTargetX = x;
    if (k === 0 && this.breakevenAfterTp1) {
      p.stopX = p.entryX;
      p.atBreakeven = true;
    }
    p.push(TARGET_EVENTS[k], time, p.sign * x, fraction, ambiguous, p.targetPrecision(level));
    if (p.remaining === 0) {
      p.candleExitX = x;
      p.closedAtTarget = true;
    }
  }

  /**
   * Takes the targets at or below `x` (favourable coordinates), each at its price or at `atX`
   * when given; true when that closed the position.
   */
  takeTargetsUpTo(p: Position, x: number, time: number, ambiguous: boolean, atX?: number): boolean {
    while (p.next < 3 && x >= p.targetX[p.next]) {
      this.takeTarget(p, time, ambiguous, atX);
      if (p.remaining === 0) return true;
    }
    return false;
  }

  /**
   * Closes the remainder at the stop in force, or at `atX` (a confirming close) when given: SL,
   * or BREAKEVEN_STOP once TP1 moved it.
   */
  stopOut(p: Position, time: number, ambiguous: boolean, atX?: number): void {
    const precision = p.stopPrecision();
    const x = atX ?? p.stopX;
    const fraction = p.exitRemainder(x);
    p.candleExitX = x;
    const kind = p.atBreakeven ? 'BREAKEVEN_STOP' : p.trailed ? 'TRAIL_STOP' : 'SL';
    p.push(kind, time, p.sign * x, fraction, ambiguous, precision);
  }

  /**
   * Closes the remainder at the candle's `close` when the candle ends at least the holding limit
   * after the fill; true when it did.
   */
  exitOnTime(p: Position, closeTime: number, close: number): boolean {
    const maxHold = p.maxHoldingMs;
    if (maxHold === null || !(closeTime - p.fillTime >= maxHold)) return false;
    const fraction = p.exitRemainder(p.sign * close);
    p.push('TIME_EXIT', closeTime, close, fraction, false);
    return true;
  }
}
