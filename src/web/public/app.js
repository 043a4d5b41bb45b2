/**
 * The AlphaPulse dashboard. One state store; the REST API fills it at start, the WebSocket keeps
 * it current; render functions draw each part of the page from it. Candles go straight to the
 * chart (they are many and only the chart needs them).
 */
import { byId, h, replaceChildren } from './lib/dom.js';
import { api } from './lib/rest.js';
import { outcomeSummary, upsertSignals } from './lib/signals.js';
import { createSocket, socketUrl } from './lib/socket.js';
import { changed, createStore } from './lib/store.js';
import { sortTimeframes } from './lib/timeframes.js';
import { createConfidenceTooltip } from './views/confidence-tooltip.js';
import { createPerformanceView } from './views/performance-view.js';
import { createPriceChart } from './views/price-chart.js';
import { createSignalDetail } from './views/signal-detail.js';
import { createSignalsTable } from './views/signals-table.js';
import { createStatusView } from './views/status-view.js';

const PREFERRED_TIMEFRAME = '15m';
const STATUS_POLL_MS = 3_000;
const PERFORMANCE_POLL_MS = 30_000;
/** Outcomes can close in bursts; the track record is fetched again at most this often. */
const PERFORMANCE_MIN_GAP_MS = 2_000;
const INITIAL_SIGNALS = 100;

const store = createStore({
  connection: { state: 'connecting', attempt: 0 },
  status: null,
  statusError: null,
  /** Newest first, at most MAX_SIGNALS (lib/signals.js). */
  signals: [],
  selectedId: null,
  /** id -> { signal, outcome } as GET /signals/:id gives it. */
  details: {},
  detailError: null,
  chart: { symbol: null, timeframe: null },
  performance: null,
  performanceError: null,
});

const set = (patch) => store.update((state) => ({ ...state, ...patch }));

// ------------------------------------------------------------------------------------------
// Loading from the REST API
// ------------------------------------------------------------------------------------------

async function loadStatus() {
  try {
    const status = await api.status();
    set({ status, statusError: null });
    chooseDefaultChart(status);
  } catch (error) {
    set({ statusError: `Status unavailable: ${error.message}` });
  }
}

async function loadSignals() {
  try {
    const page = await api.signals({ limit: INITIAL_SIGNALS });
    store.update((state) => ({ ...state, signals: upsertSignals(state.signals, page.items) }));
  } catch (error) {
    console.warn('[alphapulse] signal list', error.message);
  }
}

let performanceTimer = null;
let performanceLoadedAt = 0;

async function loadPerformance() {
  performanceTimer = null;
  performanceLoadedAt = Date.now();
  try {
    const performance = await api.performance({ groupBy: 'slice' });
    set({ performance, performanceError: null });
  } catch (error) {
    set({ performanceError: `Performance unavailable: ${error.message}` });
  }
}

/** Fetches the track record soon, but not more often than PERFORMANCE_MIN_GAP_MS. */
function schedulePerformance() {
  if (performanceTimer !== null) return;
  const wait = Math.max(0, performanceLoadedAt + PERFORMANCE_MIN_GAP_MS - Date.now());
  performanceTimer = setTimeout(loadPerformance, wait);
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
  set({ chart: { symbol, timeframe } });
}

function selectSignal(id) {
  const state = store.get();
  if (state.selectedId === id) return;
  set({ selectedId: id, detailError: null });
  if (id === null) return;
  requestDetail(id);
  const signal = state.signals.find((s) => s.id === id) ?? state.details[id]?.signal;
  if (signal && signal.symbol !== state.chart.symbol) setChart(signal.symbol, signal.timeframe);
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
      break;
    case 'outcome.closed':
      onOutcome(message.outcome, message.signal);
      break;
    case 'candle.closed':
      priceChart?.pushCandle(message);
      break;
    case 'status':
      // the socket's status has no cache or client figures: keep those from the last poll
      if (message.status) {
        store.update((state) => ({ ...state, status: { ...state.status, ...message.status } }));
        chooseDefaultChart(store.get().status);
      }
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
}

function onSocketState(connection) {
  set({ connection });
  if (connection.state !== 'open') return;
  // after a drop, what happened meanwhile: closed signals, missed candles
  if (everConnected) {
    loadSignals();
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
    if (changed(state, before, 'signals')) chart.setSignals(state.signals);
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
  store.subscribe(createSignalsTable({ onSelect: selectSignal }));
  store.subscribe(createSignalDetail());
  store.subscribe(createPerformanceView());
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
  loadSignals();
  loadPerformance();
  setInterval(loadStatus, STATUS_POLL_MS);
  setInterval(schedulePerformance, PERFORMANCE_POLL_MS);

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
