import type { TradeRecord } from '../../src/core/metrics/types.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 2024-01-01T00:00:00Z, a UTC midnight, so day boundaries in the tests are easy to read. */
export const T0 = Date.UTC(2024, 0, 1);

let counter = 0;

/**
 * A closed trade with harmless defaults; tests state only the fields they are about. Unless
 * given, the gross R equals the net R and the return is the net R on a 1 % stop.
 */
export function trade(fields: Partial<TradeRecord> & Pick<TradeRecord, 'netR'>): TradeRecord {
  counter++;
  const closeTime = fields.closeTime ?? T0 + counter * HOUR;
  const strategy = fields.strategy ?? 'momentum';
  const timeframe = fields.timeframe ?? '1h';
  return {
    id: `t${String(counter).padStart(4, '0')}`,
    strategy,
    symbol: 'BTCUSDT',
    timeframe,
    slice: `${strategy}:${timeframe}`,
    grossR: fields.netR,
    returnPct: fields.netR * 0.01,
    direction: 'BUY',
    priority: 'normal',
    entryType: 'market',
    confidence: 0.75,
    openTime: closeTime - HOUR,
    closeTime,
    ...fields,
  };
}
