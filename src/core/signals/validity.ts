import { z } from 'zod';

/**
 * Durations as the config writes them ('90m', '2h', '3d'), and the design's default entry
 * validity. The settings schemas validate them where they enter (`Duration`); the core reads
 * them here.
 */

export const DURATION_PATTERN = /^([1-9][0-9]{0,5})(m|h|d)$/;

/** A duration written as minutes, hours or days: '90m', '2h', '3d'. */
export const Duration = z
  .string()
  .regex(DURATION_PATTERN, 'a duration is a whole number of minutes, hours or days, like 90m, 2h or 3d');
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration ('2h' -> 7,200,000). */
export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new RangeError(`not a duration: ${JSON.stringify(text)} (like 90m, 2h or 3d)`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/**
 * How long a pending limit entry may wait to fill when its signal timeframe says nothing: the
 * design's 2 hours (docs/DECISIONS.md, "Validity").
 */
export const DEFAULT_ENTRY_VALIDITY = '2h';
