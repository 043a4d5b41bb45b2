import type { Priority } from '../signals/types.js';

/**
 * HIGH from 0.8, MEDIUM from 0.7, LOW from minConfidence; null below minConfidence (checked
 * first, so a minimum above 0.7 or 0.8 is never undercut by a band) or for NaN.
 */
export function priorityOf(confidence: number, minConfidence: number): Priority | null {
  if (!(confidence >= minConfidence)) return null;
  if (confidence >= 0.8) return 'HIGH';
  if (confidence >= 0.7) return 'MEDIUM';
  return 'LOW';
}
