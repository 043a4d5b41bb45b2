import type { OHLCV } from 'ccxt';
import { Aborted, cancellableSleep, untilAborted } from './ccxt-async.js';
import type { SymbolFeed } from './ccxt-feed.js';
import { errorLine } from './ccxt-log.js';

/** The stream failed; `worked` tells a dropped connection from one that never delivered. */
export class StreamError extends Error {
  constructor(
    failure: unknown,
    readonly worked: boolean,
  ) {
    super(errorLine(failure));
    this.name = 'StreamError';
  }
}

/**
 * Whether feeds follow the exchange's WebSocket, shared by all of them: not when the exchange
 * has none, nor, after it could not be used at all, until it is time to try it again.
 */
export class StreamAvailability {
  /** Set while polling because the stream could not be used: when to try it again, and why. */
  down: { readonly retryAt: number; readonly reason: string } | null = null;

  constructor(readonly capable: boolean) {}

  usable(now: number): boolean {
    if (!this.capable) return false;
    if (this.down && now < this.down.retryAt) return false;
    return true;
  }
}

/**
 * Follows the stream. An update for a candle newer than the next one due means that one has
 * closed (by the exchange's own clock): fetch it, and anything missed, from REST. If the stream
 * stays quiet past the close (plus grace) by our clock, REST is asked anyway. Candle values
 * come from REST only; the stream is just the trigger.
 */
export async function followStream(feed: SymbolFeed, stream: StreamAvailability): Promise<void> {
  const { exchange, timeframe, pollIntervalMs, closeGraceMs } = feed.ctx;
  const now = (): number => feed.ctx.now();
  const { signal } = feed.abort;
  // a failure counts as a drop (reconnect with backoff) when the stream was open at some point
  // here; an endpoint that never opened means no stream at all (poll)
  const connectsBefore = exchange.streamConnects;
  let worked = exchange.streamOpen();
  let triggeredBy = Number.NEGATIVE_INFINITY;
  let askedAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const t = now();
    if (t >= feed.dueAt() && t - askedAt >= pollIntervalMs) {
      askedAt = t;
      await feed.catchUp(t - closeGraceMs);
    }
    const untilDue = feed.dueAt() - now();
    const quiet = cancellableSleep(untilDue > 0 ? Math.min(untilDue, pollIntervalMs) : pollIntervalMs);
    let rows: OHLCV[] | null;
    try {
      rows = await untilAborted(
        Promise.race([exchange.client.watchOHLCV(feed.market, timeframe), quiet.done]),
        signal,
      );
    } catch (e) {
      if (e instanceof Aborted) throw e;
      throw new StreamError(e, worked || exchange.streamConnects > connectsBefore);
    } finally {
      quiet.cancel();
    }
    if (rows === null) continue;
    if (!worked) {
      worked = true;
      stream.down = null;
    }
    feed.attempts = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const open = Number(row[0]);
      if (Number.isSafeInteger(open) && open > newest) newest = open;
    }
    // each newer open time asks REST once; a candle REST does not have yet (or never will,
    // exchange outages leave holes) is retried by the overdue check above, not per message
    if (newest > feed.nextOpen() && newest > triggeredBy) {
      triggeredBy = newest;
      askedAt = now();
      await feed.catchUp(Math.max(newest, askedAt - closeGraceMs));
    }
  }
}
