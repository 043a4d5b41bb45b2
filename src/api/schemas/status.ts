import type { SourceLabel, SourceState } from '../../adapters/market/source.js';
import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import {
  arrayOf,
  bool,
  enumOf,
  int,
  type JsonSchema,
  keysOf,
  mapOf,
  nullableNum,
  nullableStr,
  nullableTime,
  object,
  str,
  symbolSchema,
  time,
} from './common.js';

const SOURCE_LABELS = keysOf<SourceLabel>({ LIVE: true, REPLAY: true, DEMO: true });
const SOURCE_STATES = keysOf<SourceState>({
  idle: true,
  connecting: true,
  live: true,
  reconnecting: true,
  finished: true,
  stopped: true,
  failed: true,
});

const status = object({
  source: object({
    kind: { type: 'string', description: 'binance (or another exchange), replay or demo' },
    label: enumOf(SOURCE_LABELS, 'LIVE, or REPLAY / DEMO when the data is not live'),
    state: enumOf(SOURCE_STATES),
    detail: str,
  }),
  symbols: arrayOf(
    object({
      symbol: str,
      timeframes: arrayOf(
        object({
          timeframe: enumOf(TIMEFRAMES),
          lastOpenTime: nullableTime,
          lastCloseTime: nullableTime,
          lagMs: { type: ['number', 'null'], description: 'Wall clock minus the last close' },
        }),
      ),
    }),
  ),
  pipeline: object({
    candles: { type: 'integer', description: 'Base candles processed' },
    p50Us: { type: ['number', 'null'], description: 'Median time per base candle, microseconds' },
    p99Us: nullableNum,
  }),
  signalsToday: {
    type: 'integer',
    description:
      'Signals created since 00:00 UTC today (wall clock when live; the newest candle’s day for a replay or the demo); 0 on a day with none',
  },
  activity: object(
    { signals: int, updates: int, outcomes: int },
    {
      description:
        'Signals created, signal updates and outcomes closed since the service started (recovery included), published or not: refetch lists when these move',
    },
  ),
  startedAt: time,
  store: object(
    {
      state: enumOf(
        ['ok', 'retrying', 'full'],
        'ok: commits are stored as they come; retrying: the store is unreachable and commits wait in memory; full: the buffer is full and no candle is taken until the store is back',
      ),
      buffered: { type: 'integer', description: 'Commits waiting for the store' },
      bound: { type: 'integer', description: 'Most commits held (store.writeBuffer)' },
      attempts: { type: 'integer', description: 'Failed attempts since the store became unreachable' },
      since: nullableTime,
      lastError: nullableStr,
      recovered: { type: 'integer', description: 'Commits stored after waiting, since start' },
    },
    { description: 'The write path to the store' },
  ),
  monitor: object(
    {
      signals: { type: 'integer', description: 'Signals created since start' },
      entryTypes: mapOf(int, 'Signals created by entry type (the entry-type distribution)'),
      refinementFillRate: {
        type: ['number', 'null'],
        description: 'Refined (limit) entries filled / (filled + expired); null before one closed',
      },
      refinementClosed: int,
      averageConfidence: nullableNum,
      averageRewardRisk: nullableNum,
      candidatesPastThresholds: {
        type: 'integer',
        description: 'Signals created plus candidates filtered as duplicate, merged or in cooldown',
      },
      duplicates: int,
      merged: int,
      dedupRate: {
        type: ['number', 'null'],
        description: '(duplicates + merged) / candidates past the thresholds; null before the first',
      },
    },
    { description: "The design's monitor figures since the service started (live candles only)" },
  ),
  cache: object(
    {
      hits: int,
      misses: int,
      hitRate: { type: ['number', 'null'], description: 'hits / lookups; null before the first lookup' },
      entries: int,
      maxEntries: int,
      evictions: int,
    },
    { description: 'The API response cache (performance and candle queries)' },
  ),
  websocket: object({ clients: { type: 'integer', description: 'WebSocket clients connected now' } }),
  cluster: object(
    {
      role: enumOf(['all', 'worker', 'gateway'], 'serve --role'),
      redis: {
        ...object({
          url: str,
          state: enumOf(['connecting', 'up', 'down', 'closed']),
          since: time,
          lastError: nullableStr,
          outages: { type: 'integer', description: 'Times Redis went away since start' },
        }),
        type: ['object', 'null'],
        description: 'The shared Redis; null when none is configured',
      },
      cache: enumOf(['redis', 'memory'], 'Where the shared cache lives now (memory while Redis is away)'),
      events: {
        ...object({
          kind: str,
          ok: bool,
          detail: str,
          pending: { type: 'integer', description: 'Events held in memory until the stream takes them' },
          events: { type: 'integer', description: 'Events published (or consumed) since start' },
          duplicates: { type: 'integer', description: 'Events offered twice and dropped by their dedup key' },
        }),
        type: ['object', 'null'],
        description: 'The event stream between processes; null without Redis',
      },
    },
    { description: 'The process in a deployment of several (docs/DEPLOYMENT.md)' },
  ),
});

export const StatusSchema: JsonSchema = {
  ...status,
  // runtimes that do not count the monitor figures leave them out
  required: (status.required as string[]).filter((k) => k !== 'monitor' && k !== 'cluster'),
};

export const ReadySchema: JsonSchema = object({
  ok: bool,
  checks: mapOf(object({ ok: bool, detail: str })),
});

export const SymbolsSchema: JsonSchema = object({ symbols: arrayOf(str) });
export const SymbolChangeSchema: JsonSchema = object({
  symbol: symbolSchema,
  symbols: { ...arrayOf(str), description: 'The symbols watched after the change' },
});
