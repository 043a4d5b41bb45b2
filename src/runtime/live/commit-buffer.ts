import { StoreUnavailableError } from '../../adapters/store/store-errors.js';

/**
 * ok: each commit goes straight to the store. retrying: the store could not be reached; commits
 * wait in memory, in order, while the oldest is retried with backoff. full: the buffer holds
 * `bound` commits, so no candle is taken until the store is back (the source waits, and a live
 * exchange source backfills what came meanwhile when it resumes).
 */
export type WriteState = 'ok' | 'retrying' | 'full';

export interface WriteStatus {
  readonly state: WriteState;
  /** Commits waiting for the store. */
  readonly buffered: number;
  readonly bound: number;
  /** Failed attempts since the store became unreachable (0 when ok). */
  readonly attempts: number;
  /** Wall time the store became unreachable, or null when ok. */
  readonly since: number | null;
  /** Why the last attempt failed, or null when ok. */
  readonly lastError: string | null;
  /** Commits stored after waiting in the buffer, since start. */
  readonly recovered: number;
}

export interface CommitBufferOptions<T> {
  /** Stores one commit; rejects with `StoreUnavailableError` when it may succeed later. */
  readonly write: (item: T) => Promise<void>;
  /** Called once per commit, in order, after it is stored (the runtime publishes then). */
  readonly stored: (item: T) => void;
  /** Commits held while the store is unreachable; the next one waits for room. */
  readonly bound: number;
  /** First wait before a retry, doubled after each failure up to `retryMaxMs`. */
  readonly retryMs: number;
  readonly retryMaxMs: number;
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** The state changed (ok <-> retrying <-> full). */
  readonly onState?: (status: WriteStatus) => void;
}

/** The buffer was stopped while a commit waited for room: the commit was not stored. */
export class CommitBufferStopped extends Error {
  constructor() {
    super('the commit buffer is stopped');
    this.name = 'CommitBufferStopped';
  }
}

/**
 * Stores commits in order, riding out a store that is unreachable for a while. While the store
 * answers, `add` resolves once the commit is stored, as a plain write would. When a write fails
 * with `StoreUnavailableError`, the commit is kept and retried with backoff; later commits queue
 * behind it (order is kept: a signal's newer status is never overwritten by an older one), and
 * `add` resolves at once while there is room, so the pipeline keeps running on its in-memory
 * state. With `bound` commits waiting, `add` waits for room: the caller (the source's handler)
 * stops taking candles instead of dropping any. Writes are idempotent, so retrying a commit that
 * did reach the store before its connection broke stores it once.
 *
 * Any other error from a direct write is the caller's (nothing is buffered). A commit already
 * waiting is retried whatever the error, since its candle has been handed over.
 */
export class CommitBuffer<T> {
  private readonly queue: T[] = [];
  private readonly waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly now: () => number;
  private readonly log: NonNullable<CommitBufferOptions<T>['log']>;
  private draining: Promise<void> | null = null;
  private delay: number;
  private attempts = 0;
  private since: number | null = null;
  private lastError: string | null = null;
  private recovered = 0;
  private stopped = false;
  private wake: (() => void) | null = null;
  private lastState: WriteState = 'ok';
  private fullThisOutage = false;

  constructor(private readonly opts: CommitBufferOptions<T>) {
    if (!Number.isInteger(opts.bound) || opts.bound < 1)
      throw new RangeError('bound must be a whole number >= 1');
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.delay = opts.retryMs;
  }

