import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of admin routes: `Authorization: Bearer <one of config.api.adminKeys>`. */
    requireAdmin: AdminGuard;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Whether `given` is one of the keys, in time that depends on neither: digests make every
 * comparison the same length, and every key is compared even after a match.
 */
export function isAdminKey(given: string, keyDigests: readonly Buffer[]): boolean {
  const d = digest(given);
  let match = false;
  for (const k of keyDigests) match = timingSafeEqual(d, k) || match;
  return match;
}

/**
 * Admin authentication. Runs as an onRequest hook, before the body is parsed or validated, so an
 * unauthenticated caller learns nothing about the route's input. With no keys configured the
 * admin routes are closed, not open.
 */
export function registerAuth(app: FastifyInstance, opts: { readonly adminKeys: readonly string[] }): void {
  const keyDigests = opts.adminKeys.map(digest);
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
    if (!isAdminKey(m[1], keyDigests)) throw new ApiError(403, 'the admin key is not valid');
  };
  app.decorate('requireAdmin', guard);
}
