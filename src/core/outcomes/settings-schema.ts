import { z } from 'zod';

/**
 * The engine settings' `outcomes` section: how a signal's position exits (split, break-even,
 * holding horizon), the costs every figure is after, the ambiguity policy and the TP/SL touch
 * precision. The composed engine schema (core/pipeline/engine-settings.ts) plugs it in;
 * `trackerSettings` (./settings.ts) maps the parsed section to the tracker's settings.
 */

/**
 * When a take-profit or stop level counts as reached on a base candle, and what each reach is
 * called. Defaults: the exact touch, as before.
 */
export const PrecisionConfig = z
  .object({
    toleranceBps: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe(
        'A level counts as touched when the price came within this many basis points of the entry price of it (0: an exact touch). It still fills at the level.',
      ),
    toleranceTicks: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe(
        'Touch tolerance in price steps of the symbol (its tick size); the larger of this and toleranceBps applies (0: none; ignored while the tick size is unknown).',
      ),
    confirm: z
      .enum(['touch', 'close', 'penetration'])
      .default('touch')
      .describe(
        'touch: a level is hit when the candle reaches it (within the tolerance); close: only when a base candle closes at or beyond it, and it exits at that close; penetration: only when the price goes beyond it by minPenetrationBps, and it exits at the level.',
      ),
    minPenetrationBps: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe('confirm penetration: how far beyond the level, in basis points of the entry price.'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.confirm === 'penetration' && !(p.minPenetrationBps > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['minPenetrationBps'],
        message: 'confirm penetration needs minPenetrationBps > 0',
      });
    if (p.confirm !== 'penetration' && p.minPenetrationBps > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['minPenetrationBps'],
        message: `minPenetrationBps applies only with confirm penetration (confirm is ${p.confirm})`,
      });
    if (p.confirm === 'penetration' && (p.toleranceBps > 0 || p.toleranceTicks > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['toleranceBps'],
        message: 'a touch tolerance and a minimum penetration contradict each other: set one',
      });
  })
  .prefault({})
  .describe('TP/SL precision: touch tolerance and confirmation rule (defaults: exact touch).');
export type PrecisionConfig = z.infer<typeof PrecisionConfig>;

/** The `outcomes` section. */
export const OutcomesSettings = z
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
      .describe('TIME_EXIT after this many candles of the signal timeframe since the fill (null: never).'),
    feePerSide: z
      .number()
      .min(0)
      .max(0.05)
      .default(0.001)
      .describe(
        "Exchange fee per side, as a fraction of the notional (0.001 = 0.1 %, Binance spot's taker fee).",
      ),
    slippagePerSide: z
      .number()
      .min(0)
      .max(0.05)
      .default(0.0002)
      .describe(
        'Slippage assumed per side on top of the fee (0.0002 = 2 basis points). Every figure after costs counts fee + slippage on entry and exit.',
      ),
    policy: z
      .enum(['pessimistic', 'optimistic', 'ohlc_path'])
      .default('pessimistic')
      .describe('Which comes first when one base candle touches both a target and the stop.'),
    precision: PrecisionConfig,
    trackRejected: z
      .boolean()
      .default(true)
      .describe('Also track the would-be outcome of every filtered candidate that got prices.'),
  })
  .strict()
  .prefault({});
export type OutcomesSettings = z.infer<typeof OutcomesSettings>;
