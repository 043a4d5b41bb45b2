/**
 * A batch output column of `length` values whose first `lookback` are NaN (the warm-up) and
 * the rest 0 until written. Filling only the warm-up, not the whole column as `nanArray`
 * does, saves a full pass over memory in the hot batch paths that write every later value.
 */
export function warmupColumn(length: number, lookback: number): Float64Array {
  const out = new Float64Array(length);
  out.fill(Number.NaN, 0, Math.min(length, lookback));
  return out;
}
