import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { EventBus } from '../../runtime/bus/event-bus.js';
import { WsHub } from './hub.js';

/** Just enough of a ws socket for the hub: it records what is sent. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Record<string, unknown>[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  ping(): void {}
  close(): void {}
  terminate(): void {}
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
