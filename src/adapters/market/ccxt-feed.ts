import type { Candle } from '../../core/candles/candle.js';
import { timeframeMs } from '../../core/candles/timeframe.js';
import { alignUp, type RestPages, restPages } from './ccxt-rest-pages.js';

/** What every symbol's feed shares: the REST pager's settings, the clock and the way out. */
export interface FeedContext extends RestPages {
  /** How often the clock is looked at (and, without a WebSocket, REST is polled). */
  readonly pollIntervalMs: number;
  /** How long after its close (by our clock) a candle may still be forming at the exchange. */
  readonly closeGraceMs: number;
  readonly now: () => number;
  /** Hands one closed candle to the source's handler; resolves once it is handled. */
  readonly deliver: (feed: SymbolFeed, candle: Candle) => Promise<void>;
}

/** The candle handler threw: the candle is offered again after a backoff, not skipped. */
export class HandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerError';
  }
}

/**
 * One followed symbol: where its delivery stands (the cursor), its connection state for the
 * status line, and catching up on every closed candle after the cursor from REST.
 */
export class SymbolFeed {
  readonly abort = new AbortController();
  /** Open time of the last candle handed out or rejected: only later ones are delivered. */
  cursor: number;
  state: 'connecting' | 'live' | 'reconnecting' = 'connecting';
  attempts = 0;
  lastError: string | null = null;
  delivered = 0;

  constructor(
    readonly ctx: FeedContext,
    readonly symbol: string,
    readonly market: string,
    cursor: number,
  ) {
    this.cursor = cursor;
  }

  /** Delivers every closed candle after the cursor, from REST. */
  async catchUp(closedAt: number): Promise<void> {
    const { signal } = this.abort;
    const pages = restPages(
      this.ctx,
      this.symbol,
      this.market,
      this.cursor + 1,
      Number.POSITIVE_INFINITY,
      closedAt,
      signal,
    );
    for await (const page of pages) {
      for (const c of page.candles) {
        if (c.openTime <= this.cursor) continue;
        await this.ctx.deliver(this, c);
        this.cursor = c.openTime;
      }
      if (page.lastSeen > this.cursor) this.cursor = page.lastSeen;
    }
  }

  /** Open time of the first candle the feed still waits for. */
  nextOpen(): number {
    return alignUp(this.ctx.timeframe, this.cursor + 1);
  }

  /** When, by our clock, that candle is surely closed. */
  dueAt(): number {
    return this.nextOpen() + timeframeMs(this.ctx.timeframe) + this.ctx.closeGraceMs;
  }
}
