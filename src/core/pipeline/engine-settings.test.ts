import { describe, expect, it } from 'vitest';
import { entryValidityMsOf } from '../outcomes/settings.js';
import { durationMs } from '../signals/validity.js';
import { EngineConfig } from './engine-settings.js';

const issue = (input: unknown) => {
  const r = EngineConfig.safeParse(input);
  expect(r.success).toBe(false);
  const first = r.error?.issues[0];
  return { path: first?.path.join('.'), message: first?.message ?? '' };
};

describe('issue 15 config fields: defaults and errors naming the field', () => {
  it('entry validity: 2h by default, a duration or candles per signal timeframe', () => {
    const cfg = EngineConfig.parse({});
    for (const s of cfg.signalTimeframes) expect(entryValidityMsOf(s)).toBe(2 * 3_600_000);
    const own = EngineConfig.parse({
      signalTimeframes: [
        { timeframe: '15m', entryValidity: '90m' },
        { timeframe: '1h', expiryCandles: 3 },
      ],
    });
    expect(own.signalTimeframes.map(entryValidityMsOf)).toEqual([90 * 60_000, 3 * 3_600_000]);
    expect(durationMs('3d')).toBe(3 * 86_400_000);
    expect(() => durationMs('2 hours')).toThrow(/not a duration/);
  });

  it.each([
    [
      { signalTimeframes: [{ timeframe: '1h', entryValidity: '2 hours' }] },
      'signalTimeframes.0.entryValidity',
      /like 90m, 2h or 3d/,
    ],
    [
      { signalTimeframes: [{ timeframe: '1h', entryValidity: '0h' }] },
      'signalTimeframes.0.entryValidity',
      /duration/,
    ],
    [
      { signalTimeframes: [{ timeframe: '1h', entryValidity: '2h', expiryCandles: 8 }] },
      'signalTimeframes.0.expiryCandles',
      /entryValidity or expiryCandles, not both/,
    ],
    [
      { signalTimeframes: [{ timeframe: '1h', maxHoldingCandles: 0 }] },
      'signalTimeframes.0.maxHoldingCandles',
      /./,
    ],
    [{ merge: { enabled: 'yes' } }, 'merge.enabled', /./],
    [{ merge: { window: 'soon' } }, 'merge.window', /like 90m, 2h or 3d/],
    [{ merge: { span: '4h' } }, 'merge', /span/],
    [{ priority: { high: 2 } }, 'priority.high', /./],
    [{ priority: { weakAlignment: -2 } }, 'priority.weakAlignment', /./],
  ])('refuses %j naming %s', (input, path, message) => {
    const got = issue(input);
    expect(got.path).toBe(path);
    expect(got.message).toMatch(message);
  });
});
