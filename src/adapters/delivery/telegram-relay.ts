import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError } from 'grammy';
import { telegramSignalText, telegramUpdateText } from '../../core/delivery/format.js';
import type { DestinationKind } from '../../core/delivery/types.js';
import type { OutboxItem } from '../store/delivery-port.js';
import { delivered, failed, type Relay, type RelayResult } from './relay.js';
import { SendLimiter, type SendLimits } from './telegram-limits.js';

export interface TelegramBotOptions extends SendLimits {
  readonly token: string;
  readonly apiRoot: string;
  /** Longest retry_after auto-retry waits out inside a send; longer ones go back to the outbox's schedule. */
  readonly maxRetryAfterSeconds?: number;
}

/** Methods that put a message in a chat: these count against the limits. */
const SENDING = new Set(['sendMessage', 'editMessageText', 'sendPhoto', 'copyMessage', 'forwardMessage']);

/**
 * A grammY bot whose API calls keep Telegram's limits: the limiter innermost (each attempt,
 * retries included, waits for its slot), auto-retry around it (a 429 waits `retry_after`).
 * `onWire` counts requests on their way to Telegram now (tests wait for it to drain).
 */
export function createTelegramBot(
  opts: TelegramBotOptions,
  now: () => number = Date.now,
): {
  bot: Bot;
  limiter: SendLimiter;
  onWire: () => number;
} {
  const bot = new Bot(opts.token, { client: { apiRoot: opts.apiRoot } });
  const limiter = new SendLimiter(opts, now);
  let wire = 0;
  // installed first, so it is the innermost: grammY runs the last installed transformer first
  bot.api.config.use(async (prev, method, payload, signal) => {
    const chat = (payload as { chat_id?: string | number } | undefined)?.chat_id;
    if (SENDING.has(method) && chat !== undefined) {
      for (let wait = limiter.book(chat); wait > 0; wait = limiter.holdback(chat))
        await new Promise((resolve) => setTimeout(resolve, wait));
      limiter.sent(chat);
    }
    wire++;
    try {
      return await prev(method, payload, signal);
    } finally {
      wire--;
    }
  });
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: opts.maxRetryAfterSeconds ?? 60,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  return { bot, limiter, onWire: () => wire };
}

/**
 * Sends outbox rows to Telegram chats as HTML messages; an update replies to the message of its
 * signal (threaded), and the message id of each signal is kept for that. A chat that blocked the
 * bot (403) or no longer exists (400 chat not found) is reported through `onGone` and marked
 * inactive: no further reservations, no further charges.
 */
export class TelegramRelay implements Relay {
  readonly kinds: readonly DestinationKind[] = ['telegram'];
  readonly concurrency: number;

  constructor(
    private readonly bot: Bot,
    private readonly onGone: (chatId: string, reason: string) => Promise<void>,
    concurrency = 256,
  ) {
    // sends mostly wait for their slot in the limiter; many may wait at once
    this.concurrency = concurrency;
  }

  async send(item: OutboxItem): Promise<RelayResult> {
    const text =
      item.event === 'signal'
        ? telegramSignalText(item.signal, item.channelName)
        : telegramUpdateText(item.signal, item.event, item.outcome);
    const reply =
      item.parentExternalId !== null
        ? {
            reply_parameters: {
              message_id: Number(item.parentExternalId),
              allow_sending_without_reply: true,
            },
          }
        : {};
    try {
      const m = await this.bot.api.sendMessage(item.target, text, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...reply,
      });
      return delivered(200, String(m.message_id));
    } catch (e) {
      if (e instanceof GrammyError) {
        const gone = e.error_code === 403 || (e.error_code === 400 && /chat not found/i.test(e.description));
        if (gone) {
          await this.onGone(item.target, e.description);
          return failed(e.error_code, e.description, { permanent: true });
        }
        const after = e.parameters.retry_after;
        return failed(e.error_code, e.description, {
          retryAfterMs: after === undefined ? null : after * 1000,
        });
      }
      if (e instanceof HttpError) return failed(null, e.message);
      throw e;
    }
  }
}
