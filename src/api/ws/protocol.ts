import { z } from 'zod';
import { isTimeframe, TIMEFRAMES, type Timeframe } from '../../core/candles/timeframe.js';
import { PRIORITY_ORDER } from '../../core/ensemble/priority.js';
import { type Priority, STRATEGY_NAMES, type StrategyName } from '../../core/signals/types.js';

/**
 * The WebSocket protocol's client side, validated where it enters (GUIDE §2.5): every message
 * a client sends is parsed here into a typed command or an error that names the field and the
 * value. Pure: no sockets, no runtime.
 */

/** Same rule as the config's symbols; lower case is accepted and upper-cased. */
const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;
const SYMBOL_RULE = 'symbols are letters and digits, 2 to 20 of them, like BTCUSDT';

/** Bounds on one message, so one client cannot make the server hold or scan huge lists. */
export const MAX_CHANNELS = 64;
export const MAX_FILTER_SYMBOLS = 200;

export type FixedChannel = 'signals' | 'outcomes' | 'status';
export const FIXED_CHANNELS: readonly FixedChannel[] = ['signals', 'outcomes', 'status'];

/** A channel name in its canonical form: `signals`, `outcomes`, `status` or `candles:<SYMBOL>:<timeframe>`. */
export type Channel = FixedChannel | `candles:${string}:${Timeframe}`;

export const CHANNEL_HELP =
  'channels are signals, outcomes, status and candles:<SYMBOL>:<timeframe> (e.g. candles:BTCUSDT:1m)';

/** What a subscriber wants to see of signals and outcomes (and, by symbol, of candles). Absent: everything. */
export interface SubscriptionFilter {
  readonly symbols?: readonly string[];
  readonly strategies?: readonly StrategyName[];
  /** Signals with confidence at or above this, 0..1. */
  readonly minConfidence?: number;
  /** Signals with priority at or above this (NONE < LOW < MEDIUM < HIGH). */
  readonly minPriority?: Priority;
}

/** Longest part of a client's own input repeated in an error, so a reply never grows with the input. */
export const MAX_ECHO = 40;
/** Longest error message sent back (several issues are joined). */
export const MAX_ERROR_LENGTH = 600;

