import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { WsHub, type WsRuntime } from './ws/hub.js';
import { type Channel, parseQueryFilter } from './ws/protocol.js';

export { CLOSE_SLOW_CONSUMER, type WsRuntime } from './ws/hub.js';

/**
 * WebSocket delivery of signals, outcomes, candles and status.
 *
 * Endpoints:
 * - `/ws`: send `{"op":"subscribe","channels":[...],"filter":{...}}`; channels are `signals`,
 *   `outcomes`, `status` and `candles:<SYMBOL>:<timeframe>`. The reply is `subscribed` (all
 *   channels now held and the filter), then a `snapshot` of the live signals matching the filter
 *   when `signals` was named, then each matching event as `signal.created`, `signal.updated`,
 *   `outcome.closed`, `candle.closed` or `status`. `{"op":"unsubscribe","channels":[...]}` and
 *   `{"op":"ping"}` (answered by `{"type":"pong"}`) too.
 * - `/ws/signals` (channel signals) and `/ws/notifications` (signals, outcomes, status):
 *   subscribed on connect with the filter from the query string
 *   (`?symbols=BTCUSDT,ETHUSDT&strategies=momentum&minConfidence=0.7`); the snapshot comes at once.
 *   They accept the same ops as `/ws`. A bad query string gets an `error` and close code 1008.
 *
 * A bad message (not JSON, unknown op, bad channel or filter, binary frame) gets
 * `{"type":"error","message":...}` and the connection stays usable. A frame larger than
 * `maxPayload` is the exception: `ws` closes the connection with 1009 (message too big) before
 * any of it reaches us. Clients that miss a heartbeat ping are terminated; clients whose unsent
 * data passes `maxBufferedBytes` are closed with 1013 (and destroyed shortly after).
 */
export interface WebSocketOptions {
  readonly runtime: WsRuntime;
  /** Interval between server pings; a client that has not answered the previous one is cut. Default 30 s. */
  readonly heartbeatMs?: number;
  /** Unsent bytes a client may have queued before it is dropped as too slow. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /**
   * Largest frame accepted from a client. Applies only when this function registers
   * @fastify/websocket itself; when the app registered it already, its own `options.maxPayload` holds.
   * Default 65536.
   */
  readonly maxPayload?: number;
}

export interface WsClientCount {
  readonly count: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Connected WebSocket clients (for status and metrics). */
    wsClients: WsClientCount;
  }
}

export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PAYLOAD = 65_536;

/** Close code for a connection refused for its own request (bad query string). */
const CLOSE_POLICY = 1008;

const ALIASES: Readonly<Record<string, readonly Channel[]>> = {
  '/ws/signals': ['signals'],
  '/ws/notifications': ['signals', 'outcomes', 'status'],
};

/**
 * Adds the WebSocket routes to `app`. Registers @fastify/websocket when the app has not, so it
 * works with or without `buildApp` having done so.
 */
export async function registerWebSocket(app: FastifyInstance, opts: WebSocketOptions): Promise<void> {
  const maxPayload = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const hub = new WsHub(opts.runtime, {
    heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxBufferedBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    log: app.log,
  });
  if (!app.hasDecorator('wsClients')) {
    app.decorate('wsClients', {
      get count() {
        return hub.count;
      },
    });
  }
  // In a plugin of its own: it loads after everything registered before it, so a
  // @fastify/websocket registered without await is visible here. (Awaiting `app.after()` instead
  // leaves fastify 5 unable to become ready once routes follow a later register.)
  await app.register(async function alphapulseWebSocket(scope) {
    if (!scope.hasDecorator('websocketServer'))
      await scope.register(fastifyWebsocket, { options: { maxPayload } });
    scope.addHook('preClose', async () => hub.shutdown());
    scope.addHook('onClose', async () => hub.close());
    scope.get('/ws', { websocket: true }, (socket: WebSocket, request: FastifyRequest) => {
      hub.attach(socket, request.ip);
    });
    for (const [path, channels] of Object.entries(ALIASES)) {
      scope.get(path, { websocket: true }, (socket: WebSocket, request: FastifyRequest) => {
        const parsed = parseQueryFilter((request.query ?? {}) as Record<string, unknown>);
        if (!parsed.ok) {
          socket.send(JSON.stringify({ type: 'error', message: parsed.error }));
          socket.close(CLOSE_POLICY, 'bad query string');
          return;
        }
        hub.attach(socket, request.ip, { channels, filter: parsed.filter });
      });
    }
  });
}
