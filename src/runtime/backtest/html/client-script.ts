/**
 * The page script of the HTML report, as plain ES2017 text inlined after the chart library.
 * It reads the JSON data block, draws the candle charts with signal markers and the equity
 * curve, and shows a selected signal's entry, stop and targets as price lines. The tables are
 * rendered on the server, so the report stays readable even where scripts are off.
 *
 * Kept free of backticks and dollar-brace so it can live in a template literal unchanged; String.raw
 * keeps any backslash escape for the browser to read rather than this module.
 */
// biome-ignore lint/complexity/noUselessStringRaw: guards escapes written into the page script later
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var dataElement = document.getElementById('report-data');
  if (!dataElement) return;
  var data = JSON.parse(dataElement.textContent || '{}');
  var LC = window.LightweightCharts;
  var signals = data.signals || [];
  var charts = {};
  var selected = -1;

  var COLOURS = { win: '#1f9d6b', loss: '#d64545', flat: '#8a94a6', open: '#8a94a6', expired: '#b3bac6' };
  var LINE_SOLID = 0;
  var LINE_DASHED = 2;
  var LINE_LARGE_DASHED = 3;
  var FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  function placeholder(element, text) {
    element.classList.add('chart-empty');
    element.textContent = text;
  }

  function baseOptions() {
    return {
      autoSize: true,
      layout: { background: { type: 'solid', color: '#ffffff' }, textColor: '#3c4656', fontFamily: FONT, fontSize: 12 },
      grid: { vertLines: { color: '#f1f3f7' }, horzLines: { color: '#f1f3f7' } },
      rightPriceScale: { borderColor: '#dde1e8' },
      timeScale: { borderColor: '#dde1e8', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    };
  }

  /** Index of the chart candle a moment falls in: the last candle opening before it, if it reaches it. */
  function candleIndex(chart, timeMs) {
    var times = chart.times;
    var t = timeMs / 1000;
    var lo = 0;
    var hi = times.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (times[mid] < t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || t > times[found] + chart.interval) return -1;
    return found;
  }

  function markersFor(chart) {
    var markers = [];
    for (var i = 0; i < signals.length; i++) {
      var s = signals[i];
      if (s.symbol !== chart.symbol) continue;
      var at = candleIndex(chart, s.createdAt);
      if (at < 0) continue;
      var buy = s.direction === 'BUY';
      var marker = {
        time: chart.times[at],
        position: buy ? 'belowBar' : 'aboveBar',
        shape: buy ? 'arrowUp' : 'arrowDown',
        color: COLOURS[s.outcomeClass] || COLOURS.open,
        id: String(i),
      };
      if (i === selected) {
        marker.size = 2;
        marker.text = s.direction;
      }
      markers.push(marker);
      if (i === selected && s.exitTime !== null) {
        var exitAt = candleIndex(chart, s.exitTime);
        if (exitAt >= 0) {
          markers.push({
            time: chart.times[exitAt],
            position: buy ? 'aboveBar' : 'belowBar',
            shape: 'circle',
            color: COLOURS[s.outcomeClass] || COLOURS.open,
            text: 'exit',
            id: 'exit-' + i,
          });
        }
      }
    }
    markers.sort(function (a, b) { return a.time - b.time; });
    return markers;
  }

  function drawCandleCharts() {
    var list = data.charts || [];
    for (var k = 0; k < list.length; k++) {
      var c = list[k];
      var element = document.getElementById('chart-' + k);
      if (!element) continue;
      if (c.candles.length === 0) {
        placeholder(element, 'No candles for ' + c.symbol + ' in this run.');
        continue;
      }
      var chart = LC.createChart(element, baseOptions());
      var series = chart.addSeries(LC.CandlestickSeries, {
        upColor: '#26a69a',
        downColor: '#ef5350',
        borderVisible: false,
        wickUpColor: '#26a69a',
        wickDownColor: '#ef5350',
        priceLineVisible: false,
        priceFormat: { type: 'custom', formatter: priceFormatter(c.precision), minMove: Math.pow(10, -c.precision) },
      });
      var times = new Array(c.candles.length);
      var bars = new Array(c.candles.length);
      for (var i = 0; i < c.candles.length; i++) {
        var row = c.candles[i];
        times[i] = row[0];
        bars[i] = { time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] };
      }
      series.setData(bars);
      var entry = { symbol: c.symbol, chart: chart, series: series, times: times, interval: c.interval, element: element, lines: [], markers: null };
      entry.markers = LC.createSeriesMarkers(series, markersFor(entry));
      chart.timeScale().fitContent();
      chart.subscribeClick(onChartClick);
      charts[c.symbol] = entry;
    }
  }

  function onChartClick(param) {
    if (!param || param.hoveredObjectId === undefined || param.hoveredObjectId === null) return;
    var index = Number(param.hoveredObjectId);
    if (Number.isInteger(index) && index >= 0 && index < signals.length) select(index, false);
  }

  function priceFormatter(precision) {
    var format = new Intl.NumberFormat('en-US', { minimumFractionDigits: precision, maximumFractionDigits: precision });
    return function (price) { return format.format(price); };
  }

  function percent(value) {
    return (value * 100).toFixed(1) + ' %';
  }

  function drawEquity() {
    var element = document.getElementById('equity-chart');
    if (!element) return;
    var points = data.equity || [];
    if (points.length === 0) {
      placeholder(element, 'No closed trades: no equity curve.');
      return;
    }
    var options = baseOptions();
    options.timeScale.timeVisible = true;
    var chart = LC.createChart(element, options);
    var equity = chart.addSeries(LC.BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#1f9d6b',
      topFillColor1: 'rgba(31, 157, 107, 0.28)',
      topFillColor2: 'rgba(31, 157, 107, 0.04)',
      bottomLineColor: '#d64545',
      bottomFillColor1: 'rgba(214, 69, 69, 0.04)',
      bottomFillColor2: 'rgba(214, 69, 69, 0.28)',
      lineWidth: 2,
      priceLineVisible: false,
      title: 'return',
      priceFormat: { type: 'custom', formatter: percent, minMove: 0.0001 },
    }, 0);
    var drawdown = chart.addSeries(LC.BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#d64545',
      bottomLineColor: '#d64545',
      topFillColor1: 'rgba(214, 69, 69, 0.05)',
      topFillColor2: 'rgba(214, 69, 69, 0.05)',
      bottomFillColor1: 'rgba(214, 69, 69, 0.08)',
      bottomFillColor2: 'rgba(214, 69, 69, 0.40)',
      lineWidth: 1,
      priceLineVisible: false,
      title: 'drawdown',
      priceFormat: { type: 'custom', formatter: percent, minMove: 0.0001 },
    }, 1);
    var eq = new Array(points.length);
    var dd = new Array(points.length);
    for (var i = 0; i < points.length; i++) {
      eq[i] = { time: points[i].time, value: points[i].value };
      dd[i] = { time: points[i].time, value: -points[i].drawdown };
    }
    equity.setData(eq);
    drawdown.setData(dd);
    var panes = chart.panes();
    if (panes.length > 1) panes[1].setHeight(110);
    chart.timeScale().fitContent();
  }

  function clearLines() {
    for (var symbol in charts) {
      var c = charts[symbol];
      for (var i = 0; i < c.lines.length; i++) c.series.removePriceLine(c.lines[i]);
      c.lines = [];
    }
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function showCaption(index, lineCount, onChart) {
    var caption = document.getElementById('selected-signal');
    if (!caption) return;
    caption.textContent = '';
    if (index < 0) {
      caption.removeAttribute('data-signal-id');
      caption.setAttribute('data-price-lines', '0');
      caption.appendChild(text('p', 'muted', 'Click a signal in the table, pick one here, or click a marker on a chart to see its entry, stop and targets.'));
      return;
    }
    var s = signals[index];
    caption.setAttribute('data-signal-id', s.id);
    caption.setAttribute('data-price-lines', String(lineCount));
    var head = text('div', 'caption-head');
    head.appendChild(text('span', 'dir ' + (s.direction === 'BUY' ? 'buy' : 'sell'), s.direction === 'BUY' ? '▲ BUY' : '▼ SELL'));
    head.appendChild(text('span', 'caption-title', s.title));
    head.appendChild(text('span', 'outcome ' + s.outcomeClass, s.result));
    caption.appendChild(head);
    var prices = text('dl', 'caption-prices');
    for (var i = 0; i < s.prices.length; i++) {
      prices.appendChild(text('dt', '', s.prices[i][0]));
      prices.appendChild(text('dd', '', s.prices[i][1]));
    }
    caption.appendChild(prices);
    var why = [];
    for (var j = 0; j < s.reasons.length; j++) why.push(s.reasons[j]);
    if (s.outcomeReason) why.push('Outcome: ' + s.outcomeReason);
    if (!onChart) why.push('This signal falls outside the charted candles.');
    if (why.length > 0) {
      var list = text('ul', 'caption-reasons');
      for (var w = 0; w < why.length; w++) list.appendChild(text('li', '', why[w]));
      caption.appendChild(list);
    }
  }

  function select(index, scroll) {
    var previous = selected;
    selected = index;
    clearLines();
    var rows = document.querySelectorAll('tr.signal-row.selected');
    for (var r = 0; r < rows.length; r++) rows[r].classList.remove('selected');
    var picker = document.getElementById('signal-select');
    if (picker) picker.value = index < 0 ? '' : String(index);
    var affected = {};
    if (previous >= 0) affected[signals[previous].symbol] = true;
    if (index >= 0) affected[signals[index].symbol] = true;
    for (var symbol in affected) {
      var a = charts[symbol];
      if (a) a.markers.setMarkers(markersFor(a));
    }
    if (index < 0) {
      showCaption(-1, 0, false);
      return;
    }
    var s = signals[index];
    var row = document.querySelector('tr.signal-row[data-index="' + index + '"]');
    if (row) row.classList.add('selected');
    var c = charts[s.symbol];
    var onChart = false;
    if (c) {
      var levels = [
        { price: s.entry, color: '#2962ff', lineStyle: LINE_SOLID, title: 'Entry' },
        { price: s.stopLoss, color: '#d64545', lineStyle: LINE_DASHED, title: 'SL' },
        { price: s.takeProfits[0], color: '#1f9d6b', lineStyle: LINE_LARGE_DASHED, title: 'TP1' },
        { price: s.takeProfits[1], color: '#168a5c', lineStyle: LINE_LARGE_DASHED, title: 'TP2' },
        { price: s.takeProfits[2], color: '#0f6e49', lineStyle: LINE_LARGE_DASHED, title: 'TP3' },
      ];
      for (var i = 0; i < levels.length; i++) {
        var level = levels[i];
        level.lineWidth = 1;
        level.axisLabelVisible = true;
        c.lines.push(c.series.createPriceLine(level));
      }
      var at = candleIndex(c, s.createdAt);
      onChart = at >= 0;
      if (onChart) {
        var span = Math.min(160, c.times.length);
        c.chart.timeScale().setVisibleLogicalRange({ from: at - span * 0.6, to: at + span * 0.4 });
      }
      if (scroll && c.element.scrollIntoView) c.element.scrollIntoView({ block: 'center' });
    }
    showCaption(index, c ? c.lines.length : 0, onChart);
  }

  function wireSelection() {
    var picker = document.getElementById('signal-select');
    if (picker) {
      for (var i = 0; i < signals.length; i++) {
        var option = document.createElement('option');
        option.value = String(i);
        option.textContent = signals[i].title + ' — ' + signals[i].result;
        picker.appendChild(option);
      }
      picker.disabled = signals.length === 0;
      picker.addEventListener('change', function () {
        select(picker.value === '' ? -1 : Number(picker.value), false);
      });
    }
    var table = document.getElementById('signals-table');
    if (table) {
      var pick = function (event) {
        var row = event.target.closest ? event.target.closest('tr.signal-row') : null;
        if (!row) return;
        if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
        if (event.type === 'keydown') event.preventDefault();
        select(Number(row.getAttribute('data-index')), true);
      };
      table.addEventListener('click', pick);
      table.addEventListener('keydown', pick);
    }
    showCaption(-1, 0, false);
  }

  if (!LC) {
    var holders = document.querySelectorAll('.chart');
    for (var h = 0; h < holders.length; h++) placeholder(holders[h], 'The chart library did not load.');
    return;
  }
  drawCandleCharts();
  drawEquity();
  wireSelection();
  // A handle for a person at the browser console (and for the page tests): the charts by symbol,
  // the signals as listed, and the selection.
  window.alphapulseReport = {
    charts: charts,
    signals: signals,
    candleIndex: candleIndex,
    select: function (index) { select(index, false); },
    selected: function () { return selected; },
  };
  document.body.setAttribute('data-ready', 'true');
})();
`;
