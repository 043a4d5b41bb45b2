import { randomBytes } from 'node:crypto';
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { checkWebhookUrl } from '../../adapters/delivery/webhook-url.js';
import type { DeliveryHistoryItem, DeliveryStore } from '../../adapters/store/delivery-port.js';
import { DeliveryStoreError } from '../../adapters/store/store-errors.js';
import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { missingStrategies } from '../../core/delivery/plan.js';
import {
  type Channel,
  DESTINATION_KINDS,
  type Destination,
  type DestinationKind,
  type Subscription,
} from '../../core/delivery/types.js';
import { ApiError, badRequest } from '../errors.js';
import { strictBody } from '../strict-body.js';

/** What the delivery routes need besides the store. */
export interface DeliveryRouteOptions {
  readonly store: DeliveryStore;
  readonly allowPrivateWebhookTargets: boolean;
  readonly defaultMaxDailyEvents: number;
  readonly defaultPrice: number;
  /** Wall clock for created-at stamps. */
  readonly now?: () => number;
}

export const SYMBOL = z
  .string()
  .regex(/^[A-Z0-9]{2,20}$/, 'a symbol is upper-case letters and digits, like BTCUSDT');
export const SLUG = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'a slug is 2 to 40 lower-case letters, digits or -');
export const STRATEGY = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'a strategy name is lower-case, like momentum');
export const TIMEFRAME = z.enum(TIMEFRAMES);
export const KIND = z.enum(DESTINATION_KINDS as [DestinationKind, ...DestinationKind[]]);

export const DestinationsBody = z
  .object({
    telegram: z
      .string()
      .regex(/^-?\d{1,20}$/, 'a Telegram chat id is a whole number')
      .nullable()
      .optional(),
    webhook: z
      .object({
        url: z.string().max(2000).describe('Receiver URL (https, public address unless allowed)'),
        secret: z.string().min(16).max(200).optional().describe('HMAC secret; generated when not given'),
      })
      .strict()
      .nullable()
      .optional(),
    discord: z.string().max(2000).nullable().optional().describe('Discord webhook URL'),
    slack: z.string().max(2000).nullable().optional().describe('Slack incoming-webhook URL'),
    websocket: z.boolean().optional().describe('Deliver over the subscriber WebSocket (/ws/subscriber)'),
  })
  .strict();

export type DestinationsInput = z.infer<typeof DestinationsBody>;

/**
 * The destinations a body asks for, merged over the current ones (a key given as null removes
 * that destination). Webhook URLs are checked; each refusal names the field.
 */
export async function destinationsFrom(
  input: DestinationsInput | undefined,
  current: readonly Destination[],
  allowPrivate: boolean,
): Promise<Destination[]> {
  const byKind = new Map(current.map((d) => [d.kind, d]));
  if (!input) return [...byKind.values()];
  const url = async (field: string, value: string) => {
    const why = await checkWebhookUrl(value, { allowPrivate });
    if (why) throw badRequest(`body/destinations/${field}: ${why}`);
  };
  if (input.telegram !== undefined) {
    if (input.telegram === null) byKind.delete('telegram');
    else byKind.set('telegram', { kind: 'telegram', target: input.telegram, secret: null, active: true });
  }
  if (input.webhook !== undefined) {
    if (input.webhook === null) byKind.delete('webhook');
    else {
      await url('webhook/url', input.webhook.url);
      const secret =
        input.webhook.secret ??
        byKind.get('webhook')?.secret ??
        `whsec_${randomBytes(24).toString('base64url')}`;
      byKind.set('webhook', { kind: 'webhook', target: input.webhook.url, secret, active: true });
    }
  }
  for (const kind of ['discord', 'slack'] as const) {
    const v = input[kind];
    if (v === undefined) continue;
    if (v === null) byKind.delete(kind);
    else {
      await url(kind, v);
      byKind.set(kind, { kind, target: v, secret: null, active: true });
    }
  }
  if (input.websocket !== undefined) {
    if (input.websocket)
      byKind.set('websocket', { kind: 'websocket', target: '', secret: null, active: true });
    else byKind.delete('websocket');
  }
  return [...byKind.values()];
}

/** The overrides of a subscription, as both the admin and the subscriber give them. */
export const OverridesBody = {
  symbols: z
    .array(SYMBOL)
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .describe('Only these symbols; null: all the channel carries'),
  timeframe: TIMEFRAME.nullable().optional().describe('Only this signal timeframe; null: the channel’s'),
  minConfidence: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .optional()
    .describe('Only signals at or above this confidence'),
  maxDailyEvents: z
    .number()
    .int()
    .min(1)
    .nullable()
    .optional()
    .describe('At most this many a day (max_daily_events)'),
  destinations: z
    .array(KIND)
    .max(5)
    .nullable()
    .optional()
    .describe('Preferred destinations; null: the channel’s'),
};

export function subscriptionView(s: Subscription, channel: Channel, owned: readonly string[]) {
  const missing = missingStrategies(channel, { strategies: owned });
  return { ...s, channel: channel.slug, entitled: missing.length === 0, missingStrategies: missing };
}

export function historyView(h: DeliveryHistoryItem) {
  const o = h.outcome;
  return {
    signal: h.signal,
    outcome: o
      ? {
          type: o.type,
          filled: o.filled,
          rMultiple: o.rMultiple ?? null,
          returnPct: o.returnPct ?? null,
          exitTime: o.exitTime ?? null,
          reason: o.reason ?? '',
        }
      : null,
    channel: h.channelSlug,
    deliveredAt: h.deliveredAt,
    destinations: h.destinations,
    acked: h.acked,
  };
}

/** Store refusals as API errors. */
export function asApiError(e: unknown): never {
  if (e instanceof DeliveryStoreError) {
    throw new ApiError(e.kind === 'conflict' ? 409 : e.kind === 'not_found' ? 404 : 400, e.message);
  }
  throw e;
}

export async function channelOr404(store: DeliveryStore, slug: string): Promise<Channel> {
  const c = await store.getChannel(slug);
  if (!c) throw new ApiError(404, `no channel ${slug}`);
  return c;
}

export const listQuery = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    before: {
      type: 'integer',
      minimum: 1,
      description: 'Rows with a smaller id (the previous page’s last id)',
    },
    ...extra,
  },
});

type Part = 'body' | 'params' | 'querystring';

/**
 * zod validation for several parts of a route (strictBody does bodies only): each part's JSON
 * schema for the docs and one validatorCompiler that picks the part's zod schema, with errors
 * named like Ajv's ("params/id must be ...").
 */
export function zodParts(parts: Partial<Record<Part, z.ZodType>>) {
  const compiled = new Map(Object.entries(parts).map(([k, s]) => [k, strictBody(s)]));
  const json = (part: Part) => {
    const c = compiled.get(part);
    if (!c) throw new Error(`no ${part} schema`);
    return c.json;
  };
  const validatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
    const c = compiled.get(route.httpPart ?? '');
    if (!c) throw new Error(`zodParts: ${route.url} has a ${route.httpPart} schema but no zod schema for it`);
    return c.validatorCompiler({ ...route, httpPart: 'body' });
  };
  return { json, validatorCompiler };
}

export const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
export const SlugParams = z.object({ slug: SLUG }).strict();
