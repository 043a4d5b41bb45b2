import type { EventConsumer } from '../../adapters/bus/event-transport.js';
import type { CandleStore, SignalStore } from '../../adapters/store/ports.js';
import { type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import type { Evaluation, SignalControlResult } from '../../core/pipeline/evaluation.js';
import type { Signal } from '../../core/signals/types.js';
import { type BusEvent, EventBus } from '../bus/event-bus.js';
import type { WriteStatus } from '../live/commit-buffer.js';
import type { Readiness, RuntimeStatus, RuntimeView, SymbolStatus } from '../live/runtime-view.js';
import { SignalActivity } from '../live/signal-activity.js';
import type { OperatorCommands } from './operator-commands.js';

/** An operator action a gateway cannot take (or relay): the pipeline runs in the workers. */
export class NotOnGatewayError extends Error {
  readonly statusCode = 409;
  constructor(what: string, why?: string) {
    super(
      why ??
        `${what} needs the pipeline, which runs in the workers: send it to a process started with --role all (a gateway only relays)`,
    );
    this.name = 'NotOnGatewayError';
  }
}

/** Why a gateway does not add or remove symbols. */
const SYMBOLS_FROM_CONFIG =
  'the symbols of a sharded deployment come from its configuration (symbols, or the replay files), which every worker splits the same way: change them there and restart the workers (adding and removing at run time is for a process started with --role all)';

const LIVE_PAGE = 500;

/** A gateway never writes: its write path is always idle. */
const NO_WRITES: WriteStatus = {
  state: 'ok',
  buffered: 0,
  bound: 0,
  attempts: 0,
  since: null,
  lastError: null,
  recovered: 0,
};

/**
 * What the API and the WebSocket of a gateway (`serve --role gateway`) see: no pipeline, only
 * the events the workers published, read from the event stream into a local bus (which the
 * WebSocket hub and the delivery relays follow as they would in one process), the live signals
 * kept from those events (seeded from the store at start), and the last candle of each
 * symbol and timeframe. REST reads go to the shared store as everywhere.
 */
export class GatewayView implements RuntimeView {
  readonly bus: EventBus;
  private readonly live = new Map<string, Signal>();
  private readonly last = new Map<string, Map<Timeframe, number>>();
  private readonly activity = new SignalActivity();
  private candles = 0;
  /** Close time of the newest base candle the stream brought: the day "signals today" counts. */
  private newestClose = Number.NEGATIVE_INFINITY;
  private readonly startedAt: number;

  constructor(
    private readonly opts: {
      readonly consumer: EventConsumer<BusEvent>;
      readonly signals: SignalStore;
      readonly candles: CandleStore;
      readonly baseTimeframe: Timeframe;
      /** Relays closes, cancels and evaluations to the worker of the symbol (none: they answer 409). */
      readonly commands?: OperatorCommands;
      readonly now?: () => number;
      readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
    },
  ) {
    this.bus = new EventBus((topic, e) => opts.log?.('error', `listener of ${topic} failed: ${String(e)}`));
    this.startedAt = (opts.now ?? Date.now)();
  }

  /** Seeds the live signals and symbols from the store, then follows the stream. */
  async start(): Promise<void> {
    for (const status of ['PENDING', 'ACTIVE'] as const) {
      let after: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await this.opts.signals.listSignals({ status }, { limit: LIVE_PAGE, after });
        for (const item of page.items) this.live.set(item.signal.id, item.signal);
        if (!page.next) break;
        after = page.next;
      }
    }
    for (const s of await this.opts.candles.listSeries()) {
      if (s.timeframe === this.opts.baseTimeframe && !this.last.has(s.symbol))
        this.last.set(s.symbol, new Map());
    }
    await this.opts.consumer.start((e) => this.onEvent(e));
  }

  private onEvent(e: BusEvent): void {
    switch (e.type) {
      case 'signal.created':
        this.live.set(e.signal.id, e.signal);
        this.activity.signal(e.signal.createdAt);
        break;
      case 'signal.updated':
        this.activity.update();
        if (e.signal.status === 'PENDING' || e.signal.status === 'ACTIVE')
          this.live.set(e.signal.id, e.signal);
        else this.live.delete(e.signal.id);
        break;
      case 'outcome.closed':
        this.activity.outcome();
        this.live.delete(e.signal.id);
        break;
      case 'candle.closed': {
        let m = this.last.get(e.symbol);
        if (!m) {
          m = new Map();
          this.last.set(e.symbol, m);
        }
        m.set(e.timeframe, e.candle.openTime);
        if (e.timeframe === this.opts.baseTimeframe) {
          this.candles++;
          this.newestClose = Math.max(this.newestClose, e.candle.openTime + timeframeMs(e.timeframe));
        }
        break;
      }
      default:
        break;
    }
    this.bus.publish(e);
  }

  status(): RuntimeStatus {
    const now = (this.opts.now ?? Date.now)();
    const h = this.opts.consumer.health();
    const symbols: SymbolStatus[] = this.symbols().map((symbol) => {
      const m = this.last.get(symbol) ?? new Map<Timeframe, number>();
      const tfs = [...m.keys()].sort((a, b) => timeframeMs(a) - timeframeMs(b));
      return {
        symbol,
        timeframes: tfs.map((timeframe) => {
          const open = m.get(timeframe) ?? null;
          const close = open === null ? null : open + timeframeMs(timeframe);
          return {
            timeframe,
            lastOpenTime: open,
            lastCloseTime: close,
            lagMs: close === null ? null : now - close,
          };
        }),
      };
    });
    return {
      source: {
        kind: 'gateway',
        label: 'LIVE',
        state: h.ok ? 'live' : 'reconnecting',
        detail: `gateway: events of the workers through the Redis stream; ${h.detail}`,
      },
      symbols,
      pipeline: { candles: this.candles, p50Us: null, p99Us: null },
      // the data's day, as the workers count it: the wall clock's for a live market, the
      // newest candle's for a replay (the wall clock until a candle arrives)
      signalsToday: this.activity.createdOnDayOf(Number.isFinite(this.newestClose) ? this.newestClose : now),
      activity: this.activity.snapshot(),
      startedAt: this.startedAt,
      store: NO_WRITES,
    };
  }

  liveSignals(): readonly Signal[] {
    return [...this.live.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  symbols(): readonly string[] {
    return [...this.last.keys()].sort();
  }

  async addSymbol(): Promise<void> {
    throw new NotOnGatewayError(
      'adding a symbol',
      `cannot add a symbol on a gateway: ${SYMBOLS_FROM_CONFIG}`,
    );
  }

  async removeSymbol(): Promise<void> {
    throw new NotOnGatewayError(
      'removing a symbol',
      `cannot remove a symbol on a gateway: ${SYMBOLS_FROM_CONFIG}`,
    );
  }

  /** Relayed to the worker that runs the symbol, which runs and audits it. */
  async evaluate(symbol: string, timeframe: Timeframe, publish: boolean, actor: string): Promise<Evaluation> {
    if (!this.opts.commands) throw new NotOnGatewayError('an on-demand evaluation');
    return this.opts.commands.evaluate(symbol, timeframe, publish, actor);
  }

  closeSignal(id: string, reason: string, actor: string): Promise<SignalControlResult> {
    return this.control('close', id, reason, actor);
  }

  cancelSignal(id: string, reason: string, actor: string): Promise<SignalControlResult> {
    return this.control('cancel', id, reason, actor);
  }

  /**
   * Relayed to the worker that runs the signal's symbol (read from the store); a signal the
   * store does not hold is followed by no pipeline (`not_live`, as a runtime answers).
   */
  private async control(
    kind: 'close' | 'cancel',
    id: string,
    reason: string,
    actor: string,
  ): Promise<SignalControlResult> {
    const commands = this.opts.commands;
    if (!commands) throw new NotOnGatewayError(kind === 'close' ? 'closing a signal' : 'cancelling a signal');
    const stored = await this.opts.signals.getSignal(id);
    if (!stored) return { ok: false, code: 'not_live' };
    return commands.control(kind, stored.signal.symbol, id, reason, actor);
  }

  async ready(): Promise<Readiness> {
    let store: { ok: boolean; detail: string };
    try {
      store = { ok: true, detail: await this.opts.signals.ping() };
    } catch (e) {
      store = { ok: false, detail: `store unreachable: ${(e as Error).message}` };
    }
    const h = this.opts.consumer.health();
    const events = { ok: h.ok, detail: `${h.detail}; ${h.events} events relayed` };
    return { ok: store.ok && events.ok, checks: { store, events } };
  }
}
