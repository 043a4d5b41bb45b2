import { roundToTick } from '../candles/tick-size.js';
import type { TfSnapshot } from '../features/snapshot.js';
import { formatAtr, formatPrice } from '../format.js';
import type {
  Direction,
  EntryAnalysis,
  EntryOption,
  EntryType,
  StrategyCandidate,
} from '../signals/types.js';
import { lastSwingLeg, retracementPrice } from '../structure/fibonacci.js';

/**
 * Furthest a limit entry may sit from the market price, in signal-timeframe ATRs. Further
 * away it rarely fills before the signal expires, and when it does the move that made the
 * signal has usually failed, so the entry would buy a broken setup.
 */
export const MAX_ENTRY_DISTANCE_ATR = 1.5;

/** The retracement a FIBONACCI_618 entry waits for (the "golden" pullback). */
export const ENTRY_RETRACEMENT_RATIO = 0.618;

/**
 * Order in which the options are listed, and which wins when two are equally near the market:
 * a level the strategy itself named beats a moving average, which beats a leg-derived level.
 */
export const ENTRY_PREFERENCE: readonly Exclude<EntryType, 'MARKET_ENTRY'>[] = Object.freeze([
  'SUPPORT_RETEST',
  'EMA_PULLBACK',
  'FIBONACCI_618',
]);

export interface EntryInputs {
  readonly direction: Direction;
  /** Close of the signal candle: where a market order would fill. */
  readonly marketPrice: number;
  /** Signal-timeframe ATR (> 0): the unit of every distance here. */
  readonly atr: number;
  /**
   * The swing-based stop level (signal timeframe swing ∓ buffer) when a usable swing exists
   * beyond the market price, else null. A limit entry at or beyond it would fill only once the
   * setup is already invalidated.
   */
  readonly structuralStop: number | null;
  /** The level the strategy broke or bounced from, if any. */
  readonly level: StrategyCandidate['level'];
  /** The finer entry timeframe. */
  readonly entry: TfSnapshot;
  /** Entry-timeframe candles needed before its EMA and swings are trusted. */
  readonly minEntryCandles: number;
}

export interface EntryDecision {
  readonly type: EntryType;
  readonly price: number;
  readonly analysis: EntryAnalysis;
}

/** A refinement option before the validity rules: its price, or why it has none. */
interface Proposal {
  readonly type: Exclude<EntryType, 'MARKET_ENTRY'>;
  readonly price: number | null;
  /** What the price is ("15m EMA 21 at 101.2"), or why there is no price. */
  readonly text: string;
}

/** MAX_ENTRY_DISTANCE_ATR as the texts print it (formatted once, not per candidate). */
const MAX_ENTRY_DISTANCE_TEXT = String(MAX_ENTRY_DISTANCE_ATR);

function proposeRetest(inputs: EntryInputs): Proposal {
  const level = inputs.level;
  if (!level) return { type: 'SUPPORT_RETEST', price: null, text: 'the strategy named no level to retest' };
  const what = `retest of the ${level.kind} ${formatPrice(level.price, inputs.entry.tickSize)} (${level.touches} touches)`;
  if (!(Number.isFinite(level.price) && level.price > 0)) {
    return { type: 'SUPPORT_RETEST', price: null, text: `${what}: not a usable price` };
  }
  return { type: 'SUPPORT_RETEST', price: roundToTick(level.price, inputs.entry.tickSize), text: what };
}

function proposeEmaPullback(inputs: EntryInputs): Proposal {
  const tf = inputs.entry.timeframe;
  const ema = inputs.entry.ema21;
  if (!(Number.isFinite(ema) && ema > 0)) {
    return { type: 'EMA_PULLBACK', price: null, text: `${tf} EMA 21 is not available yet` };
  }
  const price = roundToTick(ema, inputs.entry.tickSize);
  return {
    type: 'EMA_PULLBACK',
    price,
    text: `pullback to the ${tf} EMA 21 at ${formatPrice(price, inputs.entry.tickSize)}`,
  };
}

/**
 * Only the LAST confirmed leg counts: while price pulls back after an up-leg, that leg is the
 * last one (the pullback's low is not confirmed until price turns). When the last leg runs
 * against the signal, price has already turned from its end, and an older leg's 61.8 % is
 * stale, so there is no Fibonacci entry.
 */
function proposeFibonacci(inputs: EntryInputs): Proposal {
  const tf = inputs.entry.timeframe;
  const wanted = inputs.direction === 'BUY' ? 'up' : 'down';
  const leg = lastSwingLeg(inputs.entry);
  if (!leg) return { type: 'FIBONACCI_618', price: null, text: `no confirmed swing leg on ${tf} yet` };
  const span = `${formatPrice(leg.start.price, inputs.entry.tickSize)} → ${formatPrice(leg.end.price, inputs.entry.tickSize)}`;
  if (leg.direction !== wanted) {
    return {
      type: 'FIBONACCI_618',
      price: null,
      text: `the last ${tf} leg is ${leg.direction} (${span}), not ${wanted === 'up' ? 'an up' : 'a down'}-leg for a ${inputs.direction}`,
    };
  }
  // BUY up-leg low→high: high − 0.618 × (high − low); the mirror for a SELL down-leg
  const price = roundToTick(
    retracementPrice(leg.start.price, leg.end.price, ENTRY_RETRACEMENT_RATIO),
    inputs.entry.tickSize,
  );
  return {
    type: 'FIBONACCI_618',
    price,
    text: `61.8 % retracement of the ${tf} ${leg.direction}-leg ${span} at ${formatPrice(price, inputs.entry.tickSize)}`,
  };
}

