import type { DestinationKind } from '../../core/delivery/types.js';
import type { OutboxItem } from '../store/delivery-port.js';

/** What one send came to. */
export interface RelayResult {
  readonly ok: boolean;
  /** HTTP status or Telegram error code. */
  readonly status: number | null;
  readonly error: string | null;
  /** The message's id at the destination (Telegram message_id), to thread updates to. */
  readonly externalId: string | null;
  /** Retrying cannot help (a chat that blocked the bot, a webhook that is gone): dead-letter now. */
  readonly permanent: boolean;
  /** The destination asked us to wait at least this long (429 retry_after, Retry-After). */
  readonly retryAfterMs: number | null;
}

/** Sends outbox rows of some destination kinds. */
export interface Relay {
  readonly kinds: readonly DestinationKind[];
  /** Rows in flight at once. */
  readonly concurrency: number;
  send(item: OutboxItem): Promise<RelayResult>;
}

export const delivered = (status: number | null, externalId: string | null = null): RelayResult => ({
  ok: true,
  status,
  error: null,
  externalId,
  permanent: false,
  retryAfterMs: null,
});

export const failed = (
  status: number | null,
  error: string,
  opts: { permanent?: boolean; retryAfterMs?: number | null } = {},
): RelayResult => ({
  ok: false,
  status,
  error,
  externalId: null,
  permanent: opts.permanent ?? false,
  retryAfterMs: opts.retryAfterMs ?? null,
});