/** A client's value as an error shows it: JSON, cut to MAX_ECHO characters with its full length said. */
export function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}... (${text.length} characters)`;
}

export type ChannelParse =
  | { readonly ok: true; readonly channel: Channel }
  | { readonly ok: false; readonly error: string };

/** Parses one channel name; symbols are upper-cased, the timeframe must be one the engine knows. */
export function parseChannel(name: string): ChannelParse {
  const trimmed = name.trim();
  if (trimmed === 'signals' || trimmed === 'outcomes' || trimmed === 'status')
    return { ok: true, channel: trimmed };
  if (trimmed.startsWith('candles:')) {
    const parts = trimmed.split(':');
    if (parts.length !== 3)
      return {
        ok: false,
        error: `bad channel ${echo(name)}: candle channels are candles:<SYMBOL>:<timeframe>`,
      };
    const symbol = parts[1].toUpperCase();
    const timeframe = parts[2];
    if (!SYMBOL_PATTERN.test(symbol))
      return { ok: false, error: `bad channel ${echo(name)}: ${SYMBOL_RULE}` };
    if (!isTimeframe(timeframe))
      return {
        ok: false,
        error: `bad channel ${echo(name)}: unknown timeframe ${echo(timeframe)}; valid timeframes are ${TIMEFRAMES.join(', ')}`,
      };
    return { ok: true, channel: `candles:${symbol}:${timeframe}` };
  }
  return { ok: false, error: `unknown channel ${echo(name)}; ${CHANNEL_HELP}` };
}

/** The channel key a closed candle of `symbol` on `timeframe` is delivered on. */
export function candleChannel(symbol: string, timeframe: Timeframe): Channel {
  return `candles:${symbol}:${timeframe}`;
}

const SymbolName = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .refine((s) => SYMBOL_PATTERN.test(s), {
    error: (issue) => `${SYMBOL_RULE} (got ${echo(issue.input)})`,
  });

const StrategyNameSchema = z
  .string()
  .refine((s): s is StrategyName => (STRATEGY_NAMES as readonly string[]).includes(s), {
    error: (issue) => `unknown strategy ${echo(issue.input)}; strategies are ${STRATEGY_NAMES.join(', ')}`,
  });

const confidenceRule = (issue: { readonly input?: unknown }): string =>
  `expected a number from 0 to 1, got ${typeof issue.input === 'string' ? echo(issue.input) : String(issue.input).slice(0, MAX_ECHO)}`;

const Confidence = z
  .number({ error: confidenceRule })
  .refine((v) => v >= 0 && v <= 1, { error: confidenceRule });

const FilterSchema = z.strictObject({
  symbols: z.array(SymbolName).max(MAX_FILTER_SYMBOLS).optional(),
  strategies: z
    .array(StrategyNameSchema)
    .max(STRATEGY_NAMES.length * 4)
    .optional(),
  minConfidence: Confidence.optional(),
  minPriority: z
    .string()
    .refine((s): s is Priority => (PRIORITY_ORDER as readonly string[]).includes(s), {
      error: (issue) => `unknown priority ${echo(issue.input)}; priorities are ${PRIORITY_ORDER.join(' < ')}`,
    })
    .optional(),
});

const ChannelSchema = z.string().transform((name, ctx): Channel => {
  const parsed = parseChannel(name);
  if (parsed.ok) return parsed.channel;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

const ChannelList = z
  .array(ChannelSchema, {
    error: (issue) =>
      issue.input === undefined
        ? 'required: a list of channel names like ["signals"]'
        : `expected a list of channel names like ["signals"], got ${echo(issue.input)}`,
  })
  .min(1, 'give at least one channel')
  .max(MAX_CHANNELS, `at most ${MAX_CHANNELS} channels in one message`);

const SubscribeSchema = z.strictObject({
  op: z.literal('subscribe'),
  channels: ChannelList,
  filter: FilterSchema.optional(),
});

const UnsubscribeSchema = z.strictObject({
  op: z.literal('unsubscribe'),
  channels: ChannelList,
});

const PingSchema = z.strictObject({ op: z.literal('ping') });

export type ClientCommand =
  | { readonly op: 'subscribe'; readonly channels: readonly Channel[]; readonly filter?: SubscriptionFilter }
  | { readonly op: 'unsubscribe'; readonly channels: readonly Channel[] }
  | { readonly op: 'ping' };

export const CLIENT_OPS = ['subscribe', 'unsubscribe', 'ping'] as const;

export type CommandParse =
  | { readonly ok: true; readonly command: ClientCommand }
  | { readonly ok: false; readonly error: string };

/** Zod issues as one line, each prefixed with the path of the offending field. */
function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return text.length <= MAX_ERROR_LENGTH
    ? text
    : `${text.slice(0, MAX_ERROR_LENGTH)}... (${error.issues.length} problems)`;
}

/** Drops duplicates, keeping first-seen order, and leaves out empty lists (an empty list would match nothing). */
function normaliseFilter(raw: z.infer<typeof FilterSchema>): SubscriptionFilter {
  const out: {
    symbols?: string[];
    strategies?: StrategyName[];
    minConfidence?: number;
    minPriority?: Priority;
  } = {};
  if (raw.symbols && raw.symbols.length > 0) out.symbols = [...new Set(raw.symbols)];
  if (raw.strategies && raw.strategies.length > 0) out.strategies = [...new Set(raw.strategies)];
  if (raw.minConfidence !== undefined) out.minConfidence = raw.minConfidence;
  if (raw.minPriority !== undefined) out.minPriority = raw.minPriority;
  return out;
}

/** Parses one text frame from a client. */
export function parseClientMessage(text: string): CommandParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_LENGTH);
    return { ok: false, error: `message is not JSON: ${why}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      error: 'message must be a JSON object like {"op":"subscribe","channels":["signals"]}',
    };
  const op: unknown = (value as Record<string, unknown>).op;
  if (op === undefined) return { ok: false, error: `message has no "op"; ops are ${CLIENT_OPS.join(', ')}` };
  switch (op) {
    case 'subscribe': {
      const r = SubscribeSchema.safeParse(value);
      if (!r.success) return { ok: false, error: `bad subscribe: ${describeIssues(r.error)}` };
      const channels = [...new Set(r.data.channels)];
      return r.data.filter === undefined
        ? { ok: true, command: { op: 'subscribe', channels } }
        : { ok: true, command: { op: 'subscribe', channels, filter: normaliseFilter(r.data.filter) } };
    }
    case 'unsubscribe': {
      const r = UnsubscribeSchema.safeParse(value);
      if (!r.success) return { ok: false, error: `bad unsubscribe: ${describeIssues(r.error)}` };
      return { ok: true, command: { op: 'unsubscribe', channels: [...new Set(r.data.channels)] } };
    }
    case 'ping': {
      const r = PingSchema.safeParse(value);
      if (!r.success) return { ok: false, error: `bad ping: ${describeIssues(r.error)}` };
      return { ok: true, command: { op: 'ping' } };
    }
    default:
      return { ok: false, error: `unknown op ${echo(op)}; ops are ${CLIENT_OPS.join(', ')}` };
  }
}

