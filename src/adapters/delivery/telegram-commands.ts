import { randomBytes } from 'node:crypto';
import type { Bot, Context } from 'grammy';
import { InlineKeyboard } from 'grammy';
import { isTimeframe, TIMEFRAMES } from '../../core/candles/timeframe.js';
import { utcMinute } from '../../core/delivery/format.js';
import { checkOverrides, plainSubscription, SYMBOL_RE } from '../../core/delivery/overrides.js';
import { effectiveRules, missingStrategies } from '../../core/delivery/plan.js';
import type { Channel, Subscriber, Subscription } from '../../core/delivery/types.js';
import type { DeliveryStore } from '../store/delivery-port.js';
import { channelRecord, recordLine } from './channel-record.js';

export const COMMANDS: readonly (readonly [string, string])[] = [
  ['start', 'register this chat (or link it: /start <code>)'],
  ['signals', 'the channels and your status in each'],
  ['subscribe', '<channel>: receive a channel'],
  ['unsubscribe', '<channel>: stop receiving it'],
  ['signal_config', '<channel>: what you receive from it'],
  ['signal_symbols', '<channel> <SYMBOL,...|all>: only these symbols'],
  ['signal_timeframe', '<channel> <timeframe|all>: only this timeframe'],
  ['signal_history', 'the signals you were sent, with their outcomes'],
  ['performance', '[channel]: track record after costs'],
  ['balance', 'your credits'],
  ['ack', 'reply to a signal to acknowledge it'],
  ['help', 'this list'],
];

const HELP = [
  '<b>AlphaPulse</b> commands:',
  ...COMMANDS.map(([c, d]) => `/${c} ${d.replace(/</g, '&lt;').replace(/>/g, '&gt;')}`),
].join('\n');

function args(ctx: Context): string[] {
  const text = ctx.message?.text ?? '';
  return text
    .split(/\s+/)
    .slice(1)
    .filter((a) => a.length > 0);
}

function channelLine(c: Channel, sub: Subscriber, subscribed: boolean): string {
  const missing = missingStrategies(c, sub);
  const status = subscribed
    ? 'subscribed'
    : missing.length > 0
      ? `missing strategy ${missing.join(', ')}`
      : 'available';
  return `• <b>${c.slug}</b> (${c.name}): ${status} · ${c.price} credit${c.price === 1 ? '' : 's'} a signal`;
}

/**
 * The bot's commands over the delivery store. Every input is checked, and a bad one gets a reply
 * that says what was wrong and what would be right (unknown channel, bad symbol, bad timeframe).
 */
