import { z } from 'zod';
import { DURATION_PATTERN } from '../core/signals/validity.js';

/**
 * Config sections for the design's per-signal rules (issue 15): priority bands, merging agreeing
 * timeframes, validity durations and TP/SL touch precision. Kept apart from engine-schema.ts so
 * each rule reads in one place; engine-schema.ts plugs them in.
 */

/** A duration written as minutes, hours or days: '90m', '2h', '3d'. */
export const Duration = z
  .string()
  .regex(DURATION_PATTERN, 'a duration is a whole number of minutes, hours or days, like 90m, 2h or 3d');

const band = (what: string, dflt: number) => z.number().min(0).max(1).default(dflt).describe(what);
const alignment = (what: string, dflt: number) => z.number().min(-1).max(1).default(dflt).describe(what);

/**
 * The design's priority: HIGH = confidence >= high AND strong alignment, MEDIUM >= medium AND
 * at least moderate alignment, LOW >= low AND at least weak alignment, else NONE. Alignment is
 * the context score s in [-1, 1] behind breakdown.alignmentFactor (= 1.25^s): the weighted
 * stance of the higher timeframes (+1 all agree, 0 neutral or balanced, -1 all oppose).
 */
export const PriorityConfig = z
  .object({
    high: band('Confidence a HIGH signal needs at least (design: 0.8).', 0.8),
    medium: band('Confidence a MEDIUM signal needs at least (design: 0.7).', 0.7),
    low: band(
      'Confidence a LOW signal needs at least (design: 0.6); below it, or below weak alignment, the priority is NONE.',
      0.6,
    ),
    strongAlignment: alignment(
      'Context score s (weighted stance of the context timeframes, -1..1; alignmentFactor = 1.25^s) a HIGH signal needs at least.',
      0.5,
    ),
    moderateAlignment: alignment('Context score s a MEDIUM signal needs at least.', 0),
    weakAlignment: alignment('Context score s a LOW signal needs at least.', -0.5),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!(p.high >= p.medium && p.medium >= p.low))
      ctx.addIssue({
        code: 'custom',
        path: ['medium'],
        message: `confidence bars must not increase from HIGH to LOW: high ${p.high} >= medium ${p.medium} >= low ${p.low}`,
      });
    if (!(p.strongAlignment >= p.moderateAlignment && p.moderateAlignment >= p.weakAlignment))
      ctx.addIssue({
        code: 'custom',
        path: ['moderateAlignment'],
        message: `alignment bars must not increase from strong to weak: strongAlignment ${p.strongAlignment} >= moderateAlignment ${p.moderateAlignment} >= weakAlignment ${p.weakAlignment}`,
      });
  })
  .prefault({})
  .describe(
    "The design's priority bands (docs/DECISIONS.md: with a calibrated confidence of typically 0.3-0.6 the design's bars rarely give HIGH).",
  );
export type PriorityConfig = z.infer<typeof PriorityConfig>;

/**
 * The design's `_merge_mtf_signals`: a signal whose direction another signal timeframe of the same
 * symbol already signalled within `window` (and that one is still live) is not published on its
 * own; it becomes evidence on that earlier signal. Off by default: measured on the training part,
 * it does not pay (docs/RESULTS.md, "Merging timeframes (issue 15.5)").
 */
export const MergeConfig = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Merge agreeing signal timeframes of one symbol into the earlier live signal (the later one is filtered as merged and tracked as a shadow).',
      ),
    window: Duration.default('4h').describe(
      'How long after a live signal an agreeing signal of another timeframe merges into it (like 4h).',
    ),
  })
  .strict()
  .prefault({});
export type MergeConfig = z.infer<typeof MergeConfig>;

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
