import { z } from 'zod';
import type { AlignmentBand, Priority } from '../signals/types.js';

const band = (what: string, dflt: number) => z.number().min(0).max(1).default(dflt).describe(what);
const alignment = (what: string, dflt: number) => z.number().min(-1).max(1).default(dflt).describe(what);

/**
 * The engine settings' `priority` section: the confidence and alignment bars of the design's
 * priority (see `priorityOf` below). Alignment is the context score s in [-1, 1] behind
 * breakdown.alignmentFactor (= 1.25^s): the weighted stance of the higher timeframes (+1 all
 * agree, 0 neutral or balanced, -1 all oppose).
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

/** The priority bands as the functions below read them (the parsed `engine.priority`). */
export type PrioritySettings = Readonly<PriorityConfig>;

const LN_MAX_ALIGNMENT = Math.log(1.25);
/** alignmentFactor = 1.25^s is rounded; a score within this of a bar counts as on it. */
const EPS = 1e-9;

/**
 * The context score s in [-1, 1] behind an alignment factor 1.25^s (core/mtf/context.ts): the
 * weighted stance of the warm context timeframes, +1 all agree, 0 neutral or balanced (also no
 * context), -1 all oppose. NaN or non-positive factors read as 0.
 */
export function alignmentScore(alignmentFactor: number): number {
  if (!(alignmentFactor > 0)) return 0;
  const s = Math.log(alignmentFactor) / LN_MAX_ALIGNMENT;
  return s > 1 ? 1 : s < -1 ? -1 : s;
}

/** strong / moderate / weak from the configured bars on s; below weak: opposed. */
export function alignmentBand(alignmentFactor: number, p: PrioritySettings): AlignmentBand {
  const s = alignmentScore(alignmentFactor) + EPS;
  if (s >= p.strongAlignment) return 'strong';
  if (s >= p.moderateAlignment) return 'moderate';
  if (s >= p.weakAlignment) return 'weak';
  return 'opposed';
}

const RANK: Readonly<Record<AlignmentBand, number>> = { strong: 3, moderate: 2, weak: 1, opposed: 0 };

/**
 * The design's priority: HIGH = confidence >= high AND strong alignment; MEDIUM = >= medium AND
 * at least moderate; LOW = >= low AND at least weak; otherwise NONE (NaN confidence too).
 */
export function priorityOf(confidence: number, band: AlignmentBand, p: PrioritySettings): Priority {
  const r = RANK[band];
  if (confidence >= p.high && r >= RANK.strong) return 'HIGH';
  if (confidence >= p.medium && r >= RANK.moderate) return 'MEDIUM';
  if (confidence >= p.low && r >= RANK.weak) return 'LOW';
  return 'NONE';
}

/** Priorities from the lowest up: a minimum priority admits itself and those after it. */
export const PRIORITY_ORDER: readonly Priority[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

/** Whether `p` is at least `min`. */
export function atLeastPriority(p: Priority, min: Priority): boolean {
  return PRIORITY_ORDER.indexOf(p) >= PRIORITY_ORDER.indexOf(min);
}
