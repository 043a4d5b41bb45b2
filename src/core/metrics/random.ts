/**
 * mulberry32: a 32-bit-state PRNG, small and fast, good enough for bootstrap resampling, and
 * seedable so a report computed twice gives identical confidence intervals (Math.random cannot).
 * Returns uniform draws in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  // int32 state gives the same bits as the usual `>>> 0` uint32 form (every step is mod 2^32)
  // but stays an int32 that V8 keeps unboxed; the bootstrap draws millions of these.
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
