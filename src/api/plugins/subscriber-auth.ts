import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryStore } from '../../adapters/store/delivery-port.js';
import type { Subscriber } from '../../core/delivery/types.js';
import { ApiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of subscriber routes: `Authorization: Bearer <subscriber API key>`. */
    requireSubscriber: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    /** The subscriber whose key the request carried (subscriber routes only). */
    subscriber: Subscriber | null;
  }
}

/** A new subscriber API key: `aps_` and 32 random bytes. Only its hash is stored. */
export function newApiKey(): string {
  return `aps_${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps of a key: its SHA-256. Keys are random and long, so no salt is needed. */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key of an `Authorization: Bearer` header, or of `?key=` (WebSocket clients in browsers cannot set headers). */
export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m?.[1]) return m[1];
  const q = (request.query as { key?: unknown } | undefined)?.key;
  return typeof q === 'string' && q.length > 0 ? q : null;
}

export async function subscriberOf(store: DeliveryStore, key: string | null): Promise<Subscriber | null> {
  if (key === null || !key.startsWith('aps_') || key.length > 200) return null;
  return store.subscriberByKeyHash(apiKeyHash(key));
}

/** Subscriber authentication, as an onRequest hook like the admin one: nothing is parsed before it. */
export function registerSubscriberAuth(app: FastifyInstance, store: DeliveryStore): void {
  app.decorateRequest('subscriber', null);
  app.decorate('requireSubscriber', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = presentedKey(request);
    if (key === null) {
      reply.header('www-authenticate', 'Bearer realm="alphapulse-subscriber"');
      throw new ApiError(401, 'subscriber route: send the header Authorization: Bearer <subscriber API key>');
    }
    const sub = await subscriberOf(store, key);
    if (!sub) throw new ApiError(403, 'the subscriber API key is not valid');
    if (!sub.active) throw new ApiError(403, 'this subscriber is deactivated');
    request.subscriber = sub;
  });
}
