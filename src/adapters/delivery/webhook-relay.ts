import { discordPayload, slackPayload, type WebhookPayload } from '../../core/delivery/format.js';
import type { DestinationKind } from '../../core/delivery/types.js';
import type { OutboxItem } from '../store/delivery-port.js';
import { delivered, failed, type Relay, type RelayResult } from './relay.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-url.js';

export interface WebhookRelayOptions {
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly allowPrivate: boolean;
  /** Unix milliseconds, for the signature's timestamp. */
  readonly now?: () => number;
}

/** The body a webhook destination receives, in its format. */
export function webhookBody(item: OutboxItem): object {
  switch (item.destination) {
    case 'discord':
      return discordPayload(item.signal, item.channelName, item.event, item.outcome);
    case 'slack':
      return slackPayload(item.signal, item.channelName, item.event, item.outcome);
    default: {
      const body: WebhookPayload = {
        event: item.event === 'signal' ? 'signal.delivered' : 'signal.update',
        deliveryId: item.key,
        update: item.event === 'signal' ? null : item.event,
        channel: { slug: item.channelSlug, name: item.channelName },
        signal: item.signal,
        outcome: item.outcome,
      };
      return body;
    }
  }
}

/** Seconds or an HTTP date in Retry-After, as milliseconds. */
function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/**
 * POSTs JSON to webhook destinations: ours (signed), Discord and Slack. A 2xx within the timeout
 * is delivered; 410 Gone is final; anything else (another status, a timeout, a refused
 * connection) is retried by the runner on its schedule. The delivery id (the idempotency key)
 * is the same on every attempt, so a receiver can drop repeats.
 */
export class WebhookRelay implements Relay {
  readonly kinds: readonly DestinationKind[] = ['webhook', 'discord', 'slack'];
  readonly concurrency: number;
  private readonly now: () => number;

  constructor(private readonly opts: WebhookRelayOptions) {
    this.concurrency = opts.concurrency;
    this.now = opts.now ?? Date.now;
  }

  async send(item: OutboxItem): Promise<RelayResult> {
    const refused = await checkWebhookUrl(item.target, { allowPrivate: this.opts.allowPrivate });
    if (refused) return failed(null, `refused target: ${refused}`, { permanent: true });
    const raw = JSON.stringify(webhookBody(item));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'AlphaPulse-Webhooks/1',
      [EVENT_HEADER]: item.event === 'signal' ? 'signal.delivered' : 'signal.update',
      [DELIVERY_HEADER]: item.key,
    };
    if (item.destination === 'webhook' && item.secret)
      headers[SIGNATURE_HEADER] = signWebhook(item.secret, Math.floor(this.now() / 1000), raw);
    let res: Response;
    try {
      res = await fetch(item.target, {
        method: 'POST',
        headers,
        body: raw,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${this.opts.timeoutMs} ms`
          : (err.cause?.code ?? err.message);
      return failed(null, why);
    }
    // the body is not needed; reading it frees the connection for reuse
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return delivered(res.status);
    if (res.status === 410) return failed(410, 'HTTP 410: the receiver is gone', { permanent: true });
    return failed(res.status, `HTTP ${res.status}`, {
      retryAfterMs: retryAfterMs(res.headers.get('retry-after'), this.now()),
    });
  }
}