export function installCommands(bot: Bot, store: DeliveryStore, now: () => number = Date.now): void {
  const chatOf = (ctx: Context) => String(ctx.chat?.id ?? '');
  const me = async (ctx: Context): Promise<Subscriber | null> => {
    const s = await store.subscriberByTelegramChat(chatOf(ctx));
    if (!s) await ctx.reply('This chat is not registered yet: send /start first.');
    return s;
  };
  const channelArg = async (ctx: Context, usage: string): Promise<Channel | null> => {
    const slug = args(ctx)[0];
    if (!slug) {
      await ctx.reply(`Usage: ${usage}`);
      return null;
    }
    const c = await store.getChannel(slug.toLowerCase());
    if (!c?.active) {
      const known = (await store.listChannels()).filter((x) => x.active).map((x) => x.slug);
      await ctx.reply(`Unknown channel "${slug}". Channels: ${known.join(', ') || 'none yet'}.`);
      return null;
    }
    return c;
  };
  const subscriptionOf = async (sub: Subscriber, c: Channel): Promise<Subscription | null> =>
    (await store.listSubscriptions({ subscriberId: sub.id, channelId: c.id }))[0] ?? null;
  const signalsText = async (sub: Subscriber) => {
    const channels = (await store.listChannels()).filter((c) => c.active);
    const mine = new Set((await store.listSubscriptions({ subscriberId: sub.id })).map((s) => s.channelId));
    const keyboard = new InlineKeyboard();
    for (const c of channels)
      if (!mine.has(c.id) && missingStrategies(c, sub).length === 0)
        keyboard.text(`Subscribe ${c.slug}`, `sub:${c.slug}`).row();
    const lines = channels.map((c) => channelLine(c, sub, mine.has(c.id)));
    return { text: ['<b>Channels</b>', ...(lines.length ? lines : ['none yet'])].join('\n'), keyboard };
  };

  bot.command('start', async (ctx) => {
    const chat = chatOf(ctx);
    const code = args(ctx)[0];
    if (code) {
      const linked = await store.linkTelegramChat(code, chat);
      await ctx.reply(
        linked
          ? `Linked to ${linked.name}. /signals shows your channels.`
          : 'That link code is not valid (or was used already).',
      );
      return;
    }
    let sub = await store.subscriberByTelegramChat(chat);
    if (!sub) {
      const name =
        ctx.chat?.type === 'private'
          ? (ctx.from?.username ?? ctx.from?.first_name ?? `chat ${chat}`)
          : ctx.chat && 'title' in ctx.chat
            ? (ctx.chat.title ?? chat)
            : chat;
      sub = await store.createSubscriber(
        {
          name: String(name),
          strategies: [],
          destinations: [{ kind: 'telegram', target: chat, secret: null, active: true }],
          apiKeyHash: null,
          linkCode: randomBytes(6).toString('hex'),
        },
        now(),
      );
    }
    await ctx.reply(`Welcome to AlphaPulse, ${sub.name}.\n\n${HELP}`, { parse_mode: 'HTML' });
  });

  bot.command('help', (ctx) => ctx.reply(HELP, { parse_mode: 'HTML' }));

  bot.command('signals', async (ctx) => {
    const sub = await me(ctx);
    if (!sub) return;
    const { text, keyboard } = await signalsText(sub);
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
  });

  bot.callbackQuery(/^sub:([a-z0-9-]{1,40})$/, async (ctx) => {
    const sub = await store.subscriberByTelegramChat(chatOf(ctx));
    const c = await store.getChannel(ctx.match[1] ?? '');
    if (!sub || !c?.active || missingStrategies(c, sub).length > 0) {
      await ctx.answerCallbackQuery({ text: 'That channel is not open to this chat.' });
      return;
    }
    await store.subscribe(plainSubscription(sub.id, c.id), now());
    await ctx.answerCallbackQuery({ text: `Subscribed to ${c.name}` });
    const { text, keyboard } = await signalsText(sub);
    await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
  });

  bot.command('subscribe', async (ctx) => {
    const sub = await me(ctx);
    const c = sub && (await channelArg(ctx, '/subscribe <channel>'));
    if (!sub || !c) return;
    const missing = missingStrategies(c, sub);
    if (missing.length > 0) {
      await ctx.reply(`${c.slug} needs the strategy ${missing.join(', ')}, which this chat does not own.`);
      return;
    }
    await store.subscribe(plainSubscription(sub.id, c.id), now());
    await ctx.reply(
      `Subscribed to ${c.name}. Each signal costs ${c.price} credits; you have ${sub.balance}.`,
    );
  });

  bot.command('unsubscribe', async (ctx) => {
    const sub = await me(ctx);
    const c = sub && (await channelArg(ctx, '/unsubscribe <channel>'));
    if (!sub || !c) return;
    const gone = await store.unsubscribe(sub.id, c.id);
    await ctx.reply(gone ? `Unsubscribed from ${c.name}.` : `You were not subscribed to ${c.slug}.`);
  });

  bot.command('signal_config', async (ctx) => {
    const sub = await me(ctx);
    const c = sub && (await channelArg(ctx, '/signal_config <channel>'));
    if (!sub || !c) return;
    const s = await subscriptionOf(sub, c);
    if (!s) {
      await ctx.reply(`You are not subscribed to ${c.slug}: /subscribe ${c.slug}`);
      return;
    }
    const r = effectiveRules(c, s);
    await ctx.reply(
      [
        `${c.name} (${c.slug}) for this chat:`,
        `symbols: ${r.symbols ? [...r.symbols].join(', ') : 'all'}`,
        `timeframe: ${r.timeframe ?? 'all'}`,
        `minimum confidence: ${Math.round(r.minConfidence * 100)}%`,
        `at most ${r.maxDailyEvents} signals a day`,
        `price: ${c.price} credits a signal`,
      ].join('\n'),
    );
  });

  const setOverride = async (ctx: Context, usage: string, field: 'symbols' | 'timeframe') => {
    const sub = await me(ctx);
    const c = sub && (await channelArg(ctx, usage));
    if (!sub || !c) return;
    const value = args(ctx).slice(1).join(',');
    if (!value) {
      await ctx.reply(`Usage: ${usage}`);
      return;
    }
    const s = await subscriptionOf(sub, c);
    if (!s) {
      await ctx.reply(`You are not subscribed to ${c.slug}: /subscribe ${c.slug}`);
      return;
    }
    const all = value.toLowerCase() === 'all';
    let next: Subscription;
    if (field === 'symbols') {
      const symbols = all
        ? null
        : [
            ...new Set(
              value
                .split(',')
                .map((x) => x.trim().toUpperCase())
                .filter((x) => x),
            ),
          ];
      const bad = symbols?.find((x) => !SYMBOL_RE.test(x));
      const error = bad
        ? `"${bad}" is not a symbol; symbols look like BTCUSDT`
        : checkOverrides(c, { symbols });
      if (error) {
        await ctx.reply(`Not changed: ${error}.`);
        return;
      }
      next = { ...s, symbols };
    } else {
      const tf = all ? null : value;
      if (tf !== null && !isTimeframe(tf)) {
        await ctx.reply(
          `Not changed: "${tf}" is not a timeframe; use one of ${TIMEFRAMES.join(', ')} or all.`,
        );
        return;
      }
      const error = checkOverrides(c, { timeframe: tf });
      if (error) {
        await ctx.reply(`Not changed: ${error}.`);
        return;
      }
      next = { ...s, timeframe: tf };
    }
    await store.subscribe(next, now());
    await ctx.reply(
      field === 'symbols'
        ? `${c.slug}: symbols ${next.symbols ? next.symbols.join(', ') : 'all'}.`
        : `${c.slug}: timeframe ${next.timeframe ?? 'all'}.`,
    );
  };
  bot.command('signal_symbols', (ctx) =>
    setOverride(ctx, '/signal_symbols <channel> <SYMBOL,...|all>', 'symbols'),
  );
  bot.command('signal_timeframe', (ctx) =>
    setOverride(ctx, '/signal_timeframe <channel> <timeframe|all>', 'timeframe'),
  );

  bot.command('signal_history', async (ctx) => {
    const sub = await me(ctx);
    if (!sub) return;
    const items = await store.history(sub.id, 10);
    if (items.length === 0) {
      await ctx.reply('No signals sent to you yet.');
      return;
    }
    const lines = items.map(({ signal: s, outcome: o }) => {
      const result = o
        ? `${o.type}${o.filled ? ` ${o.rMultiple >= 0 ? '+' : ''}${o.rMultiple.toFixed(2)} R` : ''}`
        : s.status.toLowerCase();
      return `${s.direction} ${s.symbol} ${s.timeframe} · ${utcMinute(s.createdAt)} · ${result}`;
    });
    await ctx.reply(['Your last signals:', ...lines].join('\n'));
  });

  bot.command('performance', async (ctx) => {
    const sub = await me(ctx);
    if (!sub) return;
    let channels: Channel[];
    if (args(ctx)[0]) {
      const c = await channelArg(ctx, '/performance [channel]');
      if (!c) return;
      channels = [c];
    } else {
      const mine = new Set((await store.listSubscriptions({ subscriberId: sub.id })).map((s) => s.channelId));
      channels = (await store.listChannels()).filter((c) => mine.has(c.id));
      if (channels.length === 0) {
        await ctx.reply('You are not subscribed to any channel; /performance <channel> shows one.');
        return;
      }
    }
    const lines: string[] = [];
    for (const c of channels) lines.push(recordLine(await channelRecord(store, c)));
    await ctx.reply(lines.join('\n'));
  });

  bot.command('balance', async (ctx) => {
    const sub = await me(ctx);
    if (!sub) return;
    await ctx.reply(
      `Balance: ${sub.balance} credits (credits held for signals in delivery are already taken off).`,
    );
  });

  bot.command('ack', async (ctx) => {
    const replied = ctx.message?.reply_to_message;
    if (!replied) {
      await ctx.reply('Reply /ack to a signal message to acknowledge it.');
      return;
    }
    const ok = await store.ackTelegram(chatOf(ctx), String(replied.message_id), now());
    await ctx.reply(ok ? 'Acknowledged.' : 'That message is not a signal sent to this chat.');
  });

  bot.on('message:text', async (ctx) => {
    if (ctx.message.text.startsWith('/')) await ctx.reply('Unknown command. /help lists them.');
  });
}
