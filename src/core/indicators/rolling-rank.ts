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
    const n = this.size;
    if (n < this.window) {
      const at = this.lowerBound(x, n);
      for (let i = n; i > at; i--) sorted[i] = sorted[i - 1];
      sorted[at] = x;
      this.size = n + 1;
      this.order.push(x);
      return at;
    }
    // Full: one copy of the leaving value goes, x comes in; only the values between the two
    // places move, by one slot (plain loops: the moves are short, a copyWithin call costs more).
    const out = this.lowerBound(this.order.oldest(), n);
    let at = this.lowerBound(x, n);
    if (at > out) {
      at--; // x goes after values that all shift down over the leaving one
      for (let i = out; i < at; i++) sorted[i] = sorted[i + 1];
    } else {
      for (let i = out; i > at; i--) sorted[i] = sorted[i - 1];
    }
    sorted[at] = x;
    this.order.push(x);
    // values below x: the index it took (the leaving value is gone, x itself not counted)
    return at;
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
