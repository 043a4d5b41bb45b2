import type { Bot } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installCommands } from '../src/adapters/delivery/telegram-commands.js';
import { createTelegramBot, TelegramRelay } from '../src/adapters/delivery/telegram-relay.js';
import type { OutboxItem } from '../src/adapters/store/delivery-port.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import { books, CHANNEL, type Rig, startRig } from './support/delivery.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { testSignal } from './support/signals.js';

const LIMITS = { globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 };
const T = Date.UTC(2025, 6, 1, 12);

async function eventually<T>(
  get: () => T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the Telegram bot against a local fake Bot API (long polling)', () => {
  let tg: FakeTelegram;
  let bot: Bot;
  let rig: Rig;
  let polling: Promise<void>;
  const CHAT = 1001;

  beforeAll(async () => {
    tg = await new FakeTelegram().start();
    // one chat asks many questions in a row here: the per-chat limit has its own test below
    const made = createTelegramBot({
      token: tg.token,
      apiRoot: tg.apiRoot,
      ...LIMITS,
      perChatPerSecond: 100,
    });
    bot = made.bot;
    rig = await startRig({
      relays: [
        new TelegramRelay(bot, async (chat, reason) => {
          await rig.store.deactivateDestination('telegram', chat, reason);
        }),
      ],
    });
    installCommands(bot, rig.store);
    await rig.store.createChannel(CHANNEL, T);
    await rig.store.createChannel(
      { ...CHANNEL, slug: 'combo', name: 'Combo', strategies: ['momentum', 'breakout'] },
      T,
    );
    await new Promise<void>((resolve) => {
      polling = bot.start({ onStart: () => resolve(), timeout: 1 });
    });
  });

  afterAll(async () => {
    await bot.stop();
    await polling;
    await rig.stop();
    await tg.stop();
  });

  /** Sends `text` from the chat and resolves with the bot's next message to it. */
  async function ask(text: string, replyTo?: number) {
    const before = tg.sent.length;
    tg.say(CHAT, text, replyTo);
    return eventually(
      () => tg.sent.slice(before).find((m) => m.chatId === String(CHAT)),
      `a reply to ${text}`,
    );
  }

  it('answers every command, including bad arguments, with a helpful reply', async () => {
    expect((await ask('/signals')).text).toBe('This chat is not registered yet: send /start first.');
    expect((await ask('/start')).text).toMatch(/^Welcome to AlphaPulse, user1001\.[\s\S]*\/signal_history/);
    expect((await ask('/help')).text).toMatch(/\/signal_timeframe &lt;channel&gt; &lt;timeframe\|all&gt;/);
    const sub = await rig.store.subscriberByTelegramChat(String(CHAT));
    expect(sub).not.toBeNull();
    if (!sub) return;
    let list = await ask('/signals');
    expect(list.text).toContain('combo</b> (Combo): missing strategy momentum, breakout');
    await rig.store.updateSubscriber(sub.id, { strategies: ['momentum'] });
    list = await ask('/signals');
    expect(list.text).toContain('momentum</b> (Momentum): available · 2 credits a signal');
    expect(list.text).toContain('combo</b> (Combo): missing strategy breakout');
    expect(JSON.stringify(list.payload.reply_markup)).toContain('"callback_data":"sub:momentum"');
    // the inline button subscribes, answers the callback and edits the list in place
    const edits = tg.sent.length;
    tg.press(CHAT, list.messageId, 'sub:momentum');
    const edited = await eventually(
      () => tg.sent.slice(edits).find((m) => m.payload.message_id === list.messageId),
      'the edit',
    );
    expect(edited.text).toContain('momentum</b> (Momentum): subscribed');
    expect(
      tg.calls.some((c) => c.method === 'answerCallbackQuery' && c.payload.text === 'Subscribed to Momentum'),
    ).toBe(true);

    expect((await ask('/subscribe')).text).toBe('Usage: /subscribe <channel>');
    expect((await ask('/subscribe nope')).text).toBe('Unknown channel "nope". Channels: combo, momentum.');
    expect((await ask('/subscribe combo')).text).toBe(
      'combo needs the strategy breakout, which this chat does not own.',
    );
    expect((await ask('/unsubscribe momentum')).text).toBe('Unsubscribed from Momentum.');
    expect((await ask('/unsubscribe momentum')).text).toBe('You were not subscribed to momentum.');
    expect((await ask('/subscribe momentum')).text).toBe(
      'Subscribed to Momentum. Each signal costs 2 credits; you have 0.',
    );
    expect((await ask('/signal_config momentum')).text).toBe(
      'Momentum (momentum) for this chat:\nsymbols: all\ntimeframe: all\nminimum confidence: 0%\nat most 10 signals a day\nprice: 2 credits a signal',
    );
    expect((await ask('/signal_config combo')).text).toBe(
      'You are not subscribed to combo: /subscribe combo',
    );
    expect((await ask('/signal_symbols momentum')).text).toBe(
      'Usage: /signal_symbols <channel> <SYMBOL,...|all>',
    );
    expect((await ask('/signal_symbols momentum btc$')).text).toBe(
      'Not changed: "BTC$" is not a symbol; symbols look like BTCUSDT.',
    );
    expect((await ask('/signal_symbols momentum ethusdt,BTCUSDT')).text).toBe(
      'momentum: symbols ETHUSDT, BTCUSDT.',
    );
    expect((await ask('/signal_timeframe momentum 7m')).text).toMatch(
      /^Not changed: "7m" is not a timeframe; use one of 1m, /,
    );
    expect((await ask('/signal_timeframe momentum 15m')).text).toBe('momentum: timeframe 15m.');
    expect((await ask('/signal_symbols momentum all')).text).toBe('momentum: symbols all.');
    expect((await ask('/balance')).text).toMatch(/^Balance: 0 credits/);
    expect((await ask('/signal_history')).text).toBe('No signals sent to you yet.');
    expect((await ask('/performance')).text).toBe('momentum: no closed trades yet.');
    expect((await ask('/performance nope')).text).toBe('Unknown channel "nope". Channels: combo, momentum.');
    expect((await ask('/ack')).text).toBe('Reply /ack to a signal message to acknowledge it.');
    expect((await ask('/ack', 1)).text).toBe('That message is not a signal sent to this chat.');
    expect((await ask('/frobnicate')).text).toBe('Unknown command. /help lists them.');
    expect((await ask('/start nosuchcode')).text).toBe('That link code is not valid (or was used already).');
  });

  it('delivers a signal readable on a phone, threads its updates to it, and records /ack', async () => {
    const sub = await rig.store.subscriberByTelegramChat(String(CHAT));
    if (!sub) throw new Error('registered in the test before');
    await rig.store.topUp(sub.id, 4, 'test', T);
    const s = testSignal({
      createdAt: T,
      statusAt: T,
      expiresAt: T + 3_600_000,
      timeframe: '15m',
      reasons: ['Momentum BUY: RSI 61 <rising>', 'EMA 20 above EMA 50'],
    });
    await rig.publish(s);
    await rig.settle();
    const msg = await eventually(() => tg.sent.find((m) => m.text.includes('BUY BTCUSDT')), 'the signal');
    expect(msg.payload.parse_mode).toBe('HTML');
    for (const part of [
      '<b>🟢 BUY BTCUSDT · 15m</b>',
      '<b>Entry</b>: 100.00 (limit on the pullback to the EMA)',
      '<b>Stop</b>: 95.00 (−5.00%)',
      'TP1 105.00 · TP2 110.00 · TP3 115.00',
      '<b>Reward:risk</b>: 2.00 after costs',
      '<b>Confidence</b>: 70%',
      'RSI 61 &lt;rising&gt;',
      '<b>Expires</b>: 2025-07-01 13:00 UTC',
    ])
      expect(msg.text).toContain(part);
    const outcome = {
      signalId: s.id,
      createdAt: s.createdAt,
      type: 'SL_HIT',
      reason: 'stop hit at 95.00',
      filled: true,
      rMultiple: -1,
      returnPct: -0.052,
      exitTime: T + 60_000,
    } as unknown as Outcome;
    // stored, then published, as the live runtime does
    await rig.signals.commit(null, [{ type: 'outcome.closed', outcome, signal: s, shadow: false }]);
    rig.bus.publish({ type: 'outcome.closed', outcome, signal: s, shadow: false });
    await rig.settle();
    const update = await eventually(() => tg.sent.find((m) => m.text.includes('SL HIT')), 'the update');
    expect(update.replyTo).toBe(msg.messageId);
    expect(update.text).toBe(
      '<b>SL HIT · BUY BTCUSDT 15m</b>\nstop hit at 95.00. -1.00 R before costs, −5.20% after costs',
    );
    expect((await ask('/ack', msg.messageId)).text).toBe('Acknowledged.');
    expect((await ask('/signal_history')).text).toBe(
      'Your last signals:\nBUY BTCUSDT 15m · 2025-07-01 12:00 UTC · SL_HIT -1.00 R',
    );
    expect(books(rig.db, sub.id)).toMatchObject({ balance: 2, charged: 2, problems: [] });
  });

  it('a chat that blocked the bot (403) is marked inactive: nothing charged, later signals skipped', async () => {
    const sub = await rig.store.subscriberByTelegramChat(String(CHAT));
    if (!sub) throw new Error('registered in the test before');
    tg.blocked.add(String(CHAT));
    const s = testSignal({
      id: 'ETHUSDT-15m-momentum-BUY-20250701T1300Z',
      symbol: 'ETHUSDT',
      createdAt: T + 3_600_000,
      statusAt: T + 3_600_000,
    });
    await rig.publish(s);
    await rig.settle();
    const [row] = await rig.store.outbox({ signalId: s.id, limit: 5 });
    expect(row).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastError: 'Forbidden: bot was blocked by the user',
    });
    expect((await rig.store.getSubscriber(sub.id))?.destinations).toEqual([
      { kind: 'telegram', target: String(CHAT), secret: null, active: false },
    ]);
    await rig.publish(
      testSignal({
        id: 'ETHUSDT-15m-momentum-BUY-20250701T1400Z',
        symbol: 'ETHUSDT',
        createdAt: T + 7_200_000,
        statusAt: T + 7_200_000,
      }),
    );
    await rig.settle();
    expect((await rig.store.skips({ subscriberId: sub.id, limit: 1 }))[0]).toMatchObject({
      reason: 'no_destination',
    });
    expect(books(rig.db, sub.id)).toMatchObject({ balance: 2, released: 2, problems: [] });
  });
});

