import { z } from 'zod';
import { compareTimeframes, divides, TIMEFRAMES, type Timeframe } from '../core/candles/timeframe.js';

const Tf = z.enum(TIMEFRAMES);

const DEFAULT_ENTRY: Record<string, Timeframe> = { '15m': '5m', '1h': '15m', '4h': '1h', '1d': '4h' };
const DEFAULT_CONTEXT: Record<string, Timeframe[]> = {
  '15m': ['1h', '4h'],
  '1h': ['4h', '1d'],
  '4h': ['1d'],
  '1d': ['1w'],
};

export const SignalTimeframe = z
  .object({
    timeframe: Tf.describe('Timeframe whose closed candles produce signals.'),
    entry: Tf.optional().describe(
      'Finer timeframe on which the entry is refined (default 15m->5m, 1h->15m, 4h->1h, 1d->4h).',
    ),
    context: z
      .array(Tf)
      .optional()
      .describe('Higher timeframes that give context (default: the next higher ones).'),
    expiryCandles: z
      .number()
      .int()
      .positive()
      .default(8)
      .describe('Candles of this timeframe after which an unfilled signal expires.'),
  })
  .strict()
  .transform((s) => ({
    ...s,
    entry: s.entry ?? DEFAULT_ENTRY[s.timeframe] ?? s.timeframe,
    context: s.context ?? DEFAULT_CONTEXT[s.timeframe] ?? [],
  }));

const positive = (what: string) => z.number().positive().describe(what);
const fraction = (what: string) => z.number().min(0).max(1).describe(what);

export const StrategiesConfig = z
  .object({
    momentum: z
      .object({
        enabled: z.boolean().default(true).describe('Trend-following on RSI, MACD and EMA alignment.'),
        rsiFloor: z
          .number()
          .min(0)
          .max(100)
          .default(50)
          .describe('BUY needs RSI above this (SELL below 100 - it).'),
        rsiCeiling: z
          .number()
          .min(0)
          .max(100)
          .default(72)
          .describe('BUY is skipped above this RSI (overbought; mirrored for SELL).'),
        minAdx: z
          .number()
          .min(0)
          .max(100)
          .default(20)
          .describe('Minimum ADX (trend strength) on the signal timeframe.'),
      })
      .strict()
      .default({ enabled: true, rsiFloor: 50, rsiCeiling: 72, minAdx: 20 }),
    breakout: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Close beyond a support/resistance level or the Donchian channel, with volume.'),
        minVolumeRatio: positive('Volume must be at least this multiple of its 20-candle mean.').default(1.5),
        minTouches: z.number().int().min(1).default(2).describe('Touches a level needs to count as one.'),
      })
      .strict()
      .default({ enabled: true, minVolumeRatio: 1.5, minTouches: 2 }),
    mean_reversion: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('RSI extremes and Bollinger re-entries, in a ranging regime only.'),
        rsiOversold: z
          .number()
          .min(0)
          .max(100)
          .default(30)
          .describe('RSI at or below this is oversold (BUY side).'),
        rsiOverbought: z
          .number()
          .min(0)
          .max(100)
          .default(70)
          .describe('RSI at or above this is overbought (SELL side).'),
        maxAdx: z.number().min(0).max(100).default(22).describe('Ranging regime: ADX below this.'),
      })
      .strict()
      .default({ enabled: true, rsiOversold: 30, rsiOverbought: 70, maxAdx: 22 }),
    scalping: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Fast EMA 9/21 cross on the side of VWAP, lowest signal timeframe only.'),
        stopAtr: positive('Stop distance in ATRs (tight).').default(1.0),
      })
      .strict()
      .default({ enabled: true, stopAtr: 1.0 }),
  })
  .strict();

