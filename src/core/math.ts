/** x clamped to [0, 1]; NaN counts as 0 (a term that cannot be measured adds nothing). */
export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}
