import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ConnectionBudget } from './ws/connection-budget.js';
import { WsHub, type WsRuntime } from './ws/hub.js';
import { type Channel, parseQueryFilter } from './ws/protocol.js';

export { CLOSE_SLOW_CONSUMER, type WsRuntime } from './ws/hub.js';

/**
 * WebSocket delivery of signals, outcomes, candles and status.
 *
 * Endpoints:
 * - `/ws`: send `{"op":"subscribe","channels":[...],"filter":{...}}`; channels are `signals`,
 *   `outcomes`, `status` and `candles:<SYMBOL>:<timeframe>` (symbol upper-cased). Channels add up
 *   over several subscribes; a `filter`, when given, replaces the previous one (absent: kept).
 *   The reply is `{"type":"subscribed","channels":[all held now],"filter":{...}}`, then, when the
 *   message named `signals`, `{"type":"snapshot","signals":[live signals matching the filter]}`,
 *   and when it named `status`, `{"type":"status","reason":"subscribed","status":{...}}`. After that
 *   each matching event: `signal.created` {signal}, `signal.updated` {signal, previous},
 *   `outcome.closed` {outcome, signal}, `candle.closed` {symbol, timeframe, candle},
 *   `status` {reason, status} (also every `statusEveryMs` with reason `tick`, so a page need not
 *   poll). `{"op":"unsubscribe","channels":[...]}` is answered by
 *   `{"type":"unsubscribed","channels":[as asked],"remaining":[...]}`, `{"op":"ping"}` by `{"type":"pong"}`.
 * - `/ws/signals` (channel signals) and `/ws/notifications` (signals, outcomes, status):
 *   subscribed on connect with the filter from the query string
 *   (`?symbols=BTCUSDT,ETHUSDT&strategies=momentum&minConfidence=0.7`); the snapshot comes at once.
 *   They accept the same ops as `/ws`. A bad query string gets an `error` and close code 1008.
 *
 * Filters: symbols, strategies, minConfidence (inclusive) and minPriority apply to signals and to outcomes
 * (through the outcome's signal); only symbols applies to candle channels.
 *
 * An event is encoded once for all its recipients, chosen when it is published; a large fan-out is
 * sent 256 writes at a time with the event loop yielded between, so HTTP requests are answered
 * during a burst. Each client still receives events and replies in the order they happened.
 *
 * A bad message (not JSON, unknown op, bad channel or filter, unknown key, binary frame) gets
 * `{"type":"error","message":...}` naming the field and value, and the connection stays usable. A
 * frame larger than `maxPayload` is the exception: `ws` closes the connection with 1009 (message
 * too big) before any of it reaches us. Clients that miss a heartbeat ping are terminated (1006 on
 * their side); clients whose unsent data passes `maxBufferedBytes` are closed with 1013 and
 * destroyed 2 s later (and logged at warn). A client sending more than `messagesPerSecond` (after a
 * burst of `messageBurst`) has the excess dropped, with one `error` a second at most; a subscribe that
 * would hold more than `maxSubscriptions` channels is refused with an `error`. Errors repeat at most
 * 40 characters of the client's own input. Upgrades past `connections` (api.websocket.maxConnections,
 * maxConnectionsPerIp) are refused with the error JSON: 503 (server full) or 429 (that address). On server shutdown clients are closed (by @fastify/websocket's own preClose,
 * which runs first and sends no code, or else with 1001) and destroyed 1 s later at most.
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
  /** The `status` channel is sent again this often (ms); 0 (default): only on changes. buildApp uses DASHBOARD_STATUS_EVERY_MS. */
  readonly statusEveryMs?: number;
  /** Figures merged into every status message (cache, clients), as GET /api/v1/status gives them. */
  readonly statusExtras?: () => Record<string, unknown>;
  /** Messages per second a client may send (average) and at once; past it they are dropped. Defaults 20 and 40. */
  readonly messagesPerSecond?: number;
  readonly messageBurst?: number;
  /** Channels one connection may hold. Default 100. */
  readonly maxSubscriptions?: number;
  /** Open-connection limits (in all and per address) checked before each upgrade; absent: none. */
  readonly connections?: ConnectionBudget;
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
/** How often buildApp's status channel repeats the status: the dashboard's pace, which no longer polls. */
export const DASHBOARD_STATUS_EVERY_MS = 3000;

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
    statusEveryMs: opts.statusEveryMs ?? 0,
    statusExtras: opts.statusExtras,
    messagesPerSecond: opts.messagesPerSecond,
    messageBurst: opts.messageBurst,
    maxSubscriptions: opts.maxSubscriptions,
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
    const connections = opts.connections;
    if (connections) scope.addHook('onRequest', connections.hook);
    // connections have their own limits: the HTTP request budget does not count upgrades
    const route = { websocket: true, config: { rateLimit: false } } as const;
    scope.get('/ws', route, (socket: WebSocket, request: FastifyRequest) => {
      hub.attach(socket, request.ip);
    });
    for (const [path, channels] of Object.entries(ALIASES)) {
      scope.get(path, route, (socket: WebSocket, request: FastifyRequest) => {
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
