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
 * Highest or lowest of the last `window` values in amortised O(1) per push: a monotonic
 * deque of step numbers, each value leaving at most once. Ties keep the latest step, which
 * gives the same extreme as a full scan.
 */
export class WindowExtreme {
  readonly window: number;
  private readonly wantMax: boolean;
  private readonly steps: Float64Array;
  private readonly values: Float64Array;
  /** Deque bounds as ever-growing counters; slots are counter modulo capacity. */
  private head = 0;
  private tail = 0;
  private step = 0;

  constructor(window: number, kind: 'max' | 'min') {
    this.window = window;
    this.wantMax = kind === 'max';
    this.steps = new Float64Array(window);
    this.values = new Float64Array(window);
  }

  /** Adds a value and returns the extreme of the last `window` values (fewer while filling). */
  push(value: number): number {
    const cap = this.window;
    const step = this.step++;
    if (this.head < this.tail && this.steps[this.head % cap] <= step - cap) this.head++;
    if (this.wantMax) {
      while (this.tail > this.head && this.values[(this.tail - 1) % cap] <= value) this.tail--;
    } else {
      while (this.tail > this.head && this.values[(this.tail - 1) % cap] >= value) this.tail--;
    }
    const slot = this.tail % cap;
    this.steps[slot] = step;
    this.values[slot] = value;
    this.tail++;
    return this.values[this.head % cap];
  }

  reset(): void {
    this.head = 0;
    this.tail = 0;
    this.step = 0;
  }
}

/**
 * TA-Lib's SMA arithmetic (running sum: add the newest, read, subtract the one leaving) as a
 * building block for smoothing stages. Unlike the public `Sma` it accepts period 1, as
 * TA-Lib's MA does inside STOCH and STOCHF (where it is the identity).
 */
export class RunningMean {
  readonly period: number;
  private readonly window: Float64Ring;
  private sum = 0;
  /** The latest mean; meaningful once `push` has returned true. */
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Ring(period);
  }

  /** Adds a value; true when a full window's mean is in `value`. */
  push(x: number): boolean {
    this.sum += x;
    this.window.push(x);
    if (!this.window.isFull()) return false;
    this.value = this.sum / this.period;
    this.sum -= this.window.oldest();
    return true;
  }

  reset(): void {
    this.window.reset();
    this.sum = 0;
    this.value = Number.NaN;
  }
}
