import type { Candle } from '../candles/candle.js';
import type { ExitRules } from './exits.js';
import type { Position } from './position.js';
import type { AmbiguityPolicy } from './types.js';

/*
 * The same-candle ambiguity policy. The tracker runs on base candles (1m), so most of what a
 * signal-timeframe candle hides (did the hour touch TP1 or the stop first?) is already resolved by
 * the minutes inside it. What is left is a single base candle whose range holds both a target not
 * yet taken and a stop (the stop in force at its open, or the breakeven stop TP1 would set), or
 * that fills a limit entry and also reaches a target. Those candles are flagged and counted, and
 * the configured policy decides (see `AmbiguityPolicy`). A candle reaching a limit entry and its
 * stop is not ambiguous: the stop lies beyond the entry, so the price passed the entry first.
 *
 * Prices here are in the position's favourable coordinates (see `Position`): `hi`, `lo`, `o`, `cl`
 * are the candle's favourable extreme, adverse extreme, open and close.
 */

/**
 * The candle's range holds a target not yet taken together with something whose order against
 * it decides the result: the stop in force at the open, the breakeven stop TP1 would set, or
 * (on a fill inside the range) the fill itself.
 */
export function isAmbiguous(
  p: Position,
  hi: number,
  lo: number,
  heldFromOpen: boolean,
  breakevenAfterTp1: boolean,
): boolean {
  if (p.confirmClose || p.next >= 3 || hi < p.targetX[p.next]) return false;
  if (!heldFromOpen || lo <= p.stopX) return true;
  return breakevenAfterTp1 && p.next === 0 && lo <= p.entryX;
}

/**
 * Takes the levels the candle reaches, in the order `policy` assumes. `hi` and `lo` are the
 * candle's extremes moved by the touch offset (`p.touchX`), so a level within the tolerance
 * counts as reached; under confirm `close` only the close decides, and no order is assumed.
 */
export function takeLevels(
  policy: AmbiguityPolicy,
  rules: ExitRules,
  p: Position,
  c: Candle,
  o: number,
  hi: number,
  lo: number,
  cl: number,
  heldFromOpen: boolean,
  time: number,
  ambiguous: boolean,
): void {
  if (p.confirmClose) closeConfirmed(rules, p, cl, time);
  else if (policy === 'pessimistic') pessimistic(rules, p, hi, lo, heldFromOpen, time, ambiguous);
  else if (policy === 'optimistic') optimistic(rules, p, hi, lo, cl, time, ambiguous);
  else ohlcPath(rules, p, c, o, heldFromOpen, time, ambiguous);
}

/**
 * The stop before each target: a stop the range reaches is hit first; after a target the
 * (possibly moved) stop is tried again before the next one. On a candle that fills a limit
 * inside its range, the targets are taken to have come before the fill.
 */
function pessimistic(
  rules: ExitRules,
  p: Position,
  hi: number,
  lo: number,
  heldFromOpen: boolean,
  time: number,
  ambiguous: boolean,
): void {
  if (!heldFromOpen) {
    if (lo <= p.stopX) rules.stopOut(p, time, ambiguous);
    return;
  }
  for (;;) {
    if (lo <= p.stopX) {
      rules.stopOut(p, time, ambiguous);
      return;
    }
    if (p.next >= 3 || hi < p.targetX[p.next]) return;
    rules.takeTarget(p, time, ambiguous);
    if (p.remaining === 0) return;
  }
}

/**
 * The targets first. A stop the range reached from the open is still hit afterwards, at the stop
 * then in force (the range proves the price went there); a stop moved to breakeven on this
 * candle is hit only when the close is at or beyond it (the price surely ended there), since the
 * low may have come before TP1.
 */
function optimistic(
  rules: ExitRules,
  p: Position,
  hi: number,
  lo: number,
  cl: number,
  time: number,
  ambiguous: boolean,
): void {
  const stopAtOpen = p.stopX;
  const stopReached = lo <= stopAtOpen;
  if (rules.takeTargetsUpTo(p, hi, time, ambiguous)) return;
  if (stopReached || (p.stopX !== stopAtOpen && cl <= p.stopX)) rules.stopOut(p, time, ambiguous);
}

/**
 * Confirm `close`: the stop when the close is at or beyond it, else every target the close is at
 * or beyond, all exiting at the close. One price decides, so nothing is ambiguous.
 */
function closeConfirmed(rules: ExitRules, p: Position, cl: number, time: number): void {
  if (cl <= p.stopX) {
    rules.stopOut(p, time, false, cl);
    return;
  }
  rules.takeTargetsUpTo(p, cl, time, false, cl);
}

/**
 * Walks open -> nearer extreme -> other extreme -> close (equidistant: the low first), taking
 * on each leg the levels it crosses in the order it crosses them.
 */
function ohlcPath(
  rules: ExitRules,
  p: Position,
  c: Candle,
  o: number,
  heldFromOpen: boolean,
  time: number,
  ambiguous: boolean,
): void {
  const highFirst = c.high - c.open < c.open - c.low;
  const sign = p.sign;
  const first = sign * (highFirst ? c.high : c.low);
  const second = sign * (highFirst ? c.low : c.high);
  const last = sign * c.close;
  // the touch offset: a level within the tolerance of a point of the path counts as crossed
  const d = p.touchX;
  let live = heldFromOpen;
  // the open itself: a gap may already sit beyond the stop or a target
  if (live && o - d <= p.stopX) {
    rules.stopOut(p, time, ambiguous);
    return;
  }
  if (live && rules.takeTargetsUpTo(p, o + d, time, ambiguous)) return;
  let at = o;
  for (let leg = 0; leg < 3; leg++) {
    const to = leg === 0 ? first : leg === 1 ? second : last;
    if (to < at) {
      if (!live && to <= p.entryX) live = true;
      if (live && to - d <= p.stopX) {
        rules.stopOut(p, time, ambiguous);
        return;
      }
    } else if (to > at && live && rules.takeTargetsUpTo(p, to + d, time, ambiguous)) {
      return;
    }
    at = to;
  }
}
