import { byId, h, replaceChildren, svg } from '../lib/dom.js';
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
 * intervals, the sized equity curve with its drawdown, one row per group (slice, strategy,
 * symbol or timeframe, chosen by `onGroup`), the random-entry baseline of the newest stored
 * backtest, and the calibration of confidence against net wins, as a chart and a table. Every
 * figure shows the trades it rests on; below `minTrades` it is greyed and marked.
 */
export function createPerformanceView({ onGroup }) {
  const groupSelect = byId('performance-group');
  groupSelect.addEventListener('change', () => onGroup(groupSelect.value));
  const el = {
    stats: byId('performance-stats'),
    note: byId('performance-note'),
    costs: byId('performance-costs'),
    equity: byId('equity-chart'),
    strategies: byId('strategy-table'),
    calibration: byId('calibration-view'),
    calibrationChart: byId('calibration-chart'),
    baseline: byId('baseline-view'),
  };
  let equityChart = null;

  return function render(state, before) {
    if (changed(state, before, 'group')) groupSelect.value = state.group;
    if (changed(state, before, 'baseline', 'group')) renderBaseline(el.baseline, state.baseline, state.group);
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
    renderCalibrationChart(el.calibrationChart, perf);
  };
}

function renderCosts(node, perf) {
  const o = perf.overall;
  const capped =
    o.skippedByRiskCap + o.reducedByRiskCap > 0
      ? ` (${formatCount(o.skippedByRiskCap)} trades skipped, ${formatCount(o.reducedByRiskCap)} reduced by the cap${
          typeof o.rLeftOutByRiskCap === 'number'
            ? `, ${formatR(o.rLeftOutByRiskCap)} of the trades' net R left out of the equity`
            : ''
        })`
      : '';
  replaceChildren(
    node,
    h('b', null, 'All figures are after costs'),
    ': fees and slippage on both sides of every trade; a win is a trade with net R > 0, and gross figures (before costs) stand beside the net ones. ',
    `The equity risks ${formatSettingPercent(o.riskPerTrade)} of equity per trade at its stop, open risk capped at ${formatSettingPercent(o.maxOpenRisk)}${capped}. `,
    'It compounds and trades open together are each sized on the equity at their own fill, so the total return is not the risk per trade times the sum of net R.',
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

/** "mean_reversion:4h" -> "Mean reversion · 4h"; a symbol or a timeframe as it is. */
function groupName(name, groupBy) {
  if (groupBy === 'symbol' || groupBy === 'timeframe') return name;
  const at = name.lastIndexOf(':');
  return at < 0 ? humanise(name) : `${humanise(name.slice(0, at))} · ${name.slice(at + 1)}`;
}

const GROUP_TITLE = { slice: 'Slice', strategy: 'Strategy', symbol: 'Symbol', timeframe: 'Timeframe' };

function renderStrategies(node, perf) {
  const groups = perf.groups ? Object.entries(perf.groups) : [];
  const groupBy = perf.groupBy ?? 'slice';
  if (groups.length === 0) {
    replaceChildren(node, h('p', { class: 'empty' }, `No closed trades per ${groupBy} yet.`));
    return;
  }
  groups.sort((a, b) => b[1].trades - a[1].trades || a[0].localeCompare(b[0]));
  const min = perf.minTrades;
  const head = h(
    'tr',
    null,
    [
      [GROUP_TITLE[groupBy] ?? humanise(groupBy), null],
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
      h('th', { title: name }, groupName(name, groupBy)),
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

/**
 * The newest stored backtest's random-entry baseline: where the real trades' mean net R falls
 * among random entries with the same geometry, exits and costs (percentile; 95 = better than
 * 95 % of the random runs), overall and, when grouping by slice, per slice.
 */
function renderBaseline(node, baseline, groupBy) {
  if (!baseline) {
    replaceChildren(node);
    return;
  }
  if (baseline.error) {
    replaceChildren(node, h('p', { class: 'muted small' }, baseline.error));
    return;
  }
  const random = baseline.random;
  const info = baseline.info;
  const title = `Backtest #${info.id} (${info.symbols.join(', ')}, ${formatTime(info.from)} – ${formatTime(info.to)} UTC)`;
  if (!random) {
    replaceChildren(
      node,
      h('p', { class: 'muted small' }, `${title} was run without a random-entry baseline.`),
    );
    return;
  }
  const row = (name, b) =>
    h(
      'tr',
      { dataset: { baseline: name } },
      h('th', null, name === 'overall' ? 'All trades' : groupName(name, 'slice')),
      h('td', { class: 'num' }, formatCount(b.trades)),
      h('td', { class: 'num' }, formatR(b.expectancyR)),
      h('td', { class: 'num' }, `${formatR(b.randomP05)} … ${formatR(b.randomP95)}`),
      h(
        'td',
        {
          class: `num ${b.percentile === null ? '' : b.percentile >= 95 ? 'pos' : b.percentile < 50 ? 'neg' : ''}`,
        },
        b.percentile === null ? DASH : `${formatNumber(b.percentile, 0)}th`,
      ),
    );
  const slices = groupBy === 'slice' ? Object.entries(random.slices ?? {}) : [];
  slices.sort((a, b) => b[1].trades - a[1].trades || a[0].localeCompare(b[0]));
  replaceChildren(
    node,
    h('h3', null, 'Against random entries (baseline percentile)'),
    h(
      'p',
      { class: 'muted small' },
      `${title}, ${formatCount(random.runs)} random runs: the real mean net R against random entries with the same stops, targets and costs. 95th or above: better than 95 % of them.`,
    ),
    h(
      'table',
      { class: 'compact baseline-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['', 'Trades', 'Mean net R', 'Random 5–95 %', 'Percentile'].map((t, i) =>
            h('th', { class: i === 0 ? null : 'num' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        row('overall', random.overall),
        slices.map(([name, b]) => row(name, b)),
      ),
    ),
  );
}

const SVG_SIZE = 260;
const PAD = 40;

/**
 * The reliability diagram: each bucket with trades at (mean confidence, net win rate), its
 * dot's area growing with n and its 95 % Wilson interval as a whisker; the diagonal is perfect
 * calibration. Grey dots rest on fewer than minTrades trades.
 */
function renderCalibrationChart(node, perf) {
  const buckets = (perf.calibration?.buckets ?? []).filter(
    (b) => b.trades > 0 && b.meanConfidence.value !== null && b.winRate.value !== null,
  );
  node.dataset.points = String(buckets.length);
  if (buckets.length === 0) {
    replaceChildren(node);
    return;
  }
  const inner = SVG_SIZE - 2 * PAD;
  const x = (p) => PAD + p * inner;
  const y = (p) => SVG_SIZE - PAD - p * inner;
  const maxN = Math.max(...buckets.map((b) => b.trades));
  const grid = [0, 0.25, 0.5, 0.75, 1].map((p) => [
    svg('line', { x1: x(0), x2: x(1), y1: y(p), y2: y(p), class: 'cal-grid' }),
    svg('text', { x: PAD - 6, y: y(p) + 4, class: 'cal-tick', 'text-anchor': 'end' }, formatPercent(p, 0)),
    svg(
      'text',
      { x: x(p), y: SVG_SIZE - PAD + 16, class: 'cal-tick', 'text-anchor': 'middle' },
      formatPercent(p, 0),
    ),
  ]);
  const points = buckets.map((b) => {
    const p = b.winRate.value;
    const [lo, hi] = wilson(p, b.trades);
    const r = 3 + 9 * Math.sqrt(b.trades / maxN);
    const cx = x(b.meanConfidence.value);
    return svg(
      'g',
      { class: `cal-point ${b.winRate.reliable ? '' : 'unreliable'}`, 'data-bucket': String(b.lower) },
      svg(
        'title',
        null,
        `confidence ${formatPercent(b.lower, 0)}–${formatPercent(b.upper, 0)}: mean ${formatPercent(b.meanConfidence.value, 1)}, net win rate ${formatPercent(p, 1)} (95 % ${formatPercent(lo, 0)}–${formatPercent(hi, 0)}), n = ${b.trades}`,
      ),
      svg('line', { x1: cx, x2: cx, y1: y(lo), y2: y(hi), class: 'cal-whisker' }),
      svg('circle', { cx, cy: y(p), r }),
      svg('text', { x: cx + r + 3, y: y(p) + 4, class: 'cal-n' }, `n=${b.trades}`),
    );
  });
  replaceChildren(
    node,
    svg(
      'svg',
      {
        viewBox: `0 0 ${SVG_SIZE} ${SVG_SIZE}`,
        role: 'img',
        'aria-label': 'Predicted confidence against realised net win rate, per bucket, with n',
        class: 'calibration-svg',
      },
      grid,
      svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'cal-diagonal' }),
      points,
      svg(
        'text',
        { x: x(0.5), y: SVG_SIZE - 4, class: 'cal-axis', 'text-anchor': 'middle' },
        'predicted (mean confidence)',
      ),
      svg(
        'text',
        {
          x: 10,
          y: y(0.5),
          class: 'cal-axis',
          'text-anchor': 'middle',
          transform: `rotate(-90 10 ${y(0.5)})`,
        },
        'realised net win rate',
      ),
    ),
  );
}

/** The 95 % Wilson score interval of a proportion p over n trials. */
function wilson(p, n) {
  const z = 1.96;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
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
