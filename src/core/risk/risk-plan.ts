import type { EngineConfig } from '../../config/engine-schema.js';
import type { EntryAnalysis, EntryType, StrategyCandidate } from '../signals/types.js';
import type { TfSnapshot } from '../strategies/snapshot.js';
import { refineEntry } from './entry.js';
import { formatAtr, formatFixed2, formatPrice } from './format.js';

export interface RiskPlan {
  readonly entryType: EntryType;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfits: readonly [number, number, number];
  /** (TP2 − entry) / (entry − stop) for BUY, mirrored for SELL. */
  readonly rewardRisk: number;
  readonly analysis: EntryAnalysis;
}

export type RiskResult =
  | { readonly ok: true; readonly plan: RiskPlan }
  | {
      readonly ok: false;
      readonly reason: 'invalid_risk' | 'low_reward_risk';
      readonly detail: string;
      /** The would-be plan, kept so a rejected candidate's outcome can still be tracked; null when no sound plan exists. */
      readonly plan: RiskPlan | null;
    };

type RiskConfig = EngineConfig['risk'];

function reject(
  reason: 'invalid_risk' | 'low_reward_risk',
  detail: string,
  plan: RiskPlan | null,
): RiskResult {
  return { ok: false, reason, detail, plan };
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
  const { stopLoss, entryPrice, takeProfits } = plan;
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
      return `${PRICE_NAMES[i]} ${formatPrice(prices[i])} is not a positive finite price`;
  }
  for (let i = 1; i < prices.length; i++) {
    if (!(sign * (prices[i] - prices[i - 1]) > 0)) {
      const order = sign > 0 ? 'stop < entry < TP1 < TP2 < TP3' : 'stop > entry > TP1 > TP2 > TP3';
      return `prices break the order ${order} at ${PRICE_NAMES[i - 1]} ${formatPrice(prices[i - 1])} / ${PRICE_NAMES[i]} ${formatPrice(prices[i])}`;
    }
  }
  return `reward:risk ${plan.rewardRisk} is not finite`;
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
 * - rewardRisk = (TP2 − entry) / (entry − stop), mirrored for SELL, evaluated on the
 *   multiples (TP2 multiple × unit / stop distance) so that it is free of price rounding.
 * - Rejections, in this order: a plan breaking the invariants (e.g. a BUY stop at or below 0)
 *   → `invalid_risk`, no plan; stop distance > risk.maxStopAtr × ATR → `invalid_risk` with the
 *   plan; rewardRisk < minRewardRisk → `low_reward_risk` with the plan. Rejected plans are
 *   kept so the pipeline can track what the candidate would have done.
 *
 * Every plan returned, accepted or not, keeps the invariants: all prices finite and > 0, and
 * BUY stop < entry < TP1 < TP2 < TP3 (SELL mirrored).
 */
export function planRisk(
  candidate: StrategyCandidate,
  signal: TfSnapshot,
  entry: TfSnapshot,
  risk: RiskConfig,
  minRewardRisk: number,
): RiskResult {
  const buy = candidate.direction === 'BUY';
  const sign = buy ? 1 : -1;
  const market = signal.close;
  const atr = signal.atr;
  if (Number.isNaN(atr)) return reject('invalid_risk', `${signal.timeframe} ATR is not available yet`, null);
  if (!(Number.isFinite(atr) && atr > 0)) {
    return reject(
      'invalid_risk',
      `${signal.timeframe} ATR must be a positive finite number, got ${atr}`,
      null,
    );
  }
  if (!isPrice(market)) {
    return reject(
      'invalid_risk',
      `market price (${signal.timeframe} close) must be positive, got ${market}`,
      null,
    );
  }

  const swing = buy ? signal.lastSwingLow : signal.lastSwingHigh;
  const swingName = buy ? 'swing low' : 'swing high';
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
  const stopLoss = entryPrice - sign * distance;

  const unit = risk.targetMode === 'atr' ? atr : distance;
  const targets = risk.targets;
  const t1 = targets[0];
  const t2 = targets[1];
  const t3 = targets[2];
  const takeProfits: readonly [number, number, number] = [
    entryPrice + sign * t1 * unit,
    entryPrice + sign * t2 * unit,
    entryPrice + sign * t3 * unit,
  ];
  // From the multiples, not the rounded prices: with the defaults a stop at the ATR floor gives
  // exactly 3 / 1.5 = 2.0, which price arithmetic could turn into 1.9999999999 and reject.
  const distanceAtr = fromSwing ? swingDistance / atr : k;
  const rewardRisk = risk.targetMode === 'atr' ? t2 / distanceAtr : t2;
  const plan: RiskPlan = {
    entryType: refined.type,
    entryPrice,
    stopLoss,
    takeProfits,
    rewardRisk,
    analysis: refined.analysis,
  };

  const breach = invariantBreach(plan, sign);
  if (breach !== null) return reject('invalid_risk', breach, null);

  if (distanceAtr > risk.maxStopAtr) {
    const basis =
      fromSwing && swing !== null
        ? `beyond the ${signal.timeframe} ${swingName} ${formatPrice(swing.price)} with a ${formatAtr(risk.swingBufferAtr)} buffer`
        : `the ${formatAtr(k)} minimum`;
    return reject(
      'invalid_risk',
      `stop ${formatPrice(stopLoss)} is ${formatAtr(distanceAtr)} from the entry (${basis}), more than the ${risk.maxStopAtr} ATR maximum`,
      plan,
    );
  }
  if (!(rewardRisk >= minRewardRisk)) {
    return reject(
      'low_reward_risk',
      `reward:risk to TP2 is ${formatFixed2(rewardRisk)}, below the ${minRewardRisk} minimum (stop ${formatAtr(distanceAtr)} away, TP2 ${formatPrice(takeProfits[1])})`,
      plan,
    );
  }
  return { ok: true, plan };
}
