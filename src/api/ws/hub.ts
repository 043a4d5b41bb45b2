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
  /**
   * Sends the fan-out makes before it yields the event loop (setImmediate), so HTTP requests and
   * clients' own messages are served during a large burst. Default DEFAULT_FANOUT_CHUNK.
   */
  readonly fanoutChunk?: number;
  readonly log?: {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
}

export const DEFAULT_MESSAGES_PER_SECOND = 20;
export const DEFAULT_MESSAGE_BURST = 40;
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;
/** 256 socket writes: 3-5 ms at the 13-20 µs a write measured here, about 25 ms on a heavily loaded machine. */
export const DEFAULT_FANOUT_CHUNK = 256;

/** Close code for a client whose send buffer passed the limit: "try again later" (RFC 6455 registry). */
export const CLOSE_SLOW_CONSUMER = 1013;

/** Minimal WebSocket readyState values, so this file imports only types from `ws`. */
const OPEN = 1;

/**
 * ws's documented `send` options: a Buffer goes out as a text frame, as it is. A string would be
 * measured and UTF-8 encoded again for every socket.
 */
const AS_TEXT = { binary: false } as const;

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
  /** Messages in the hub's queue for this client and not yet sent: a reply waits behind them. */
  queued: number;
}

/** One message on its way: the same bytes for each recipient, sent in their order from `next` on. */
interface Outgoing {
  readonly data: Buffer | string;
  /** Fixed when the message was queued: a later subscribe, unsubscribe or filter change does not alter it. */
  readonly recipients: readonly Subscriber[];
  next: number;
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
 * Fans bus events out to WebSocket subscribers. Each event is serialised and encoded at most once
 * and the same Buffer goes to every matching client; sending never waits for a client, and one
 * whose unsent data passes `maxBufferedBytes` is dropped instead of growing the server's memory or
 * delaying the others. Bus listeners and the heartbeat timer exist only while someone is connected.
 *
 * Sends go through one queue per hub, in the order the events came, `fanoutChunk` at a time with
 * the event loop yielded between chunks: a burst to thousands of clients no longer holds the loop
 * until the last socket write. Who gets an event is decided when it is published, as if it had
 * been sent at once; a reply to a client (subscribed, snapshot, pong, error) waits behind the events
 * still queued for that client, so each client sees the same sequence as without the queue.
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
  private readonly fanoutChunk: number;
  /** Messages not yet sent to all their recipients, oldest first, from `head` on. */
  private queue: Outgoing[] = [];
  private head = 0;
  /** A flush runs or is scheduled; it ends when the queue is empty. */
  private flushing = false;
  private flushTimer: NodeJS.Immediate | null = null;

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
    this.fanoutChunk = options.fanoutChunk ?? DEFAULT_FANOUT_CHUNK;
    if (!(this.ratePerMs > 0))
      throw new Error(`messagesPerSecond must be > 0, got ${options.messagesPerSecond}`);
    if (!(this.burst >= 1)) throw new Error(`messageBurst must be >= 1, got ${options.messageBurst}`);
    if (!(this.maxSubscriptions >= 1))
      throw new Error(`maxSubscriptions must be >= 1, got ${options.maxSubscriptions}`);
    if (!(Number.isInteger(this.fanoutChunk) && this.fanoutChunk >= 1))
      throw new Error(`fanoutChunk must be a whole number >= 1, got ${options.fanoutChunk}`);
  }

  /** Connected clients that still receive events. */
  get count(): number {
    return this.subscribers.size;
  }

  /** Sends queued and not yet made (0 once a fan-out has finished). */
  get pendingSends(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++)
      n += this.queue[i].recipients.length - this.queue[i].next;
    return n;
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
      queued: 0,
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

  /** Stops everything: bus listeners, heartbeat, the queue, and any socket still open. */
  close(): void {
    this.closed = true;
    for (const sub of this.subscribers) sub.socket.terminate();
    this.subscribers.clear();
    this.stop();
    if (this.flushTimer !== null) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    this.flushing = false;
    this.queue = [];
    this.head = 0;
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
  private send(sub: Subscriber, data: Buffer | string): void {
    const socket = sub.socket;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.dropSlow(sub);
      return;
    }
    socket.send(data, AS_TEXT);
  }

  /** Queues `data` for `recipients` (in that order) behind what is queued already, and starts a flush. */
  private enqueue(data: Buffer | string, recipients: readonly Subscriber[]): void {
    for (const sub of recipients) sub.queued++;
    this.queue.push({ data, recipients, next: 0 });
    if (this.flushing) return;
    this.flushing = true;
    this.flush();
  }

  /**
   * Makes up to `fanoutChunk` sends, oldest message first, then yields the event loop and goes on
   * in a setImmediate until the queue is empty. The first chunk goes at once: a small fan-out is
   * sent within the publish, as before.
   */
  private flush(): void {
    this.flushTimer = null;
    let budget = this.fanoutChunk;
    while (this.head < this.queue.length) {
      const out = this.queue[this.head];
      while (out.next < out.recipients.length) {
        if (budget === 0) {
          this.queue.splice(0, this.head);
          this.head = 0;
          this.flushTimer = setImmediate(() => this.flush());
          return;
        }
        budget--;
        const sub = out.recipients[out.next++];
        sub.queued--;
        try {
          this.send(sub, out.data);
        } catch (error) {
          // outside the publish now (setImmediate): one bad socket must not stop the queue
          this.options.log?.warn({ remote: sub.remote, err: error }, 'websocket send failed; client dropped');
          this.detach(sub);
          sub.socket.terminate();
        }
      }
      this.head++;
    }
    this.queue = [];
    this.head = 0;
    this.flushing = false;
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

  /** A message for one client: at once, unless events are still queued for it (then behind them). */
  private reply(sub: Subscriber, message: object): void {
    const text = JSON.stringify(message);
    if (sub.queued === 0) this.send(sub, text);
    else this.enqueue(text, [sub]);
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

  /**
   * Picks the recipients now, then serialises and encodes once (only if someone matches) and
   * queues the same Buffer for all of them.
   */
  private broadcast(matches: (sub: Subscriber) => boolean, serialise: () => string): void {
    const recipients: Subscriber[] = [];
    for (const sub of this.subscribers) if (matches(sub)) recipients.push(sub);
    if (recipients.length > 0) this.enqueue(Buffer.from(serialise()), recipients);
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
