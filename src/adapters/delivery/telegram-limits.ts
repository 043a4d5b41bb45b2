/**
 * Telegram's outbound limits, kept at the wire: about 30 messages a second overall, one a second
 * to a private chat, 20 a minute to a group (negative chat ids). Each send books the earliest
 * moment that breaks none of them and waits for it, so the limits hold over any window, not
 * only on average.
 *
 * Why not @grammyjs/transformer-throttler: its per-chat limiters are chained to the global one
 * and measure a chat's spacing when a message is handed to the global queue, not when it is
 * sent, so after a backlog two messages to one chat can leave milliseconds apart; and its global
 * reservoir refills 30 at a time each second, which lets 60 go within a few milliseconds across
 * a refill. auto-retry (429 retry_after) is used as is, outside this limiter, so that its retries
 * book their own slots here.
 */
export interface SendLimits {
  readonly globalPerSecond: number;
  readonly perChatPerSecond: number;
  readonly perGroupPerMinute: number;
}

/**
 * Slots are booked this much wider than the limits: Telegram counts at its end, and the time
 * between our send and its receipt varies by a few milliseconds, which could put 31 receipts in
 * one second out of 30 sends spaced exactly 1/30 s apart (measured: bench/delivery.ts).
 */
export const LIMIT_MARGIN = 1.05;

export class SendLimiter {
  /** Booked send times, ascending, the past second and the future. */
  private readonly slots: number[] = [];
  private readonly chatNext = new Map<string, number>();
  /** When the last `globalPerSecond` sends really left, oldest first; and each chat's last. */
  private readonly sentTimes: number[] = [];
  private readonly chatSent = new Map<string, number>();
  private readonly perSecond: number;
  private readonly spacing: number;
  private readonly chatGap: number;
  private readonly groupGap: number;

  constructor(
    limits: SendLimits,
    private readonly now: () => number = Date.now,
  ) {
    // spacing sends globally by at least 1000 / n ms puts at most n in any window of a second
    this.perSecond = limits.globalPerSecond;
    this.spacing = Math.ceil((1000 * LIMIT_MARGIN) / limits.globalPerSecond);
    this.chatGap = Math.ceil((1000 * LIMIT_MARGIN) / limits.perChatPerSecond);
    this.groupGap = Math.ceil((60_000 * LIMIT_MARGIN) / limits.perGroupPerMinute);
  }

  /** Books the next send to `chatId`; resolves with how many ms to wait before sending. */
  book(chatId: string | number): number {
    const now = this.now();
    while (this.slots.length > 0 && this.slots[0] <= now - 1000) this.slots.shift();
    const chat = String(chatId);
    let t = Math.max(now, this.chatNext.get(chat) ?? now);
    for (const s of this.slots) {
      if (s >= t + this.spacing) break;
      if (s > t - this.spacing) t = s + this.spacing;
    }
    let i = this.slots.length;
    while (i > 0 && this.slots[i - 1] > t) i--;
    this.slots.splice(i, 0, t);
    this.chatNext.set(chat, t + (chat.startsWith('-') ? this.groupGap : this.chatGap));
    return t - now;
  }

  /**
   * How much longer a send whose slot has come must wait, judged by when sends really left: a
   * timer that fired late lets its successors catch up, which the bookings alone would allow.
   */
  holdback(chatId: string | number): number {
    const now = this.now();
    const chat = String(chatId);
    let wait = 0;
    if (this.sentTimes.length >= this.perSecond) {
      const nth = this.sentTimes[this.sentTimes.length - this.perSecond];
      wait = Math.max(wait, nth + Math.ceil(1000 * LIMIT_MARGIN) - now);
    }
    const last = this.chatSent.get(chat);
    if (last !== undefined)
      wait = Math.max(wait, last + (chat.startsWith('-') ? this.groupGap : this.chatGap) - now);
    return wait;
  }

  /** Records that a send to `chatId` leaves now. */
  sent(chatId: string | number): void {
    const now = this.now();
    this.sentTimes.push(now);
    if (this.sentTimes.length > this.perSecond) this.sentTimes.shift();
    this.chatSent.set(String(chatId), now);
  }
}
