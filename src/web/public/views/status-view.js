import { byId, h, replaceChildren } from '../lib/dom.js';
import { DASH, formatCount, formatDuration, formatMicros, formatPercent, formatTime } from '../lib/format.js';
import { changed } from '../lib/store.js';
import { sortTimeframes } from '../lib/timeframes.js';

/**
 * The top bar (source label, source state, socket state), the DEMO / REPLAY banner and the
 * status card (pipeline timing, signals today, clients, cache, and per symbol and timeframe the
 * last closed candle with its lag).
 */

const BANNER_TEXT = {
  DEMO: 'Simulated market and clock, sped up: these signals and results mean nothing for trading.',
  REPLAY: 'Recorded market data replayed through the engine: not live prices.',
};

export function createStatusView() {
  const el = {
    banner: byId('data-banner'),
    bannerLabel: byId('data-banner-label'),
    bannerText: byId('data-banner-text'),
    sourceLabel: byId('source-label'),
    sourceState: byId('source-state'),
    connection: byId('connection'),
    stats: byId('status-stats'),
    feed: byId('feed-table'),
    error: byId('status-error'),
  };

  return function render(state, before) {
    if (changed(state, before, 'status')) renderSource(el, state.status);
    if (changed(state, before, 'status')) renderStats(el.stats, state.status);
    if (changed(state, before, 'status')) renderFeed(el.feed, state.status);
    if (changed(state, before, 'connection')) renderConnection(el.connection, state.connection);
    if (changed(state, before, 'statusError')) {
      el.error.hidden = !state.statusError;
      el.error.textContent = state.statusError ?? '';
    }
  };
}

function renderSource(el, status) {
  if (!status) return;
  const { label, state, kind, detail } = status.source;
  const notLive = label !== 'LIVE';
  el.banner.hidden = !notLive;
  el.banner.dataset.label = label;
  document.body.dataset.source = label;
  el.bannerLabel.textContent = label;
  replaceChildren(
    el.bannerText,
    BANNER_TEXT[label] ?? '',
    detail ? h('span', { class: 'data-banner-detail' }, detail) : null,
  );
  el.sourceLabel.textContent = label;
  el.sourceLabel.dataset.label = label;
  el.sourceState.textContent = `${kind} · ${state}`;
  el.sourceState.dataset.state = state;
  el.sourceState.title = detail;
}

function renderConnection(node, connection) {
  node.dataset.state = connection.state;
  if (connection.state === 'open') node.textContent = 'WebSocket connected';
  else if (connection.state === 'connecting')
    node.textContent =
      connection.attempt > 0 ? `reconnecting (try ${connection.attempt + 1})…` : 'connecting…';
  else node.textContent = `disconnected · retry in ${formatDuration(connection.retryInMs)}`;
}

function stat(label, value, sub, title) {
  return h(
    'div',
    { class: 'stat', title },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    sub ? h('div', { class: 'stat-sub' }, sub) : null,
  );
}

function renderStats(node, status) {
  if (!status) {
    replaceChildren(node, h('p', { class: 'empty' }, 'Loading status…'));
    return;
  }
  const cache = status.cache;
  const lookups = cache ? cache.hits + cache.misses : 0;
  replaceChildren(
    node,
    stat('Source', status.source.kind, status.source.state, status.source.detail),
    stat('Symbols', formatCount(status.symbols.length), status.symbols.map((s) => s.symbol).join(', ')),
    stat(
      'Pipeline p50 / p99',
      `${formatMicros(status.pipeline.p50Us)} / ${formatMicros(status.pipeline.p99Us)}`,
      `${formatCount(status.pipeline.candles)} base candles`,
      'Time per base candle, store and publish included',
    ),
    stat(
      'Signals today',
      formatCount(status.signalsToday),
      status.source.label === 'LIVE' ? 'since 00:00 UTC' : 'since 00:00 UTC, data clock',
      'Signals created today (UTC), published or not; for a replay or the demo, the day of the newest candle',
    ),
    stat('Clients', formatCount(status.websocket?.clients), 'WebSocket connections'),
    stat(
      'Cache hit rate',
      cache ? formatPercent(cache.hitRate) : DASH,
      cache ? `${formatCount(cache.hits)} of ${formatCount(lookups)} lookups` : null,
    ),
  );
}

/** Lag is wall clock minus the last close: a replay of old data has none worth showing. */
function lagText(status, lagMs) {
  if (status.source.label === 'REPLAY') return null;
  if (lagMs === null || lagMs === undefined) return DASH;
  // a simulator running faster than the clock is ahead of it, not behind
  return `lag ${formatDuration(Math.max(0, lagMs))}`;
}

function renderFeed(node, status) {
  if (!status || status.symbols.length === 0) {
    replaceChildren(node);
    return;
  }
  const timeframes = sortTimeframes(status.symbols.flatMap((s) => s.timeframes.map((t) => t.timeframe)));
  const replay = status.source.label === 'REPLAY';
  const head = h(
    'tr',
    null,
    h(
      'th',
      null,
      replay ? 'Last closed candle (UTC; lag n/a: replayed data)' : 'Last closed candle (UTC) and lag',
    ),
    timeframes.map((tf) => h('th', null, tf)),
  );
  const rows = status.symbols.map((symbol) => {
    const byTimeframe = new Map(symbol.timeframes.map((t) => [t.timeframe, t]));
    return h(
      'tr',
      null,
      h('th', null, symbol.symbol),
      timeframes.map((tf) => {
        const t = byTimeframe.get(tf);
        if (!t || t.lastCloseTime === null) return h('td', { class: 'muted' }, DASH);
        const lag = lagText(status, t.lagMs);
        return h(
          'td',
          { title: `open ${formatTime(t.lastOpenTime)} UTC, closed ${formatTime(t.lastCloseTime)} UTC` },
          h('span', { class: 'feed-time' }, formatTime(t.lastCloseTime)),
          lag === null ? null : h('span', { class: 'feed-lag' }, lag),
        );
      }),
    );
  });
  replaceChildren(
    node,
    h('table', { class: 'compact feed-table' }, h('thead', null, head), h('tbody', null, rows)),
  );
}