export type FilterParse =
  | { readonly ok: true; readonly filter: SubscriptionFilter }
  | { readonly ok: false; readonly error: string };

/** `a,b` or repeated `?k=a&k=b` (or both) as one list of trimmed, non-empty items. */
function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const part of parts) {
    for (const item of String(part).split(',')) {
      const t = item.trim();
      if (t.length > 0) out.push(t);
    }
  }
  return out;
}

const QUERY_KEYS = new Set(['symbols', 'strategies', 'minConfidence', 'minPriority']);

/**
 * The filter of a ready-subscribed endpoint from its query string:
 * `?symbols=BTCUSDT,ETHUSDT&strategies=momentum&minConfidence=0.7&minPriority=LOW`. Other keys are an error, so a
 * typo (`minconfidence`) is not silently ignored.
 */
export function parseQueryFilter(query: Readonly<Record<string, unknown>>): FilterParse {
  const unknownKeys = Object.keys(query).filter((k) => !QUERY_KEYS.has(k));
  if (unknownKeys.length > 0)
    return {
      ok: false,
      error: `unknown query parameter ${unknownKeys.slice(0, 5).map(echo).join(', ')}; accepted are symbols, strategies, minConfidence, minPriority`,
    };
  const raw: Record<string, unknown> = {};
  const symbols = listParam(query.symbols);
  if (symbols !== undefined) raw.symbols = symbols;
  const strategies = listParam(query.strategies);
  if (strategies !== undefined) raw.strategies = strategies;
  if (query.minConfidence !== undefined) {
    const text = String(
      Array.isArray(query.minConfidence) ? query.minConfidence.at(-1) : query.minConfidence,
    );
    const value = Number(text);
    // Number('') is 0: an empty value must be an error, not "everything".
    if (text.trim().length === 0 || !Number.isFinite(value))
      return {
        ok: false,
        error: `bad filter in query string: minConfidence: ${confidenceRule({ input: text })}`,
      };
    raw.minConfidence = value;
  }
  if (query.minPriority !== undefined) {
    raw.minPriority = String(Array.isArray(query.minPriority) ? query.minPriority.at(-1) : query.minPriority);
  }
  const r = FilterSchema.safeParse(raw);
  if (!r.success) return { ok: false, error: `bad filter in query string: ${describeIssues(r.error)}` };
  return { ok: true, filter: normaliseFilter(r.data) };
}
