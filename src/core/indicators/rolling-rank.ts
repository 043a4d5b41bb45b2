import { Float64Ring } from './ring.js';

/**
 * The rank of each new value among the last `window` values (itself included): how many of
 * them lie strictly below it. Kept as the window in arrival order (to know which value leaves)
 * beside the same values sorted, so a push is two binary searches and a shift of at most
 * `window` numbers instead of a pass comparing every value; the counts are the same integers a
 * full pass gives. NaN is not accepted (it has no rank); the caller skips it.
 */
export class RollingRank {
  readonly window: number;
  private readonly order: Float64Ring;
  private readonly sorted: Float64Array;
  private size = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 2) {
      throw new RangeError(`RollingRank: window must be an integer >= 2, got ${window}`);
    }
    this.window = window;
    this.order = new Float64Ring(window);
    this.sorted = new Float64Array(window);
  }

  get length(): number {
    return this.size;
  }

  isFull(): boolean {
    return this.size === this.window;
  }

  /** Adds `x` (dropping the oldest value once full); returns how many held values are < x. */
  push(x: number): number {
    if (Number.isNaN(x)) throw new RangeError('RollingRank: NaN has no rank');
    const sorted = this.sorted;
    let n = this.size;
    if (n === this.window) {
      // remove one copy of the value leaving the window
      const at = this.lowerBound(this.order.oldest(), n);
      sorted.copyWithin(at, at + 1, n);
      n--;
    }
    const below = this.lowerBound(x, n);
    sorted.copyWithin(below + 1, below, n);
    sorted[below] = x;
    this.size = n + 1;
    this.order.push(x);
    return below;
  }

  /** Index of the first of the `n` sorted values that is >= x (= how many are < x). */
  private lowerBound(x: number, n: number): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  reset(): void {
    this.size = 0;
    this.order.reset();
  }
}
