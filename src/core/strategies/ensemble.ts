import { regimeOf, scoreContext, volumeFactor } from '../mtf/context.js';
import { formatPrice } from '../risk/format.js';
import type {
  ConfidenceBreakdown,
  Direction,
  HealthBreakdown,
  Priority,
  StrategyCandidate,
  StrategyName,
  Vote,
  VoterName,
} from '../signals/types.js';
import { formatFixed } from './format.js';
import type { TfSnapshot } from './snapshot.js';

/** One voter's opinion before the ensemble gives it its configured weight. */
export type VoterOpinion = Omit<Vote, 'weight'>;
export type Voter = (candidate: StrategyCandidate, signal: TfSnapshot) => VoterOpinion;
export type EnsembleWeights = Readonly<Record<VoterName, number>>;

const finite = Number.isFinite;
const clamp01 = (x: number): number => (x > 1 ? 1 : x > 0 ? x : 0);
const sideOf = (direction: Direction): number => (direction === 'BUY' ? 1 : -1);
/** Prices in the vote reasons: 8 significant digits, as the risk plan's texts. */
const price = formatPrice;

/** Strategies that trade with a trend and want one; mean reversion wants the market to range. */
const TREND_FAMILIES: ReadonlySet<StrategyName> = new Set(['momentum', 'breakout', 'scalping']);

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
 * that favour the direction). Trend families check sides: RSI vs 50, MACD histogram sign,
 * close vs EMA21, EMA9 vs EMA21. Mean reversion checks turns: RSI, MACD histogram and close
 * moving the signal's way, and the close still short of the Bollinger middle.
 */
