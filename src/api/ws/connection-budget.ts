import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export interface ConnectionLimits {
  /** Open connections in all. */
  readonly maxConnections: number;
  /** Open connections from one client address. */
  readonly maxConnectionsPerIp: number;
}

/**
 * Counts open WebSocket connections, in all and per client address, and refuses an upgrade
 * past either limit: 429 when one address holds its share, 503 when the server is full. A slot
 * is taken before the upgrade and given back when the TCP connection closes, whether the
 * upgrade went through or not, so a failed handshake cannot leak one.
 */
export class ConnectionBudget {
  private readonly byIp = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: ConnectionLimits) {
    if (!(limits.maxConnections >= 1))
      throw new Error(`maxConnections must be >= 1, got ${limits.maxConnections}`);
    if (!(limits.maxConnectionsPerIp >= 1))
      throw new Error(`maxConnectionsPerIp must be >= 1, got ${limits.maxConnectionsPerIp}`);
  }

  /** Open connections counted now (in all, or from `ip`). */
  open(ip?: string): number {
    return ip === undefined ? this.total : (this.byIp.get(ip) ?? 0);
  }

  /** Takes a slot for `ip`; returns the function that gives it back (idempotent), or throws the refusal. */
  take(ip: string): () => void {
    if (this.total >= this.limits.maxConnections)
      throw new ApiError(
        503,
        `the server holds its maximum of ${this.limits.maxConnections} WebSocket connections (api.websocket.maxConnections); try again later`,
      );
    const mine = this.byIp.get(ip) ?? 0;
    if (mine >= this.limits.maxConnectionsPerIp)
      throw new ApiError(
        429,
        `at most ${this.limits.maxConnectionsPerIp} open WebSocket connections from one address (api.websocket.maxConnectionsPerIp); close one first`,
      );
    this.byIp.set(ip, mine + 1);
    this.total++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.total--;
      const left = (this.byIp.get(ip) ?? 1) - 1;
      if (left > 0) this.byIp.set(ip, left);
      else this.byIp.delete(ip);
    };
  }

  /** An onRequest hook for WebSocket routes: a slot per connection, given back when its socket closes. */
  readonly hook = async (request: FastifyRequest): Promise<void> => {
    const release = this.take(request.ip);
    const socket = request.raw.socket;
    if (socket.destroyed) release();
    else socket.once('close', release);
  };
}
