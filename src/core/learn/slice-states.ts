/**
 * Which strategy slices (a family on a signal timeframe, `mean_reversion:4h`) publish their
 * signals. A slice is
 * - `validated`: its walk-forward out-of-sample record after costs held (see `alphapulse
 *   optimize`): its signals are published;
 * - `probation`: validated once, but its live record has turned negative (or its inputs drifted):
 *   computed, stored and tracked, not published, until the record says which way it goes;
 * - `disabled`: never validated, or failed on probation: computed, stored and tracked (so its
 *   record keeps growing), not published.
 *
 * Live outcomes keep moving the state, on a rolling window of the slice's last `window` net R
 * (real signals, not shadows), once it holds at least `minTrades`:
 *   validated → probation  when the window's mean net R is below 0;
 *   probation → disabled   when its 95 % upper bound (mean + 1.96 · sd / √n) is below 0;
 *   probation → validated  when its 95 % lower bound is above 0.
 * A disabled slice comes back only through a new validation (`set`). Every change says why.
 */

export type SliceState = 'validated' | 'probation' | 'disabled';
export const SLICE_STATES: readonly SliceState[] = ['validated', 'probation', 'disabled'];

export interface SliceRules {
  /** The live outcomes the record is judged on (the most recent ones). */
  readonly window: number;
  /** The live record moves a state only once it holds this many outcomes. */
  readonly minTrades: number;
}

export interface SliceChange {
  readonly slice: string;
  readonly from: SliceState;
  readonly to: SliceState;
  readonly reason: string;
  /** When it happened (the outcome's exit time, or the time given to `set`). */
  readonly at: number;
}

const Z95 = 1.959963984540054;

/** The slices' states and their live records; one per pipeline. */
export class SliceBook {
  private readonly states = new Map<string, SliceState>();
  private readonly records = new Map<string, number[]>();

  constructor(
    initial: Readonly<Record<string, SliceState>>,
    private readonly unlisted: SliceState,
    private readonly rules: SliceRules,
  ) {
    for (const [slice, state] of Object.entries(initial)) this.states.set(slice, state);
  }

  state(slice: string): SliceState {
    return this.states.get(slice) ?? this.unlisted;
  }

  /** Every slice whose state was set or changed, with its state, in name order. */
  snapshot(): Record<string, SliceState> {
    return Object.fromEntries([...this.states].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Sets a slice's state from outside (a validation, an operator, a drift alarm). */
  set(slice: string, to: SliceState, reason: string, at: number): SliceChange | null {
    const from = this.state(slice);
    if (from === to) return null;
    this.states.set(slice, to);
    return { slice, from, to, reason, at };
  }

  /** Records a real outcome's net R; returns the state change it caused, if any. */
  onOutcome(slice: string, netR: number, at: number): SliceChange | null {
    if (!Number.isFinite(netR)) return null;
    let record = this.records.get(slice);
    if (!record) {
      record = [];
      this.records.set(slice, record);
    }
    record.push(netR);
    if (record.length > this.rules.window) record.shift();
    const n = record.length;
    const from = this.state(slice);
    if (n < this.rules.minTrades || from === 'disabled') return null;
    const mean = record.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(record.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const half = (Z95 * sd) / Math.sqrt(n);
    const text = `live mean ${mean.toFixed(3)} R over the last ${n} outcomes (95 % ${(mean - half).toFixed(3)} .. ${(mean + half).toFixed(3)})`;
    if (from === 'validated' && mean < 0) return this.set(slice, 'probation', `${text}: below 0`, at);
    if (from === 'probation' && mean + half < 0)
      return this.set(slice, 'disabled', `${text}: all below 0`, at);
    if (from === 'probation' && mean - half > 0)
      return this.set(slice, 'validated', `${text}: all above 0`, at);
    return null;
  }
}
