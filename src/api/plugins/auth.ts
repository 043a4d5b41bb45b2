import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of admin routes: `Authorization: Bearer <one of config.api.adminKeys>`. */
    requireAdmin: AdminGuard;
  }
  interface FastifyRequest {
    /**
     * Who an admin request came from: `key:` and the first 12 hex digits of the SHA-256 of the
     * key (never the key itself), set once `requireAdmin` accepted it; null otherwise.
     */
    adminActor: string | null;
  }
}

/** The audit trail's name for an admin key: stable, and says nothing usable about the key. */
export function adminKeyId(key: string): string {
  return `key:${digest(key).toString('hex').slice(0, 12)}`;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Whether `given` is one of the keys, in time that depends on neither: digests make every
 * comparison the same length, and every key is compared even after a match.
 */
export function isAdminKey(given: string, keyDigests: readonly Buffer[]): boolean {
  return matchingKey(given, keyDigests) >= 0;
}

/** Index of the key `given` is, or -1; constant-time like `isAdminKey`. */
function matchingKey(given: string, keyDigests: readonly Buffer[]): number {
  const d = digest(given);
  let match = -1;
  for (let i = 0; i < keyDigests.length; i++) if (timingSafeEqual(d, keyDigests[i]) && match < 0) match = i;
  return match;
}

/**
 * Admin authentication. Runs as an onRequest hook, before the body is parsed or validated, so an
 * unauthenticated caller learns nothing about the route's input. With no keys configured the
 * admin routes are closed, not open.
 */
export function registerAuth(app: FastifyInstance, opts: { readonly adminKeys: readonly string[] }): void {
  const keyDigests = opts.adminKeys.map(digest);
  const keyIds = opts.adminKeys.map(adminKeyId);
  app.decorateRequest('adminActor', null);
  const guard: AdminGuard = async (request, reply) => {
    if (keyDigests.length === 0) {
      throw new ApiError(
        403,
        'admin routes are disabled: admin keys must be configured (api.adminKeys, or ALPHAPULSE_API__ADMIN_KEYS)',
      );
    }
    const header = request.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) {
      reply.header('www-authenticate', 'Bearer realm="alphapulse-admin"');
      throw new ApiError(401, 'admin route: send the header Authorization: Bearer <admin key>');
    }
    const k = matchingKey(m[1], keyDigests);
    if (k < 0) throw new ApiError(403, 'the admin key is not valid');
    request.adminActor = keyIds[k] ?? null;
  };
  app.decorate('requireAdmin', guard);
}
