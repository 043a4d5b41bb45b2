import { describe, expect, it } from 'vitest';
import { MAX_CHANNELS, parseChannel, parseClientMessage, parseQueryFilter } from './protocol.js';

function error(text: string): string {
  const r = parseClientMessage(text);
  if (r.ok) throw new Error(`expected an error for ${text}, got ${JSON.stringify(r.command)}`);
  return r.error;
}

describe('parseChannel', () => {
  it('accepts the fixed channels and candle channels, upper-casing the symbol', () => {
    expect(parseChannel('signals')).toEqual({ ok: true, channel: 'signals' });
    expect(parseChannel(' outcomes ')).toEqual({ ok: true, channel: 'outcomes' });
    expect(parseChannel('status')).toEqual({ ok: true, channel: 'status' });
    expect(parseChannel('candles:BTCUSDT:1m')).toEqual({ ok: true, channel: 'candles:BTCUSDT:1m' });
    expect(parseChannel('candles:ethusdt:4h')).toEqual({ ok: true, channel: 'candles:ETHUSDT:4h' });
  });

  it('names what is wrong with a bad channel', () => {
    const bad = (name: string): string => {
      const r = parseChannel(name);
      if (r.ok) throw new Error(`${name} accepted`);
      return r.error;
    };
    expect(bad('signal')).toMatch(/unknown channel "signal"; channels are signals, outcomes, status/);
    expect(bad('candles:BTCUSDT:7m')).toMatch(/unknown timeframe "7m"; valid timeframes are 1m, 3m/);
    expect(bad('candles:BTC-USDT:1m')).toMatch(
      /bad channel "candles:BTC-USDT:1m": symbols are letters and digits/,
    );
    expect(bad('candles:BTCUSDT')).toMatch(/candle channels are candles:<SYMBOL>:<timeframe>/);
    expect(bad('candles:BTCUSDT:1m:x')).toMatch(/candle channels are/);
    expect(bad('')).toMatch(/unknown channel ""/);
  });
});

describe('parseClientMessage', () => {
  it('parses a subscribe with channels and a filter, normalising both', () => {
    const r = parseClientMessage(
      JSON.stringify({
        op: 'subscribe',
        channels: ['signals', 'candles:btcusdt:1m', 'signals'],
        filter: { symbols: ['btcusdt', 'ETHUSDT', 'BTCUSDT'], strategies: ['momentum'], minConfidence: 0.7 },
      }),
    );
    expect(r).toEqual({
      ok: true,
      command: {
        op: 'subscribe',
        channels: ['signals', 'candles:BTCUSDT:1m'],
        filter: { symbols: ['BTCUSDT', 'ETHUSDT'], strategies: ['momentum'], minConfidence: 0.7 },
      },
    });
  });

  it('keeps "no filter" apart from "an empty filter" and drops empty lists', () => {
    expect(parseClientMessage('{"op":"subscribe","channels":["status"]}')).toEqual({
      ok: true,
      command: { op: 'subscribe', channels: ['status'] },
    });
    expect(parseClientMessage('{"op":"subscribe","channels":["status"],"filter":{"symbols":[]}}')).toEqual({
      ok: true,
      command: { op: 'subscribe', channels: ['status'], filter: {} },
    });
  });

  it('parses unsubscribe and ping', () => {
    expect(parseClientMessage('{"op":"unsubscribe","channels":["outcomes"]}')).toEqual({
      ok: true,
      command: { op: 'unsubscribe', channels: ['outcomes'] },
    });
    expect(parseClientMessage('{"op":"ping"}')).toEqual({ ok: true, command: { op: 'ping' } });
  });

  it('rejects what is not a JSON object, saying so', () => {
    expect(error('hello')).toMatch(/^message is not JSON: /);
    expect(error('')).toMatch(/^message is not JSON/);
    expect(error('[1,2]')).toMatch(/must be a JSON object/);
    expect(error('null')).toMatch(/must be a JSON object/);
    expect(error('"subscribe"')).toMatch(/must be a JSON object/);
  });

  it('names a missing or unknown op and lists the valid ones', () => {
    expect(error('{"channels":["signals"]}')).toBe(
      'message has no "op"; ops are subscribe, unsubscribe, ping',
    );
    expect(error('{"op":"subscrbe"}')).toBe('unknown op "subscrbe"; ops are subscribe, unsubscribe, ping');
    expect(error('{"op":42}')).toBe('unknown op 42; ops are subscribe, unsubscribe, ping');
  });

  it('names the bad field of a subscribe: channels, filter values, unknown keys', () => {
    expect(error('{"op":"subscribe"}')).toBe(
      'bad subscribe: channels: required: a list of channel names like ["signals"]',
    );
    expect(error('{"op":"subscribe","channels":[]}')).toBe(
      'bad subscribe: channels: give at least one channel',
    );
    expect(error('{"op":"subscribe","channels":"signals"}')).toBe(
      'bad subscribe: channels: expected a list of channel names like ["signals"], got "signals"',
    );
    expect(error('{"op":"subscribe","channels":["signals","trades"]}')).toMatch(
      /^bad subscribe: channels\.1: unknown channel "trades"/,
    );
    expect(error('{"op":"subscribe","channels":["signals"],"filter":{"minConfidence":1.5}}')).toBe(
      'bad subscribe: filter.minConfidence: expected a number from 0 to 1, got 1.5',
    );
    const withPriority = parseClientMessage(
      '{"op":"subscribe","channels":["signals"],"filter":{"minPriority":"MEDIUM"}}',
    );
    expect(withPriority.ok && withPriority.command.op === 'subscribe' && withPriority.command.filter).toEqual(
      {
        minPriority: 'MEDIUM',
      },
    );
    expect(parseQueryFilter({ minPriority: 'HIGH' })).toEqual({ ok: true, filter: { minPriority: 'HIGH' } });
    expect(parseQueryFilter({ minPriority: 'high' })).toEqual({
      ok: false,
      error:
        'bad filter in query string: minPriority: unknown priority "high"; priorities are NONE < LOW < MEDIUM < HIGH',
    });
    expect(error('{"op":"subscribe","channels":["signals"],"filter":{"minPriority":"URGENT"}}')).toBe(
      'bad subscribe: filter.minPriority: unknown priority "URGENT"; priorities are NONE < LOW < MEDIUM < HIGH',
    );
    expect(error('{"op":"subscribe","channels":["signals"],"filter":{"minConfidence":"0.7"}}')).toBe(
      'bad subscribe: filter.minConfidence: expected a number from 0 to 1, got "0.7"',
    );
    expect(
      error('{"op":"subscribe","channels":["signals"],"filter":{"strategies":["momentum","trend"]}}'),
    ).toBe(
      'bad subscribe: filter.strategies.1: unknown strategy "trend"; strategies are momentum, breakout, mean_reversion, scalping',
    );
    expect(error('{"op":"subscribe","channels":["signals"],"filter":{"symbols":["BTC/USDT"]}}')).toMatch(
      /^bad subscribe: filter\.symbols\.0: symbols are letters and digits.*"BTC\/USDT"/,
    );
    expect(error('{"op":"subscribe","channels":["signals"],"filter":{"minconfidence":0.7}}')).toMatch(
      /^bad subscribe: filter: .*minconfidence/,
    );
    expect(error('{"op":"subscribe","channels":["signals"],"filters":{}}')).toMatch(
      /^bad subscribe: .*filters/,
    );
    const tooMany = Array.from({ length: MAX_CHANNELS + 1 }, (_, i) => `candles:SYM${i}:1m`);
    expect(error(JSON.stringify({ op: 'subscribe', channels: tooMany }))).toBe(
      `bad subscribe: channels: at most ${MAX_CHANNELS} channels in one message`,
    );
  });

  it('names the bad field of unsubscribe and ping', () => {
    expect(error('{"op":"unsubscribe","channels":["nope"]}')).toMatch(
      /^bad unsubscribe: channels\.0: unknown channel "nope"/,
    );
    expect(error('{"op":"ping","extra":1}')).toMatch(/^bad ping: .*extra/);
  });
});

