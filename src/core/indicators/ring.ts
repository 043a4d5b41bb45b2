/**
 * Fixed-capacity ring of the latest values, preallocated so a streaming update never
 * allocates. Once full, each push overwrites the oldest value.
 */
export class Float64Ring {
  readonly capacity: number;
  private readonly data: Float64Array;
  /** Slot the next push writes. */
  private next = 0;
  private size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  isFull(): boolean {
    return this.size === this.capacity;
  }

  push(value: number): void {
    this.data[this.next] = value;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** The value pushed `age` pushes ago: 0 is the latest, `length - 1` the oldest held. */
  ago(age: number): number {
    let slot = this.next - 1 - age;
    if (slot < 0) slot += this.capacity;
    return this.data[slot];
  }

  oldest(): number {
    return this.ago(this.size - 1);
  }

  reset(): void {
    this.next = 0;
    this.size = 0;
  }
}

/**
 * Highest of the last `window` values, TA-Lib's way (MAX, STOCH, WILLR): a ring holds the
 * window, the slot of the highest value is remembered, and the window is rescanned only when
 * that slot is overwritten by a lower value. On prices that happens on about one update in
 * six, and an update otherwise costs a store and a compare, with no modulo. Ties keep the
 * latest slot, which postpones the next rescan; the value is the same as a full scan's.
 *
 * `add` returns nothing and the result is read from `extreme`: a method returning a number
 * boxes it whenever V8 does not inline the call, and so does a number passed to a call that
 * is not inlined, which is why the methods here are kept small (and one class per direction).
 */
export class WindowMax {
  readonly window: number;
  private readonly values: Float64Array;
  /** Slot the next value goes to; once the ring is full, the slot of the oldest value. */
  private slot = 0;
  private extremeSlot = -1;
  /** The highest value held (of fewer than `window` while filling), as of the last `add`. */
  extreme = Number.NEGATIVE_INFINITY;

  constructor(window: number) {
    this.window = window;
    this.values = new Float64Array(window);
  }

  add(value: number): void {
    const slot = this.slot;
    this.values[slot] = value;
    this.slot = slot + 1 === this.window ? 0 : slot + 1;
    if (value >= this.extreme) {
      this.extreme = value;
      this.extremeSlot = slot;
    } else if (slot === this.extremeSlot) {
      this.rescan();
    }
  }

  /** Values added since the highest one (0: the latest); with ties, the latest of them. */
  age(): number {
    const newest = this.slot === 0 ? this.window - 1 : this.slot - 1;
    const age = newest - this.extremeSlot;
    return age < 0 ? age + this.window : age;
  }

  /** The highest value has just left the full window: scan it oldest first, ties to the latest. */
  private rescan(): void {
    const values = this.values;
    const oldest = this.slot;
    let best = values[oldest];
    let bestSlot = oldest;
    for (let i = oldest + 1; i < values.length; i++) {
      if (values[i] >= best) {
        best = values[i];
        bestSlot = i;
      }
    }
    for (let i = 0; i < oldest; i++) {
      if (values[i] >= best) {
        best = values[i];
        bestSlot = i;
      }
    }
    this.extreme = best;
    this.extremeSlot = bestSlot;
  }

  reset(): void {
    this.slot = 0;
    this.extremeSlot = -1;
    this.extreme = Number.NEGATIVE_INFINITY;
  }
}

/** Lowest of the last `window` values: `WindowMax` mirrored. */
export class WindowMin {
  readonly window: number;
  private readonly values: Float64Array;
  /** Slot the next value goes to; once the ring is full, the slot of the oldest value. */
  private slot = 0;
  private extremeSlot = -1;
  /** The lowest value held (of fewer than `window` while filling), as of the last `add`. */
  extreme = Number.POSITIVE_INFINITY;

  constructor(window: number) {
    this.window = window;
    this.values = new Float64Array(window);
  }

  add(value: number): void {
    const slot = this.slot;
    this.values[slot] = value;
    this.slot = slot + 1 === this.window ? 0 : slot + 1;
    if (value <= this.extreme) {
      this.extreme = value;
      this.extremeSlot = slot;
    } else if (slot === this.extremeSlot) {
      this.rescan();
    }
  }

  /** Values added since the lowest one (0: the latest); with ties, the latest of them. */
  age(): number {
    const newest = this.slot === 0 ? this.window - 1 : this.slot - 1;
    const age = newest - this.extremeSlot;
    return age < 0 ? age + this.window : age;
  }

  /** The lowest value has just left the full window: scan it oldest first, ties to the latest. */
  private rescan(): void {
    const values = this.values;
    const oldest = this.slot;
    let best = values[oldest];
    let bestSlot = oldest;
    for (let i = oldest + 1; i < values.length; i++) {
      if (values[i] <= best) {
        best = values[i];
        bestSlot = i;
      }
    }
    for (let i = 0; i < oldest; i++) {
      if (values[i] <= best) {
        best = values[i];
        bestSlot = i;
      }
    }
    this.extreme = best;
    this.extremeSlot = bestSlot;
  }

  reset(): void {
    this.slot = 0;
    this.extremeSlot = -1;
    this.extreme = Number.POSITIVE_INFINITY;
  }
}

/** Highest or lowest of the last `window` values, the direction chosen at construction. */
export class WindowExtreme {
  readonly window: number;
  private readonly tracker: WindowMax | WindowMin;

  constructor(window: number, kind: 'max' | 'min') {
    this.window = window;
    this.tracker = kind === 'max' ? new WindowMax(window) : new WindowMin(window);
  }

  /** Adds a value and returns the extreme of the last `window` values (fewer while filling). */
  push(value: number): number {
    this.tracker.add(value);
    return this.tracker.extreme;
  }

  reset(): void {
    this.tracker.reset();
  }
}

/**
 * TA-Lib's SMA arithmetic (running sum: add the newest, read, subtract the one leaving) as a
 * building block for smoothing stages. Unlike the public `Sma` it accepts period 1, as
 * TA-Lib's MA does inside STOCH and STOCHF (where it is the identity). The window is a ring
 * kept here rather than a `Float64Ring`, to save the calls on every update.
 */
export class RunningMean {
  readonly period: number;
  private readonly window: Float64Array;
  /** Slot the next value goes to; once the window is full, the slot of the oldest value. */
  private slot = 0;
  private filled = 0;
  private sum = 0;
  /** The latest mean; meaningful once `push` has returned true. */
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Array(period);
  }

  /** Adds a value; true when a full window's mean is in `value`. */
  push(x: number): boolean {
    const window = this.window;
    const slot = this.slot;
    const next = slot + 1 === this.period ? 0 : slot + 1;
    window[slot] = x;
    this.slot = next;
    const sum = this.sum + x;
    if (this.filled < this.period) {
      if (++this.filled < this.period) {
        this.sum = sum;
        return false;
      }
    }
    this.value = sum / this.period;
    // The oldest value of the window just averaged sits in the slot the next value takes.
    this.sum = sum - window[next];
    return true;
  }

  reset(): void {
    this.slot = 0;
    this.filled = 0;
    this.sum = 0;
    this.value = Number.NaN;
  }
}
