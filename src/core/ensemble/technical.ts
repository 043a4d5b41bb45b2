import { formatFixed } from '../format.js';
import { clamp01, finite, sideOf, type Voter } from './voter.js';

/**
 * The labels of the technical vote's four checks, in the order they are listed: trend families
 * check sides (worded for the direction), mean reversion checks turns. Fixed strings, so a vote
 * builds no label text.
 */
const TREND_LABELS_BUY = ['RSI above 50', 'MACD histogram positive', 'close above EMA21', 'EMA9 above EMA21'];
const TREND_LABELS_SELL = [
  'RSI below 50',
  'MACD histogram negative',
  'close below EMA21',
  'EMA9 below EMA21',
];
const REVERSION_LABELS = [
  'RSI turning',
  'MACD histogram turning',
  'close turning',
  'room to the Bollinger mean',
];

/** Weight of the strategy's own verdict in the technical vote; the rest is indicator agreement. */
const TECHNICAL_BASE_WEIGHT = 0.7;

/**
 * technical = 0.7 × baseConfidence + 0.3 × (share of the strategy family's indicator checks
 * that favour the direction). Most families check sides: RSI vs 50, MACD histogram sign,
 * close vs EMA21, EMA9 vs EMA21. Reversion families check turns: RSI, MACD histogram and close
 * moving the signal's way, and the close still short of the Bollinger middle.
 */
export const technicalVoter: Voter = (candidate, s, family) => {
  const base = clamp01(candidate.baseConfidence);
  const d = sideOf(candidate.direction);
  const reversion = family.kind === 'reversion';
  const labels = reversion ? REVERSION_LABELS : d > 0 ? TREND_LABELS_BUY : TREND_LABELS_SELL;
  // the four readings, positive when they favour the direction, NaN when not known yet;
  // a reversion wants the turn, not the side: RSI and MACD hooking back, price still on the
  // stretched side of the Bollinger mean with room to revert
  let agreed = 0;
  let against = 0;
  let agreedText = '';
  let againstText = '';
  for (let k = 0; k < 4; k++) {
    const value = reversion
      ? k === 0
        ? d * (s.rsi - s.prevRsi)
        : k === 1
          ? d * (s.macdHist - s.prevMacdHist)
          : k === 2
            ? d * (s.close - s.prevClose)
            : d * (s.bbMiddle - s.close)
      : k === 0
        ? d * (s.rsi - 50)
        : k === 1
          ? d * s.macdHist
          : k === 2
            ? d * (s.close - s.ema21)
            : d * (s.ema9 - s.ema21);
    if (!finite(value)) continue;
    if (value > 0) agreedText = agreed++ === 0 ? labels[k] : `${agreedText}, ${labels[k]}`;
    else againstText = against++ === 0 ? labels[k] : `${againstText}, ${labels[k]}`;
  }
  const known = agreed + against;
  const share = known > 0 ? agreed / known : 0.5;
  const score = TECHNICAL_BASE_WEIGHT * base + (1 - TECHNICAL_BASE_WEIGHT) * share;
  const detail =
    known === 0
      ? 'indicators not warm'
      : `indicators agree ${agreed}/${known}` +
        (agreed > 0 ? ` (${agreedText})` : '') +
        (against > 0 ? `, not: ${againstText}` : '');
  return { voter: 'technical', score, reason: `strategy ${formatFixed(base, 2)}; ${detail}` };
};
