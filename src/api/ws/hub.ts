import type { RawData, WebSocket } from 'ws';
import type { Signal } from '../../core/signals/types.js';
import type { BusEvents } from '../../runtime/bus/event-bus.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { type CompiledFilter, compileFilter, MATCH_ALL, matchesSignal, matchesSymbol } from './filter.js';
import { type Channel, candleChannel, parseClientMessage, type SubscriptionFilter } from './protocol.js';

/**
 * What the WebSocket needs of the runtime. Every `RuntimeView` is one; `status` is optional so
 * the delivery can also run over a bare bus and a list of live signals.
 */
export type WsRuntime = Pick<RuntimeView, 'bus' | 'liveSignals'> & Partial<Pick<RuntimeView, 'status'>>;

export interface WsHubOptions {
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  /** How long a client dropped for reading too slowly gets to take its 1013 close before the socket is destroyed. */
  readonly slowCloseGraceMs?: number;
  /**
   * Every this many ms the `status` channel gets the status again (reason `tick`), so a page can
   * follow lag, timing and counts without polling the REST route. 0: only on changes.
   */
  readonly statusEveryMs?: number;
  /** Figures the runtime does not know (cache, client count) merged into every status message. */
  readonly statusExtras?: () => Record<string, unknown>;
  /** Messages a client may send per second on average; past it they are dropped. Default 20. */
  readonly messagesPerSecond?: number;
  /** Messages a client may send at once before `messagesPerSecond` applies. Default 40. */
  readonly messageBurst?: number;
  /** Channels one connection may hold. Default 100. */
  readonly maxSubscriptions?: number;
  /** Clock of the message budget (ms); default Date.now. */
  readonly now?: () => number;
  readonly log?: {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
}

export const DEFAULT_MESSAGES_PER_SECOND = 20;
export const DEFAULT_MESSAGE_BURST = 40;
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

/** Close code for a client whose send buffer passed the limit: "try again later" (RFC 6455 registry). */
export const CLOSE_SLOW_CONSUMER = 1013;

/** Minimal WebSocket readyState values, so this file imports only types from `ws`. */
const OPEN = 1;

interface Subscriber {
  readonly socket: WebSocket;
  /** For logs: the client's address as the HTTP layer saw it. */
  readonly remote: string;
  readonly channels: Set<Channel>;
  filter: SubscriptionFilter;
  compiled: CompiledFilter;
  /** A ping went out and no pong has come back yet. */
  awaitingPong: boolean;
  /** Messages the client may still send now (token bucket), and when it was last refilled. */
  tokens: number;
  refilledAt: number;
  /** When the client was last told it sends too fast (one such reply per second at most). */
  throttledAt: number;
}

export interface InitialSubscription {
  readonly channels: readonly Channel[];
  readonly filter: SubscriptionFilter;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Fans bus events out to WebSocket subscribers. Each event is serialised at most once and the
 * same string goes to every matching client; sending never waits for a client, and one whose
 * unsent data passes `maxBufferedBytes` is dropped instead of growing the server's memory or
 * delaying the others. Bus listeners and the heartbeat timer exist only while someone is connected.
 */
export class WsHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly busOff: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly maxSubscriptions: number;
  private readonly now: () => number;

  constructor(
    private readonly runtime: WsRuntime,
    private readonly options: WsHubOptions,
  ) {
    if (!(options.heartbeatMs > 0)) throw new Error(`heartbeatMs must be > 0, got ${options.heartbeatMs}`);
    if (!(options.maxBufferedBytes > 0))
      throw new Error(`maxBufferedBytes must be > 0, got ${options.maxBufferedBytes}`);
    this.ratePerMs = (options.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND) / 1000;
    this.burst = options.messageBurst ?? DEFAULT_MESSAGE_BURST;
    this.maxSubscriptions = options.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS;
    this.now = options.now ?? Date.now;
    if (!(this.ratePerMs > 0))
      throw new Error(`messagesPerSecond must be > 0, got ${options.messagesPerSecond}`);
    if (!(this.burst >= 1)) throw new Error(`messageBurst must be >= 1, got ${options.messageBurst}`);
    if (!(this.maxSubscriptions >= 1))
      throw new Error(`maxSubscriptions must be >= 1, got ${options.maxSubscriptions}`);
  }

  /** Connected clients that still receive events. */
  get count(): number {
    return this.subscribers.size;
  }

