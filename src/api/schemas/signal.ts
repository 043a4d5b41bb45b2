import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import type { OutcomeEventKind, OutcomeType, PrecisionClass } from '../../core/outcomes/types.js';
import {
  type Direction,
  type EntryType,
  type Priority,
  type SignalStatus,
  STRATEGY_NAMES,
  type VoterName,
} from '../../core/signals/types.js';
import {
  arrayOf,
  bool,
  enumOf,
  int,
  type JsonSchema,
  keysOf,
  mapOf,
  nullableNum,
  nullableRef,
  nullableStr,
  nullableTime,
  num,
  object,
  ref,
  str,
  time,
} from './common.js';

export const DIRECTIONS = keysOf<Direction>({ BUY: true, SELL: true });
export const SIGNAL_STATUSES = keysOf<SignalStatus>({
  PENDING: true,
  ACTIVE: true,
  CLOSED: true,
  EXPIRED: true,
  CANCELLED: true,
});
export const ENTRY_TYPES = keysOf<EntryType>({
  FIBONACCI_618: true,
  EMA_PULLBACK: true,
  SUPPORT_RETEST: true,
  MARKET_ENTRY: true,
});
export const PRIORITIES = keysOf<Priority>({ HIGH: true, MEDIUM: true, LOW: true, NONE: true });
const VOTERS = keysOf<VoterName>({ technical: true, price_action: true, regime: true, volume: true });
export const OUTCOME_TYPES = keysOf<OutcomeType>({
  TP_HIT: true,
  PARTIAL_TP: true,
  SL_HIT: true,
  TRAILING_STOP: true,
  TIME_EXIT: true,
  EXPIRED: true,
  CANCELLED: true,
  MANUAL_EXIT: true,
});
const OUTCOME_EVENT_KINDS = keysOf<OutcomeEventKind>({
  FILL: true,
  TP1: true,
  TP2: true,
  TP3: true,
  SL: true,
  BREAKEVEN_STOP: true,
  TRAIL_STOP: true,
  TIME_EXIT: true,
  EXPIRED: true,
  CANCELLED: true,
  MANUAL_EXIT: true,
});

const timeframe = enumOf(TIMEFRAMES);

export const PRECISION_CLASSES = keysOf<PrecisionClass>({
  EXACT_TOUCH: true,
  WITHIN_TOLERANCE: true,
  CLOSE_CONFIRMED: true,
  PENETRATED: true,
});

export const OutcomeEventSchema = object(
  {
    kind: enumOf(OUTCOME_EVENT_KINDS),
    time,
    price: num,
    fraction: num,
    ambiguous: bool,
    precision: {
      anyOf: [enumOf(PRECISION_CLASSES), { type: 'null' }],
      description:
        'How a target or stop level was reached (engine.outcomes.precision): EXACT_TOUCH, WITHIN_TOLERANCE, CLOSE_CONFIRMED or PENETRATED; null for fills, time exits, expiry and cancellation',
    },
  },
  { required: ['kind', 'time', 'price', 'fraction', 'ambiguous'] },
);

/** The issue-15 facts; absent on signals stored before they existed, so never required. */
const signalFacts: Record<string, JsonSchema> = {
  alignment: {
    ...enumOf(['strong', 'moderate', 'weak', 'opposed']),
    description: 'Multi-timeframe alignment band of the context score (engine.priority)',
  },
  riskLevel: {
    ...enumOf(['low', 'medium', 'high']),
    description: 'From the stop distance and the volatility percentile (docs/DECISIONS.md)',
  },
  entryConfidence: object(
    { fillRate: nullableNum, n: int, basis: str },
    {
      description:
        'Measured fill rate of this entry type in similar conditions (timeframe, volatility tercile) from the outcomes so far, with n',
    },
  ),
  processingMs: {
    ...nullableNum,
    description: 'Candle close to signal in ms, stamped by the live runtime; null in backtests and replays',
  },
  entryValidMs: {
    ...num,
    description: 'Entry validity: how long a limit entry may wait to fill (default 2 h)',
  },
  maxHoldingMs: {
    ...nullableNum,
    description: 'Holding horizon: time exit this long after the fill; null none',
  },
  evidence: arrayOf(object({ signalId: str, timeframe, strategy: str, createdAt: time, confidence: num }), {
    description: 'Agreeing signals of other timeframes merged into this one (engine.merge)',
  }),
};
const FACT_KEYS = Object.keys(signalFacts);

/*
 * Scores inside the breakdown may be NaN in the engine (a context not warm yet); the store keeps
 * them as null, so those fields are nullable numbers.
 */

const VoteSchema = object({
  voter: enumOf(VOTERS),
  weight: nullableNum,
  score: nullableNum,
  reason: str,
});

const ContextViewSchema = object({
  timeframe,
  asOf: nullableTime,
  trend: enumOf([-1, 0, 1]),
  regime: enumOf(['trending', 'ranging', 'unknown']),
  volatilityPercentile: nullableNum,
  momentum: enumOf([-1, 0, 1]),
  agrees: bool,
  weight: nullableNum,
});

