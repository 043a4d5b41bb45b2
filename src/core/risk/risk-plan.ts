import { roundToTick } from '../candles/tick-size.js';
import type { TfSnapshot } from '../features/snapshot.js';
import { formatPrice } from '../format.js';
import type { EntryAnalysis, EntryType, StrategyCandidate } from '../signals/types.js';
import { refineEntry } from './entry.js';
import type { RiskSettings } from './settings-schema.js';

export interface RiskPlan {
  readonly entryType: EntryType;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfits: readonly [number, number, number];
  /** (TP2 − entry) / (entry − stop) for BUY, mirrored for SELL, after round-trip costs. */
  readonly rewardRisk: number;
  readonly analysis: EntryAnalysis;
  /** The price step the prices sit on (NaN: unknown, prices unrounded). */
  readonly tickSize: number;
  /** How the stop distance was chosen (the filters word their verdicts from it). */
  readonly stop: StopBasis;
}

/** Where the stop came from: beyond a swing (with its buffer), or the ATR minimum. */
export interface StopBasis {
  /** Entry-to-stop distance in signal-timeframe ATRs. */
  readonly distanceAtr: number;
  /** The swing the stop sits beyond, or null when the ATR minimum set it. */
  readonly swing: { readonly name: 'swing low' | 'swing high'; readonly price: number } | null;
  /** The minimum distance in ATRs (the candidate's or the configured stopAtr). */
  readonly minAtr: number;
}

/** A plan, or why no sound plan exists (then the candidate cannot become a signal at all). */
export type RiskResult =
  | { readonly ok: true; readonly plan: RiskPlan }
  | { readonly ok: false; readonly reason: 'invalid_risk'; readonly detail: string };

/** The risk section without the exit style (how a position leaves is not the plan's business). */
export type RiskConfig = Omit<RiskSettings, 'exit'>;

function reject(detail: string): RiskResult {
  return { ok: false, reason: 'invalid_risk', detail };
}

const isPrice = (x: number): boolean => Number.isFinite(x) && x > 0;

/** Names of the plan's prices in invariant order, for the breach texts. */
const PRICE_NAMES = ['stop', 'entry', 'TP1', 'TP2', 'TP3'] as const;

/**
 * Why a plan breaks the invariants every returned plan keeps, or null when it keeps them:
 * all prices finite and > 0, and for BUY stop < entry < TP1 < TP2 < TP3 (SELL mirrored).
 * Checked on the computed numbers rather than assumed from the inputs, because floating
 * point can merge prices (a tiny ATR on a large price) and a SELL's targets can go below 0.
 */
function invariantBreach(plan: RiskPlan, sign: number): string | null {
  const { stopLoss, entryPrice, takeProfits, tickSize } = plan;
  const tp1 = takeProfits[0];
  const tp2 = takeProfits[1];
  const tp3 = takeProfits[2];
  // the common case, checked without building anything; the texts below say which rule broke
  if (
    isPrice(stopLoss) &&
    isPrice(entryPrice) &&
    isPrice(tp1) &&
    isPrice(tp2) &&
    isPrice(tp3) &&
    sign * (entryPrice - stopLoss) > 0 &&
    sign * (tp1 - entryPrice) > 0 &&
    sign * (tp2 - tp1) > 0 &&
    sign * (tp3 - tp2) > 0 &&
    Number.isFinite(plan.rewardRisk)
  ) {
    return null;
  }
  const prices = [stopLoss, entryPrice, tp1, tp2, tp3];
  for (let i = 0; i < prices.length; i++) {
    if (!isPrice(prices[i]))
      return `${PRICE_NAMES[i]} ${formatPrice(prices[i], tickSize)} is not a positive finite price`;
  }
  for (let i = 1; i < prices.length; i++) {
    if (!(sign * (prices[i] - prices[i - 1]) > 0)) {
      const order = sign > 0 ? 'stop < entry < TP1 < TP2 < TP3' : 'stop > entry > TP1 > TP2 > TP3';
      return `prices break the order ${order} at ${PRICE_NAMES[i - 1]} ${formatPrice(prices[i - 1], tickSize)} / ${PRICE_NAMES[i]} ${formatPrice(prices[i], tickSize)}`;
    }
  }
  return `reward:risk ${plan.rewardRisk} is not finite`;
}

/**
 * Reward:risk to TP2 after round-trip costs, in ATR units: the reward less the costs of entering
 * and leaving at TP2, over the risk plus the costs of entering and leaving at the stop:
 *
 *   (rewardAtr − c × (entry + TP2) / ATR) / (riskAtr + c × (entry + stop) / ATR),  c = cost per side
 *
 * Without costs it is the ratio of the multiples (`rMultiple` itself in 'r' mode), so the
 * default 3 ATR / 1.5 ATR is exactly 2, not a rounded 1.9999999999.
 */
function rewardRiskAfterCosts(
  rewardAtr: number,
  riskAtr: number,
  costPerSide: number,
  winNotionalAtr: number,
  lossNotionalAtr: number,
  rMultiple: number | null,
): number {
  if (costPerSide === 0) return rMultiple ?? rewardAtr / riskAtr;
  return (rewardAtr - costPerSide * winNotionalAtr) / (riskAtr + costPerSide * lossNotionalAtr);
}

