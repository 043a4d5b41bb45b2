import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-AlphaPulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<raw body>")>`. The timestamp is inside the signed text, so a captured request cannot be
 * replayed later with a fresh time; receivers reject timestamps older than the tolerance.
 */
export const SIGNATURE_HEADER = 'X-AlphaPulse-Signature';
export const EVENT_HEADER = 'X-AlphaPulse-Event';
export const DELIVERY_HEADER = 'X-AlphaPulse-Delivery';
/** Receivers accept a timestamp at most this far from their clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}

export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Verifies a received webhook: the header's form, the timestamp within `toleranceSeconds` of
 * `nowSeconds`, and one of its v1 signatures equal to ours, compared in constant time.
 * `rawBody` must be the body exactly as received, before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS,
): Verification {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null) return { ok: false, reason: 'the signature header has no t=<unix seconds>' };
  if (signatures.length === 0) return { ok: false, reason: 'the signature header has no v1=<hex>' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return { ok: false, reason: `the timestamp is more than ${toleranceSeconds} s away from now` };
  const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
  let match = false;
  for (const s of signatures) match = timingSafeEqual(expected, Buffer.from(s, 'hex')) || match;
  return match ? { ok: true } : { ok: false, reason: 'no signature matches' };
}
