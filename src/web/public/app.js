/**
 * The AlphaPulse dashboard. One state store; the REST API fills it at start, the WebSocket keeps
 * it current; render functions draw each part of the page from it. Candles go straight to the
 * chart (they are many and only the chart needs them).
 *
 * The signal list is a page of the REST list (server-side filters and cursor, all signals,
 * published or not); its filters, page, chart and grouping live in the address bar. The
 * WebSocket's `status` channel (every few seconds) replaces polling: when its signal and
 * outcome counts move, the newest page, the chart's signals and the track record are fetched
 * again, which also brings the unpublished signals the public channels do not carry.
 */
import { byId, h, replaceChildren } from './lib/dom.js';
import { api, filterChoices } from './lib/rest.js';
import { outcomeSummary, upsertSignals } from './lib/signals.js';
import { createSocket, socketUrl } from './lib/socket.js';
import { changed, createStore } from './lib/store.js';
import { sortTimeframes } from './lib/timeframes.js';
import { readUrlState, signalQuery, writeUrlState } from './lib/url-state.js';
import { createConfidenceTooltip } from './views/confidence-tooltip.js';
import { createPerformanceView } from './views/performance-view.js';
import { createPriceChart } from './views/price-chart.js';
import { createSignalDetail } from './views/signal-detail.js';
import { createSignalFilters } from './views/signal-filters.js';
import { createSignalsTable } from './views/signals-table.js';
import { createStatusView } from './views/status-view.js';

const PREFERRED_TIMEFRAME = '15m';
/** Outcomes can close in bursts; the track record is fetched again at most this often. */
const PERFORMANCE_MIN_GAP_MS = 2_000;
/** Signals come in bursts too (a fast demo, a replay): the newest page at most this often. */
const SIGNALS_MIN_GAP_MS = 1_000;
const PAGE_SIZE = 50;
/** Signals of the chart's symbol drawn on it (newest first, within its candle window). */
const CHART_SIGNALS = 300;

const initialUrl = readUrlState(window.location.search);

const store = createStore({
  connection: { state: 'connecting', attempt: 0 },
  status: null,
  statusError: null,
  /** Every signal the page has seen (page and chart), newest first, for the detail and tooltip. */
  signals: [],
  /** The signal list's filters, its page (cursor; null: the newest) and the cursors before it. */
  filters: initialUrl.filters,
  cursor: initialUrl.cursor,
  cursorStack: [],
  page: { items: [], nextCursor: null, loaded: false, error: null },
  /** Choices of the filter selects the API declares (timeframe, strategy) and the status knows (symbol). */
  filterOptions: {},
  /** Signals of the chart's symbol, published or not, for its levels and outcome markers. */
  chartSignals: [],
  group: initialUrl.group,
  /** The newest stored backtest's baseline: { info, random } or { error }; null before it loads. */
  baseline: null,
  selectedId: null,
  /** id -> { signal, outcome } as GET /signals/:id gives it. */
  details: {},
  detailError: null,
  chart: initialUrl.chart ?? { symbol: null, timeframe: null },
  performance: null,
  performanceError: null,
});

const set = (patch) => store.update((state) => ({ ...state, ...patch }));

// ------------------------------------------------------------------------------------------
// Loading from the REST API
// ------------------------------------------------------------------------------------------

/** Once at start; the WebSocket's status channel keeps it current after that. */
async function loadStatus() {
  try {
    const status = await api.status();
    onStatus(status);
  } catch (error) {
    set({ statusError: `Status unavailable: ${error.message}` });
  }
}

