import { z } from 'zod';

/**
 * The engine settings' `risk` section (stop, targets, entry refinement) and the exit style it and
 * the signal timeframes and slices share. The composed engine schema
 * (core/pipeline/engine-settings.ts) plugs them in; the risk plan reads the parsed section.
 */

/** How positions exit (see ExitPlan in core/signals/types.ts). */
export const ExitStyleConfig = z
  .object({
    style: z
      .enum(['targets', 'trailing', 'time'])
      .default('targets')
      .describe(
        'targets: TP1..TP3 with the split and break-even; trailing: a chandelier stop trailing the best price since the fill; time: stop or holding limit only.',
      ),
    trailAtr: z
      .number()
      .positive()
      .default(3)
      .describe('trailing: the stop trails the best price since the fill by this many ATRs (at the signal).'),
  })
  .strict();
export type ExitStyleConfig = z.infer<typeof ExitStyleConfig>;

/** The `risk` section: how the stop and the targets of a plan are placed. */
export const RiskSettings = z
  .object({
    stopAtr: z
      .number()
      .positive()
      .describe('The stop is at least this many ATRs from the entry.')
      .default(1.5),
    swingBufferAtr: z
      .number()
      .min(0)
      .default(0.2)
      .describe('Stop goes this many ATRs beyond the recent swing.'),
    maxStopAtr: z
      .number()
      .positive()
      .describe('Candidates needing a stop further than this many ATRs are rejected.')
      .default(4),
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
    exit: ExitStyleConfig.prefault({}).describe(
      'How positions exit unless their signal timeframe says otherwise.',
    ),
  })
  .strict()
  .prefault({});
export type RiskSettings = z.infer<typeof RiskSettings>;
