import { setTimeout as sleep } from 'node:timers/promises';
import { Aborted } from './ccxt-async.js';
import { HandlerError, type SymbolFeed } from './ccxt-feed.js';
import { seconds } from './ccxt-log.js';
import { pollRest } from './ccxt-polling.js';
import { followStream, type StreamAvailability, StreamError } from './ccxt-stream-trigger.js';

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Spread reconnects of many clients; off by default so tests see exact delays. */
  readonly jitter?: boolean;
}

export interface ReconnectOptions {
  readonly backoff: BackoffOptions;
  /** After falling back to polling, how long before the WebSocket is tried again. */
  readonly streamRetryMs: number;
  readonly stream: StreamAvailability;
}

function backoffDelay(backoff: BackoffOptions, attempt: number): number {
  const { initialMs, maxMs, jitter } = backoff;
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return jitter ? Math.round(base * (0.5 + Math.random() / 2)) : base;
}

/**
 * Runs one feed until it is stopped: catch up from REST, follow live (the stream, or polling
 * without one); after a failure back off, catch up again (the gap is backfilled), carry on. A
 * stream that never opened is no failure of the feed: it polls, and tries the stream later.
 */
export async function runFeed(feed: SymbolFeed, opts: ReconnectOptions): Promise<void> {
  const { exchange, log, pollIntervalMs, closeGraceMs } = feed.ctx;
  const now = (): number => feed.ctx.now();
  const { stream, streamRetryMs } = opts;
  const { signal } = feed.abort;
  while (!signal.aborted) {
    try {
      await feed.catchUp(now() - closeGraceMs);
      feed.state = 'live';
      if (stream.usable(now())) await followStream(feed, stream);
      else await pollRest(feed, stream);
    } catch (e) {
      if (signal.aborted || e instanceof Aborted) break;
      if (e instanceof StreamError && !e.worked) {
        // no stream at all (refused, blocked, unsupported): poll now, try it again later
        const reason = e.message;
        if (!stream.down) {
          log(
            'warn',
            `${exchange.id}: WebSocket unavailable (${reason}); polling REST every ${seconds(pollIntervalMs)}, next WebSocket try in ${seconds(streamRetryMs)}`,
          );
        }
        stream.down = { retryAt: now() + streamRetryMs, reason };
        continue;
      }
      feed.attempts++;
      feed.state = 'reconnecting';
      feed.lastError = e instanceof Error ? e.message : String(e);
      const delay = backoffDelay(opts.backoff, feed.attempts);
      const handlerFailed = e instanceof HandlerError;
      log(
        handlerFailed ? 'error' : 'warn',
        `${exchange.id} ${feed.symbol}: ${feed.lastError}; ${handlerFailed ? 'offering it again' : 'reconnecting'} in ${delay} ms (attempt ${feed.attempts})`,
      );
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        break;
      }
    }
  }
}
