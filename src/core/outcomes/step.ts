import type { Candle } from '../candles/candle.js';
import { isAmbiguous, takeLevels } from './ambiguity.js';
import type { ExitRules } from './exits.js';
import { closedOnLevel, closeOutcome } from './outcome.js';
import type { Position } from './position.js';
import type { Outcome, OutcomeConfig } from './types.js';

/**
 * Advances one followed signal by one closed base candle (`closeTime` = its close); returns its
 * outcome when it closed on this candle.
 *
 * Timing: a signal exists from the close of the candle that produced it (`createdAt`), so the
 * first candle that can fill or close it is the one opening at `createdAt`; earlier candles are
 * ignored for it. A limit entry fills at its price on the first candle that opens before
 * `expiresAt` and touches it (BUY: low ≤ entry; SELL: high ≥ entry); otherwise it expires at
 * `expiresAt`, reported on the first candle closing at or after it. Events are dated at the
 * close of the candle they happened on, the earliest time they are known.
 *
 * Excursions (MAE/MFE) count only prices the position surely saw while open: the whole range of
 * a candle held from open to close; on a candle where a limit fills inside the range, the
 * adverse extreme (reachable only through the entry) but, on the favourable side, only the
 * targets taken and the close, since the high (BUY) may have come before the fill; on a candle
 * where a stop or TP3 closes it, the open, the targets taken and the exit level, since the rest of
 * the range may have come after the exit.
 */
export function stepPosition(
  p: Position,
  c: Candle,
  closeTime: number,
  config: OutcomeConfig,
  rules: ExitRules,
): Outcome | null {
  const s = p.signal;
  if (c.openTime < s.createdAt) return null;
  const sign = p.sign;
  const o = sign * c.open;
  const cl = sign * c.close;
  const hi = sign > 0 ? c.high : -c.low;
  const lo = sign > 0 ? c.low : -c.high;

  let heldFromOpen = p.filled;
  let filledNow = false;
  if (!p.filled) {
    const canFill = c.openTime < s.expiresAt && lo <= p.entryX;
    if (!canFill) {
      if (closeTime < s.expiresAt) return null;
      p.push('EXPIRED', s.expiresAt, s.entryPrice, 0, false);
      return closeOutcome(
        p,
        'EXPIRED',
        s.expiresAt,
        `entry ${s.entryPrice} not touched before expiry`,
        config,
      );
    }
    p.fill(closeTime);
    filledNow = true;
    // a limit the open already reached filled at the open: the whole candle follows the fill
    heldFromOpen = o <= p.entryX;
  }

  // the levels are tested against the extremes moved by the touch offset (0: an exact touch)
  const d = p.touchX;
  const hiT = hi + d;
  const loT = lo - d;
  p.candleHiX = hi;
  p.candleLoX = lo;
  const ambiguous = isAmbiguous(p, hiT, loT, heldFromOpen, rules.breakevenAfterTp1);
  if (ambiguous) p.ambiguousCandles++;
  if (filledNow) p.push('FILL', closeTime, s.entryPrice, 1, ambiguous && !heldFromOpen);

  p.candleTopTargetX = Number.NEGATIVE_INFINITY;
  const stopAtOpen = p.stopX;
  takeLevels(config.policy, rules, p, c, o, hiT, loT, cl, heldFromOpen, closeTime, ambiguous);

  const exitedOnLevel = p.remaining === 0;
  if (heldFromOpen && !exitedOnLevel) {
    p.widen(lo, hi);
  } else {
    const start = heldFromOpen ? o : p.entryX;
    const end = exitedOnLevel ? p.candleExitX : cl;
    let top = start > end ? start : end;
    if (p.candleTopTargetX > top) top = p.candleTopTargetX;
    let bottom = start < end ? start : end;
    if (!heldFromOpen && !exitedOnLevel && lo < bottom) bottom = lo;
    // an open gapped beyond the stop or TP3 is not seen: the position left at the level (under
    // confirm `close` it left at the close, which it saw)
    if (!p.confirmClose) {
      if (bottom < stopAtOpen) bottom = stopAtOpen;
      if (top > p.targetX[2]) top = p.targetX[2];
    }
    p.widen(bottom, top);
  }

  if (exitedOnLevel) return closedOnLevel(p, closeTime, config);
  // the trailing stop follows what the position surely saw: the high of a candle held from its
  // open, the close of the candle that filled it (its high may have come before the fill)
  if (p.trail > 0) p.followTrail(heldFromOpen ? hi : cl);
  if (rules.exitOnTime(p, closeTime, c.close)) {
    const held = closeTime - p.fillTime;
    return closeOutcome(p, 'TIME_EXIT', closeTime, `held ${held / 60_000} min, closed at ${c.close}`, config);
  }
  return null;
}
