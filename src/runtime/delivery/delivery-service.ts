import type { Bot } from 'grammy';
import { webhookCallback } from 'grammy';
import type { Relay } from '../../adapters/delivery/relay.js';
import { COMMANDS, installCommands } from '../../adapters/delivery/telegram-commands.js';
import { createTelegramBot, TelegramRelay } from '../../adapters/delivery/telegram-relay.js';
import { WebhookRelay } from '../../adapters/delivery/webhook-relay.js';
import type { DeliveryStore } from '../../adapters/store/delivery-port.js';
import type { Config } from '../../config/schema.js';
import type { DestinationKind } from '../../core/delivery/types.js';
import type { EventBus } from '../bus/event-bus.js';
import { DeliveryEngine } from './delivery-engine.js';
import { RelayRunner } from './relay-runner.js';

export type DeliveryLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface DeliveryServiceOptions {
  readonly config: Config;
  readonly store: DeliveryStore;
  readonly bus: EventBus;
  readonly log: DeliveryLog;
  /** Relays the caller owns (the subscriber WebSocket). */
  readonly relays?: readonly Relay[];
  readonly now?: () => number;
}

/** Delivery as the service runs it: the engine, the relays, the Telegram bot when there is a token. */
export interface DeliveryService {
  readonly engine: DeliveryEngine;
  readonly runner: RelayRunner;
  readonly bot: Bot | null;
  /** grammY's webhook handler and its path (telegram.mode webhook). */
  readonly telegramWebhook: { path: string; handler: (request: unknown, reply: unknown) => unknown } | null;
  /** Catches up on what the store holds, then follows the bus and sends. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDeliveryService(opts: DeliveryServiceOptions): DeliveryService {
  const { config, store, log } = opts;
  const d = config.delivery;
  const t = config.telegram;
  const relays: Relay[] = [
    new WebhookRelay({
      timeoutMs: d.webhookTimeoutMs,
      concurrency: d.webhookConcurrency,
      allowPrivate: d.allowPrivateWebhookTargets,
      now: opts.now,
    }),
    ...(opts.relays ?? []),
  ];
  let bot: Bot | null = null;
  let telegramWebhook: DeliveryService['telegramWebhook'] = null;
  if (t.token) {
    bot = createTelegramBot({ ...t, token: t.token }, opts.now).bot;
    installCommands(bot, store, opts.now);
    bot.catch((e) => log('error', `telegram: handling an update failed: ${String(e.error)}`));
    relays.push(
      new TelegramRelay(bot, async (chat, reason) => {
        const n = await store.deactivateDestination('telegram', chat, reason);
        log('warn', `telegram: chat ${chat} is gone (${reason}); ${n} destination(s) marked inactive`);
      }),
    );
    if (t.mode === 'webhook' && t.webhookUrl && t.webhookSecret) {
      telegramWebhook = {
        path: new URL(t.webhookUrl).pathname,
        handler: webhookCallback(bot, 'fastify', { secretToken: t.webhookSecret }) as (
          r: unknown,
          p: unknown,
        ) => unknown,
      };
    }
  } else {
    log(
      'info',
      'telegram: no bot token (telegram.token or ALPHAPULSE_TELEGRAM__TOKEN); the bot and Telegram delivery are off',
    );
  }
  const runner = new RelayRunner({
    store,
    relays,
    windowMs: d.retryWindowMs,
    leaseMs: d.leaseMs,
    now: opts.now,
    log,
  });
  const available = new Set<DestinationKind>(relays.flatMap((r) => r.kinds));
  const engine = new DeliveryEngine({
    store,
    bus: opts.bus,
    cycleMs: d.cycleMs,
    batchWaitMs: d.batchWaitMs,
    baseTimeframe: config.engine.baseTimeframe,
    available: () => available,
    onEnqueued: () => runner.wake(),
    now: opts.now,
    log,
  });
  let polling: Promise<void> | null = null;

  return {
    engine,
    runner,
    bot,
    telegramWebhook,
    async start() {
      await engine.start();
      runner.start();
      const b = bot;
      if (!b) return;
      const commands = COMMANDS.map(([command, description]) => ({ command, description }));
      try {
        if (t.mode === 'webhook' && t.webhookUrl) {
          await b.init();
          await b.api.setWebhook(t.webhookUrl, { secret_token: t.webhookSecret });
          log('info', `telegram: @${b.botInfo.username} receives updates at ${t.webhookUrl}`);
        } else {
          polling = b
            .start({ onStart: (me) => log('info', `telegram: @${me.username} is polling for updates`) })
            .catch((e: unknown) => log('error', `telegram: polling stopped: ${String(e)}`));
        }
        await b.api
          .setMyCommands(commands)
          .catch((e: unknown) => log('warn', `telegram: setMyCommands failed: ${String(e)}`));
      } catch (e) {
        log(
          'error',
          `telegram: the bot could not start (${String(e)}); Telegram delivery keeps retrying from the outbox`,
        );
      }
    },
    async stop() {
      await engine.stop();
      if (bot?.isRunning()) await bot.stop();
      await polling;
      await runner.stop();
    },
  };
}
