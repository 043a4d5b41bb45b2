import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The dashboard's address-bar state (plain browser JavaScript), typed here for the test. */
interface UrlState {
  readonly filters: Record<string, string>;
  readonly cursor: string | null;
  readonly chart: { readonly symbol: string; readonly timeframe: string } | null;
  readonly group: string;
}
interface UrlStateModule {
  readUrlState(search: string): UrlState;
  writeUrlState(state: Partial<UrlState>): string;
  signalQuery(filters: Record<string, string>, cursor: string | null, limit: number): Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
const url = (await import(pathToFileURL(join(here, 'public', 'lib', 'url-state.js')).href)) as UrlStateModule;

describe('dashboard address-bar state', () => {
  it('reads filters, cursor, chart and grouping, and writes them back the same', () => {
    const search =
      '?symbol=ETHUSDT&timeframe=15m&direction=SELL&published=false&cursor=WzE3LCJhIl0&chart=ETHUSDT%3A1h&group=symbol';
    const state = url.readUrlState(search);
    expect(state).toEqual({
      filters: { symbol: 'ETHUSDT', timeframe: '15m', direction: 'SELL', published: 'false' },
      cursor: 'WzE3LCJhIl0',
      chart: { symbol: 'ETHUSDT', timeframe: '1h' },
      group: 'symbol',
    });
    expect(url.writeUrlState(state)).toBe(search);
    expect(url.signalQuery(state.filters, state.cursor, 50)).toEqual({
      limit: 50,
      symbol: 'ETHUSDT',
      timeframe: '15m',
      direction: 'SELL',
      published: 'false',
      cursor: 'WzE3LCJhIl0',
    });
  });

  it('drops what the page would not send on, and leaves defaults out', () => {
    const state = url.readUrlState(
      '?symbol=btc usdt&status=OPEN&priority=HIGH&group=colour&cursor=%3Cx%3E&chart=BTC',
    );
    expect(state).toEqual({ filters: { priority: 'HIGH' }, cursor: null, chart: null, group: 'slice' });
    expect(url.writeUrlState(state)).toBe('?priority=HIGH');
    expect(url.writeUrlState({ filters: {}, cursor: null, chart: null, group: 'slice' })).toBe('');
  });
});
