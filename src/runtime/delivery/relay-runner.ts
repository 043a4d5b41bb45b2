import type { Relay, RelayResult } from '../../adapters/delivery/relay.js';
import type { DeliveryStore, OutboxItem } from '../../adapters/store/delivery-port.js';
import { nextAttemptAt } from '../../core/delivery/retry.js';

export interface RelayRunnerOptions {
  readonly store: DeliveryStore;
  readonly relays: readonly Relay[];
  readonly windowMs: number;
  readonly leaseMs: number;
  readonly now?: () => number;
  /** [0, 1): the retry delays' jitter. */
  readonly random?: () => number;
  /** Longest sleep between passes when nothing is due (also picks up rows another process wrote). */
  readonly idlePollMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/**
 * Sends the outbox: takes due rows for each relay up to its concurrency, sends, and records
 * every attempt. Delivered: the reservation is charged. Failed: the row is retried on the
 * schedule (or later, if the destination asked for it), dead-lettered when the next try would
 * fall outside the window or retrying cannot help, and its reservation released when no other
 * destination of the delivery got it. Rows are leased while in flight, so rows of a process that
 * died mid-send are taken again when the lease runs out: at least once per key, and the
 * receiver sees the same delivery id.
 */
export class RelayRunner {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly inFlight = new Map<Relay, number>();
  private readonly running = new Set<Promise<void>>();
  /** Rows this runner is sending now: never launched twice, their leases kept fresh. */
  private readonly sending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private renewer: NodeJS.Timeout | null = null;
  private passing: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly opts: RelayRunnerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    for (const r of opts.relays) this.inFlight.set(r, 0);
  }

  start(): void {
    this.stopped = false;
    // a send may wait long for its slot (Telegram limits): its lease must not run out meanwhile
    this.renewer = setInterval(
      () => {
        if (this.sending.size === 0) return;
        this.opts.store
          .extendLeases([...this.sending], this.now() + this.opts.leaseMs)
          .catch((e: unknown) => this.opts.log?.('error', `delivery lease renewal failed: ${String(e)}`));
      },
      Math.max(1000, Math.floor(this.opts.leaseMs / 3)),
    );
    this.renewer.unref?.();
    this.wake();
  }

  /** Rows are waiting now (the engine wrote some, a subscriber connected): look at once. */
  wake(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    // sends that finish together are followed by one pass, not one each
    this.passing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pass())
      .catch((e: unknown) => this.opts.log?.('error', `delivery pass failed: ${String(e)}`))
      .finally(() => {
        this.passing = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Sends currently in flight. */
  get busy(): number {
    return this.running.size;
  }

  /** Resolves when no pass and no send is running. */
  async settled(): Promise<void> {
    while (this.passing || this.running.size > 0) {
      await this.passing;
      await Promise.all([...this.running]);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = null;
    await this.settled();
  }

  private async pass(): Promise<void> {
    const now = this.now();
    for (const relay of this.opts.relays) {
      const free = relay.concurrency - (this.inFlight.get(relay) ?? 0);
      if (free <= 0) continue;
      const items = await this.opts.store.claimDue(now, free, this.opts.leaseMs, relay.kinds);
      for (const item of items) this.launch(relay, item);
    }
    await this.schedule();
  }

  private launch(relay: Relay, item: OutboxItem): void {
    if (this.sending.has(item.id)) return;
    this.sending.add(item.id);
    this.inFlight.set(relay, (this.inFlight.get(relay) ?? 0) + 1);
    const job = this.deliver(relay, item)
      .catch((e: unknown) =>
        this.opts.log?.('error', `delivery ${item.key} could not be recorded: ${String(e)}`),
      )
      .finally(() => {
        this.sending.delete(item.id);
        this.inFlight.set(relay, (this.inFlight.get(relay) ?? 1) - 1);
        this.running.delete(job);
        this.wake();
      });
    this.running.add(job);
  }

  private async deliver(relay: Relay, item: OutboxItem): Promise<void> {
    const startedAt = this.now();
    let result: RelayResult;
    if (item.parentDead) {
      result = {
        ok: false,
        status: null,
        error: 'the original delivery was dead-lettered',
        externalId: null,
        permanent: true,
        retryAfterMs: null,
      };
    } else {
      try {
        result = await relay.send(item);
      } catch (e) {
        result = {
          ok: false,
          status: null,
          error: String(e),
          externalId: null,
          permanent: false,
          retryAfterMs: null,
        };
      }
    }
    const finishedAt = this.now();
    const attempt = {
      outboxId: item.id,
      startedAt,
      finishedAt,
      ok: result.ok,
      status: result.status,
      error: result.error,
    };
    if (result.ok) {
      await this.opts.store.markDelivered(attempt, result.externalId);
      return;
    }
    let retryAt: number | null = null;
    if (!result.permanent) {
      retryAt = nextAttemptAt(
        item.createdAt,
        item.attempts + 1,
        finishedAt,
        this.random(),
        this.opts.windowMs,
      );
      if (retryAt !== null && result.retryAfterMs !== null)
        retryAt = Math.max(retryAt, finishedAt + result.retryAfterMs);
      if (retryAt !== null && retryAt > item.createdAt + this.opts.windowMs) retryAt = null;
    }
    await this.opts.store.markFailed(attempt, retryAt);
    if (retryAt === null)
      this.opts.log?.(
        'warn',
        `delivery ${item.key} dead-lettered after ${item.attempts + 1} attempts: ${result.error}`,
      );
  }

  /** Sleeps until the next row falls due (or the idle poll), unless stopped. */
  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const kinds = this.opts.relays.flatMap((r) => r.kinds);
    const due = await this.opts.store.nextDueAt(kinds);
    const idle = this.opts.idlePollMs ?? 5000;
    const wait = due === null ? idle : Math.min(idle, Math.max(0, due - this.now()));
    if (this.timer) clearTimeout(this.timer);
    // a due row whose relay is full waits for a send to finish (that wakes us), not for the timer
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.wake();
      },
      Math.max(wait, due !== null && due <= this.now() ? idle : 0),
    );
    this.timer.unref?.();
  }
}
