import { formatPrice } from '../format.js';
import type { Outcome } from '../outcomes/types.js';
import type { EntryType, Signal } from '../signals/types.js';
import type { DeliveryEvent } from './types.js';

/**
 * What a delivered signal or update says, for a person on a phone (Telegram, Discord, Slack)
 * and for a program (our webhook JSON). Pure: times and prices come from the signal.
 */

const ENTRY_WORDS: Readonly<Record<EntryType, string>> = {
  MARKET_ENTRY: 'market, at once',
  FIBONACCI_618: 'limit at the 61.8% retracement',
  EMA_PULLBACK: 'limit on the pullback to the EMA',
  SUPPORT_RETEST: 'limit on the retest of the level',
};

export function entryWords(type: EntryType): string {
  return ENTRY_WORDS[type];
}

/** `2025-06-01 13:00 UTC`. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function signedPct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(2)}%`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The plain facts of a signal, one per line, shared by every human format. */
export interface SignalFacts {
  readonly title: string;
  readonly lines: readonly (readonly [string, string])[];
  readonly reasons: readonly string[];
  readonly footer: string;
}

export function signalFacts(s: Signal, channelName: string): SignalFacts {
  const stopPct = (s.stopLoss - s.entryPrice) / s.entryPrice;
  const trailing = s.exit?.style === 'trailing' || s.exit?.style === 'time';
  return {
    title: `${s.direction === 'BUY' ? '🟢 BUY' : '🔴 SELL'} ${s.symbol} · ${s.timeframe}`,
    lines: [
      ['Entry', `${formatPrice(s.entryPrice)} (${entryWords(s.entryType)})`],
      ['Stop', `${formatPrice(s.stopLoss)} (${signedPct(stopPct)})`],
      [
        trailing ? 'Targets (guides)' : 'Targets',
        s.takeProfits.map((tp, i) => `TP${i + 1} ${formatPrice(tp)}`).join(' · '),
      ],
      ['Reward:risk', `${s.rewardRisk.toFixed(2)} after costs`],
      [
        'Confidence',
        `${pct(s.confidence, 0)}: the engine's estimate that this trade ends with a profit after costs (${s.priority.toLowerCase()} priority)`,
      ],
      ['Expires', utcMinute(s.expiresAt)],
    ],
    reasons: s.reasons.slice(0, 3),
    footer: `${channelName} · ${s.strategy} · ${s.id}`,
  };
}

const UPDATE_TITLES: Readonly<Record<string, string>> = {
  filled: 'Entry filled',
  tp1: 'TP1 hit',
  tp2: 'TP2 hit',
};

/** A one-line headline and detail of an update (fill, target, close). */
export function updateFacts(
  s: Signal,
  event: DeliveryEvent,
  outcome: Outcome | null,
): { title: string; detail: string } {
  const pair = `${s.direction} ${s.symbol} ${s.timeframe}`;
  if (event === 'closed' && outcome) {
    const result = outcome.filled
      ? `${outcome.rMultiple >= 0 ? '+' : ''}${outcome.rMultiple.toFixed(2)} R before costs, ${signedPct(outcome.returnPct)} after costs`
      : 'not filled, nothing traded';
    return { title: `${outcome.type.replace('_', ' ')} · ${pair}`, detail: `${outcome.reason}. ${result}` };
  }
  const head = UPDATE_TITLES[event] ?? 'Update';
  return { title: `${head} · ${pair}`, detail: s.statusReason };
}

/** A Telegram message (parse_mode HTML). */
export function telegramSignalText(s: Signal, channelName: string): string {
  const f = signalFacts(s, channelName);
  const out = [`<b>${escapeHtml(f.title)}</b>`];
  for (const [k, v] of f.lines) out.push(`<b>${escapeHtml(k)}</b>: ${escapeHtml(v)}`);
  if (f.reasons.length) {
    out.push('', '<b>Why</b>');
    for (const r of f.reasons) out.push(`• ${escapeHtml(r)}`);
  }
  out.push('', `<i>${escapeHtml(f.footer)}</i>`, '<i>Reply /ack to this message to acknowledge it.</i>');
  return out.join('\n');
}

export function telegramUpdateText(s: Signal, event: DeliveryEvent, outcome: Outcome | null): string {
  const u = updateFacts(s, event, outcome);
  return `<b>${escapeHtml(u.title)}</b>\n${escapeHtml(u.detail)}`;
}

/** Our webhook's JSON body. */
export interface WebhookPayload {
  readonly event: 'signal.delivered' | 'signal.update';
  readonly deliveryId: string;
  readonly update: DeliveryEvent | null;
  readonly channel: { readonly slug: string; readonly name: string };
  readonly signal: Signal;
  readonly outcome: Outcome | null;
}

const BUY_COLOR = 0x2e9d5b;
const SELL_COLOR = 0xd0453f;

/** A Discord webhook body (`embeds`). */
export function discordPayload(
  s: Signal,
  channelName: string,
  event: DeliveryEvent,
  outcome: Outcome | null,
): object {
  const color = s.direction === 'BUY' ? BUY_COLOR : SELL_COLOR;
  if (event !== 'signal') {
    const u = updateFacts(s, event, outcome);
    return { embeds: [{ title: u.title, description: u.detail, color, footer: { text: s.id } }] };
  }
  const f = signalFacts(s, channelName);
  return {
    embeds: [
      {
        title: f.title,
        description: f.reasons.map((r) => `• ${r}`).join('\n'),
        color,
        fields: f.lines.map(([name, value]) => ({ name, value, inline: name !== 'Confidence' })),
        footer: { text: f.footer },
        timestamp: new Date(s.createdAt).toISOString(),
      },
    ],
  };
}

/** A Slack incoming-webhook body (`blocks`, with `text` as the notification fallback). */
export function slackPayload(
  s: Signal,
  channelName: string,
  event: DeliveryEvent,
  outcome: Outcome | null,
): object {
  if (event !== 'signal') {
    const u = updateFacts(s, event, outcome);
    return {
      text: `${u.title}: ${u.detail}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${u.title}*\n${u.detail}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: s.id }] },
      ],
    };
  }
  const f = signalFacts(s, channelName);
  return {
    text: f.title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: f.title } },
      { type: 'section', fields: f.lines.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
      ...(f.reasons.length
        ? [{ type: 'section', text: { type: 'mrkdwn', text: f.reasons.map((r) => `• ${r}`).join('\n') } }]
        : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: f.footer }] },
    ],
  };
}