describe('parseQueryFilter', () => {
  it('reads comma lists, repeated keys and a number', () => {
    expect(
      parseQueryFilter({ symbols: 'BTCUSDT, ethusdt', strategies: 'momentum', minConfidence: '0.7' }),
    ).toEqual({
      ok: true,
      filter: { symbols: ['BTCUSDT', 'ETHUSDT'], strategies: ['momentum'], minConfidence: 0.7 },
    });
    expect(parseQueryFilter({ symbols: ['BTCUSDT', 'ETHUSDT,SOLUSDT'] })).toEqual({
      ok: true,
      filter: { symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
    });
    expect(parseQueryFilter({})).toEqual({ ok: true, filter: {} });
    expect(parseQueryFilter({ symbols: '' })).toEqual({ ok: true, filter: {} });
  });

  it('rejects unknown keys, bad numbers and bad names', () => {
    const bad = (q: Record<string, unknown>): string => {
      const r = parseQueryFilter(q);
      if (r.ok) throw new Error(`${JSON.stringify(q)} accepted`);
      return r.error;
    };
    expect(bad({ minconfidence: '0.7' })).toBe(
      'unknown query parameter "minconfidence"; accepted are symbols, strategies, minConfidence, minPriority',
    );
    expect(bad({ minConfidence: 'high' })).toBe(
      'bad filter in query string: minConfidence: expected a number from 0 to 1, got "high"',
    );
    expect(bad({ minConfidence: '' })).toMatch(/^bad filter in query string: minConfidence: /);
    expect(bad({ minConfidence: '-0.1' })).toMatch(/^bad filter in query string: minConfidence: /);
    expect(bad({ strategies: 'momentum,swing' })).toMatch(/strategies\.1: unknown strategy "swing"/);
    expect(bad({ symbols: 'BTC_USDT' })).toMatch(/symbols\.0: symbols are letters and digits/);
  });
});

describe('errors never repeat much of the client input', () => {
  it('cuts an oversized op, channel or symbol to 40 characters and says how long it was', () => {
    const op = parseClientMessage(JSON.stringify({ op: 'y'.repeat(100_000) }));
    expect(op.ok).toBe(false);
    if (op.ok) return;
    expect(op.error).toBe(
      `unknown op "${'y'.repeat(39)}... (100002 characters); ops are subscribe, unsubscribe, ping`,
    );
    const channels = Array.from({ length: 64 }, (_, i) => `${'c'.repeat(1000)}${i}`);
    const many = parseClientMessage(JSON.stringify({ op: 'subscribe', channels }));
    expect(many.ok).toBe(false);
    if (many.ok) return;
    expect(many.error.length).toBeLessThan(700);
    expect(many.error).toMatch(
      /^bad subscribe: channels\.0: unknown channel "c{39}\.\.\. \(1003 characters\)/,
    );
  });
});
