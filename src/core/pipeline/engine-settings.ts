import { z } from 'zod';
import { compareTimeframes, divides, TIMEFRAMES, type Timeframe } from '../candles/timeframe.js';
import { PriorityConfig } from '../ensemble/priority.js';
import { DEFAULT_DRIFT } from '../learn/drift.js';
import { OPTIMIZED_SLICES, OPTIMIZED_STATES } from '../learn/optimized-defaults.js';
import { SLICE_STATES, type SliceState } from '../learn/slice-states.js';
import { OutcomesSettings } from '../outcomes/settings-schema.js';
import { ExitStyleConfig, RiskSettings } from '../risk/settings-schema.js';
import { Duration } from '../signals/validity.js';
import { BUILTIN_REGISTRY, type StrategyRegistry } from '../strategies/registry.js';
import { strategiesSchema, strategySectionSchema } from '../strategies/settings-schema.js';
import { FILTER_NAMES } from './filters.js';

/**
 * The engine settings (config `engine`): the zod schema the pipeline's configuration is parsed
 * with, and the `EngineConfig` / `SignalTimeframeConfig` types inferred from it. Each core module
 * owns the schema of its own section (strategies, risk, outcomes, priority, durations) and this
 * file composes them with the pipeline's own sections (signal timeframes, ensemble weights,
 * thresholds, filters, slices, publication, confidence, merge); config/ loads a file and the
 * environment into it.
 */

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
    entryValidity: Duration.optional().describe(
      'How long a pending limit entry of this timeframe may wait to fill, like 2h (default 2h, the design; docs/DECISIONS.md).',
    ),
    expiryCandles: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Entry validity in candles of this timeframe (the older form of entryValidity; give one of them).',
      ),
    maxHoldingCandles: z
      .number()
      .int()
      .positive()
      .nullable()
      .optional()
      .describe(
        'Holding horizon: TIME_EXIT after this many candles of this timeframe since the fill (null: never; default outcomes.maxHoldingCandles).',
      ),
    stopAtr: z
      .number()
      .positive()
      .optional()
      .describe('The minimum stop distance in ATRs for this timeframe (default: risk.stopAtr).'),
    exit: ExitStyleConfig.optional().describe('How positions of this timeframe exit (default: risk.exit).'),
  })
  .strict()
  .refine((s) => s.entryValidity === undefined || s.expiryCandles === undefined, {
    message: 'give entryValidity or expiryCandles, not both',
    path: ['expiryCandles'],
  })
  .transform((s) => ({
    ...s,
    entry: s.entry ?? DEFAULT_ENTRY[s.timeframe] ?? s.timeframe,
    context: s.context ?? DEFAULT_CONTEXT[s.timeframe] ?? [],
  }));

const positive = (what: string) => z.number().positive().describe(what);
const fraction = (what: string) => z.number().min(0).max(1).describe(what);

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

