import type { MarketSource } from '../../adapters/market/source.js';

/**
 * The exchange name the candles of `source` are stored under: live candles under the configured
 * exchange, a replay's or the demo's under the source's kind, so they never mix with live data.
 */
export function storedExchange(source: Pick<MarketSource, 'kind' | 'label'>, exchange: string): string {
  return source.label === 'LIVE' ? exchange : source.kind;
}
