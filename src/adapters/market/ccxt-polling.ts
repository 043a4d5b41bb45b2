import { setTimeout as sleep } from 'node:timers/promises';
import { Aborted } from './ccxt-async.js';
import type { SymbolFeed } from './ccxt-feed.js';
import type { StreamAvailability } from './ccxt-stream-trigger.js';

/**
 * The fallback without a usable WebSocket: looks at the clock every poll interval and asks REST
 * when a candle is due. Returns when it is time to try the stream again.
 */
export async function pollRest(feed: SymbolFeed, stream: StreamAvailability): Promise<void> {
  const { pollIntervalMs, closeGraceMs } = feed.ctx;
  const { signal } = feed.abort;
  for (;;) {
    try {
      await sleep(pollIntervalMs, undefined, { signal });
    } catch {
      throw new Aborted();
    }
    const now = feed.ctx.now();
    if (now >= feed.dueAt()) await feed.catchUp(now - closeGraceMs);
    feed.attempts = 0;
    feed.state = 'live';
    if (stream.usable(feed.ctx.now())) return;
  }
}
