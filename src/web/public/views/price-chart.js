import { formatPrice, formatR, formatTime, humanise, outcomeClass, priceDecimals } from '../lib/format.js';
import { api } from '../lib/rest.js';
import { timeframeMs } from '../lib/timeframes.js';
import { baseChartOptions, COLOURS } from './chart-theme.js';
import { createSignalLevels } from './signal-levels.js';

/**
 * The candlestick chart of one symbol and timeframe: the newest candles from the REST route,
 * then each `candle.closed` from the WebSocket; a marker per signal of the symbol, its entry,
 * stop and targets drawn where it ran (signal-levels.js) and a marker where its outcome ended
 * it; for the selected signal its levels also as price lines across the chart.
 */

const CANDLES = 500;
const OUTCOME_SHORT = {
  TP_HIT: 'TP',
  PARTIAL_TP: 'TP½',
  SL_HIT: 'SL',
  TRAILING_STOP: 'Trail',
  TIME_EXIT: 'Time',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
  MANUAL_EXIT: 'Manual',
};
/** The candle route's largest window: older history than this is shown as a window of its own. */
const MAX_CANDLES = 5000;
/** Candles shown before a selected signal when the chart has to load its history. */
const LEAD_CANDLES = 150;
const LINE_SOLID = 0;
const LINE_DASHED = 2;
const LINE_LARGE_DASHED = 3;