/**
 * Entry, stop and targets for a strategy candidate, with the rules that reject it.
 *
 * - Market price = `signal.close` (the close of the candle that produced the signal);
 *   ATR = `signal.atr`. A NaN or non-positive ATR, or a market price that is not a positive
 *   finite number → `invalid_risk` (no plan).
 * - Entry: refined on the entry timeframe (see `refineEntry`): the valid limit option nearest
 *   to the market, else MARKET_ENTRY at the market price.
 * - Stop (BUY; SELL mirrored with the last swing high + buffer): with k = candidate.stopAtr ??
 *   risk.stopAtr, distance = max(entry − (swingLow − swingBufferAtr × ATR), k × ATR) when the
 *   signal timeframe's last confirmed swing low is strictly below the entry, else k × ATR.
 *   The swing keeps the stop beyond the structure that invalidates the setup; the ATR floor
 *   keeps it out of ordinary noise when the swing is close. The "structural stop" that limit
 *   entries must stay inside is swingLow − buffer, taken only when the swing low is below the
 *   market price. A limit inside the buffer (between swingLow − buffer and swingLow) is
 *   allowed; the swing is then not below that entry, so its stop is k × ATR, which with the
 *   usual k ≥ swingBufferAtr still lies beyond the structural stop.
 * - Targets: TPn = entry ± targets[n] × ATR ('atr' mode) or × the stop distance ('r' mode).
 * - rewardRisk = (TP2 − entry) / (entry − stop), mirrored for SELL, after the round-trip
 *   costs of `costPerSide` (see rewardRiskAfterCosts), evaluated on the ATR multiples.
 * - A plan breaking the invariants (e.g. a BUY stop at or below 0) → `invalid_risk`, no plan.
 *   Whether the stop is too far or the reward too small is for the signal filters
 *   (`max_stop_distance`, `min_reward_risk`), which read `plan.stop` and `plan.rewardRisk`.
 *
 * Every plan returned keeps the invariants: all prices finite and > 0, and BUY stop < entry <
 * TP1 < TP2 < TP3 (SELL mirrored).
 */
export function planRisk(
  candidate: StrategyCandidate,
  signal: TfSnapshot,
  entry: TfSnapshot,
  risk: RiskConfig,
  costPerSide = 0,
): RiskResult {
  const buy = candidate.direction === 'BUY';
  const sign = buy ? 1 : -1;
  const market = signal.close;
  const atr = signal.atr;
  if (Number.isNaN(atr)) return reject(`${signal.timeframe} ATR is not available yet`);
  if (!(Number.isFinite(atr) && atr > 0)) {
    return reject(`${signal.timeframe} ATR must be a positive finite number, got ${atr}`);
  }
  if (!isPrice(market)) {
    return reject(`market price (${signal.timeframe} close) must be positive, got ${market}`);
  }

  const swing = buy ? signal.lastSwingLow : signal.lastSwingHigh;
  const swingName = buy ? ('swing low' as const) : ('swing high' as const);
  const buffer = risk.swingBufferAtr * atr;
  // the stop the structure asks for; null when there is no swing or it is not beyond the market
  const swingStop = swing === null ? Number.NaN : swing.price - sign * buffer;
  const structuralStop = swing !== null && sign * (market - swing.price) > 0 ? swingStop : null;

  const refined = refineEntry({
    direction: candidate.direction,
    marketPrice: market,
    atr,
    structuralStop,
    level: candidate.level,
    entry,
    minEntryCandles: risk.minEntryCandles,
  });
  const entryPrice = refined.price;

  const k = candidate.stopAtr ?? risk.stopAtr;
  const minDistance = k * atr;
  const swingUsable = swing !== null && sign * (entryPrice - swing.price) > 0;
  const swingDistance = swingUsable ? sign * (entryPrice - swingStop) : Number.NEGATIVE_INFINITY;
  const fromSwing = swingDistance > minDistance;
  const distance = fromSwing ? swingDistance : minDistance;
  // on the tick grid: the stop away from the entry (the risk is never understated), the targets
  // toward it (the reward never overstated)
  const tick = signal.tickSize;
  const away = buy ? 'down' : 'up';
  const toward = buy ? 'down' : 'up';
  const stopLoss = roundToTick(entryPrice - sign * distance, tick, away);

  const unit = risk.targetMode === 'atr' ? atr : distance;
  const targets = risk.targets;
  const t1 = targets[0];
  const t2 = targets[1];
  const t3 = targets[2];
  const takeProfits: readonly [number, number, number] = [
    roundToTick(entryPrice + sign * t1 * unit, tick, toward),
    roundToTick(entryPrice + sign * t2 * unit, tick, toward),
    roundToTick(entryPrice + sign * t3 * unit, tick, toward),
  ];
  // From the multiples, not the rounded prices: with the defaults a stop at the ATR floor gives
  // exactly 3 / 1.5 = 2.0, which price arithmetic (and the tick grid) could turn into
  // 1.9999999999 and reject.
  const distanceAtr = fromSwing ? swingDistance / atr : k;
  const rewardRisk = rewardRiskAfterCosts(
    risk.targetMode === 'atr' ? t2 : t2 * distanceAtr,
    distanceAtr,
    costPerSide,
    (entryPrice + takeProfits[1]) / atr,
    (entryPrice + stopLoss) / atr,
    risk.targetMode === 'r' ? t2 : null,
  );
  const plan: RiskPlan = {
    entryType: refined.type,
    entryPrice,
    stopLoss,
    takeProfits,
    rewardRisk,
    analysis: refined.analysis,
    tickSize: tick,
    stop: {
      distanceAtr,
      swing: fromSwing && swing !== null ? { name: swingName, price: swing.price } : null,
      minAtr: k,
    },
  };

  const breach = invariantBreach(plan, sign);
  return breach === null ? { ok: true, plan } : reject(breach);
}
