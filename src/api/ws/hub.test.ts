import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { testSignal } from '../../../test/support/signals.js';
import type { Signal } from '../../core/signals/types.js';
import { EventBus } from '../../runtime/bus/event-bus.js';
import { CLOSE_SLOW_CONSUMER, WsHub } from './hub.js';

/** Just enough of a ws socket for the hub: it records what is sent. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  send(data: string | Buffer, options?: { binary?: boolean }): void {
    if (Buffer.isBuffer(data) && options?.binary !== false) throw new Error('a Buffer must be sent as text');
    this.sent.push(JSON.parse(data.toString()) as Record<string, unknown>);
  }
  ping(): void {}
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  say(message: object): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
}

function hub(now: () => number) {
  return new WsHub(
    { bus: new EventBus(), liveSignals: () => [] },
    {
      heartbeatMs: 60_000,
      maxBufferedBytes: 1 << 20,
      messagesPerSecond: 2,
      messageBurst: 3,
      maxSubscriptions: 2,
      now,
    },
  );
}

describe('WsHub per-connection limits', () => {
  it('takes a burst, then refills at messagesPerSecond, with one error a second at most', () => {
    let t = 0;
    const h = hub(() => t);
    const s = new FakeSocket();
    h.attach(s as unknown as WebSocket, '127.0.0.1');
    for (let i = 0; i < 10; i++) s.say({ op: 'ping' });
    expect(s.sent.filter((m) => m.type === 'pong')).toHaveLength(3);
    expect(s.sent.filter((m) => m.type === 'error')).toHaveLength(1);
    t = 500; // one message earned back
    for (let i = 0; i < 3; i++) s.say({ op: 'ping' });
    expect(s.sent.filter((m) => m.type === 'pong')).toHaveLength(4);
    expect(s.sent.filter((m) => m.type === 'error')).toHaveLength(1);
    t = 1500; // two more, and a new error may be sent
    for (let i = 0; i < 3; i++) s.say({ op: 'ping' });
    expect(s.sent.filter((m) => m.type === 'pong')).toHaveLength(6);
    expect(s.sent.filter((m) => m.type === 'error')).toHaveLength(2);
    h.close();
  });

  it('refuses a subscribe that would pass maxSubscriptions, counting only new channels', () => {
    const h = hub(() => 0);
    const s = new FakeSocket();
    h.attach(s as unknown as WebSocket, '127.0.0.1');
    s.say({ op: 'subscribe', channels: ['outcomes', 'status'] });
    s.say({ op: 'subscribe', channels: ['status'] });
    s.say({ op: 'subscribe', channels: ['signals'] });
    const kinds = s.sent.map((m) => m.type);
    expect(kinds.filter((k) => k === 'subscribed')).toHaveLength(2);
    expect(s.sent.at(-1)).toEqual({
      type: 'error',
      message: 'at most 2 channels per connection: this subscribe would make 3; unsubscribe some first',
    });
    h.close();
  });
});

describe('WsHub fan-out in chunks', () => {
  const signal = (n: number, over: Partial<Signal> = {}): Signal =>
    testSignal({ id: `S-${n}`, createdAt: n, ...over });

  function fanout(chunk: number, live: () => Signal[] = () => []) {
    const bus = new EventBus();
    const h = new WsHub(
      { bus, liveSignals: live },
      { heartbeatMs: 60_000, maxBufferedBytes: 1 << 20, messageBurst: 100, fanoutChunk: chunk },
    );
    const connect = (message?: object): FakeSocket => {
      const s = new FakeSocket();
      h.attach(s as unknown as WebSocket, '127.0.0.1');
      if (message) s.say(message);
      return s;
    };
    const publish = (s: Signal): void => bus.publish({ type: 'signal.created', signal: s });
    /** Lets the queued chunks go, one setImmediate each; no clock involved. */
    const drain = async (): Promise<void> => {
      while (h.pendingSends > 0) await new Promise((r) => setImmediate(r));
    };
    return { h, connect, publish, drain };
  }

  const ids = (s: FakeSocket, type = 'signal.created') =>
    s.sent.filter((m) => m.type === type).map((m) => (m.signal as Signal).id);
  const types = (s: FakeSocket) => s.sent.map((m) => m.type);

  it('sends a burst chunk by chunk, each client getting every event in publish order', async () => {
    const { h, connect, publish, drain } = fanout(7);
    const clients = Array.from({ length: 10 }, () => connect({ op: 'subscribe', channels: ['signals'] }));
    for (let i = 0; i < 5; i++) publish(signal(i));
    // only the first chunk went within the publishes; the other 43 sends wait for the loop
    expect(clients.reduce((n, c) => n + ids(c).length, 0)).toBe(7);
    expect(h.pendingSends).toBe(43);
    await drain();
    for (const c of clients) {
      expect(types(c)).toEqual(['subscribed', 'snapshot', ...Array(5).fill('signal.created')]);
      expect(ids(c)).toEqual(['S-0', 'S-1', 'S-2', 'S-3', 'S-4']);
    }
    h.close();
  });

  it('applies each client filter as of the publish', async () => {
    const { h, connect, publish, drain } = fanout(2);
    const all = connect({ op: 'subscribe', channels: ['signals'] });
    const eth = connect({ op: 'subscribe', channels: ['signals'], filter: { symbols: ['ETHUSDT'] } });
    const sure = connect({ op: 'subscribe', channels: ['signals'], filter: { minConfidence: 0.8 } });
    const trend = connect({ op: 'subscribe', channels: ['signals'], filter: { strategies: ['breakout'] } });
    const outcomes = connect({ op: 'subscribe', channels: ['outcomes'] });
    publish(signal(0, { symbol: 'ETHUSDT', confidence: 0.9 }));
    publish(signal(1, { confidence: 0.75, strategy: 'breakout' }));
    publish(signal(2, { symbol: 'ETHUSDT', confidence: 0.6 }));
    publish(signal(3, { confidence: 0.95, published: false }));
    publish(signal(4, { confidence: 0.85 }));
    await drain();
    expect(ids(all)).toEqual(['S-0', 'S-1', 'S-2', 'S-4']);
    expect(ids(eth)).toEqual(['S-0', 'S-2']);
    expect(ids(sure)).toEqual(['S-0', 'S-4']);
    expect(ids(trend)).toEqual(['S-1']);
    expect(ids(outcomes)).toEqual([]);
    h.close();
  });

  it('a client subscribing mid-burst gets its snapshot at once and only the events published after', async () => {
    const live: Signal[] = [];
    const { h, connect, publish, drain } = fanout(3, () => live);
    const early = Array.from({ length: 4 }, () => connect({ op: 'subscribe', channels: ['signals'] }));
    for (let i = 0; i < 3; i++) {
      live.push(signal(i));
      publish(signal(i));
    }
    expect(h.pendingSends).toBeGreaterThan(0);
    const late = connect({ op: 'subscribe', channels: ['signals'] });
    // nothing was queued for it: the replies did not wait behind the burst
    expect(types(late)).toEqual(['subscribed', 'snapshot']);
    expect((late.sent[1].signals as Signal[]).map((s) => s.id)).toEqual(['S-0', 'S-1', 'S-2']);
    live.push(signal(3));
    publish(signal(3));
    await drain();
    expect(ids(late)).toEqual(['S-3']);
    for (const c of early) expect(ids(c)).toEqual(['S-0', 'S-1', 'S-2', 'S-3']);
    h.close();
  });

  it('a client unsubscribing mid-burst gets the events queued before its unsubscribe, then the reply, then nothing', async () => {
    const { h, connect, publish, drain } = fanout(2);
    const others = Array.from({ length: 3 }, () => connect({ op: 'subscribe', channels: ['signals'] }));
    const leaving = connect({ op: 'subscribe', channels: ['signals'] });
    for (let i = 0; i < 4; i++) publish(signal(i));
    expect(ids(leaving)).toEqual([]);
    leaving.say({ op: 'ping' });
    leaving.say({ op: 'unsubscribe', channels: ['signals'] });
    publish(signal(4));
    await drain();
    expect(types(leaving)).toEqual([
      'subscribed',
      'snapshot',
      ...Array(4).fill('signal.created'),
      'pong',
      'unsubscribed',
    ]);
    expect(ids(leaving)).toEqual(['S-0', 'S-1', 'S-2', 'S-3']);
    for (const c of others) expect(ids(c)).toEqual(['S-0', 'S-1', 'S-2', 'S-3', 'S-4']);
    h.close();
  });

  it('drops a client whose buffer passes the limit mid-burst; the others get the whole burst', async () => {
    const { h, connect, publish, drain } = fanout(3);
    const fast = [connect({ op: 'subscribe', channels: ['signals'] })];
    const slow = connect({ op: 'subscribe', channels: ['signals'] });
    fast.push(
      connect({ op: 'subscribe', channels: ['signals'] }),
      connect({ op: 'subscribe', channels: ['signals'] }),
    );
    publish(signal(0));
    publish(signal(1));
    slow.bufferedAmount = (1 << 20) + 1; // it stopped reading after the first chunk
    for (let i = 2; i < 6; i++) publish(signal(i));
    expect(ids(slow)).toEqual(['S-0']);
    expect(h.count).toBe(4);
    await drain();
    expect(slow.closedWith).toBe(CLOSE_SLOW_CONSUMER);
    expect(h.count).toBe(3);
    expect(ids(slow)).toEqual(['S-0']);
    for (const c of fast) expect(ids(c)).toEqual(['S-0', 'S-1', 'S-2', 'S-3', 'S-4', 'S-5']);
    h.close();
  });

  it('close() drops what is still queued', () => {
    const { h, connect, publish } = fanout(1);
    const a = connect({ op: 'subscribe', channels: ['signals'] });
    connect({ op: 'subscribe', channels: ['signals'] });
    publish(signal(0));
    expect(h.pendingSends).toBe(1);
    h.close();
    expect(h.pendingSends).toBe(0);
    expect(ids(a)).toEqual(['S-0']);
  });

  it('refuses a fanoutChunk that is not a whole number >= 1', () => {
    const make = (fanoutChunk: number) =>
      new WsHub(
        { bus: new EventBus(), liveSignals: () => [] },
        { heartbeatMs: 1000, maxBufferedBytes: 1024, fanoutChunk },
      );
    expect(() => make(0)).toThrow('fanoutChunk must be a whole number >= 1, got 0');
    expect(() => make(2.5)).toThrow('fanoutChunk must be a whole number >= 1, got 2.5');
  });
});
