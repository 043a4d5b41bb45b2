import { describe, expect, it } from 'vitest';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { type ConfigInput, ConfigSchema } from '../src/config/schema.js';
import { EventBus } from '../src/runtime/bus/event-bus.js';
import { createDeliveryService } from '../src/runtime/delivery/delivery-service.js';
import type { RuntimeView } from '../src/runtime/live/runtime-view.js';
import { FakeTelegram } from './support/fake-telegram.js';

const SECRET = 'telegram-webhook-secret-123456';

function service(telegram: ConfigInput['telegram']) {
  const db = openSqlite(':memory:');
  const store = new SqliteDeliveryStore(db);
  const bus = new EventBus();
  const logged: string[] = [];
  const config = ConfigSchema.parse({ telegram });
  const svc = createDeliveryService({ config, store, bus, log: (_level, msg) => logged.push(msg) });
  return { db, store, bus, svc, logged, config };
}

describe('the delivery service as serve runs it', () => {
  it('without a bot token: the bot is off, said once, and the other relays run', async () => {
    const { svc, logged, db } = service({});
    await svc.start();
    await svc.stop();
    db.close();
    expect(svc.bot).toBeNull();
    expect(logged.filter((m) => m.startsWith('telegram:'))).toEqual([
      'telegram: no bot token (telegram.token or ALPHAPULSE_TELEGRAM__TOKEN); the bot and Telegram delivery are off',
    ]);
  });

  it('in webhook mode: registers the webhook, and an update posted to its path with the secret is answered', async () => {
    const tg = await new FakeTelegram().start();
    const { svc, db, store, bus, config } = service({
      token: tg.token,
      apiRoot: tg.apiRoot,
      mode: 'webhook',
      webhookUrl: 'https://bot.example.com/telegram/hook',
      webhookSecret: SECRET,
    });
    try {
      await svc.start();
      const set = tg.calls.find((c) => c.method === 'setWebhook');
      expect(set?.payload).toMatchObject({
        url: 'https://bot.example.com/telegram/hook',
        secret_token: SECRET,
      });
      expect(svc.telegramWebhook?.path).toBe('/telegram/hook');
      const app = await buildApp({
        runtime: { bus, liveSignals: () => [], symbols: () => [] } as unknown as RuntimeView,
        signals: new SqliteSignalStore(db),
        candles: new SqliteCandleStore(db),
        config,
        delivery: { store, telegramWebhook: svc.telegramWebhook ?? undefined },
      });
      const update = {
        update_id: 1,
        message: {
          message_id: 5,
          date: 0,
          chat: { id: 4242, type: 'private' },
          from: { id: 4242, is_bot: false, first_name: 'Zoe' },
          text: '/help',
          entities: [{ type: 'bot_command', offset: 0, length: 5 }],
        },
      };
      const refused = await app.inject({
        method: 'POST',
        url: '/telegram/hook',
        payload: update,
        headers: { 'x-telegram-bot-api-secret-token': 'wrong' },
      });
      expect(refused.statusCode).toBe(401);
      const ok = await app.inject({
        method: 'POST',
        url: '/telegram/hook',
        payload: update,
        headers: { 'x-telegram-bot-api-secret-token': SECRET },
      });
      expect(ok.statusCode).toBe(200);
      expect(tg.sent.find((m) => m.chatId === '4242')?.text).toMatch(/^<b>AlphaPulse<\/b> commands:/);
      await app.close();
    } finally {
      await svc.stop();
      await tg.stop();
      db.close();
    }
  });

  it('refuses a configuration that cannot work, naming the field', () => {
    const load = (env: Record<string, string>) => () => loadConfig({ env, cwd: '/nonexistent' });
    expect(load({ ALPHAPULSE_TELEGRAM__MODE: 'webhook' })).toThrow(
      /telegram: telegram.mode webhook needs telegram.webhookUrl and telegram.webhookSecret/,
    );
    expect(load({ ALPHAPULSE_DELIVERY__CYCLE_MS: '70000' })).toThrow(
      /delivery.cycleMs: cycleMs must divide a day/,
    );
    expect(load({ ALPHAPULSE_TELEGRAM__WEBHOOK_SECRET: 'short' })).toThrow(ConfigError);
    expect(load({ ALPHAPULSE_DELIVERY__SURPRISE: '1' })).toThrow(/unknown key "delivery.surprise"/);
  });
});