const ConfidenceBreakdownSchema = object(
  {
    strategyBase: nullableNum,
    votes: arrayOf(VoteSchema),
    ensembleScore: nullableNum,
    baseScale: nullableNum,
    base: nullableNum,
    mtfBoost: nullableNum,
    alignmentFactor: nullableNum,
    volumeFactor: nullableNum,
    product: nullableNum,
    score: { ...nullableNum, description: "The seeds' formula clamped to [0, 1], for explanation" },
    model: {
      ...nullableStr,
      description: 'Version of the confidence model that gave the confidence; null: the formula score',
    },
    context: arrayOf(ContextViewSchema),
  },
  {
    required: [
      'strategyBase',
      'votes',
      'ensembleScore',
      'baseScale',
      'base',
      'mtfBoost',
      'alignmentFactor',
      'volumeFactor',
      'product',
      'context',
    ],
  },
);

const HealthSchema = object({
  dataQuality: nullableNum,
  technical: nullableNum,
  risk: nullableNum,
  regime: nullableNum,
  score: nullableNum,
});

const EntryAnalysisSchema = object(
  {
    entryTimeframe: timeframe,
    entryCandles: int,
    marketPrice: num,
    considered: arrayOf(object({ type: enumOf(ENTRY_TYPES), price: nullableNum, valid: bool, reason: str })),
    chosen: enumOf(ENTRY_TYPES),
    why: str,
  },
  { description: 'Every entry-refinement option considered on the entry timeframe, and why one was chosen' },
);

/** The fields a signal has in lists and in full. */
const signalCore: Record<string, JsonSchema> = {
  id: str,
  symbol: str,
  direction: enumOf(DIRECTIONS),
  timeframe,
  entryTimeframe: timeframe,
  strategy: enumOf(STRATEGY_NAMES),
  entryType: enumOf(ENTRY_TYPES),
  entryPrice: num,
  stopLoss: num,
  takeProfits: arrayOf(num, { minItems: 3, maxItems: 3, description: 'TP1, TP2, TP3' }),
  rewardRisk: num,
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  published: {
    type: 'boolean',
    description:
      'Published: its strategy slice was validated when it was made. Unpublished signals are stored and tracked, not delivered.',
  },
  priority: enumOf(PRIORITIES),
  ...signalFacts,
  reasons: arrayOf(str),
  createdAt: { ...time, description: 'Close time of the candle that produced the signal (ms)' },
  expiresAt: time,
  status: enumOf(SIGNAL_STATUSES),
  statusAt: time,
  statusReason: str,
};

const ExitPlanSchema = object(
  {
    style: enumOf(['targets', 'trailing', 'time']),
    trailDistance: nullableNum,
  },
  {
    description:
      'How the position exits: targets (TP1..TP3 with the split, break-even after TP1), trailing (a stop trailing the best price since the fill by trailDistance) or time (stop or holding limit only; the take-profit levels are then guides)',
  },
);

const signalBody = object({
  ...signalCore,
  exit: ExitPlanSchema,
  breakdown: ConfidenceBreakdownSchema,
  health: HealthSchema,
  entryAnalysis: EntryAnalysisSchema,
  features: mapOf(nullableNum, 'The candidate features the confidence model reads (null: not known yet)'),
});

export const SignalSchema: JsonSchema = {
  $id: 'Signal',
  ...signalBody,
  // signals stored before exit styles existed have none (they exit by targets)
  required: (signalBody.required as string[]).filter((k) => k !== 'exit' && !FACT_KEYS.includes(k)),
};

export const OutcomeSchema: JsonSchema = {
  $id: 'Outcome',
  ...object({
    signalId: str,
    symbol: str,
    direction: enumOf(DIRECTIONS),
    type: enumOf(OUTCOME_TYPES),
    reason: str,
    policy: enumOf(['pessimistic', 'optimistic', 'ohlc_path']),
    createdAt: time,
    entryPrice: num,
    stopLoss: num,
    filled: bool,
    fillTime: nullableTime,
    fillPrice: nullableNum,
    exitTime: time,
    averageExitPrice: nullableNum,
    targetsHit: enumOf([0, 1, 2, 3]),
    rMultiple: num,
    returnPct: { type: 'number', description: 'Return after costs as a fraction (0.012 = +1.2 %)' },
    fees: nullableNum,
    mae: nullableNum,
    mfe: nullableNum,
    maeR: nullableNum,
    mfeR: nullableNum,
    timeToFillMs: nullableNum,
    timeToTp1Ms: nullableNum,
    timeToTp2Ms: nullableNum,
    timeToTp3Ms: nullableNum,
    timeToExitMs: num,
    holdingMs: nullableNum,
    ambiguous: bool,
    ambiguousCandles: int,
    events: arrayOf(OutcomeEventSchema),
  }),
};

const OutcomeSummarySchema = object(
  {
    type: enumOf(OUTCOME_TYPES),
    filled: bool,
    rMultiple: num,
    returnPct: num,
    exitTime: time,
  },
  { description: 'What became of the signal (real outcome, configured ambiguity policy)' },
);

const listItem = object({ ...signalCore, outcome: { anyOf: [OutcomeSummarySchema, { type: 'null' }] } });
export const SignalListItemSchema: JsonSchema = {
  $id: 'SignalListItem',
  ...listItem,
  required: (listItem.required as string[]).filter((k) => !FACT_KEYS.includes(k)),
};

export const SignalDetailSchema: JsonSchema = {
  $id: 'SignalDetail',
  ...object({ signal: ref('Signal'), outcome: nullableRef('Outcome') }),
};

export const SignalPageSchema: JsonSchema = object({
  items: arrayOf(ref('SignalListItem')),
  nextCursor: {
    type: ['string', 'null'],
    description: 'Pass as `cursor` to get the next (older) page; null on the last page',
  },
});