/** One proposer per limit entry type. */
const PROPOSERS: { readonly [T in Proposal['type']]: (inputs: EntryInputs) => Proposal } = {
  SUPPORT_RETEST: proposeRetest,
  EMA_PULLBACK: proposeEmaPullback,
  FIBONACCI_618: proposeFibonacci,
};

/**
 * The validity rules, for BUY (SELL mirrored): strictly below the market price (a limit at or
 * above it is just a market order), strictly above the structural stop, and at most
 * MAX_ENTRY_DISTANCE_ATR signal ATRs below the market. `market` is the market price as
 * formatPrice prints it (formatted once per refinement by the caller).
 */
function judge(p: Proposal, inputs: EntryInputs, market: string): EntryOption {
  const { price } = p;
  if (price === null) return { type: p.type, price: null, valid: false, reason: p.text };
  const buy = inputs.direction === 'BUY';
  const sign = buy ? 1 : -1;
  const side = buy ? 'below' : 'above';
  const distance = sign * (inputs.marketPrice - price);
  if (!(distance > 0)) {
    return {
      type: p.type,
      price,
      valid: false,
      reason: `${p.text}: not ${side} the market price ${market}`,
    };
  }
  const stop = inputs.structuralStop;
  if (stop !== null && !(sign * (price - stop) > 0)) {
    return {
      type: p.type,
      price,
      valid: false,
      reason: `${p.text}: at or beyond the structural stop ${formatPrice(stop, inputs.entry.tickSize)}`,
    };
  }
  const atrs = distance / inputs.atr;
  if (atrs > MAX_ENTRY_DISTANCE_ATR) {
    return {
      type: p.type,
      price,
      valid: false,
      reason: `${p.text}: ${formatAtr(atrs)} ${side} the market, beyond the ${MAX_ENTRY_DISTANCE_TEXT} ATR limit`,
    };
  }
  return { type: p.type, price, valid: true, reason: `${p.text}: ${formatAtr(atrs)} ${side} the market` };
}

/**
 * Refines the entry on the finer entry timeframe: of the valid limit options, the one nearest
 * to the market price (the likeliest to fill), ties going by ENTRY_PREFERENCE. Falls back to a
 * market entry at the signal close when the entry timeframe has fewer than `minEntryCandles`
 * candles (its EMA and swings are not yet trustworthy; the options are still listed, none
 * valid) or when no option is valid.
 *
 * Runs for every strategy candidate, most of which are rejected later, so it builds only what
 * the returned analysis holds: the options are judged and the nearest valid one found in one
 * pass, and the market price is formatted once. The analysis fields are written out in each
 * literal rather than spread from a shared base object: spreading cost about a fifth of a
 * whole planRisk call when measured on the real candidates.
 */
export function refineEntry(inputs: EntryInputs): EntryDecision {
  const { entry, marketPrice, minEntryCandles } = inputs;
  const market = formatPrice(marketPrice, inputs.entry.tickSize);
  const considered: EntryOption[] = [];

  if (entry.count < minEntryCandles) {
    const notUsed = `; not used: ${entry.timeframe} has ${entry.count} of the ${minEntryCandles} candles needed to refine`;
    for (const type of ENTRY_PREFERENCE) {
      const p = PROPOSERS[type](inputs);
      considered.push({ type: p.type, price: p.price, valid: false, reason: p.text + notUsed });
    }
    return {
      type: 'MARKET_ENTRY',
      price: marketPrice,
      analysis: {
        entryTimeframe: entry.timeframe,
        entryCandles: entry.count,
        marketPrice,
        considered,
        chosen: 'MARKET_ENTRY',
        why: `market entry at ${market}: the entry timeframe ${entry.timeframe} has ${entry.count} closed candles, fewer than the ${minEntryCandles} needed to refine the entry`,
      },
    };
  }

  let best: EntryOption | null = null;
  let bestPrice = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  let validCount = 0;
  for (const type of ENTRY_PREFERENCE) {
    const option = judge(PROPOSERS[type](inputs), inputs, market);
    considered.push(option);
    if (!option.valid || option.price === null) continue;
    validCount++;
    const distance = Math.abs(marketPrice - option.price);
    // strict: on a tie the option listed first (ENTRY_PREFERENCE) stays
    if (distance < bestDistance) {
      best = option;
      bestPrice = option.price;
      bestDistance = distance;
    }
  }

  if (best === null) {
    return {
      type: 'MARKET_ENTRY',
      price: marketPrice,
      analysis: {
        entryTimeframe: entry.timeframe,
        entryCandles: entry.count,
        marketPrice,
        considered,
        chosen: 'MARKET_ENTRY',
        why: `market entry at ${market}: no refinement option is valid`,
      },
    };
  }
  const others = validCount - 1;
  return {
    type: best.type,
    price: bestPrice,
    analysis: {
      entryTimeframe: entry.timeframe,
      entryCandles: entry.count,
      marketPrice,
      considered,
      chosen: best.type,
      why:
        `${best.type} limit at ${formatPrice(bestPrice, inputs.entry.tickSize)}: the valid option nearest to the market price ${market} ` +
        `(${formatAtr(bestDistance / inputs.atr)} away${others > 0 ? `; ${others} other valid option${others > 1 ? 's' : ''} no nearer` : ''})`,
    },
  };
}