  /** Takes over a freshly upgraded socket; `initial` makes it ready-subscribed (snapshot sent at once). */
  attach(socket: WebSocket, remote: string, initial?: InitialSubscription): void {
    if (this.closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const sub: Subscriber = {
      socket,
      remote,
      channels: new Set(),
      filter: {},
      compiled: MATCH_ALL,
      awaitingPong: false,
      tokens: this.burst,
      refilledAt: this.now(),
      throttledAt: Number.NEGATIVE_INFINITY,
    };
    this.subscribers.add(sub);
    if (this.subscribers.size === 1) this.start();
    socket.on('pong', () => {
      sub.awaitingPong = false;
    });
    socket.on('message', (data, isBinary) => this.onMessage(sub, data, isBinary));
    socket.on('close', () => this.detach(sub));
    if (initial) this.subscribe(sub, initial.channels, initial.filter);
  }

  /**
   * The server is going down: refuse newcomers, say goodbye with 1001 ("going away") and destroy
   * the sockets that have not finished closing after `graceMs`. Without that, a client that has
   * stopped reading holds the HTTP server's close for ws's 30 s closing timeout.
   */
  shutdown(graceMs = 1000): void {
    this.closed = true;
    const sockets = [...this.subscribers].map((s) => s.socket);
    for (const socket of sockets) socket.close(1001, 'server shutting down');
    setTimeout(() => {
      for (const socket of sockets) socket.terminate();
    }, graceMs).unref();
  }

  /** Stops everything: bus listeners, heartbeat, and any socket still open. */
  close(): void {
    this.closed = true;
    for (const sub of this.subscribers) sub.socket.terminate();
    this.subscribers.clear();
    this.stop();
  }

  private start(): void {
    const bus = this.runtime.bus;
    this.busOff.push(
      bus.on('signal.created', (e) => this.onSignalCreated(e)),
      bus.on('signal.updated', (e) => this.onSignalUpdated(e)),
      bus.on('outcome.closed', (e) => this.onOutcomeClosed(e)),
      bus.on('candle.closed', (e) => this.onCandleClosed(e)),
      bus.on('status', (e) => this.onStatus(e)),
    );
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    const every = this.options.statusEveryMs ?? 0;
    if (every > 0 && this.runtime.status) {
      this.statusTimer = setInterval(() => this.onStatus({ reason: 'tick' }), every);
      this.statusTimer.unref();
    }
  }

  private stop(): void {
    for (const off of this.busOff.splice(0)) off();
    if (this.heartbeat !== null) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
    if (this.statusTimer !== null) {
      clearInterval(this.statusTimer);
      this.statusTimer = null;
    }
  }

  /** The status message as every client gets it: the runtime's figures and the extras. */
  private statusMessage(reason: string): object {
    const status = this.runtime.status;
    if (!status) return { type: 'status', reason };
    return {
      type: 'status',
      reason,
      status: { ...status.call(this.runtime), ...(this.options.statusExtras?.() ?? {}) },
    };
  }

  private detach(sub: Subscriber): void {
    if (!this.subscribers.delete(sub)) return;
    if (this.subscribers.size === 0) this.stop();
  }

  /** A client that did not answer the previous ping is gone (half-open TCP, frozen tab): cut it. */
  private beat(): void {
    for (const sub of this.subscribers) {
      if (sub.awaitingPong) {
        this.options.log?.debug({ remote: sub.remote }, 'websocket client missed a heartbeat; terminated');
        this.detach(sub);
        sub.socket.terminate();
        continue;
      }
      sub.awaitingPong = true;
      sub.socket.ping();
    }
  }

  /** The one place data leaves for a client: the slow-reader check sits in front of every send. */
  private send(sub: Subscriber, text: string): void {
    const socket = sub.socket;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.dropSlow(sub);
      return;
    }
    socket.send(text);
  }

  private dropSlow(sub: Subscriber): void {
    const buffered = sub.socket.bufferedAmount;
    this.detach(sub);
    this.options.log?.warn(
      { remote: sub.remote, bufferedBytes: buffered, limit: this.options.maxBufferedBytes },
      'websocket client reads too slowly; dropped',
    );
    // The close frame queues behind the unread data; a client that never reads again must not
    // hold that memory until ws's own 30 s closing timeout.
    sub.socket.close(CLOSE_SLOW_CONSUMER, 'reading too slowly: send buffer full');
    setTimeout(() => sub.socket.terminate(), this.options.slowCloseGraceMs ?? 2000).unref();
  }

  private reply(sub: Subscriber, message: object): void {
    this.send(sub, JSON.stringify(message));
  }

