import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import type { GroupKey } from '../../core/metrics/types.js';
import {
  arrayOf,
  bool,
  enumOf,
  int,
  type JsonSchema,
  keysOf,
  mapOf,
  nullableNum,
  nullableStr,
  nullableTime,
  num,
  object,
  ref,
  str,
  time,
} from './common.js';

export const GROUP_KEYS = keysOf<GroupKey>({
  slice: true,
  strategy: true,
  symbol: true,
  timeframe: true,
  direction: true,
  priority: true,
  entryType: true,
});

const metricFields = {
  value: nullableNum,
  n: { type: 'integer', description: 'Trades (or days) the figure rests on' },
  reliable: { type: 'boolean', description: 'n is at least minTrades' },
};

export const MetricSchema: JsonSchema = { $id: 'Metric', ...object(metricFields) };

const IntervalMetric = object({
  ...metricFields,
  ci95: {
    anyOf: [arrayOf(num, { minItems: 2, maxItems: 2 }), { type: 'null' }],
    description: '95 % percentile-bootstrap interval',
  },
});
const DailyMetric = object({ ...metricFields, days: int });
const ProfitFactorMetric = object({ ...metricFields, note: { enum: ['no_losses', 'no_trades', null] } });
const TradeExtremeMetric = object({ ...metricFields, id: nullableStr, netR: nullableNum });
const DrawdownMetric = object({
  ...metricFields,
  peakTime: nullableTime,
  troughTime: nullableTime,
  recoveryTime: nullableTime,
  recovered: bool,
  declineMs: nullableNum,
  durationMs: nullableNum,
});

const metric = ref('Metric');

const performanceFields: Record<string, JsonSchema> = {
  minTrades: int,
  trades: int,
  wins: int,
  losses: int,
  breakeven: int,
  riskPerTrade: num,
  maxOpenRisk: num,
  skippedByRiskCap: int,
  reducedByRiskCap: int,
  rLeftOutByRiskCap: {
    type: 'number',
    description:
      'Net R the open-risk cap kept out of the equity (trades it skipped or reduced, weighted by the part left out); the trade statistics count all of it',
  },
  firstOpenTime: nullableTime,
  lastCloseTime: nullableTime,
  winRate: IntervalMetric,
  grossWinRate: IntervalMetric,
  profitFactor: ProfitFactorMetric,
  expectancyR: IntervalMetric,
  grossExpectancyR: IntervalMetric,
  costR: metric,
  expectancyPct: metric,
  averageWinPct: metric,
  averageLossPct: metric,
  averageWinR: metric,
  averageLossR: metric,
  payoffRatio: metric,
  payoffRatioR: metric,
  bestTrade: TradeExtremeMetric,
  worstTrade: TradeExtremeMetric,
  totalReturn: metric,
  annualisedReturn: DailyMetric,
  sharpe: DailyMetric,
  sortino: DailyMetric,
  maxDrawdown: DrawdownMetric,
  calmar: DailyMetric,
  sqn: metric,
  longestWinStreak: metric,
  longestLossStreak: metric,
  averageHoldingMs: metric,
  medianHoldingMs: metric,
};

export const PerformanceSchema: JsonSchema = {
  $id: 'Performance',
  ...object(performanceFields, {
    description:
      'Track-record figures after costs (fees and slippage on both sides; a win is net R > 0), with the gross figures beside them; equity at a fixed risk per trade with a cap on open risk, compounded (so the total return is not the risk per trade times the sum of net R). Every metric says how many trades it rests on (n) and whether that is enough (reliable). Returns are fractions (0.012 = +1.2 %).',
    // backtest runs stored before rLeftOutByRiskCap was recorded lack it
    required: Object.keys(performanceFields).filter((k) => k !== 'rLeftOutByRiskCap'),
  }),
};

export const CalibrationSchema: JsonSchema = {
  $id: 'Calibration',
  ...object(
    {
      minTrades: int,
      buckets: arrayOf(
        object({
          lower: num,
          upper: num,
          trades: int,
          meanConfidence: metric,
          winRate: metric,
          gap: { ...metric, description: 'Realised win rate minus mean confidence' },
        }),
      ),
      outside: { type: 'integer', description: 'Trades whose confidence is outside [0, 1]' },
      brier: { ...metric, description: 'Mean squared difference between confidence and the 0/1 net outcome' },
      logLoss: { ...metric, description: 'Mean negative log of the probability given to the net outcome' },
    },
    { description: 'Confidence buckets against their realised win rate after costs (net R > 0)' },
  ),
};

export const EquityPointSchema: JsonSchema = {
  $id: 'EquityPoint',
  ...object({ time, equity: num, drawdown: num }),
};

export const PerformanceResponseSchema: JsonSchema = object({
  since: nullableTime,
  until: nullableTime,
  minTrades: int,
  trades: { type: 'integer', description: 'Filled real trades the figures rest on' },
  costs: {
    ...object({ feePerSide: num, slippagePerSide: num, roundTrip: num }),
    description:
      'The costs every figure is after: fee and slippage per side (config outcomes), and their round trip',
  },
  sizing: {
    ...object({ riskPerTrade: num, maxOpenRisk: num }),
    description: 'How the equity curve sizes trades (config portfolio)',
  },
  overall: ref('Performance'),
  groupBy: { anyOf: [enumOf(GROUP_KEYS), { type: 'null' }] },
  groups: {
    anyOf: [mapOf(ref('Performance'), 'Performance per value of groupBy'), { type: 'null' }],
  },
  calibration: ref('Calibration'),
  equity: arrayOf(ref('EquityPoint')),
});

