/**
 * What the page shows, kept in the address bar so a reload or a shared link shows the same:
 * the signal filters and page (cursor), the chart's symbol and timeframe, and the performance
 * grouping. Pure functions over query strings; the page reads and writes `location` itself.
 */

/** The signal filters the REST route takes, in the order the filter bar shows them. */
export const FILTER_KEYS = [
  'symbol',
  'timeframe',
  'strategy',
  'direction',
  'status',
  'priority',
  'published',
];

export const GROUP_KEYS = ['slice', 'strategy', 'symbol', 'timeframe'];
export const DEFAULT_GROUP = 'slice';

const SYMBOL = /^[A-Z0-9]{2,20}$/;
const TIMEFRAME = /^\d+[mhdw]$/;
const WORD = /^[A-Za-z0-9_]{1,40}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;

/** Values the page accepts per key; anything else in the address is dropped, not sent on. */
const VALID = {
  symbol: (v) => SYMBOL.test(v),
  timeframe: (v) => TIMEFRAME.test(v),
  strategy: (v) => WORD.test(v),
  direction: (v) => v === 'BUY' || v === 'SELL',
  status: (v) => ['PENDING', 'ACTIVE', 'CLOSED', 'EXPIRED', 'CANCELLED'].includes(v),
  priority: (v) => v === 'HIGH' || v === 'MEDIUM' || v === 'LOW',
  published: (v) => v === 'true' || v === 'false',
};

/**
 * `{ filters, cursor, chart: { symbol, timeframe } | null, group }` from a query string such as
 * `?symbol=BTCUSDT&published=false&cursor=...&chart=BTCUSDT:15m&group=strategy`.
 */
export function readUrlState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && VALID[key](value)) filters[key] = value;
  }
  const cursorParam = params.get('cursor');
  const cursor = cursorParam !== null && CURSOR.test(cursorParam) ? cursorParam : null;
  let chart = null;
  const chartParam = params.get('chart');
  if (chartParam) {
    const [symbol, timeframe] = chartParam.split(':');
    if (SYMBOL.test(symbol ?? '') && TIMEFRAME.test(timeframe ?? '')) chart = { symbol, timeframe };
  }
  const groupParam = params.get('group');
  const group = GROUP_KEYS.includes(groupParam) ? groupParam : DEFAULT_GROUP;
  return { filters, cursor, chart, group };
}

/** The query string for a state (defaults left out), "" when everything is default. */
export function writeUrlState({ filters, cursor, chart, group }) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters?.[key];
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  if (cursor) params.set('cursor', cursor);
  if (chart?.symbol && chart.timeframe) params.set('chart', `${chart.symbol}:${chart.timeframe}`);
  if (group && group !== DEFAULT_GROUP) params.set('group', group);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The REST query for a page of signals under `filters`. */
export function signalQuery(filters, cursor, limit) {
  const query = { limit };
  for (const key of FILTER_KEYS) if (filters[key] !== undefined) query[key] = filters[key];
  if (cursor) query.cursor = cursor;
  return query;
}
