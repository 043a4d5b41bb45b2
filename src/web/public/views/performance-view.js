import { byId, h, replaceChildren } from '../lib/dom.js';
import {
  DASH,
  formatCount,
  formatInterval,
  formatNumber,
  formatPercent,
  formatR,
  formatSettingPercent,
  formatSigned,
  formatSignedPercent,
  formatTime,
  humanise,
} from '../lib/format.js';
import { changed } from '../lib/store.js';
import { baseChartOptions } from './chart-theme.js';

/**
 * The live track record, after costs: headline figures net first with gross beside and their
 * intervals, the sized equity curve with its drawdown, one row per slice (strategy × timeframe),
 * and the calibration of confidence against net wins. Every figure shows the trades it rests on;
 * below `minTrades` it is greyed and marked.
 */
export function createPerformanceView() {
  const el = {
    stats: byId('performance-stats'),
    note: byId('performance-note'),
    costs: byId('performance-costs'),
    equity: byId('equity-chart'),
    strategies: byId('strategy-table'),
    calibration: byId('calibration-view'),
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
    renderCosts(el.costs, perf);
    renderStats(el.stats, perf);
    equityChart = renderEquity(el.equity, equityChart, perf);
    renderStrategies(el.strategies, perf);
    renderCalibration(el.calibration, perf);
  };
}

function renderCosts(node, perf) {
  const o = perf.overall;
  const capped =
    o.skippedByRiskCap + o.reducedByRiskCap > 0
      ? ` (${formatCount(o.skippedByRiskCap)} trades skipped, ${formatCount(o.reducedByRiskCap)} reduced by the cap)`
      : '';
  replaceChildren(
    node,
    h('b', null, 'All figures are after costs'),
    ': fees and slippage on both sides of every trade; a win is a trade with net R > 0, and gross figures (before costs) stand beside the net ones. ',
    `The equity risks ${formatSettingPercent(o.riskPerTrade)} of equity per trade at its stop, open risk capped at ${formatSettingPercent(o.maxOpenRisk)}${capped}.`,
  );
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

/** One headline card: the figure, then what stands beside it (gross, interval), then its n. */
function stat(label, metric, text, minTrades, toneValue, unit = null, beside = []) {
  const reliable = metric?.reliable !== false;
  return h(
    'div',
    { class: `stat ${reliable ? tone(toneValue) : 'unreliable'}`, dataset: { stat: label } },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, text, unit ? h('span', { class: 'stat-unit' }, ` ${unit}`) : null),
    beside.filter((line) => line).map((line) => h('div', { class: 'stat-beside' }, line)),
    h('div', { class: 'stat-sub' }, `n = ${formatCount(metric?.n ?? 0)} `, lowSample(metric, minTrades)),
  );
}

function profitFactorText(metric) {
  if (metric.note === 'no_losses') return '∞';
  if (metric.note === 'no_trades') return DASH;
  return formatNumber(metric.value, 2);
}

const signedR = (x) => formatSigned(x, 2);
const percent0 = (x) => formatPercent(x, 0);

function ciText(metric, write) {
  const text = formatInterval(metric?.ci95, write);
  return text ? `95 % CI ${text}` : '';
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
      h('div', { class: 'stat-sub' }, `${formatCount(o.wins)} won · ${formatCount(o.losses)} lost, net`),
    ),
    stat('Expectancy', o.expectancyR, formatR(o.expectancyR.value), min, o.expectancyR.value, 'net', [
      `${formatR(o.grossExpectancyR.value)} gross`,
      ciText(o.expectancyR, signedR),
    ]),
    stat('Win rate', o.winRate, formatPercent(o.winRate.value, 1), min, null, 'net', [
      `${formatPercent(o.grossWinRate.value, 1)} gross`,
      ciText(o.winRate, percent0),
    ]),
    stat(
      'Costs per trade',
      o.costR,
      o.costR.value === null ? DASH : `${formatNumber(o.costR.value, 2)} R`,
      min,
      null,
      null,
      ['gross − net'],
    ),
    stat(
      'Profit factor',
      o.profitFactor,
      profitFactorText(o.profitFactor),
      min,
      o.profitFactor.value === null ? null : o.profitFactor.value - 1,
      'net R',
    ),
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

function cell(metric, content, toneValue) {
  const reliable = metric?.reliable !== false;
  return h(
    'td',
    { class: `num ${reliable ? tone(toneValue) : 'unreliable'}`, title: metric ? `n = ${metric.n}` : null },
    content,
  );
}