  async add(item: T): Promise<void> {
    if (this.stopped) throw new CommitBufferStopped();
    if (this.queue.length === 0) {
      try {
        await this.opts.write(item);
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        this.queue.push(item);
        this.failed(e);
        this.draining ??= this.drain();
        this.changed();
        return;
      }
      this.opts.stored(item);
      return;
    }
    this.queue.push(item);
    this.changed();
    while (this.queue.length >= this.opts.bound && !this.stopped) {
      await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
  }

  status(): WriteStatus {
    return {
      state: this.state(),
      buffered: this.queue.length,
      bound: this.opts.bound,
      attempts: this.attempts,
      since: this.since,
      lastError: this.lastError,
      recovered: this.recovered,
    };
  }

  /**
   * Stops retrying and releases callers waiting for room (with `CommitBufferStopped`). What is
   * still buffered was never acknowledged: a restart's recovery and backfill make it again.
   */
  async stop(): Promise<number> {
    this.stopped = true;
    this.wake?.();
    for (const w of this.waiters.splice(0)) w.reject(new CommitBufferStopped());
    await this.draining;
    const left = this.queue.length;
    if (left) {
      this.log(
        'warn',
        `stopped with ${left} commit(s) not stored (the store was unreachable); they are rebuilt from the source's backfill at the next start`,
      );
    }
    return left;
  }

  private state(): WriteState {
    if (this.queue.length === 0) return 'ok';
    return this.queue.length >= this.opts.bound ? 'full' : 'retrying';
  }

  /**
   * Announces ok -> retrying, the first time the buffer is full in an outage, and the way back
   * to ok. While a full buffer drains, each stored commit lets one candle in, so the state
   * flips between full and retrying once per candle: those flips are not announced.
   */
  private changed(): void {
    const st = this.state();
    if (st === this.lastState) return;
    const was = this.lastState;
    this.lastState = st;
    if (st === 'full') {
      if (this.fullThisOutage) return;
      this.fullThisOutage = true;
      this.log(
        'warn',
        `store still unreachable: ${this.queue.length} commits buffered (the bound); not taking candles until it is back`,
      );
    } else if (st === 'retrying' && was === 'full') {
      return;
    } else if (st === 'ok') {
      this.fullThisOutage = false;
    }
    this.opts.onState?.(this.status());
  }

  private failed(e: unknown): void {
    this.attempts++;
    this.lastError = e instanceof Error ? e.message : String(e);
    if (this.since === null) {
      this.since = this.now();
      this.log('warn', `store unreachable, buffering commits (up to ${this.opts.bound}): ${this.lastError}`);
    } else if ((this.attempts & (this.attempts - 1)) === 0) {
      // 1, 2, 4, 8, ... attempts: a line now and then, not one per retry
      this.log(
        'warn',
        `store still unreachable after ${this.attempts} attempts, ${this.queue.length} commits buffered: ${this.lastError}`,
      );
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Retries the oldest commit until it is stored, then writes the rest in order. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopped) {
        await this.sleep(this.delay);
        if (this.stopped) return;
        while (this.queue.length > 0 && !this.stopped) {
          const item = this.queue[0];
          try {
            await this.opts.write(item);
          } catch (e) {
            if (!(e instanceof StoreUnavailableError)) {
              this.log(
                'error',
                `a buffered commit failed (retrying it): ${e instanceof Error ? e.message : String(e)}`,
              );
            }
            this.failed(e);
            this.delay = Math.min(this.delay * 2, this.opts.retryMaxMs);
            break;
          }
          this.queue.shift();
          this.recovered++;
          this.delay = this.opts.retryMs;
          this.opts.stored(item);
          // one waiter per freed slot: each resumes one handler call
          this.waiters.shift()?.resolve();
          this.changed();
        }
      }
      if (this.queue.length === 0 && this.since !== null) {
        this.log(
          'info',
          `store reachable again after ${Math.round((this.now() - this.since) / 1000)} s and ${this.attempts} failed attempts; buffered commits written`,
        );
        this.since = null;
        this.attempts = 0;
        this.lastError = null;
        this.delay = this.opts.retryMs;
        this.changed();
      }
    } finally {
      this.draining = null;
      // a commit that failed after the loop ended (added meanwhile) starts its own drain
      if (this.queue.length > 0 && !this.stopped) this.draining = this.drain();
    }
  }
}
