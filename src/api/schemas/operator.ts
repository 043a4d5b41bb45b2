import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { FILTER_NAMES } from '../../core/pipeline/filters.js';
import type { RejectionReason } from '../../core/signals/types.js';
import {
  arrayOf,
  bool,
  enumOf,
  int,
  type JsonSchema,
  keysOf,
  nullableNum,
  nullableRef,
  nullableStr,
  num,
  object,
  ref,
  str,
  time,
} from './common.js';
import { DIRECTIONS, ENTRY_TYPES, SIGNAL_STATUSES } from './signal.js';

/** Schemas of the operators' routes: on-demand evaluation, close/cancel, the audit trail. */

const REJECTION_REASONS = keysOf<RejectionReason>({
  low_confidence: true,
  low_health: true,
  low_reward_risk: true,
  cost_dominated: true,
  invalid_risk: true,
  duplicate: true,
  merged: true,
  cooldown: true,
});

const FilterVerdictSchema = object({
  name: enumOf(FILTER_NAMES),
  reason: enumOf(REJECTION_REASONS),
  passed: bool,
  detail: {
    ...nullableStr,
    description: 'Why it failed, as a filtered candidate records it; null when it passed',
  },
});

const RiskPlanSchema = object(
  {
    entryType: enumOf(ENTRY_TYPES),
    entryPrice: num,
    stopLoss: num,
    takeProfits: arrayOf(num, { minItems: 3, maxItems: 3 }),
    rewardRisk: nullableNum,
    tickSize: nullableNum,
    stop: object({
      distanceAtr: nullableNum,
      swing: { anyOf: [object({ name: str, price: num }), { type: 'null' }] },
      minAtr: nullableNum,
    }),
  },
  { description: 'The risk plan: entry, stop (and what it rests on), targets, reward:risk after costs' },
);

const CandidateEvaluationSchema = object({
  id: { ...str, description: 'The id the signal has or would have (the pipeline’s own for this candle)' },
  strategy: str,
  direction: enumOf(DIRECTIONS),
  baseConfidence: nullableNum,
  reasons: arrayOf(str),
  confirmations: arrayOf(str),
  verdict: enumOf(
    ['created', 'passes', 'rejected'],
    'created: the signal exists (made on that candle, or by this run with publish); passes: every filter passes now; rejected: see rejection',
  ),
  rejection: {
    anyOf: [object({ reason: enumOf(REJECTION_REASONS), detail: str }), { type: 'null' }],
    description: 'The first refusal (risk plan or filter): what a filtered candidate is stored with',
  },
  liveStatus: { anyOf: [enumOf(SIGNAL_STATUSES), { type: 'null' }] },
  plan: { anyOf: [RiskPlanSchema, { type: 'null' }] },
  signal: {
    ...nullableRef('Signal'),
    description:
      'The would-be signal: votes and scores in breakdown, health, confidence, entryAnalysis; null when the risk plan failed',
  },
  filters: arrayOf(FilterVerdictSchema, { description: 'Every filter, in the configured order' }),
});

export const EvaluationSchema: JsonSchema = object({
  symbol: str,
  timeframe: enumOf(TIMEFRAMES),
  candle: object({ openTime: time, closeTime: time, close: num }),
  asOf: { ...time, description: "Close of the symbol's latest base candle: now, in candle time" },
  fresh: {
    ...bool,
    description: 'No base candle closed after the evaluated candle (only then can it publish)',
  },
  publish: bool,
  candidates: arrayOf(CandidateEvaluationSchema),
  created: arrayOf(str, { description: 'Ids of the signals this run made (publish only)' }),
});

export const SignalActionSchema: JsonSchema = object({ signal: ref('Signal'), outcome: ref('Outcome') });

const AuditRowSchema = object({
  seq: int,
  at: time,
  actor: {
    ...str,
    description: 'key:<12 hex of the SHA-256 of the admin key>, system, engine or cli:<user>',
  },
  action: str,
  target: str,
  before: { description: 'State before (any JSON), or null' },
  after: { description: 'State after or result (any JSON), or null' },
  prevHash: { ...str, description: 'SHA-256 of the previous row' },
  hash: { ...str, description: 'SHA-256 of this row (seq, fields, prevHash)' },
});

export const AuditPageSchema: JsonSchema = object({
  items: arrayOf(AuditRowSchema),
  nextCursor: {
    type: ['string', 'null'],
    description: 'Pass as `cursor` to get the next (older) page; null on the last page',
  },
});
