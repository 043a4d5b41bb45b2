import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { arrayOf, bool, enumOf, int, type JsonSchema, mapOf, num, object, str, time } from './common.js';

export const CandlesResponseSchema: JsonSchema = object({
  exchange: str,
  symbol: str,
  timeframe: enumOf(TIMEFRAMES),
  source: {
    ...enumOf(TIMEFRAMES),
    description: 'The stored timeframe the candles were read (and aggregated) from',
  },
  warmup: {
    type: 'integer',
    description: 'Candles before the first one returned that the indicators were computed over',
  },
  candles: arrayOf(
    object({
      openTime: time,
      open: num,
      high: num,
      low: num,
      close: num,
      volume: num,
      complete: { type: 'boolean', description: 'False when finer candles were missing (a gap)' },
    }),
  ),
  indicators: arrayOf(
    object({
      spec: { type: 'string', description: 'The spec with every parameter written out, e.g. rsi:14' },
      name: str,
      params: arrayOf(num),
      lookback: int,
      outputs: arrayOf(str),
      values: mapOf(
        arrayOf({ type: ['number', 'null'] }),
        'One array per output, aligned with candles; null while the indicator warms up',
      ),
    }),
  ),
  stable: { ...bool, description: 'Every indicator has a value on every candle returned' },
});
