import { byId, h, replaceChildren } from '../lib/dom.js';
import {
  DASH,
  formatCount,
  formatNumber,
  formatPercent,
  formatR,
  formatSignedPercent,
  formatTime,
  humanise,
} from '../lib/format.js';
import { changed } from '../lib/store.js';
import { baseChartOptions } from './chart-theme.js';

/**
 * The live track record: headline figures, the equity curve with its drawdown, and one row per
 * strategy. Every figure shows the trades it rests on; below `minTrades` it is greyed and marked.
 */
export function createPerformanceView() {
  const el = {
    stats: byId('performance-stats'),
    note: byId('performance-note'),
    equity: byId('equity-chart'),
    strategies: byId('strategy-table'),
  };
  let equityChart = null;

  return function render(state, before) {
    if (!changed(state, before, 'performance', 'performanceError')) return;
    const perf = state.performance;
    if (!perf) {
      el.note.textContent = state.performanceError ?? 'Loading…';
      return;
    }
    el.note.textContent = `${formatCount(perf.trades)} filled trades from live outcomes · figures on fewer than ${perf.minTrades} trades are marked low n${state.performanceError ? ` · ${state.performanceError}` : ''}`;
    renderStats(el.stats, perf);
    equityChart = renderEquity(el.equity, equityChart, perf);
    renderStrategies(el.strategies, perf);
  };
}

function lowSample(metric, minTrades) {
  if (!metric || metric.reliable) return null;
  return h(
    'span',
    { class: 'badge low-n', title: `rests on ${metric.n} trades, fewer than ${minTrades}` },
    `n < ${minTrades}`,
  );
}

function tone(value) {
  if (value === null || value === undefined) return '';
  return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
}

function stat(label, metric, text, minTrades, toneValue) {
  const reliable = metric?.reliable !== false;
  return h(
    'div',
    { class: `stat ${reliable ? tone(toneValue) : 'unreliable'}` },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, text),
    h('div', { class: 'stat-sub' }, `n = ${formatCount(metric?.n ?? 0)} `, lowSample(metric, minTrades)),
  );
}

function profitFactorText(metric) {
  if (metric.note === 'no_losses') return '∞';
  if (metric.note === 'no_trades') return DASH;
  return formatNumber(metric.value, 2);
}

function renderStats(node, perf) {
  const o = perf.overall;
  const min = perf.minTrades;
  replaceChildren(
    node,
    h(
      'div',
      { class: 'stat' },
      h('div', { class: 'stat-label' }, 'Trades'),
      h('div', { class: 'stat-value' }, formatCount(o.trades)),
      h('div', { class: 'stat-sub' }, `${formatCount(o.wins)} won · ${formatCount(o.losses)} lost`),
    ),
    stat('Win rate', o.winRate, formatPercent(o.winRate.value, 1), min),
    stat(
      'Profit factor',
      o.profitFactor,
      profitFactorText(o.profitFactor),
      min,
      o.profitFactor.value === null ? null : o.profitFactor.value - 1,
    ),
    stat('Expectancy', o.expectancyR, formatR(o.expectancyR.value), min, o.expectancyR.value),
    stat('Total return', o.totalReturn, formatSignedPercent(o.totalReturn.value), min, o.totalReturn.value),
    stat('Max drawdown', o.maxDrawdown, formatPercent(o.maxDrawdown.value, 2), min),
  );
}

/** Equity points as chart data: return since the start (equity starts at 1), one point per second. */
function equityData(points) {
  const returns = [];
  const drawdowns = [];
  for (const p of points) {
    const time = Math.floor(p.time / 1000);
    const r = { time, value: p.equity - 1 };
    const d = { time, value: -p.drawdown };
    if (returns.length > 0 && returns[returns.length - 1].time >= time) {
      returns[returns.length - 1] = { ...r, time: returns[returns.length - 1].time };
      drawdowns[drawdowns.length - 1] = { ...d, time: drawdowns[drawdowns.length - 1].time };
      continue;
    }
    returns.push(r);
    drawdowns.push(d);
  }
  return { returns, drawdowns };
}

const percent = (value) => formatPercent(value, 1);

function createEquityChart(element) {
  const LC = window.LightweightCharts;
  const chart = LC.createChart(element, baseChartOptions());
  const returns = chart.addSeries(
    LC.BaselineSeries,
    {
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
    },
    0,
  );
  const drawdown = chart.addSeries(
    LC.BaselineSeries,
    {
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
    },
    1,
  );
  const panes = chart.panes();
  if (panes.length > 1) panes[1].setHeight(70);
  return { chart, returns, drawdown };
}

function renderEquity(element, existing, perf) {
  const points = perf.equity ?? [];
  if (points.length === 0) {
    element.classList.add('chart-empty');
    if (!existing) element.textContent = 'No closed trades yet: the equity curve starts with the first.';
    element.dataset.points = '0';
    return existing;
  }
  if (!existing) {
    element.classList.remove('chart-empty');
    element.textContent = '';
  }
  const chart = existing ?? createEquityChart(element);
  const { returns, drawdowns } = equityData(points);
  chart.returns.setData(returns);
  chart.drawdown.setData(drawdowns);
  chart.chart.timeScale().fitContent();
  element.dataset.points = String(returns.length);
  element.title = `${points.length} closes from ${formatTime(points[0].time)} to ${formatTime(points[points.length - 1].time)} UTC`;
  return chart;
}

function cell(metric, text, toneValue) {
  const reliable = metric?.reliable !== false;
  return h(
    'td',
    { class: `num ${reliable ? tone(toneValue) : 'unreliable'}`, title: metric ? `n = ${metric.n}` : null },
    text,
  );
}

function renderStrategies(node, perf) {
  const groups = perf.groups ? Object.entries(perf.groups) : [];
  if (groups.length === 0) {
    replaceChildren(node, h('p', { class: 'empty' }, 'No closed trades per strategy yet.'));
    return;
  }
  groups.sort((a, b) => b[1].trades - a[1].trades || a[0].localeCompare(b[0]));
  const min = perf.minTrades;
  const head = h(
    'tr',
    null,
    ['Strategy', 'Trades', 'Win rate', 'Profit factor', 'Expectancy', 'Total return', 'Max DD'].map((t, i) =>
      h('th', { class: i === 0 ? null : 'num' }, t),
    ),
  );
  const rows = groups.map(([name, p]) =>
    h(
      'tr',
      { class: p.winRate.reliable ? null : 'unreliable', dataset: { strategy: name } },
      h('th', null, humanise(name)),
      h('td', { class: 'num' }, formatCount(p.trades), ' ', lowSample(p.winRate, min)),
      cell(p.winRate, formatPercent(p.winRate.value, 1)),
      cell(
        p.profitFactor,
        profitFactorText(p.profitFactor),
        p.profitFactor.value === null ? null : p.profitFactor.value - 1,
      ),
      cell(p.expectancyR, formatR(p.expectancyR.value), p.expectancyR.value),
      cell(p.totalReturn, formatSignedPercent(p.totalReturn.value), p.totalReturn.value),
      cell(p.maxDrawdown, formatPercent(p.maxDrawdown.value, 2)),
    ),
  );
  replaceChildren(
    node,
    h('table', { class: 'compact strategies' }, h('thead', null, head), h('tbody', null, rows)),
  );
}
