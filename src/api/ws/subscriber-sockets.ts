import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { delivered, failed, type Relay, type RelayResult } from '../../adapters/delivery/relay.js';
import type { DeliveryStore, OutboxItem } from '../../adapters/store/delivery-port.js';
import { missingStrategies } from '../../core/delivery/plan.js';
import type { DestinationKind } from '../../core/delivery/types.js';
import { presentedKey, subscriberOf } from '../plugins/subscriber-auth.js';
import type { ConnectionBudget } from './connection-budget.js';

const OPEN = 1;
/** Close code for a connection refused for its credentials. */
const CLOSE_POLICY = 1008;

/**
 * The WebSocket of each subscriber: `GET /ws/subscriber` with the subscriber's API key
 * (`Authorization: Bearer aps_...`, or `?key=` from a browser). What comes down it is what the
 * outbox delivers to the subscriber's `websocket` destination: the signals of the channels they
 * subscribed to and are entitled to, and their updates, as
 * `{"type":"delivery","deliveryId","event","channel","signal","outcome"}`. It is one relay of the
 * outbox: a row for a subscriber with no open socket waits for the next retry, and a subscriber
 * who connects has their waiting rows sent at once. The public `/ws` channels are unchanged.
 */
export class SubscriberSockets implements Relay {
  readonly kinds: readonly DestinationKind[] = ['websocket'];
  readonly concurrency = 64;
  private readonly sockets = new Map<number, Set<WebSocket>>();

  /** Open sockets, all subscribers together. */
  get count(): number {
    let n = 0;
    for (const s of this.sockets.values()) n += s.size;
    return n;
  }

  attach(subscriberId: number, socket: WebSocket): void {
    let set = this.sockets.get(subscriberId);
    if (!set) {
      set = new Set();
      this.sockets.set(subscriberId, set);
    }
    set.add(socket);
    socket.on('close', () => {
      set.delete(socket);
      if (set.size === 0) this.sockets.delete(subscriberId);
    });
    socket.on('message', (data) => {
      const text = String(data);
      socket.send(
        JSON.stringify(
          text.includes('"ping"')
            ? { type: 'pong' }
            : { type: 'error', message: 'this socket only sends; the one op is {"op":"ping"}' },
        ),
      );
    });
  }

  async send(item: OutboxItem): Promise<RelayResult> {
    const open = [...(this.sockets.get(item.subscriberId) ?? [])].filter((s) => s.readyState === OPEN);
    if (open.length === 0) return failed(null, 'the subscriber has no open WebSocket');
    const text = JSON.stringify({
      type: 'delivery',
      deliveryId: item.key,
      event: item.event,
      channel: item.channelSlug,
      signal: item.signal,
      outcome: item.outcome,
    });
    for (const s of open) s.send(text);
    return delivered(null);
  }

  close(): void {
    for (const set of this.sockets.values()) for (const s of set) s.terminate();
    this.sockets.clear();
  }
}

export interface SubscriberSocketOptions {
  readonly store: DeliveryStore;
  readonly sockets: SubscriberSockets;
  /** A subscriber connected: their waiting websocket rows can go now. */
  readonly onConnect?: (subscriberId: number) => void;
  /** Open-connection limits checked before each upgrade (shared with /ws); absent: none. */
  readonly connections?: ConnectionBudget;
}

/** Adds `GET /ws/subscriber`; needs @fastify/websocket registered. */
export async function registerSubscriberSocket(
  app: FastifyInstance,
  opts: SubscriberSocketOptions,
): Promise<void> {
  app.addHook('onClose', async () => opts.sockets.close());
  const connections = opts.connections;
  const route = {
    websocket: true,
    config: { rateLimit: false },
    ...(connections ? { onRequest: connections.hook } : {}),
  } as const;
  app.get('/ws/subscriber', route, async (socket: WebSocket, request: FastifyRequest) => {
    const sub = await subscriberOf(opts.store, presentedKey(request));
    if (!sub?.active) {
      socket.send(
        JSON.stringify({
          type: 'error',
          message: 'send a valid subscriber API key: Authorization: Bearer <key> or ?key=<key>',
        }),
      );
      socket.close(CLOSE_POLICY, 'subscriber key required');
      return;
    }
    opts.sockets.attach(sub.id, socket);
    const channels = await opts.store.listChannels();
    const mine = await opts.store.listSubscriptions({ subscriberId: sub.id });
    const entitled = mine.flatMap((s) => {
      const c = channels.find((x) => x.id === s.channelId);
      return c?.active && missingStrategies(c, sub).length === 0 ? [c.slug] : [];
    });
    socket.send(
      JSON.stringify({ type: 'welcome', subscriber: { id: sub.id, name: sub.name }, channels: entitled }),
    );
    opts.onConnect?.(sub.id);
  });
}
