import type { DeliveryStore } from '../../adapters/store/delivery-port.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { timeframeMs } from '../../core/candles/timeframe.js';
import { cycleOf, dayOf, isPublished, latestEvent, updateEvent } from '../../core/delivery/events.js';
import { planCycle } from '../../core/delivery/plan.js';
import type { DeliveryEvent, DestinationKind } from '../../core/delivery/types.js';
import type { Signal } from '../../core/signals/types.js';
import type { EventBus } from '../bus/event-bus.js';

export interface DeliveryEngineOptions {
  readonly store: DeliveryStore;
  readonly bus: EventBus;
  readonly cycleMs: number;
  readonly batchWaitMs: number;
  /** The base timeframe: its closed candles tell that a cycle's signals are all in. */
  readonly baseTimeframe: Timeframe;
  /** Destination kinds whose relay runs now. */
  readonly available: () => ReadonlySet<DestinationKind>;
  /** Called after rows were written, so the relays look at once. */
  readonly onEnqueued?: () => void;
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const SINCE_KEY = 'engine.since';
const CATCH_UP_PAGE = 500;

/**
 * Published signals -> delivery cycles -> reservations and outbox rows (one transaction per
 * cycle), and status changes of sent signals -> free update rows for the same people.
 *
 * Signals of one cycle (a window of market time) are collected until a base candle closes past
 * the window or `batchWaitMs` passes, then planned (core/delivery/plan.ts) and committed. The
 * store remembers every signal a cycle considered, so on start the engine catches up from the
 * signal store on what it had not considered (a crash between storing a signal and delivering
 * it loses nothing), and on updates it may have missed. Work runs one step at a time, in order.
 */
export class DeliveryEngine {
  private readonly now: () => number;
  private pending: Signal[] = [];
  private pendingCycle: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly off: (() => void)[] = [];
  private readonly baseMs: number;

  constructor(private readonly opts: DeliveryEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.baseMs = timeframeMs(opts.baseTimeframe);
  }

  async start(): Promise<void> {
    const store = this.opts.store;
    let since = await store.getState(SINCE_KEY);
    if (since === null) {
      // the first start: signals stored before delivery existed are history, not news
      const latest = await store.latestSignalTime();
      since = String(latest ?? Number.MIN_SAFE_INTEGER);
      await store.setState(SINCE_KEY, since);
    }
    await this.catchUp(Number(since));
    const bus = this.opts.bus;
    this.off.push(
      bus.on('signal.created', (e) => this.onSignal(e.signal)),
      bus.on('signal.updated', (e) => {
        const event = updateEvent(e.signal);
        if (event !== null && isPublished(e.signal)) this.enqueueUpdate(e.signal.id, event);
      }),
      bus.on('outcome.closed', (e) => {
        if (!e.shadow && isPublished(e.signal)) this.enqueueUpdate(e.signal.id, 'closed');
      }),
      bus.on('candle.closed', (e) => {
        if (e.timeframe !== this.opts.baseTimeframe || this.pendingCycle === null) return;
        const closeTime = e.candle.openTime + this.baseMs;
        if (cycleOf(closeTime, this.opts.cycleMs) > this.pendingCycle) this.flush();
      }),
    );
  }

  /** Delivers what is collected, stops listening, and waits for the work in hand. */
  async stop(): Promise<void> {
    for (const f of this.off.splice(0)) f();
    this.flush();
    await this.idle();
  }

  /** Resolves when every step queued so far is done. */
  async idle(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  private run(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(step)
      .catch((e: unknown) => this.opts.log?.('error', `delivery step failed: ${String(e)}`));
  }

  private onSignal(signal: Signal): void {
    if (!isPublished(signal)) return;
    const cycle = cycleOf(signal.createdAt, this.opts.cycleMs);
    if (this.pendingCycle !== null && cycle !== this.pendingCycle) this.flush();
    this.pending.push(signal);
    this.pendingCycle = cycle;
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.opts.batchWaitMs);
      this.timer.unref?.();
    }
  }

  /** Hands the collected cycle to the queue. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    const cycle = this.pendingCycle;
    this.pending = [];
    this.pendingCycle = null;
    if (batch.length === 0 || cycle === null) return;
    this.run(() => this.deliverCycle(cycle, batch));
  }

  private enqueueUpdate(signalId: string, event: DeliveryEvent): void {
    // an update waits behind the cycle of its signal, if that is still being collected
    if (this.pending.some((s) => s.id === signalId)) this.flush();
    this.run(async () => {
      const n = await this.opts.store.enqueueUpdate(signalId, event, this.now());
      if (n > 0) this.opts.onEnqueued?.();
    });
  }

  private async deliverCycle(cycle: number, signals: readonly Signal[]): Promise<void> {
    const store = this.opts.store;
    const day = dayOf(cycle * this.opts.cycleMs);
    const ids = signals.map((s) => s.id);
    const [channels, audience, alreadySent] = await Promise.all([
      store.listChannels(),
      store.audience(day, cycle),
      store.alreadySent(ids),
    ]);
    const plan = planCycle({ signals, channels, audience, alreadySent, available: this.opts.available() });
    const r = await store.commitCycle({
      cycle,
      day,
      signalIds: ids,
      deliveries: plan.deliveries,
      skips: plan.skips,
      now: this.now(),
    });
    if (r.enqueued > 0) this.opts.onEnqueued?.();
  }

  private async catchUp(since: number): Promise<void> {
    const store = this.opts.store;
    let caught = 0;
    for (;;) {
      const page = await store.unconsideredSignals(since, CATCH_UP_PAGE);
      if (page.length === 0) break;
      const live = page.filter((s) => isPublished(s) && (s.status === 'PENDING' || s.status === 'ACTIVE'));
      const byCycle = new Map<number, Signal[]>();
      for (const s of live) {
        const c = cycleOf(s.createdAt, this.opts.cycleMs);
        byCycle.set(c, [...(byCycle.get(c) ?? []), s]);
      }
      for (const [cycle, batch] of [...byCycle].sort((a, b) => a[0] - b[0]))
        await this.deliverCycle(cycle, batch);
      // the ones that ended while nobody delivered are considered too, with nothing sent
      const ended = page.filter((s) => !live.includes(s));
      if (ended.length)
        await store.commitCycle({
          cycle: -1,
          day: -1,
          signalIds: ended.map((s) => s.id),
          deliveries: [],
          skips: [],
          now: this.now(),
        });
      caught += live.length;
    }
    let updates = 0;
    for (const { signal, outcome } of await store.openSentSignals()) {
      const event = latestEvent(signal, outcome);
      if (event !== null) updates += await store.enqueueUpdate(signal.id, event, this.now());
    }
    if (caught || updates)
      this.opts.log?.(
        'info',
        `delivery caught up: ${caught} stored signals not yet delivered, ${updates} updates`,
      );
    if (caught || updates) this.opts.onEnqueued?.();
  }
}