const PolicySummarySchema: JsonSchema = {
  $id: 'PolicySummary',
  ...object({
    trades: int,
    winRate: nullableNum,
    expectancyR: nullableNum,
    profitFactor: nullableNum,
    totalReturn: nullableNum,
    maxDrawdown: nullableNum,
    reliable: bool,
  }),
};

export const BacktestInfoSchema: JsonSchema = {
  $id: 'BacktestInfo',
  ...object({
    id: int,
    savedAt: { type: 'integer', description: 'When the run was stored (Unix ms)' },
    symbols: arrayOf(str),
    from: nullableTime,
    to: nullableTime,
    signals: int,
    trades: int,
  }),
};

const groupsSchema = object(
  Object.fromEntries(GROUP_KEYS.map((k) => [k, mapOf(ref('Performance'))])) as Record<string, JsonSchema>,
);

const BaselineComparison = object(
  {
    trades: int,
    expectancyR: nullableNum,
    randomMean: nullableNum,
    randomP05: nullableNum,
    randomP50: nullableNum,
    randomP95: nullableNum,
    percentile: nullableNum,
    runs: int,
  },
  {
    description:
      'The real trades (mean net R) against random entries with the same geometry, exits and costs',
  },
);

const reportBody = object(
  {
    version: enumOf([2]),
    config: {
      type: 'object',
      additionalProperties: true,
      description: 'The engine configuration the run used (see `alphapulse config --print`)',
    },
    data: arrayOf(
      object({
        symbol: str,
        source: str,
        timeframe: enumOf(TIMEFRAMES),
        candles: int,
        first: nullableTime,
        last: nullableTime,
      }),
    ),
    range: object({ from: nullableTime, to: nullableTime }),
    costs: object({ feePerSide: num, slippagePerSide: num, roundTrip: num }),
    sizing: object({ riskPerTrade: num, maxOpenRisk: num }),
    counts: object({
      baseCandles: int,
      signals: int,
      rejected: mapOf(int, 'Filtered candidates by reason'),
      outcomes: mapOf(int, 'Outcomes by type'),
      openAtEnd: int,
      trades: int,
    }),
    policy: str,
    overall: ref('Performance'),
    groups: groupsSchema,
    calibration: ref('Calibration'),
    ambiguity: object({
      ambiguousOutcomes: int,
      ambiguousCandles: int,
      pessimistic: ref('PolicySummary'),
      optimistic: ref('PolicySummary'),
    }),
    filtered: object({ overall: ref('PolicySummary'), byReason: mapOf(ref('PolicySummary')) }),
    confidenceModel: object(
      {
        source: str,
        version: nullableStr,
        fallback: nullableStr,
        drifts: {
          type: 'array',
          description:
            'Drifts declared during the run: from `at` on, the confidence came from `to` (null: the formula)',
          items: object({
            at: { type: 'integer' },
            from: str,
            to: nullableStr,
            reasons: { type: 'array', items: str },
          }),
        },
      },
      // reports stored before drifts were recorded lack them
      { required: ['source', 'version', 'fallback'] },
    ),
    entries: {
      type: 'object',
      additionalProperties: true,
      description:
        'Every refined entry against its market-entry counterfactual: delta R after costs and delta win rate with paired bootstrap intervals, n (report-types.ts EntryComparison)',
    },
    precision: {
      type: 'object',
      additionalProperties: true,
      description:
        'The TP/SL precision rule, level events by precision class, and the headline figures with the exact touch (report-types.ts PrecisionReport)',
    },
    equity: arrayOf(ref('EquityPoint')),
    walkForward: {
      anyOf: [
        arrayOf(object({ from: int, to: int, signals: int, performance: ref('Performance') })),
        { type: 'null' },
      ],
    },
    baseline: object({
      random: {
        anyOf: [
          object({
            runs: int,
            seed: int,
            overall: BaselineComparison,
            slices: mapOf(BaselineComparison, 'By slice (strategy:timeframe)'),
          }),
          { type: 'null' },
        ],
      },
      buyAndHold: object({
        bySymbol: mapOf(object({ from: time, to: time, return: num })),
        pooled: nullableNum,
      }),
    }),
  },
  { description: 'The backtest report, version 2 (src/core/pipeline/report-types.ts)' },
);

export const BacktestReportSchema: JsonSchema = {
  $id: 'BacktestReport',
  ...reportBody,
  // reports stored before these sections existed lack them
  required: (reportBody.required as string[]).filter(
    (k) => k !== 'entries' && k !== 'precision' && k !== 'confidenceModel',
  ),
};

export const BacktestDetailSchema: JsonSchema = object({
  info: ref('BacktestInfo'),
  report: ref('BacktestReport'),
});

export const performanceSchemas: readonly JsonSchema[] = [
  MetricSchema,
  PerformanceSchema,
  CalibrationSchema,
  EquityPointSchema,
  PolicySummarySchema,
  BacktestInfoSchema,
  BacktestReportSchema,
];