export const technicalVoter: Voter = (candidate, s) => {
  const base = clamp01(candidate.baseConfidence);
  const d = sideOf(candidate.direction);
  const reversion = candidate.strategy === 'mean_reversion';
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

/** Distance in ATRs within which a level counts as near. */
const NEAR_ATR = 1;
/** How far a level ahead can pull the location score down, and one behind push it up. */
const CEILING_PENALTY = 0.4;
const FLOOR_BONUS = 0.5;

/**
 * TA-Lib gives these a fixed sign whatever the market (doji, dragonfly and gravestone are
 * always +100, spinning top follows the candle's colour): they mark indecision, not a side.
 */
const INDECISION_PATTERNS: ReadonlySet<string> = new Set([
  'doji',
  'dragonflydoji',
  'gravestonedoji',
  'spinningtop',
]);

/** Which level behind gives the location floor (see `location`). */
const BEHIND_TRACKER = 0;
const BEHIND_CANDIDATE = 1;
const BEHIND_DONCHIAN = 2;

/** Whether the level at `levelPrice` was broken by this very candle (previous close beyond it). */
function freshBreak(s: TfSnapshot, d: number, levelPrice: number): boolean {
  return finite(s.prevClose) && d * (s.prevClose - levelPrice) < 0;
}

/** The location floor a level behind gives: 1 when broken this candle, else 1 − cushion in ATRs. */
function floorOf(s: TfSnapshot, d: number, levelPrice: number): number {
  if (freshBreak(s, d, levelPrice)) return 1;
  const cushion = (d * (s.close - levelPrice)) / s.atr;
  return Math.max(0, 1 - cushion / NEAR_ATR);
}

interface Location {
  readonly score: number;
  readonly reason: string;
}

/**
 * Where the close sits between the level behind it (support for a BUY) and the level ahead
 * (resistance for a BUY), in ATRs:
 *   location = 0.5 + 0.5 × floor − 0.4 × ceiling, clamped to [0, 1]
 *   floor    = 1 when the level behind was broken by this very candle (previous close on
 *              its far side), else max(0, 1 − cushion / 1 ATR)
 *   ceiling  = max(0, 1 − room / 1 ATR)
 * Levels behind come from the tracker, the candidate's own level and a broken Donchian bound
 * (the best floor of them counts); the level ahead is the tracker's nearest.
 */
function location(candidate: StrategyCandidate, s: TfSnapshot, d: number): Location {
  const atr = s.atr;
  const close = s.close;
  if (!(atr > 0) || !finite(close)) return { score: 0.5, reason: 'location unknown (no ATR yet)' };
  const behindWord = d > 0 ? 'support' : 'resistance';
  const aheadWord = d > 0 ? 'resistance' : 'support';

  // up to three levels behind (the tracker's, the candidate's, a broken Donchian bound); the
  // best floor wins (the first of equals) and only its text is written
  let floor = 0;
  let bestPrice = 0;
  let bestWhich = -1;
  const trackerBehind = d > 0 ? s.levels.nearestSupport(close) : s.levels.nearestResistance(close);
  if (trackerBehind) {
    const f = floorOf(s, d, trackerBehind.price);
    if (f > floor) {
      floor = f;
      bestPrice = trackerBehind.price;
      bestWhich = BEHIND_TRACKER;
    }
  }
  const lvl = candidate.level;
  if (lvl && d * (close - lvl.price) >= 0) {
    const f = floorOf(s, d, lvl.price);
    if (f > floor) {
      floor = f;
      bestPrice = lvl.price;
      bestWhich = BEHIND_CANDIDATE;
    }
  }
  const donchian = d > 0 ? s.donchianHigh : s.donchianLow;
  if (finite(donchian) && d * (close - donchian) > 0) {
    const f = floorOf(s, d, donchian);
    if (f > floor) {
      floor = f;
      bestPrice = donchian;
      bestWhich = BEHIND_DONCHIAN;
    }
  }

  let floorWhy = `no ${behindWord} within ${NEAR_ATR} ATR`;
  if (bestWhich >= 0) {
    const words =
      bestWhich === BEHIND_TRACKER
        ? behindWord
        : bestWhich === BEHIND_CANDIDATE && lvl
          ? lvl.kind
          : `20-candle ${d > 0 ? 'high' : 'low'}`;
    const what = `${words} ${price(bestPrice)}`;
    floorWhy = freshBreak(s, d, bestPrice)
      ? `broke ${what} this candle`
      : `${formatFixed((d * (close - bestPrice)) / atr, 2)} ATR from ${what}`;
  }

  const ahead = d > 0 ? s.levels.nearestResistance(close) : s.levels.nearestSupport(close);
  let ceiling = 0;
  let aheadWhy = `no ${aheadWord} within ${NEAR_ATR} ATR ahead`;
  if (ahead) {
    const room = (d * (ahead.price - close)) / atr;
    ceiling = Math.max(0, 1 - room / NEAR_ATR);
    aheadWhy = `${formatFixed(room, 2)} ATR to ${aheadWord} ${price(ahead.price)}`;
  }
  const score = clamp01(0.5 + FLOOR_BONUS * floor - CEILING_PENALTY * ceiling);
  return { score, reason: `${floorWhy}, ${aheadWhy}` };
}

/** Higher highs and higher lows for a BUY (lower for a SELL): share of the two that hold. */
function structure(s: TfSnapshot, d: number): { score: number; reason: string } {
  const hi = s.lastSwingHigh;
  const phi = s.prevSwingHigh;
  const lo = s.lastSwingLow;
  const plo = s.prevSwingLow;
  const word = d > 0 ? 'higher' : 'lower';
  // each check is positive when it holds, NaN when a price is not known
  const highCheck = hi && phi ? d * (hi.price - phi.price) : Number.NaN;
  const lowCheck = lo && plo ? d * (lo.price - plo.price) : Number.NaN;
  const highKnown = finite(highCheck);
  const lowKnown = finite(lowCheck);
  const known = (highKnown ? 1 : 0) + (lowKnown ? 1 : 0);
  if (known === 0) return { score: 0.5, reason: 'no swing structure yet' };
  const highHolds = highKnown && highCheck > 0;
  const lowHolds = lowKnown && lowCheck > 0;
  const agreed = (highHolds ? 1 : 0) + (lowHolds ? 1 : 0);
  return {
    score: agreed / known,
    reason:
      agreed === 2
        ? `swings: ${word} high, ${word} low`
        : highHolds
          ? `swings: ${word} high`
          : lowHolds
            ? `swings: ${word} low`
            : `swings against (no ${word} high or low)`,
  };
}

/**
 * confirmation = 0.5 + 0.25 × max(candidate confirmations, candle patterns favouring the
 * direction) − 0.25 × patterns against it, clamped: two confirmations make it 1, two opposing
 * patterns 0. The max, because a strategy's confirmations are usually those very patterns.
 */
function confirmation(
  candidate: StrategyCandidate,
  s: TfSnapshot,
  d: number,
): { score: number; reason: string } {
  let favour = 0;
  let against = 0;
  for (const [name, value] of s.patterns) {
    if (INDECISION_PATTERNS.has(name)) continue;
    if (d * value > 0) favour++;
    else if (d * value < 0) against++;
  }
  const n = candidate.confirmations.length;
  const score = clamp01(0.5 + 0.25 * Math.max(n, favour) - 0.25 * against);
  return { score, reason: `${n} confirmation(s), ${favour} pattern(s) for, ${against} against` };
}

/**
 * price_action = 0.4 × location + 0.3 × structure + 0.3 × confirmation for trend families;
 * mean reversion trades against the latest swings by design, so for it swing structure is left
 * out: 0.6 × location + 0.4 × confirmation.
 */
export const priceActionVoter: Voter = (candidate, s) => {
  const d = sideOf(candidate.direction);
  const loc = location(candidate, s, d);
  const conf = confirmation(candidate, s, d);
  if (candidate.strategy === 'mean_reversion') {
    return {
      voter: 'price_action',
      score: 0.6 * loc.score + 0.4 * conf.score,
      reason: `${loc.reason}; ${conf.reason}`,
    };
  }
  const st = structure(s, d);
  return {
    voter: 'price_action',
    score: 0.4 * loc.score + 0.3 * st.score + 0.3 * conf.score,
    reason: `${loc.reason}; ${st.reason}; ${conf.reason}`,
  };
};

/**
 * How well the signal timeframe's ADX suits the strategy family, 0..1 (0.5 when ADX is not
 * warm): trend families ramp from 0 at ADX 15 to 1 at ADX 25 (trending); mean reversion is 1
 * up to ADX 20 (ranging) and ramps down to 0 at ADX 30. Linear ramps rather than steps, so a
 * tick of ADX around a threshold does not flip the score.
 */
export function regimeFit(strategy: StrategyName, adx: number): number {
  if (!finite(adx)) return 0.5;
  return TREND_FAMILIES.has(strategy) ? clamp01((adx - 15) / 10) : clamp01((30 - adx) / 10);
}

export const regimeVoter: Voter = (candidate, s) => {
  const score = regimeFit(candidate.strategy, s.adx);
  const reason = finite(s.adx)
    ? `ADX ${formatFixed(s.adx, 1)} (${regimeOf(s.adx)}) fits ${candidate.strategy} ${formatFixed(score, 2)}`
    : 'regime unknown (ADX warming up)';
  return { voter: 'regime', score, reason };
};

/** volume = min(1, ratio / 2): average volume scores 0.5, twice the average or more 1. */
export const volumeVoter: Voter = (_candidate, s) => {
  const r = s.volumeRatio;
  if (!finite(r))
    return { voter: 'volume', score: 0.5, reason: 'volume ratio unknown (no average volume yet)' };
  return {
    voter: 'volume',
    score: clamp01(r / 2),
    reason: `volume ${formatFixed(r, 2)}x its 20-candle mean`,
  };
};

/** The voters in the order their votes are listed in a breakdown. */
export const VOTERS: Readonly<Record<VoterName, Voter>> = {
  technical: technicalVoter,
  price_action: priceActionVoter,
  regime: regimeVoter,
  volume: volumeVoter,
};

/**
 * confidence = clamp(base × (1 + mtfBoost) × alignmentFactor × volumeFactor, 0, 1) with
 * base = Σ weight × score over the four votes (see `scoreContext` and `volumeFactor`).
 * The product is evaluated left to right in exactly that order, so a reader of the breakdown
 * can recompute it to the bit.
 */
export function scoreConfidence(
  candidate: StrategyCandidate,
  signal: TfSnapshot,
  contexts: readonly TfSnapshot[],
  weights: EnsembleWeights,
  baseScale = 1,
): { confidence: number; breakdown: ConfidenceBreakdown } {
  // the four votes in the order of VOTERS, written out (named reads, no keyed lookups per vote); a NaN
  // score would poison the sum even at weight 0: voters never give one, but be sure
  const t = VOTERS.technical(candidate, signal);
  const p = VOTERS.price_action(candidate, signal);
  const r = VOTERS.regime(candidate, signal);
  const v = VOTERS.volume(candidate, signal);
  const votes: Vote[] = [
    { voter: 'technical', weight: weights.technical, score: clamp01(t.score), reason: t.reason },
    { voter: 'price_action', weight: weights.price_action, score: clamp01(p.score), reason: p.reason },
    { voter: 'regime', weight: weights.regime, score: clamp01(r.score), reason: r.reason },
    { voter: 'volume', weight: weights.volume, score: clamp01(v.score), reason: v.reason },
  ];
  let ensembleScore = 0;
  for (let k = 0; k < votes.length; k++) ensembleScore += votes[k].weight * votes[k].score;
  const base = baseScale * ensembleScore;
  const ctx = scoreContext(contexts, candidate.direction);
  const vf = volumeFactor(signal.volumeRatio);
  const product = base * (1 + ctx.mtfBoost) * ctx.alignmentFactor * vf;
  const confidence = Math.min(1, Math.max(0, product));
  return {
    confidence,
    breakdown: {
      strategyBase: candidate.baseConfidence,
      votes,
      ensembleScore,
      baseScale,
      base,
      mtfBoost: ctx.mtfBoost,
      alignmentFactor: ctx.alignmentFactor,
      volumeFactor: vf,
      product,
      context: ctx.views,
    },
  };
}

export interface HealthInput {
  readonly signal: TfSnapshot;
  readonly warmupComplete: boolean;
  readonly qualityWindow: number;
  readonly rewardRisk: number;
  readonly minRewardRisk: number;
  readonly strategy: StrategyName;
}

export const HEALTH_WEIGHTS = { dataQuality: 0.3, technical: 0.3, risk: 0.2, regime: 0.2 } as const;

/** How many readings the technical health checks for warmth. */
const HEALTH_READINGS = 10;

/** Multiplier on data quality when the signal's own candle lacks some of its constituents. */
const INCOMPLETE_CANDLE_PENALTY = 0.5;

/**
 * How far the signal can be trusted, apart from how strong it is:
 *   dataQuality = 0 before warm-up; else (1 − min(1, defects / qualityWindow)), halved when
 *                 the latest candle is incomplete (the signal rests on partial data)
 *   technical   = warm share of EMA9/21/50/200, RSI, MACD hist, ADX, ATR, Bollinger, volume
 *                 ratio × (0.5 + 0.5 × consistency) for trend families, where consistency =
 *                 |bull − bear| / (bull + bear) over the signs of EMA9−EMA21, MACD hist,
 *                 RSI−50, close−EMA50 (1 when all tell one story, 0 when split evenly);
 *                 mean reversion thrives on split readings, so for it only the warm share
 *   risk        = min(1, rewardRisk / (2 × minRewardRisk)): the minimum R:R scores 0.5
 *   regime      = regimeFit(strategy, ADX)
 *   score       = 0.3 dataQuality + 0.3 technical + 0.2 risk + 0.2 regime
 */
export function healthScore(input: HealthInput): HealthBreakdown {
  const s = input.signal;

  let dataQuality = 0;
  if (input.warmupComplete) {
    const window = input.qualityWindow > 0 ? input.qualityWindow : 1;
    dataQuality = 1 - Math.min(1, Math.max(0, s.defectsInWindow) / window);
    if (!s.complete) dataQuality *= INCOMPLETE_CANDLE_PENALTY;
    dataQuality = clamp01(dataQuality);
  }

  // the ten readings whose warmth counts, tallied without building an array of them
  const warmCount =
    (finite(s.ema9) ? 1 : 0) +
    (finite(s.ema21) ? 1 : 0) +
    (finite(s.ema50) ? 1 : 0) +
    (finite(s.ema200) ? 1 : 0) +
    (finite(s.rsi) ? 1 : 0) +
    (finite(s.macdHist) ? 1 : 0) +
    (finite(s.adx) ? 1 : 0) +
    (finite(s.atr) ? 1 : 0) +
    (finite(s.bbMiddle) ? 1 : 0) +
    (finite(s.volumeRatio) ? 1 : 0);
  const warmShare = warmCount / HEALTH_READINGS;
  let technical = warmShare;
  if (input.strategy !== 'mean_reversion') {
    // the signs of EMA9−EMA21, MACD hist, RSI−50, close−EMA50 (NaN counts for neither side)
    const a = s.ema9 - s.ema21;
    const b = s.macdHist;
    const c = s.rsi - 50;
    const e = s.close - s.ema50;
    const bull = (a > 0 ? 1 : 0) + (b > 0 ? 1 : 0) + (c > 0 ? 1 : 0) + (e > 0 ? 1 : 0);
    const bear = (a < 0 ? 1 : 0) + (b < 0 ? 1 : 0) + (c < 0 ? 1 : 0) + (e < 0 ? 1 : 0);
    const consistency = bull + bear > 0 ? Math.abs(bull - bear) / (bull + bear) : 1;
    technical = warmShare * (0.5 + 0.5 * consistency);
  }

  const rr = input.rewardRisk;
  const minRr = input.minRewardRisk;
  let risk = 0;
  if (rr > 0) risk = minRr > 0 ? clamp01(rr / (2 * minRr)) : 1;

  const regime = regimeFit(input.strategy, s.adx);
  const score =
    HEALTH_WEIGHTS.dataQuality * dataQuality +
    HEALTH_WEIGHTS.technical * technical +
    HEALTH_WEIGHTS.risk * risk +
    HEALTH_WEIGHTS.regime * regime;
  return { dataQuality, technical, risk, regime, score };
}

/**
 * HIGH from 0.8, MEDIUM from 0.7, LOW from minConfidence; null below minConfidence (checked
 * first, so a minimum above 0.7 or 0.8 is never undercut by a band) or for NaN.
 */
export function priorityOf(confidence: number, minConfidence: number): Priority | null {
  if (!(confidence >= minConfidence)) return null;
  if (confidence >= 0.8) return 'HIGH';
  if (confidence >= 0.7) return 'MEDIUM';
  return 'LOW';
}