export function createPriceChart({ element, legend, note, live, onMarkerClick, onCandlesLoaded }) {
  const LC = window.LightweightCharts;
  const chart = LC.createChart(element, baseChartOptions());
  const series = chart.addSeries(LC.CandlestickSeries, {
    upColor: COLOURS.up,
    downColor: COLOURS.down,
    borderVisible: false,
    wickUpColor: COLOURS.up,
    wickDownColor: COLOURS.down,
    priceLineVisible: true,
    priceLineWidth: 1,
  });
  const markers = LC.createSeriesMarkers(series, []);
  const levels = createSignalLevels();
  series.attachPrimitive(levels);

  const view = {
    symbol: null,
    timeframe: null,
    /** Open times in seconds, ascending, as the series holds them. */
    times: [],
    intervalSec: 0,
    loading: null,
    /** Live candles that came in while the REST window was loading. */
    pending: [],
    signals: [],
    selected: null,
    lines: [],
    markerCount: 0,
    outcomeMarkerCount: 0,
    markersScheduled: false,
    scrollToSelected: false,
    /** No candle was stored when the chart was shown: the first live one fetches the window. */
    awaitingHistory: false,
    /** False while the chart shows an old window around a selected signal: live candles would not join it. */
    following: true,
    /** A load of older candles for the selected signal is under way. */
    extending: false,
  };

  live.addEventListener('click', () => {
    if (view.symbol) show(view.symbol, view.timeframe, { reload: true });
  });

  chart.subscribeClick((param) => {
    const id = param?.hoveredObjectId;
    if (typeof id === 'string' && id.length > 0) onMarkerClick(id.replace(/#outcome$/, ''));
  });

  function setPriceFormat(price) {
    const decimals = priceDecimals(price);
    series.applyOptions({
      priceFormat: {
        type: 'custom',
        minMove: 10 ** -decimals,
        formatter: (value) => formatPrice(value, decimals),
      },
    });
  }

  function toBar(candle) {
    return {
      time: Math.floor(candle.openTime / 1000),
      open: candle.open,
      high: candle.high,
      low: candle.low,
      close: candle.close,
    };
  }

  /**
   * Shows a symbol and timeframe. `history: false` (the status says none of its candles has
   * closed yet) skips the REST window, which would only answer 404; the first live candle then
   * fetches it. `reload` fetches the window again (after a reconnect candles may be missing).
   */
  async function show(symbol, timeframe, { reload = false, history = true } = {}) {
    const same = view.symbol === symbol && view.timeframe === timeframe;
    if (same && !reload && view.loading === null && (view.times.length > 0 || view.awaitingHistory)) return;
    const keepView = same && view.times.length > 0 && view.following;
    view.symbol = symbol;
    view.timeframe = timeframe;
    view.intervalSec = timeframeMs(timeframe) / 1000;
    view.pending = [];
    view.following = true;
    live.hidden = true;
    element.dataset.loaded = 'false';
    if (!history) {
      view.loading = null;
      view.awaitingHistory = true;
      setCandles([], keepView);
      note.textContent = `No ${symbol} ${timeframe} candle has closed yet: the chart fills as they close.`;
      return;
    }
    view.awaitingHistory = false;
    const token = {};
    view.loading = token;
    note.textContent = `Loading ${symbol} ${timeframe}…`;
    let response;
    try {
      response = await api.candles(symbol, timeframe, { limit: CANDLES });
    } catch (error) {
      if (view.loading !== token) return;
      view.loading = null;
      view.awaitingHistory = true;
      setCandles([], keepView);
      note.textContent = `No candles for ${symbol} ${timeframe} yet (${error.message}). They appear as they close.`;
      applyPending();
      return;
    }
    if (view.loading !== token) return;
    view.loading = null;
    setCandles(response.candles.map(toBar), keepView);
    applyPending();
    note.textContent = '';
    element.dataset.loaded = 'true';
    onCandlesLoaded?.();
  }

  /** `keepView`: the same chart reloaded, so the range the user looks at stays. */
  function setCandles(bars, keepView = false) {
    view.times = bars.map((bar) => bar.time);
    if (bars.length > 0) setPriceFormat(bars[bars.length - 1].close);
    series.setData(bars);
    if (!keepView) {
      chart.timeScale().fitContent();
      if (bars.length > 120)
        chart.timeScale().setVisibleLogicalRange({ from: bars.length - 120, to: bars.length + 2 });
    }
    refreshMarkers();
    drawLines();
    updateLegend(bars[bars.length - 1]);
  }

  function applyPending() {
    const pending = view.pending;
    view.pending = [];
    for (const bar of pending) appendBar(bar);
  }

  function appendBar(bar) {
    const last = view.times[view.times.length - 1];
    if (last !== undefined && bar.time < last) return; // older than what is shown: already in the window
    if (view.times.length === 0) setPriceFormat(bar.close);
    series.update(bar);
    if (last === undefined || bar.time > last) view.times.push(bar.time);
    updateLegend(bar);
    scheduleMarkers();
  }

  /** A `candle.closed` message; candles of other charts are ignored. */
  function pushCandle(message) {
    if (message.symbol !== view.symbol || message.timeframe !== view.timeframe || !view.following) return;
    const bar = toBar(message.candle);
    // the first candle of a chart that had none: fetch what is stored (this one included)
    if (view.awaitingHistory) show(view.symbol, view.timeframe, { reload: true });
    if (view.loading !== null) view.pending.push(bar);
    else appendBar(bar);
  }

  function updateLegend(bar) {
    element.dataset.candles = String(view.times.length);
    element.dataset.symbol = view.symbol ?? '';
    element.dataset.timeframe = view.timeframe ?? '';
    if (!bar) {
      legend.textContent = '';
      return;
    }
    legend.textContent = `last close ${formatPrice(bar.close)} · ${formatTime((bar.time + view.intervalSec) * 1000)} UTC · ${view.times.length} candles`;
  }

  /** Index of the candle a moment falls in: the last one opening before it, if it reaches it. */
  function candleIndex(timeMs) {
    const t = timeMs / 1000;
    const times = view.times;
    let lo = 0;
    let hi = times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || t > times[found] + view.intervalSec) return -1;
    return found;
  }

  /** Fractional bar index of a moment (past the last bar: extrapolated by the interval). */
  function logicalAt(timeMs) {
    const times = view.times;
    if (times.length === 0) return null;
    const t = timeMs / 1000;
    if (t < times[0]) return null;
    const last = times.length - 1;
    if (t >= times[last]) return last + (t - times[last]) / view.intervalSec;
    const at = candleIndex(timeMs);
    if (at < 0) return null;
    return at + Math.min(1, (t - times[at]) / view.intervalSec);
  }

  function isOpen(signal) {
    return signal.status === 'PENDING' || signal.status === 'ACTIVE';
  }

  /** Each signal of the symbol from its candle to where it ended (or the right edge while open). */
  function levelSegments() {
    const out = [];
    const last = view.times.length - 1;
    for (const signal of view.signals) {
      if (signal.symbol !== view.symbol) continue;
      const from = logicalAt(signal.createdAt);
      if (from === null) continue;
      const end = signal.outcome?.exitTime ?? (isOpen(signal) ? null : signal.statusAt);
      const to = end === null || end === undefined ? last + 1 : (logicalAt(end) ?? last + 1);
      out.push({
        from,
        to: Math.max(to, from + 1),
        entry: signal.entryPrice,
        stop: signal.stopLoss,
        targets: signal.takeProfits,
        selected: view.selected !== null && signal.id === view.selected.id,
      });
    }
    return out;
  }

  function outcomeText(outcome) {
    const name = OUTCOME_SHORT[outcome.type] ?? humanise(outcome.type);
    return outcome.filled ? `${name} ${formatR(outcome.rMultiple, 1)}` : name;
  }

  /** Where each finished signal ended: a dot at its exit candle, coloured by its net result. */
  function outcomeMarkers() {
    const list = [];
    for (const signal of view.signals) {
      const outcome = signal.outcome;
      if (signal.symbol !== view.symbol || !outcome || !outcome.exitTime) continue;
      const at = candleIndex(outcome.exitTime - 1);
      if (at < 0) continue;
      const tone = outcomeClass(outcome);
      list.push({
        time: view.times[at],
        position: signal.direction === 'BUY' ? 'aboveBar' : 'belowBar',
        shape: 'circle',
        color: tone === 'win' ? COLOURS.buy : tone === 'loss' ? COLOURS.sell : '#8a94a6',
        id: `${signal.id}#outcome`,
        size: 1,
        text: outcomeText(outcome),
      });
    }
    return list;
  }

  function markerList() {
    const list = [];
    for (const signal of view.signals) {
      if (signal.symbol !== view.symbol) continue;
      const at = candleIndex(signal.createdAt);
      if (at < 0) continue;
      const buy = signal.direction === 'BUY';
      const selected = view.selected !== null && signal.id === view.selected.id;
      list.push({
        time: view.times[at],
        position: buy ? 'belowBar' : 'aboveBar',
        shape: buy ? 'arrowUp' : 'arrowDown',
        color: buy ? COLOURS.buy : COLOURS.sell,
        id: signal.id,
        size: selected ? 2 : 1,
        text: selected ? `${signal.direction} · ${humanise(signal.strategy)}` : undefined,
      });
    }
    return list.sort((a, b) => a.time - b.time);
  }

  function refreshMarkers() {
    view.markersScheduled = false;
    const list = markerList();
    const ends = outcomeMarkers();
    markers.setMarkers([...list, ...ends].sort((a, b) => a.time - b.time));
    view.markerCount = list.length;
    view.outcomeMarkerCount = ends.length;
    element.dataset.markers = String(list.length);
    element.dataset.outcomeMarkers = String(ends.length);
    const segments = levelSegments();
    levels.set(segments);
    element.dataset.levels = String(segments.length);
    if (view.scrollToSelected) scrollToSelected();
  }

  function scheduleMarkers() {
    if (view.markersScheduled) return;
    view.markersScheduled = true;
    requestAnimationFrame(refreshMarkers);
  }

  function drawLines() {
    for (const line of view.lines) series.removePriceLine(line);
    view.lines = [];
    const s = view.selected;
    if (s && s.symbol === view.symbol) {
      const levels = [
        { price: s.entryPrice, color: COLOURS.entry, lineStyle: LINE_SOLID, title: 'Entry' },
        { price: s.stopLoss, color: COLOURS.sell, lineStyle: LINE_DASHED, title: 'SL' },
        { price: s.takeProfits[0], color: COLOURS.tp1, lineStyle: LINE_LARGE_DASHED, title: 'TP1' },
        { price: s.takeProfits[1], color: COLOURS.tp2, lineStyle: LINE_LARGE_DASHED, title: 'TP2' },
        { price: s.takeProfits[2], color: COLOURS.tp3, lineStyle: LINE_LARGE_DASHED, title: 'TP3' },
      ];
      for (const level of levels) {
        view.lines.push(series.createPriceLine({ ...level, lineWidth: 1, axisLabelVisible: true }));
      }
    }
    element.dataset.priceLines = String(view.lines.length);
  }

  function scrollToSelected() {
    const s = view.selected;
    if (!s || s.symbol !== view.symbol || view.loading !== null) return;
    const at = candleIndex(s.createdAt);
    if (at < 0) {
      // older than the loaded window: fetch its history (a newer one arrives live)
      if (view.times.length > 0 && s.createdAt / 1000 <= view.times[0]) loadHistoryFor(s);
      return;
    }
    view.scrollToSelected = false;
    const span = Math.min(140, view.times.length);
    chart.timeScale().setVisibleLogicalRange({ from: at - span * 0.65, to: at + span * 0.35 });
  }

  /**
   * Brings a signal older than the chart's window onto it: the candles between it and the window
   * are prepended when that is at most MAX_CANDLES; otherwise the chart shows a window around the
   * signal and stops following live candles until "Back to live".
   */
  async function loadHistoryFor(signal) {
    if (view.extending) return;
    view.extending = true;
    const { symbol, timeframe } = view;
    const intervalMs = view.intervalSec * 1000;
    const firstMs = view.times[0] * 1000;
    const from = signal.createdAt - LEAD_CANDLES * intervalMs;
    const needed = Math.ceil((firstMs - from) / intervalMs);
    const prepend = needed <= MAX_CANDLES;
    try {
      const response = prepend
        ? await api.candles(symbol, timeframe, { from, to: firstMs, limit: needed })
        : await api.candles(symbol, timeframe, { from, limit: CANDLES });
      if (view.symbol !== symbol || view.timeframe !== timeframe || view.selected?.id !== signal.id) return;
      const bars = response.candles.map(toBar);
      if (prepend) {
        const first = view.times[0];
        const older = bars.filter((bar) => bar.time < first);
        view.times = [...older.map((bar) => bar.time), ...view.times];
        series.setData([...older, ...series.data()]);
      } else {
        view.following = false;
        view.pending = [];
        view.times = bars.map((bar) => bar.time);
        series.setData(bars);
        live.hidden = false;
        note.textContent = `Showing ${symbol} ${timeframe} around the selected signal; live candles resume with “Back to live”.`;
      }
      element.dataset.candles = String(view.times.length);
      refreshMarkers();
      onCandlesLoaded?.();
    } catch (error) {
      note.textContent = `Could not load the candles around the signal: ${error.message}`;
      view.scrollToSelected = false;
    } finally {
      view.extending = false;
    }
  }

  return {
    show,
    pushCandle,
    setSignals(signals) {
      view.signals = signals;
      scheduleMarkers();
    },
    /** Selects a signal (or none): its marker grows, its levels are drawn, the chart scrolls to it. */
    select(signal) {
      const same = view.selected?.id === signal?.id;
      view.selected = signal ?? null;
      drawLines();
      if (!same) view.scrollToSelected = true;
      scheduleMarkers();
    },
    /** Open time (ms) of the first candle shown, or null before any. */
    firstCandleTime: () => (view.times.length > 0 ? view.times[0] * 1000 : null),
    info: () => ({
      symbol: view.symbol,
      timeframe: view.timeframe,
      candles: view.times.length,
      markers: view.markerCount,
      outcomeMarkers: view.outcomeMarkerCount,
      levels: levels.count(),
      priceLines: view.lines.length,
      selectedId: view.selected?.id ?? null,
    }),
  };
}