/** Runs `load` soon, at most once per `gapMs`, never two at a time. */
function throttled(load, gapMs) {
  let timer = null;
  let lastAt = 0;
  let running = null;
  const run = async () => {
    timer = null;
    lastAt = Date.now();
    running = load();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  return function schedule() {
    if (timer !== null) return;
    const wait = Math.max(0, lastAt + gapMs - Date.now());
    timer = setTimeout(() => {
      if (running) running.finally(schedule);
      else run();
    }, wait);
  };
}

let pageToken = 0;

/** The current page of the signal list, as the filters and cursor say. */
async function loadPage() {
  const token = ++pageToken;
  const { filters, cursor } = store.get();
  try {
    const page = await api.signals(signalQuery(filters, cursor, PAGE_SIZE));
    if (token !== pageToken) return;
    store.update((state) => ({
      ...state,
      page: { items: page.items, nextCursor: page.nextCursor, loaded: true, error: null },
      signals: upsertSignals(state.signals, page.items),
    }));
  } catch (error) {
    if (token !== pageToken) return;
    set({ page: { ...store.get().page, loaded: true, error: `Could not load signals: ${error.message}` } });
  }
}

/** New signals and outcomes only change the newest page; an older one stays as it was read. */
const scheduleNewestPage = throttled(async () => {
  if (store.get().cursor === null) await loadPage();
}, SIGNALS_MIN_GAP_MS);

let chartSignalsToken = 0;

/** The chart's symbol's signals since its first candle: drawn with their levels and outcomes. */
async function loadChartSignals() {
  const { chart } = store.get();
  if (!chart.symbol) return;
  const token = ++chartSignalsToken;
  const since = priceChart?.firstCandleTime() ?? null;
  try {
    const page = await api.signals({
      symbol: chart.symbol,
      limit: CHART_SIGNALS,
      ...(since === null ? {} : { since: String(since) }),
    });
    if (token !== chartSignalsToken) return;
    store.update((state) => ({
      ...state,
      chartSignals: page.items,
      signals: upsertSignals(state.signals, page.items),
    }));
  } catch (error) {
    console.warn('[alphapulse] chart signals', error.message);
  }
}
const scheduleChartSignals = throttled(loadChartSignals, SIGNALS_MIN_GAP_MS);

async function loadPerformance() {
  try {
    const performance = await api.performance({ groupBy: store.get().group });
    set({ performance, performanceError: null });
  } catch (error) {
    set({ performanceError: `Performance unavailable: ${error.message}` });
  }
}

/** Fetches the track record soon, but not more often than PERFORMANCE_MIN_GAP_MS. */
const schedulePerformance = throttled(loadPerformance, PERFORMANCE_MIN_GAP_MS);

/** The newest stored backtest's random-entry baseline, if any backtest is stored. */
async function loadBaseline() {
  try {
    const { items } = await api.backtests();
    if (items.length === 0) return;
    const { info, report } = await api.backtest(items[0].id);
    set({ baseline: { info, random: report.baseline?.random ?? null } });
  } catch (error) {
    set({ baseline: { error: `Backtest baseline unavailable: ${error.message}` } });
  }
}

async function loadFilterChoices() {
  const choices = await filterChoices();
  store.update((state) => ({ ...state, filterOptions: { ...state.filterOptions, ...choices } }));
}

const detailsInFlight = new Set();

async function requestDetail(id) {
  if (store.get().details[id] || detailsInFlight.has(id)) return;
  detailsInFlight.add(id);
  try {
    const detail = await api.signal(id);
    store.update((state) => ({ ...state, details: { ...state.details, [id]: detail }, detailError: null }));
  } catch (error) {
    if (store.get().selectedId === id) set({ detailError: `Could not load signal ${id}: ${error.message}` });
  } finally {
    detailsInFlight.delete(id);
  }
}

// ------------------------------------------------------------------------------------------
// Actions
// ------------------------------------------------------------------------------------------

function chooseDefaultChart(status) {
  if (store.get().chart.symbol !== null || status.symbols.length === 0) return;
  const first = status.symbols[0];
  const timeframes = sortTimeframes(first.timeframes.map((t) => t.timeframe));
  const timeframe = timeframes.includes(PREFERRED_TIMEFRAME)
    ? PREFERRED_TIMEFRAME
    : (timeframes[1] ?? timeframes[0]);
  setChart(first.symbol, timeframe);
}

function setChart(symbol, timeframe) {
  const chart = store.get().chart;
  if (chart.symbol === symbol && chart.timeframe === timeframe) return;
  set({ chart: { symbol, timeframe }, chartSignals: [] });
  writeUrl();
}

/** The address bar follows what the page shows (replaceState: filtering is not navigation). */
function writeUrl() {
  const state = store.get();
  const search = writeUrlState(state);
  if (search !== window.location.search) {
    window.history.replaceState(null, '', `${window.location.pathname}${search}${window.location.hash}`);
  }
}

function setFilters(filters) {
  set({ filters, cursor: null, cursorStack: [], page: { ...store.get().page, loaded: false } });
  writeUrl();
  loadPage();
}

function goToPage(where) {
  const state = store.get();
  if (where === 'older') {
    if (!state.page.nextCursor) return;
    set({ cursor: state.page.nextCursor, cursorStack: [...state.cursorStack, state.cursor] });
  } else if (where === 'newer' && state.cursorStack.length > 0) {
    set({
      cursor: state.cursorStack[state.cursorStack.length - 1],
      cursorStack: state.cursorStack.slice(0, -1),
    });
  } else {
    set({ cursor: null, cursorStack: [] });
  }
  writeUrl();
  loadPage();
}

function setGroup(group) {
  if (store.get().group === group) return;
  set({ group });
  writeUrl();
  loadPerformance();
}

/**
 * A status from the REST route or the socket. When its counts of signals and outcomes moved,
 * what depends on them is fetched again (the public channels carry published signals only).
 */
function onStatus(status) {
  const before = store.get().status;
  store.update((state) => ({
    ...state,
    status: { ...state.status, ...status },
    statusError: null,
    filterOptions: { ...state.filterOptions, symbol: status.symbols.map((s) => s.symbol) },
  }));
  chooseDefaultChart(store.get().status);
  const moved = (key) => before?.activity?.[key] !== status.activity?.[key];
  if (before && (moved('signals') || moved('updates') || moved('outcomes'))) {
    scheduleNewestPage();
    scheduleChartSignals();
  }
  if (before && moved('outcomes')) schedulePerformance();
}

function selectSignal(id) {
  const state = store.get();
  if (state.selectedId === id) return;
  set({ selectedId: id, detailError: null });
  if (id === null) return;
  requestDetail(id);
  const signal = state.signals.find((s) => s.id === id) ?? state.details[id]?.signal;
  const chart = state.chart;
  if (signal && signal.symbol !== chart.symbol) setChart(signal.symbol, chart.timeframe ?? signal.timeframe);
}

// ------------------------------------------------------------------------------------------
// The WebSocket
// ------------------------------------------------------------------------------------------

let priceChart = null;
let everConnected = false;
/** Messages received by type, for the debug handle. */
const socketCounts = {};

function onSocketMessage(message) {
  socketCounts[message.type] = (socketCounts[message.type] ?? 0) + 1;
  switch (message.type) {
    case 'snapshot':
      store.update((state) => ({ ...state, signals: upsertSignals(state.signals, message.signals ?? []) }));
      break;
    case 'signal.created':
    case 'signal.updated':
      store.update((state) => ({ ...state, signals: upsertSignals(state.signals, [message.signal]) }));
      scheduleNewestPage();
      scheduleChartSignals();
      break;
    case 'outcome.closed':
      onOutcome(message.outcome, message.signal);
      break;
    case 'candle.closed':
      priceChart?.pushCandle(message);
      break;
    case 'status':
      if (message.status) onStatus(message.status);
      break;
    case 'error':
      console.warn('[alphapulse] server says:', message.message);
      break;
    default:
      break;
  }
}

function onOutcome(outcome, signal) {
  store.update((state) => {
    const withOutcome = { ...signal, outcome: outcomeSummary(outcome) };
    const cached = state.details[signal.id];
    const details = cached ? { ...state.details, [signal.id]: { signal, outcome } } : state.details;
    return { ...state, signals: upsertSignals(state.signals, [withOutcome]), details };
  });
  schedulePerformance();
  scheduleNewestPage();
  scheduleChartSignals();
}

function onSocketState(connection) {
  set({ connection });
  if (connection.state !== 'open') return;
  // after a drop, what happened meanwhile: closed signals, missed candles
  if (everConnected) {
    loadPage();
    loadStatus();
    const chart = store.get().chart;
    if (chart.symbol) priceChart?.show(chart.symbol, chart.timeframe, { reload: true });
    schedulePerformance();
  }
  everConnected = true;
}

const candleChannel = (chart) => `candles:${chart.symbol}:${chart.timeframe}`;

/** Whether the status knows a closed candle of the chart's symbol and timeframe (unknown: assume so). */
function hasClosedCandle(status, chart) {
  const symbol = status?.symbols.find((s) => s.symbol === chart.symbol);
  const timeframe = symbol?.timeframes.find((t) => t.timeframe === chart.timeframe);
  return timeframe ? timeframe.lastCloseTime !== null : status === null;
}

// ------------------------------------------------------------------------------------------
// Views
// ------------------------------------------------------------------------------------------

function renderSelectors(state) {
  const symbolSelect = byId('chart-symbol');
  const timeframeSelect = byId('chart-timeframe');
  const symbols = state.status ? state.status.symbols : [];
  const entry = symbols.find((s) => s.symbol === state.chart.symbol);
  const timeframes = entry ? sortTimeframes(entry.timeframes.map((t) => t.timeframe)) : [];
  fillSelect(
    symbolSelect,
    symbols.map((s) => s.symbol),
    state.chart.symbol,
  );
  fillSelect(timeframeSelect, timeframes, state.chart.timeframe);
}

function fillSelect(select, values, current) {
  const list = current && !values.includes(current) ? [current, ...values] : values;
  const same =
    select.options.length === list.length && list.every((value, i) => select.options[i].value === value);
  if (!same)
    replaceChildren(
      select,
      list.map((value) => h('option', { value }, value)),
    );
  if (current) select.value = current;
}

function wireSelectors() {
  byId('chart-symbol').addEventListener('change', (event) => {
    setChart(event.target.value, store.get().chart.timeframe ?? PREFERRED_TIMEFRAME);
  });
  byId('chart-timeframe').addEventListener('change', (event) => {
    setChart(store.get().chart.symbol, event.target.value);
  });
}

/** What the chart draws: its symbol's signals from the REST list, with newer states from anywhere. */
function chartSignalsOf(state) {
  const byId = new Map(state.signals.map((s) => [s.id, s]));
  const list = state.chartSignals.map((s) => byId.get(s.id) ?? s);
  const known = new Set(list.map((s) => s.id));
  for (const s of state.signals) if (s.symbol === state.chart.symbol && !known.has(s.id)) list.push(s);
  return list;
}

function startChart(socket) {
  const element = byId('price-chart');
  if (!window.LightweightCharts) {
    element.classList.add('chart-empty');
    element.textContent = 'The chart library did not load (/vendor/lightweight-charts.js).';
    return null;
  }
  const chart = createPriceChart({
    element,
    legend: byId('chart-legend'),
    note: byId('chart-note'),
    live: byId('chart-live'),
    onMarkerClick: selectSignal,
    onCandlesLoaded: scheduleChartSignals,
  });
  let lastSelected = null;
  store.subscribe((state, before) => {
    if (changed(state, before, 'chart') && state.chart.symbol) {
      if (before?.chart.symbol) socket.unsubscribe(candleChannel(before.chart));
      socket.subscribe(candleChannel(state.chart));
      chart.show(state.chart.symbol, state.chart.timeframe, {
        history: hasClosedCandle(state.status, state.chart),
      });
    }
    if (changed(state, before, 'chartSignals', 'signals')) chart.setSignals(chartSignalsOf(state));
    const selected =
      state.selectedId === null
        ? null
        : (state.signals.find((s) => s.id === state.selectedId) ??
          state.details[state.selectedId]?.signal ??
          null);
    if (selected !== lastSelected || changed(state, before, 'chart')) {
      lastSelected = selected;
      chart.select(selected);
    }
  });
  return chart;
}

function start() {
  const socket = createSocket({
    url: socketUrl(window.location),
    channels: ['signals', 'outcomes', 'status'],
    onMessage: onSocketMessage,
    onState: onSocketState,
  });

  store.subscribe(createStatusView());
  store.subscribe(createSignalFilters({ onFilters: setFilters, onPage: goToPage }));
  store.subscribe(createSignalsTable({ onSelect: selectSignal }));
  store.subscribe(createSignalDetail());
  store.subscribe(createPerformanceView({ onGroup: setGroup }));
  store.subscribe(
    createConfidenceTooltip({
      container: byId('signals-body'),
      getState: store.get,
      requestDetail,
    }),
  );
  store.subscribe((state, before) => {
    if (changed(state, before, 'status', 'chart')) renderSelectors(state);
  });
  wireSelectors();
  priceChart = startChart(socket);

  loadStatus();
  loadPage();
  loadPerformance();
  loadBaseline();
  loadFilterChoices();
  writeUrl();

  // for a person at the browser console and for the page test
  window.alphapulse = {
    state: store.get,
    chart: () => priceChart?.info() ?? null,
    markerCount: () => priceChart?.info().markers ?? 0,
    socketCounts: () => ({ ...socketCounts }),
    select: selectSignal,
    reconnect: () => socket.drop(),
  };
  document.body.dataset.ready = 'true';
}

start();