/** "mean_reversion:4h" -> "Mean reversion · 4h". */
function sliceName(slice) {
  const at = slice.lastIndexOf(':');
  return at < 0 ? humanise(slice) : `${humanise(slice.slice(0, at))} · ${slice.slice(at + 1)}`;
}

function renderStrategies(node, perf) {
  const groups = perf.groups ? Object.entries(perf.groups) : [];
  if (groups.length === 0) {
    replaceChildren(node, h('p', { class: 'empty' }, 'No closed trades per slice yet.'));
    return;
  }
  groups.sort((a, b) => b[1].trades - a[1].trades || a[0].localeCompare(b[0]));
  const min = perf.minTrades;
  const head = h(
    'tr',
    null,
    [
      ['Slice', null],
      ['Trades', null],
      ['Expectancy', 'net · 95 % CI'],
      ['Gross', null],
      ['Win rate', 'net · gross'],
      ['Profit factor', 'net R'],
      ['Total return', 'sized equity'],
    ].map(([title, sub], i) =>
      h('th', { class: i === 0 ? null : 'num' }, title, sub ? h('span', { class: 'ci' }, sub) : null),
    ),
  );
  const rows = groups.map(([name, p]) =>
    h(
      'tr',
      { class: p.expectancyR.reliable ? null : 'unreliable', dataset: { strategy: name } },
      h('th', { title: name }, sliceName(name)),
      h('td', { class: 'num' }, formatCount(p.trades), ' ', lowSample(p.expectancyR, min)),
      cell(
        p.expectancyR,
        [
          formatR(p.expectancyR.value),
          h('span', { class: 'ci' }, formatInterval(p.expectancyR.ci95, signedR)),
        ],
        p.expectancyR.value,
      ),
      cell(p.grossExpectancyR, formatR(p.grossExpectancyR.value)),
      cell(p.winRate, [
        formatPercent(p.winRate.value, 1),
        h('span', { class: 'ci' }, `${formatPercent(p.grossWinRate.value, 1)} gross`),
      ]),
      cell(
        p.profitFactor,
        profitFactorText(p.profitFactor),
        p.profitFactor.value === null ? null : p.profitFactor.value - 1,
      ),
      cell(p.totalReturn, formatSignedPercent(p.totalReturn.value), p.totalReturn.value),
    ),
  );
  replaceChildren(
    node,
    h('table', { class: 'compact strategies' }, h('thead', null, head), h('tbody', null, rows)),
  );
}

/** Buckets with trades: mean confidence against the net win rate, with n; then Brier and log loss. */
function renderCalibration(node, perf) {
  const cal = perf.calibration;
  const buckets = (cal?.buckets ?? []).filter((b) => b.trades > 0);
  if (!cal || buckets.length === 0) {
    replaceChildren(node, h('p', { class: 'empty' }, 'No closed trades to calibrate against yet.'));
    return;
  }
  const head = h(
    'tr',
    null,
    ['Confidence', 'Trades (n)', 'Mean confidence', 'Net win rate', 'Gap'].map((t, i) =>
      h('th', { class: i === 0 ? null : 'num' }, t),
    ),
  );
  const rows = buckets.map((b) =>
    h(
      'tr',
      { class: b.winRate.reliable ? null : 'unreliable', dataset: { bucket: String(b.lower) } },
      h('th', null, `${formatNumber(b.lower, 1)}–${formatNumber(b.upper, 1)}`),
      h('td', { class: 'num' }, formatCount(b.trades), ' ', lowSample(b.winRate, cal.minTrades)),
      h('td', { class: 'num' }, formatPercent(b.meanConfidence.value, 1)),
      cell(b.winRate, formatPercent(b.winRate.value, 1)),
      cell(b.gap, b.gap.value === null ? DASH : `${formatSigned(b.gap.value * 100, 1)} pp`, b.gap.value),
    ),
  );
  const score = (m) => (m.value === null ? DASH : formatNumber(m.value, 3));
  replaceChildren(
    node,
    h('table', { class: 'compact calibration' }, h('thead', null, head), h('tbody', null, rows)),
    h(
      'p',
      { class: 'muted small', id: 'calibration-scores' },
      `Brier score ${score(cal.brier)} (0 is perfect; always saying 50 % scores 0.250) · log loss ${score(cal.logLoss)} (always 50 %: 0.693) · n = ${formatCount(cal.brier.n)}. `,
      'A calibrated engine wins, after costs, about as often as its confidence says; a negative gap is overconfidence.',
    ),
  );
}
