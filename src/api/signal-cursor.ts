import type { SignalCursor } from '../adapters/store/ports.js';

/** The cursor as an opaque URL-safe token: clients pass it back, they do not build it. */
export function encodeCursor(c: SignalCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

/** The cursor a token stands for, or null when the token was not made by `encodeCursor`. */
export function decodeCursor(token: string): SignalCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0
  ) {
    return null;
  }
  return { createdAt: parsed[0] as number, id: parsed[1] };
}