export const EngineConfig = z
  .object({
    baseTimeframe: Tf.default('1m').describe('Timeframe of the candles fed to the pipeline.'),
    signalTimeframes: z
      .array(SignalTimeframe)
      .min(1)
      .default(
        [{ timeframe: '15m' }, { timeframe: '1h' }, { timeframe: '4h' }].map((x) => SignalTimeframe.parse(x)),
      )
      .describe('Signal timeframes with their entry and context timeframes.'),
    strategies: StrategiesConfig.default(StrategiesConfig.parse({})),
    ensemble: z
      .object({
        technical: fraction('Weight of the technical voter (the strategy rule itself).').default(0.4),
        price_action: fraction('Weight of the price-action voter (patterns, structure).').default(0.2),
        regime: fraction('Weight of the market-regime voter.').default(0.2),
        volume: fraction('Weight of the volume voter.').default(0.2),
        baseScale: z
          .number()
          .positive()
          .max(1)
          .default(0.5)
          .describe(
            'Confidence base = baseScale x weighted votes. The product base x (1 + mtf_boost) x alignment x volume can reach 3x its base; 0.5 keeps strong signals from all saturating at 1, so confidence stays comparable with realised win rates.',
          ),
      })
      .strict()
      .default({ technical: 0.4, price_action: 0.2, regime: 0.2, volume: 0.2, baseScale: 0.5 })
      .refine((w) => Math.abs(w.technical + w.price_action + w.regime + w.volume - 1) < 1e-9, {
        message: 'ensemble weights must add up to 1',
      }),
    thresholds: z
      .object({
        minConfidence: fraction('Signals below this confidence are rejected.').default(0.6),
        minHealth: fraction('Signals below this health score are rejected.').default(0.5),
        minRewardRisk: positive('Minimum reward:risk (to TP2).').default(2.0),
      })
      .strict()
      .default({ minConfidence: 0.6, minHealth: 0.5, minRewardRisk: 2.0 }),
    risk: z
      .object({
        stopAtr: positive('The stop is at least this many ATRs from the entry.').default(1.5),
        swingBufferAtr: z
          .number()
          .min(0)
          .default(0.2)
          .describe('Stop goes this many ATRs beyond the recent swing.'),
        maxStopAtr: positive('Candidates needing a stop further than this many ATRs are rejected.').default(
          4,
        ),
        targetMode: z
          .enum(['atr', 'r'])
          .default('atr')
          .describe('Targets as ATR multiples from entry, or as R multiples.'),
        targets: z
          .tuple([z.number().positive(), z.number().positive(), z.number().positive()])
          .default([1.5, 3, 4.5])
          .describe('TP1, TP2, TP3 multiples (of ATR or of R, per targetMode), increasing.')
          .refine((t) => t[0] < t[1] && t[1] < t[2], { message: 'targets must increase: TP1 < TP2 < TP3' }),
        minEntryCandles: z
          .number()
          .int()
          .min(1)
          .default(200)
          .describe('Entry timeframe candles needed before refining the entry (else MARKET_ENTRY).'),
      })
      .strict()
      .default({
        stopAtr: 1.5,
        swingBufferAtr: 0.2,
        maxStopAtr: 4,
        targetMode: 'atr',
        targets: [1.5, 3, 4.5],
        minEntryCandles: 200,
      }),
    outcomes: z
      .object({
        split: z
          .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
          .default([0.5, 0.3, 0.2])
          .describe('Fractions of the position closed at TP1, TP2, TP3.')
          .refine((s) => Math.abs(s[0] + s[1] + s[2] - 1) < 1e-9, { message: 'split must add up to 1' }),
        breakevenAfterTp1: z.boolean().default(true).describe('Move the stop to the entry once TP1 is hit.'),
        maxHoldingCandles: z
          .number()
          .int()
          .positive()
          .nullable()
          .default(96)
          .describe(
            'TIME_EXIT after this many candles of the signal timeframe since the fill (null: never).',
          ),
        feePerSide: z
          .number()
          .min(0)
          .max(0.05)
          .default(0.001)
          .describe('Fees plus slippage per side, as a fraction of the notional (0.001 = 0.1 %).'),
        policy: z
          .enum(['pessimistic', 'optimistic', 'ohlc_path'])
          .default('pessimistic')
          .describe('Which comes first when one base candle touches both a target and the stop.'),
        trackRejected: z
          .boolean()
          .default(true)
          .describe('Also track the would-be outcome of every filtered candidate that got prices.'),
      })
      .strict()
      .default({
        split: [0.5, 0.3, 0.2],
        breakevenAfterTp1: true,
        maxHoldingCandles: 96,
        feePerSide: 0.001,
        policy: 'pessimistic',
        trackRejected: true,
      }),
    cooldownCandles: z
      .number()
      .int()
      .min(0)
      .default(4)
      .describe('Signal-timeframe candles after a signal before the same key may signal again.'),
    dedup: z
      .enum(['symbol_direction', 'symbol_direction_strategy'])
      .default('symbol_direction')
      .describe('At most one live signal per key: per (symbol, direction), or per strategy too.'),
    cancelOnOpposite: z
      .boolean()
      .default(false)
      .describe('A new signal cancels live signals of the opposite direction.'),
    qualityWindow: z
      .number()
      .int()
      .min(1)
      .default(200)
      .describe('Candles checked for gaps by the data-quality health score.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.signalTimeframes.forEach((s, i) => {
      const at = ['signalTimeframes', i];
      if (seen.has(s.timeframe))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'timeframe'],
          message: `${s.timeframe} is listed twice`,
        });
      seen.add(s.timeframe);
      if (!divides(cfg.baseTimeframe, s.timeframe)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'timeframe'],
          message: `${s.timeframe} cannot be built from the base timeframe ${cfg.baseTimeframe}`,
        });
      }
      if (compareTimeframes(s.entry, s.timeframe) >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'entry'],
          message: `entry timeframe ${s.entry} must be finer than the signal timeframe ${s.timeframe}`,
        });
      } else if (s.entry !== cfg.baseTimeframe && !divides(cfg.baseTimeframe, s.entry)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'entry'],
          message: `entry timeframe ${s.entry} cannot be built from the base timeframe ${cfg.baseTimeframe}`,
        });
      }
      s.context.forEach((c, j) => {
        if (compareTimeframes(c, s.timeframe) <= 0) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'context', j],
            message: `context timeframe ${c} must be higher than the signal timeframe ${s.timeframe}`,
          });
        } else if (!divides(cfg.baseTimeframe, c)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'context', j],
            message: `context timeframe ${c} cannot be built from the base timeframe ${cfg.baseTimeframe}`,
          });
        }
      });
    });
  });

export type EngineConfig = z.infer<typeof EngineConfig>;
export type SignalTimeframeConfig = EngineConfig['signalTimeframes'][number];
export type StrategiesConfig = z.infer<typeof StrategiesConfig>;