describe('Telegram send limits (fake timers, the fake Bot API on the wire)', () => {
  let tg: FakeTelegram;

  afterEach(async () => {
    vi.useRealTimers();
    await tg.stop();
  });

  function item(chat: string, n: number): OutboxItem {
    const signal = testSignal({ id: `S${n}` });
    return {
      id: n,
      key: `S${n}/${chat}/telegram/signal`,
      signalId: signal.id,
      subscriberId: 1,
      channelId: 1,
      channelSlug: 'momentum',
      destination: 'telegram',
      target: chat,
      event: 'signal',
      parentId: null,
      reservationId: null,
      state: 'sending',
      attempts: 0,
      nextAttemptAt: 0,
      createdAt: 0,
      deliveredAt: null,
      externalId: null,
      lastError: null,
      signal,
      outcome: null,
      channelName: 'Momentum',
      secret: null,
      parentExternalId: null,
      parentDead: false,
    };
  }

  /** Sends everything, moving the fake clock only while nothing is on the wire. */
  async function sendAll(
    items: OutboxItem[],
    gone: string[] = [],
    script: (tg: FakeTelegram) => void = () => {},
  ) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T);
    tg = await new FakeTelegram().start();
    script(tg);
    const { bot, onWire } = createTelegramBot({ token: tg.token, apiRoot: tg.apiRoot, ...LIMITS });
    const relay = new TelegramRelay(bot, async (chat) => {
      gone.push(chat);
    });
    let done = 0;
    const results = items.map((i) => relay.send(i).finally(() => done++));
    const idle = async () => {
      // real I/O: wait for the requests on the wire to come back
      for (let k = 0; k < 2000 && onWire() > 0; k++) await new Promise((r) => setImmediate(r));
      for (let k = 0; k < 20; k++) await new Promise((r) => setImmediate(r));
    };
    for (let step = 0; step < 5000 && done < items.length; step++) {
      await idle();
      if (done < items.length) await vi.advanceTimersToNextTimerAsync();
    }
    return Promise.all(results);
  }

  it('a broadcast to 100 chats (two messages each): at most 30 sends in any second, at least 1 s apart per chat', async () => {
    const items: OutboxItem[] = [];
    for (let round = 0; round < 2; round++)
      for (let c = 0; c < 100; c++) items.push(item(String(5000 + c), round * 100 + c));
    const results = await sendAll(items);
    expect(results.every((r) => r.ok)).toBe(true);
    const times = tg.sent.map((m) => m.at).sort((a, b) => a - b);
    expect(times).toHaveLength(200);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(30);
    const byChat = new Map<string, number[]>();
    for (const m of tg.sent) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m.at]);
    for (const [, ts] of byChat) {
      expect(ts).toHaveLength(2);
      expect(ts[1] - ts[0]).toBeGreaterThanOrEqual(1000);
    }
    // and not slower than the limits ask: 200 messages at 30/s (booked 5 % wider) take about 7.2 s
    expect(times[199] - times[0]).toBeLessThan(7_500);
  });

  it('a 429 with retry_after 3: the message is sent again after at least 3 s', async () => {
    const [r] = await sendAll([item('7002', 2)], [], (fake) => fake.rateLimitOnce.set('7002', 3));
    expect(r.ok).toBe(true);
    const tries = tg.sent.filter((m) => m.chatId === '7002');
    expect(tries.map((m) => m.status)).toEqual([429, 200]);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(3000);
  });

  it('a 403: permanent failure, the chat reported gone', async () => {
    const gone: string[] = [];
    const [r] = await sendAll([item('7003', 3)], gone, (fake) => fake.blocked.add('7003'));
    expect(r).toMatchObject({ ok: false, status: 403, permanent: true });
    expect(gone).toEqual(['7003']);
  });
});