  /**
   * The client's message budget (a token bucket): true when this message may be handled. A
   * client past it gets one error a second at most, so a flood cannot turn into a flood of
   * replies (500 rapid subscribes once made 1,500 replies, 880 KB).
   */
  private admit(sub: Subscriber): boolean {
    const now = this.now();
    sub.tokens = Math.min(this.burst, sub.tokens + (now - sub.refilledAt) * this.ratePerMs);
    sub.refilledAt = now;
    if (sub.tokens >= 1) {
      sub.tokens -= 1;
      return true;
    }
    if (now - sub.throttledAt >= 1000) {
      sub.throttledAt = now;
      this.options.log?.debug({ remote: sub.remote }, 'websocket client sends too fast; messages dropped');
      this.reply(sub, {
        type: 'error',
        message: `too many messages: at most ${this.ratePerMs * 1000} per second (bursts of ${this.burst}); messages are dropped until the rate falls`,
      });
    }
    return false;
  }

  private onMessage(sub: Subscriber, data: RawData, isBinary: boolean): void {
    if (!this.admit(sub)) return;
    if (isBinary) {
      this.reply(sub, { type: 'error', message: 'binary frames are not accepted; send JSON text' });
      return;
    }
    const parsed = parseClientMessage(rawText(data));
    if (!parsed.ok) {
      this.reply(sub, { type: 'error', message: parsed.error });
      return;
    }
    const command = parsed.command;
    switch (command.op) {
      case 'subscribe':
        this.subscribe(sub, command.channels, command.filter);
        break;
      case 'unsubscribe':
        for (const c of command.channels) sub.channels.delete(c);
        this.reply(sub, { type: 'unsubscribed', channels: command.channels, remaining: [...sub.channels] });
        break;
      case 'ping':
        this.reply(sub, { type: 'pong' });
        break;
    }
  }

  /** Adds channels; a given filter replaces the current one. Naming `signals` (re)sends the snapshot. */
  private subscribe(
    sub: Subscriber,
    channels: readonly Channel[],
    filter: SubscriptionFilter | undefined,
  ): void {
    const added = channels.filter((c) => !sub.channels.has(c)).length;
    if (sub.channels.size + added > this.maxSubscriptions) {
      this.reply(sub, {
        type: 'error',
        message: `at most ${this.maxSubscriptions} channels per connection: this subscribe would make ${sub.channels.size + added}; unsubscribe some first`,
      });
      return;
    }
    for (const c of channels) sub.channels.add(c);
    if (filter !== undefined) {
      sub.filter = filter;
      sub.compiled = compileFilter(filter);
    }
    this.reply(sub, { type: 'subscribed', channels: [...sub.channels], filter: sub.filter });
    if (channels.includes('signals')) {
      const signals = this.runtime.liveSignals().filter((s) => s.published && matchesSignal(sub.compiled, s));
      this.reply(sub, { type: 'snapshot', signals });
    }
    if (channels.includes('status') && this.runtime.status) this.reply(sub, this.statusMessage('subscribed'));
  }

  /** Serialises lazily (only if someone matches) and once, then sends the same string to each match. */
  private broadcast(matches: (sub: Subscriber) => boolean, serialise: () => string): void {
    let text: string | null = null;
    for (const sub of this.subscribers) {
      if (!matches(sub)) continue;
      text ??= serialise();
      this.send(sub, text);
    }
  }

  /** The public channels carry published signals only: those of validated strategy slices. */
  private signalMatcher(channel: Channel, signal: Signal): (sub: Subscriber) => boolean {
    if (!signal.published) return () => false;
    return (sub) => sub.channels.has(channel) && matchesSignal(sub.compiled, signal);
  }

  private onSignalCreated(e: BusEvents['signal.created']): void {
    this.broadcast(this.signalMatcher('signals', e.signal), () =>
      JSON.stringify({ type: 'signal.created', signal: e.signal }),
    );
  }

  private onSignalUpdated(e: BusEvents['signal.updated']): void {
    this.broadcast(this.signalMatcher('signals', e.signal), () =>
      JSON.stringify({ type: 'signal.updated', signal: e.signal, previous: e.previous }),
    );
  }

  private onOutcomeClosed(e: BusEvents['outcome.closed']): void {
    this.broadcast(this.signalMatcher('outcomes', e.signal), () =>
      JSON.stringify({ type: 'outcome.closed', outcome: e.outcome, signal: e.signal }),
    );
  }

  private onCandleClosed(e: BusEvents['candle.closed']): void {
    const channel = candleChannel(e.symbol, e.timeframe);
    this.broadcast(
      (sub) => sub.channels.has(channel) && matchesSymbol(sub.compiled, e.symbol),
      () =>
        JSON.stringify({ type: 'candle.closed', symbol: e.symbol, timeframe: e.timeframe, candle: e.candle }),
    );
  }

  private onStatus(e: Pick<BusEvents['status'], 'reason'>): void {
    this.broadcast(
      (sub) => sub.channels.has('status'),
      () => JSON.stringify(this.statusMessage(e.reason)),
    );
  }
}
