import type { AlignmentBand, Priority } from '../signals/types.js';

/** The priority bands (config `engine.priority`, see config/signal-rules-schema.ts). */
export interface PrioritySettings {
  readonly high: number;
  readonly medium: number;
  readonly low: number;
  readonly strongAlignment: number;
  readonly moderateAlignment: number;
  readonly weakAlignment: number;
}

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