/** The engine's configuration schema for the strategy families of `registry`. */
export function engineConfigSchema(registry: StrategyRegistry = BUILTIN_REGISTRY) {
  return z
    .object({
      baseTimeframe: Tf.default('1m').describe('Timeframe of the candles fed to the pipeline.'),
      signalTimeframes: z
        .array(SignalTimeframe)
        .min(1)
        .default(
          [{ timeframe: '15m' }, { timeframe: '1h' }, { timeframe: '4h' }].map((x) =>
            SignalTimeframe.parse(x),
          ),
        )
        .describe(
          'Signal timeframes with their entry and context timeframes; each may set entryValidity (how long a limit entry may wait to fill, default 2h) and maxHoldingCandles (the holding horizon, default outcomes.maxHoldingCandles).',
        ),
      strategies: strategiesSchema(registry),
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
        .prefault({})
        .refine((w) => Math.abs(w.technical + w.price_action + w.regime + w.volume - 1) < 1e-9, {
          message: 'ensemble weights must add up to 1',
        }),
      thresholds: z
        .object({
          minConfidence: fraction(
            'Signals below this confidence are rejected. 0 by default: confidence is a calibrated probability to read, and no threshold on it found a profitable subset on the training part (docs/CONFIDENCE.md, docs/RESULTS.md).',
          ).default(0),
          minHealth: fraction('Signals below this health score are rejected.').default(0.5),
          minRewardRisk: positive('Minimum reward:risk to TP2, after round-trip costs.').default(2),
          minStopCostMultiple: z
            .number()
            .min(0)
            .default(8)
            .describe(
              'The stop must be at least this many round-trip costs (2 x (fee + slippage)) from the entry, else the candidate is filtered as cost_dominated (0: off). At 8 the costs take at most 1/8 R.',
            ),
        })
        .strict()
        .prefault({}),
      risk: RiskSettings,
      outcomes: OutcomesSettings,
      filters: z
        .array(z.enum(FILTER_NAMES as [string, ...string[]]))
        .default([...FILTER_NAMES])
        .refine((names) => new Set(names).size === names.length, { message: 'a filter is listed twice' })
        .describe(
          `Signal filters, applied in this order; leave one out to disable it. Known: ${FILTER_NAMES.join(', ')}.`,
        ),
      slices: z
        .record(
          z
            .string()
            .regex(/^[a-z][a-z0-9_]*:[0-9]+[mhdw]$/, 'a slice is strategy:timeframe, like mean_reversion:4h'),
          z
            .object({
              params: z
                .record(z.string(), z.union([z.number(), z.boolean()]))
                .optional()
                .describe("The family's parameters on this timeframe (over engine.strategies.<family>)."),
              stopAtr: z
                .number()
                .positive()
                .optional()
                .describe('The minimum stop distance in ATRs for this slice.'),
              exit: ExitStyleConfig.optional().describe('How positions of this slice exit.'),
            })
            .strict(),
        )
        .default(() => structuredClone(OPTIMIZED_SLICES))
        .describe(
          'Settings of one strategy on one signal timeframe (strategy:timeframe), over the timeframe and global ones: what alphapulse optimize chooses per slice. Default: the settings optimize chose on the training part (src/core/learn/optimized-defaults.ts, docs/RESULTS.md); a config that sets this replaces them all.',
        ),
      publication: z
        .object({
          states: z
            .record(
              z
                .string()
                .regex(
                  /^[a-z][a-z0-9_]*:[0-9]+[mhdw]$/,
                  'a slice is strategy:timeframe, like mean_reversion:4h',
                ),
              z.enum(SLICE_STATES as [SliceState, ...SliceState[]]),
            )
            .default(() => ({ ...OPTIMIZED_STATES }))
            .describe(
              'The state of each strategy slice (strategy:timeframe) as its walk-forward validation left it (alphapulse optimize writes them): validated slices publish; probation and disabled ones are computed, stored and tracked, not published.',
            ),
          unlisted: z
            .enum(SLICE_STATES as [SliceState, ...SliceState[]])
            .default('disabled')
            .describe(
              'The state of slices not listed in states: disabled (no validation, nothing published).',
            ),
          window: z
            .number()
            .int()
            .min(2)
            .default(50)
            .describe("Live outcomes (the latest) a slice's live record is judged on."),
          minTrades: z
            .number()
            .int()
            .min(2)
            .default(30)
            .describe('Live outcomes a slice needs before its live record moves its state.'),
        })
        .strict()
        .prefault({})
        .describe('Which strategy slices publish their signals (see docs/RESULTS.md).'),
      confidence: z
        .object({
          model: z
            .string()
            .min(1)
            .default('auto')
            .describe(
              "What gives signals their confidence: 'auto' (the store's active model, else the shipped models/confidence.json), 'active' (the store's active model; an error without one), 'shipped', 'none' (the seeds' formula score, which does not predict outcomes), or the path of a model file (alphapulse train --out).",
            ),
          drift: z
            .object({
              enabled: z.boolean().default(true).describe('Watch the model in use for drift.'),
              psiThreshold: z
                .number()
                .positive()
                .default(DEFAULT_DRIFT.psiThreshold)
                .describe(
                  "A feature whose population stability index against the model's training bins exceeds this has drifted. 1, not the textbook 0.25: the features follow the market's regime, and at 0.25 the watch fired in 7 of 63 windows of 2,000 candidates on the very data the shipped model was trained on (worst 0.39); see docs/CONFIDENCE.md.",
                ),
              gapThreshold: z
                .number()
                .positive()
                .max(1)
                .default(DEFAULT_DRIFT.gapThreshold)
                .describe(
                  '|mean predicted probability - realised win rate| over the outcome window above this is a calibration drift (in-sample worst over windows of 500 outcomes: 0.108).',
                ),
              candidateWindow: z
                .number()
                .int()
                .positive()
                .default(DEFAULT_DRIFT.candidateWindow)
                .describe(
                  'Latest warm candidates the PSI is computed on (a window of 2,000 spans weeks, so one regime does not fill it).',
                ),
              outcomeWindow: z
                .number()
                .int()
                .positive()
                .default(DEFAULT_DRIFT.outcomeWindow)
                .describe(
                  'Latest filled outcomes the calibration gap is computed on (at 200, sampling noise alone passed 0.10 in 19 of 278 in-sample windows).',
                ),
              minCandidates: z
                .number()
                .int()
                .positive()
                .default(DEFAULT_DRIFT.minCandidates)
                .describe('Warm candidates needed before a PSI verdict.'),
              minOutcomes: z
                .number()
                .int()
                .positive()
                .default(DEFAULT_DRIFT.minOutcomes)
                .describe('Outcomes needed before a calibration verdict.'),
              checkEvery: z
                .number()
                .int()
                .positive()
                .default(50)
                .describe('Observations (candidates and outcomes) between two checks.'),
            })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({})
        .describe(
          'The confidence model and its drift watch: on drift the pipeline raises model.drift, falls back to the previous model (or the formula) and puts the validated slices on probation (docs/CONFIDENCE.md).',
        ),
      priority: PriorityConfig,
      merge: MergeConfig.describe(
        "Merging agreeing signal timeframes of one symbol (the design's _merge_mtf_signals); off: measured not to pay (docs/RESULTS.md).",
      ),
      cooldownCandles: z
        .number()
        .int()
        .min(0)
        .default(4)
        .describe('Signal-timeframe candles after a signal before the same key may signal again.'),
      dedup: z
        .enum(['symbol_timeframe_direction', 'symbol_timeframe_direction_strategy', 'symbol_direction'])
        .default('symbol_timeframe_direction')
        .describe(
          'At most one live signal per key: per (symbol, signal timeframe, direction), per strategy too, or per (symbol, direction) across timeframes.',
        ),
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
      // each slice names a registered family, and its parameters are that family's
      for (const [slice, settings] of Object.entries(cfg.slices ?? {})) {
        const family = registry.get(slice.split(':')[0]);
        if (!family) {
          ctx.addIssue({
            code: 'custom',
            path: ['slices', slice],
            message: `no strategy ${slice.split(':')[0]}; strategies are ${registry.names.join(', ')}`,
          });
          continue;
        }
        if (!settings.params) continue;
        const parsed = strategySectionSchema(family).safeParse(settings.params);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            ctx.addIssue({
              code: 'custom',
              path: ['slices', slice, 'params', ...issue.path.map(String)],
              message: issue.message,
            });
          }
        }
      }
      const seen = new Set<string>();
      (cfg.signalTimeframes ?? []).forEach((s, i) => {
        // zod still runs this refinement when an element failed its own checks (its transform
        // then did not run): those issues are reported already, and the cross-checks need it whole
        if (!s || !Array.isArray(s.context) || s.entry === undefined) return;
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
}

/** The engine configuration with the built-in strategy families. */
export const EngineConfig = engineConfigSchema();
export type EngineConfig = z.infer<typeof EngineConfig>;
export type SignalTimeframeConfig = EngineConfig['signalTimeframes'][number];
