import type { GroupKey, IntervalMetric, Metric, Performance } from '../../../core/metrics/types.js';
import { netROf } from '../../../core/outcomes/trade-record.js';
import type {
  BacktestReport,
  PolicySummary,
  SignalWithOutcome,
} from '../../../core/pipeline/report-types.js';
import { baselineVerdict, ordinalPercentile } from '../baseline-verdict.js';
import { VERDICT_TEXT } from './baseline-section.js';
import { calibrationSvg } from './calibration-svg.js';
import { outcomeClass, outcomeLabel } from './client-data.js';
import {
  escapeHtml,
  formatCount,
  formatDate,
  formatNumber,
  formatPercent,
  formatPrice,
  formatR,
  formatSettingPercent,
  formatSigned,
  formatSignedPercent,
  formatTime,
  humanise,
  priceDecimals,
} from './format.js';
import {
  formatProfitFactor,
  lowSampleBadge,
  METRIC_SECTIONS,
  metricCell,
  SUMMARY_ROWS,
  summaryOf,
  unreliableNote,
} from './metric-cells.js';

const e = escapeHtml;

function emptyNote(text: string): string {
  return `<p class="empty">${e(text)}</p>`;
}

function chips(entries: readonly (readonly [string, number])[], emptyText: string): string {
  if (entries.length === 0) return `<span class="muted">${e(emptyText)}</span>`;
  return entries
    .map(([k, v]) => `<span class="chip">${e(humanise(k))} <b>${formatCount(v)}</b></span>`)
    .join(' ');
}

function sortedEntries(record: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function headerSection(report: BacktestReport, title: string): string {
  const symbols = report.data.map((d) => d.symbol);
  const rows = report.data
    .map(
      (d) => `<tr><td><b>${e(d.symbol)}</b></td><td>${e(d.source)}</td><td>${e(d.timeframe)}</td>
<td class="num">${formatCount(d.candles)}</td><td>${formatTime(d.first)}</td><td>${formatTime(d.last)}</td></tr>`,
    )
    .join('');
  const range =
    report.range.from === null && report.range.to === null
      ? 'all data'
      : `${report.range.from === null ? 'start' : formatTime(report.range.from)} → ${report.range.to === null ? 'end' : formatTime(report.range.to)}`;
  const rejectedTotal = Object.values(report.counts.rejected).reduce((a, b) => a + b, 0);
  return `<header class="page-header">
<h1>${e(title)}</h1>
<p class="subtitle">${symbols.length > 0 ? symbols.map((s) => `<span class="symbol">${e(s)}</span>`).join(' ') : 'no symbols'}
 · signals created ${e(range)} (UTC) · ambiguity policy <b>${e(report.policy)}</b></p>
${costsNote(report)}
</header>
<section class="card" id="overview">
<div class="overview-grid">
<div>
<h3>Data</h3>
${
  report.data.length === 0
    ? emptyNote('No input data.')
    : `<table class="compact"><thead><tr><th>Symbol</th><th>Source</th><th>TF</th><th class="num">Candles</th><th>First</th><th>Last</th></tr></thead><tbody>${rows}</tbody></table>`
}
<p class="muted small">${formatCount(report.counts.baseCandles)} base candles fed · times in UTC</p>
</div>
<div>
<h3>Counts</h3>
<dl class="counts">
<dt>Signals</dt><dd>${formatCount(report.counts.signals)}</dd>
<dt>Trades (filled)</dt><dd>${formatCount(report.counts.trades)}</dd>
<dt>Open at end</dt><dd>${formatCount(report.counts.openAtEnd)}</dd>
<dt>Rejected</dt><dd>${formatCount(rejectedTotal)}</dd>
</dl>
<p><span class="label">Outcomes</span> ${chips(sortedEntries(report.counts.outcomes), 'none')}</p>
<p><span class="label">Rejected by reason</span> ${chips(sortedEntries(report.counts.rejected), 'none')}</p>
</div>
</div>
<details><summary>Engine configuration</summary><pre>${e(JSON.stringify(report.config, null, 2) ?? 'null')}</pre></details>
</section>`;
}

/** What every figure is after (fees and slippage) and how the equity is sized, in one sentence. */
export function costsNote(report: BacktestReport): string {
  const c = report.costs;
  const o = report.overall;
  const pct = formatSettingPercent;
  const capped =
    o.skippedByRiskCap + o.reducedByRiskCap > 0
      ? ` (${formatCount(o.skippedByRiskCap)} trades skipped and ${formatCount(o.reducedByRiskCap)} reduced by the cap, ${formatR(o.rLeftOutByRiskCap)} of the trades' net R left out of the equity)`
      : '';
  const sumR = o.expectancyR.value === null ? null : o.expectancyR.value * o.trades;
  const sum = sumR === null ? '' : ` (${formatR(sumR)} here)`;
  return `<p class="costs-note" id="costs-note"><b>All figures are after costs</b>: fee ${pct(c.feePerSide)} + slippage ${pct(c.slippagePerSide)} per side,
${pct(c.roundTrip)} round trip; a win is a trade with net R &gt; 0, and gross figures (before costs) stand beside the net ones.
The equity risks ${pct(report.sizing.riskPerTrade)} of equity per trade at its stop, with open risk capped at ${pct(report.sizing.maxOpenRisk)}${capped};
1 R is the stop's distance from the entry. The equity compounds and trades open together are each sized on the equity at their own fill,
so the total return is not ${pct(report.sizing.riskPerTrade)} &times; the sum of net R${sum}.</p>`;
}

function card(
  label: string,
  value: string,
  m: Metric | null,
  minTrades: number,
  tone = '',
  beside = '',
  unit = '',
): string {
  const unreliable = m !== null && !m.reliable;
  const n = m === null ? '' : m.n === 0 ? 'no trades' : `n = ${formatCount(m.n)}`;
  return `<div class="stat${unreliable ? ' unreliable' : ''}${tone ? ` ${tone}` : ''}" title="${e(m ? (unreliable ? unreliableNote(m, minTrades) : n) : '')}">
<div class="stat-label">${e(label)}</div><div class="stat-value">${e(value)}${unit ? ` <span class="stat-unit">${e(unit)}</span>` : ''}</div>
${beside ? `<div class="stat-beside">${beside}</div>` : ''}<div class="stat-n">${e(n)}${unreliable && m.n > 0 ? ` · n &lt; ${minTrades}` : ''}</div></div>`;
}

function tone(value: number | null): string {
  if (value === null || value === 0) return '';
  return value > 0 ? 'pos' : 'neg';
}

/** The headline cards: net first, gross beside, then the sized equity and the random baseline. */
export function summaryCards(report: BacktestReport): string {
  const p = report.overall;
  const k = p.minTrades;
  const ci = (m: IntervalMetric, write: (x: number) => string): string =>
    m.ci95 ? `<span class="ci">CI ${e(write(m.ci95[0]))} … ${e(write(m.ci95[1]))}</span>` : '';
  const random = report.baseline.random?.overall ?? null;
  const verdict = baselineVerdict(random?.percentile ?? null);
  return `<section class="stats" id="headline">
${card('Trades', formatCount(p.trades), null, k)}
${card(
  'Expectancy',
  formatR(p.expectancyR.value),
  p.expectancyR,
  k,
  tone(p.expectancyR.value),
  `<span class="gross">${e(formatR(p.grossExpectancyR.value))} gross</span>${ci(p.expectancyR, (x) => formatSigned(x))}`,
  'net',
)}
${card(
  'Win rate',
  formatPercent(p.winRate.value, 1),
  p.winRate,
  k,
  '',
  `<span class="gross">${e(formatPercent(p.grossWinRate.value, 1))} gross</span>${ci(p.winRate, (x) => formatPercent(x, 0))}`,
  'net',
)}
${card('Costs per trade', p.costR.value === null ? '—' : `${formatNumber(p.costR.value, 2)} R`, p.costR, k, '', '<span class="gross">gross − net</span>')}
${card('Profit factor', formatProfitFactor(p.profitFactor), p.profitFactor, k, '', '', 'net R')}
${card('Total return', formatSignedPercent(p.totalReturn.value), p.totalReturn, k, tone(p.totalReturn.value), `<span class="gross">Sharpe ${e(formatNumber(p.sharpe.value, 2))}</span>`)}
${card('Max drawdown', formatPercent(p.maxDrawdown.value), p.maxDrawdown, k, p.maxDrawdown.value ? 'neg' : '')}
${card(
  'Against random',
  random === null || random.percentile === null ? '—' : `${ordinalPercentile(random.percentile)}`,
  null,
  k,
  verdict === 'beats' ? 'pos' : verdict === 'worse' ? 'neg' : '',
  random === null
    ? '<span class="gross">baseline skipped</span>'
    : `<a href="#baseline" class="gross">${e(verdict ? VERDICT_TEXT[verdict] : 'no comparison')}</a>`,
  random === null || random.percentile === null ? '' : 'pct',
)}
</section>`;
}

function metricSectionTable(p: Performance, section: (typeof METRIC_SECTIONS)[number]): string {
  const rows = section.rows
    .map((row) => {
      const m = row.pick(p);
      const detail = row.detail ? row.detail(m) : '';
      return `<tr class="${m.reliable ? '' : 'unreliable'}"><th scope="row" title="${e(row.help)}">${e(row.label)}</th>
${metricCell(m, row.format(m), p.minTrades, 'value')}<td class="num n">${formatCount(m.n)}</td>
<td class="detail">${e(detail)} ${lowSampleBadge(m.reliable, p.minTrades, m.n)}</td></tr>`;
    })
    .join('');
  return `<table class="metrics"><thead><tr><th>${e(section.title)}</th><th class="num">Value</th><th class="num">n</th><th>Interval / note</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The overall figures in two columns: edge and habits on the left, returns and risk on the right. */
export function overallTable(p: Performance): string {
  const [edge, returns, habits] = METRIC_SECTIONS;
  const span = p.trades > 0 ? ` · from ${formatTime(p.firstOpenTime)} to ${formatTime(p.lastCloseTime)}` : '';
  return `<div class="overall" id="overall-metrics">
<div>${metricSectionTable(p, edge)}${metricSectionTable(p, habits)}</div>
<div>${metricSectionTable(p, returns)}</div>
</div>
<p class="muted small">${formatCount(p.trades)} trades: ${formatCount(p.wins)} wins, ${formatCount(p.losses)} losses, ${formatCount(p.breakeven)} at 0 R${span}.
Figures resting on fewer than ${p.minTrades} trades are <span class="unreliable-sample">greyed</span> and marked ${lowSampleBadge(false, p.minTrades)}. Hover a metric's name for its definition.</p>`;
}

const GROUP_TITLES: Readonly<Record<GroupKey, string>> = {
  slice: 'By slice (strategy × timeframe)',
  strategy: 'By strategy',
  symbol: 'By symbol',
  timeframe: 'By timeframe',
  direction: 'By direction',
  priority: 'By priority',
  entryType: 'By entry type',
};

const GROUP_ORDER: readonly GroupKey[] = [
  'slice',
  'strategy',
  'symbol',
  'timeframe',
  'direction',
  'priority',
  'entryType',
];

function ciSmall(
  m: Metric & { readonly ci95?: readonly [number, number] | null },
  write: (x: number) => string,
): string {
  return m.ci95 ? `<span class="ci">${e(write(m.ci95[0]))} … ${e(write(m.ci95[1]))}</span>` : '';
}

/** Strategy and entry-type names read better in words; symbols and timeframes stay as they are. */
function groupName(key: GroupKey, name: string): string {
  return key === 'strategy' || key === 'entryType' || key === 'priority' ? humanise(name) : name;
}

const PRIORITY_ORDER: readonly string[] = ['HIGH', 'MEDIUM', 'LOW', 'NONE'];

function groupEntries(key: GroupKey, groups: Readonly<Record<string, Performance>>): [string, Performance][] {
  const entries = Object.entries(groups);
  if (key !== 'priority') return entries;
  const rank = (name: string): number => {
    const i = PRIORITY_ORDER.indexOf(name);
    return i < 0 ? PRIORITY_ORDER.length : i;
  };
  return entries.sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function groupRow(key: GroupKey, name: string, p: Performance): string {
  const k = p.minTrades;
  const cell = (m: Metric, text: string, extra = '', cls = ''): string =>
    `<td class="num${cls ? ` ${cls}` : ''}${m.reliable ? '' : ' unreliable'}" title="${e(m.reliable ? `n = ${m.n}` : unreliableNote(m, k))}">${e(text)}${extra}</td>`;
  return `<tr class="${p.trades >= k ? '' : 'unreliable'}"><th scope="row">${e(groupName(key, name))}</th>
<td class="num">${formatCount(p.trades)} ${lowSampleBadge(p.trades >= k, k)}</td>
${cell(
  p.winRate,
  formatPercent(p.winRate.value, 1),
  ciSmall(p.winRate, (x) => formatPercent(x, 0)),
)}
${cell(
  p.expectancyR,
  formatR(p.expectancyR.value),
  ciSmall(p.expectancyR, (x) => formatR(x)),
)}
${cell(p.grossExpectancyR, formatR(p.grossExpectancyR.value), '', 'gross')}
${cell(p.profitFactor, formatProfitFactor(p.profitFactor))}
${cell(p.totalReturn, formatSignedPercent(p.totalReturn.value))}
${cell(p.maxDrawdown, formatPercent(p.maxDrawdown.value))}
${cell(p.sharpe, formatNumber(p.sharpe.value, 2))}
${cell(p.averageHoldingMs, p.averageHoldingMs.value === null ? '—' : formatHours(p.averageHoldingMs.value))}</tr>`;
}

function formatHours(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${formatNumber(h, 1)} h` : `${formatNumber(h / 24, 1)} d`;
}

export function groupTables(groups: BacktestReport['groups']): string {
  const tables = GROUP_ORDER.map((key) => {
    const entries = groupEntries(key, groups[key] ?? {});
    const body =
      entries.length === 0
        ? '<tr><td colspan="10" class="empty">No trades.</td></tr>'
        : entries.map(([name, p]) => groupRow(key, name, p)).join('');
    return `<div class="group-table"><h3>${GROUP_TITLES[key]}</h3>
<table class="metrics group" data-group="${key}"><thead><tr><th>${e(humanise(key === 'entryType' ? 'entry_type' : key))}</th><th class="num">Trades</th><th class="num">Win rate <span class="ci">net · 95 % CI</span></th><th class="num">Expectancy <span class="ci">net · 95 % CI</span></th><th class="num gross">Expectancy <span class="ci">gross</span></th><th class="num">Profit factor</th><th class="num">Total return</th><th class="num">Max DD</th><th class="num">Sharpe</th><th class="num">Avg hold</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
  });
  return tables.join('\n');
}

function summaryTable(
  columns: readonly (readonly [string, PolicySummary])[],
  id: string,
  minTrades: number,
  delta?: { readonly label: string; readonly from: PolicySummary; readonly to: PolicySummary },
): string {
  if (columns.length === 0) return emptyNote('Nothing to compare.');
  const head = columns
    .map(
      ([name, s]) =>
        `<th class="num${s.reliable ? '' : ' unreliable'}">${e(name)} ${lowSampleBadge(s.reliable, minTrades, s.trades)}</th>`,
    )
    .join('');
  const body = SUMMARY_ROWS.map(
    (row) =>
      `<tr><th scope="row">${e(row.label)}</th>${columns
        .map(([, s]) => `<td class="num${s.reliable ? '' : ' unreliable'}">${e(row.format(s))}</td>`)
        .join('')}${delta ? `<td class="num delta">${e(row.delta(delta.from, delta.to))}</td>` : ''}</tr>`,
  ).join('');
  const deltaHead = delta ? `<th class="num delta">${e(delta.label)}</th>` : '';
  return `<table class="metrics side-by-side" id="${id}"><thead><tr><th></th>${head}${deltaHead}</tr></thead><tbody>${body}</tbody></table>`;
}

export function ambiguitySection(report: BacktestReport): string {
  const a = report.ambiguity;
  const k = report.overall.minTrades;
  const plural = (n: number, word: string): string => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
  return `<p>${plural(a.ambiguousOutcomes, 'outcome')} had at least one base candle that touched both a target and the stop
(${plural(a.ambiguousCandles, 'such candle')}). The headline figures use the <b>${e(report.policy)}</b> policy;
here they are recomputed with stop-first and with targets-first resolution. A large gap means the result depends on what happened inside candles.</p>
${summaryTable(
  [
    ['Pessimistic (stop first)', a.pessimistic],
    ['Optimistic (targets first)', a.optimistic],
  ],
  'ambiguity-table',
  k,
  { label: 'Optimistic − pessimistic', from: a.pessimistic, to: a.optimistic },
)}`;
}

export function filteredSection(report: BacktestReport): string {
  const f = report.filtered;
  const k = report.overall.minTrades;
  const reasons = Object.entries(f.byReason).sort(
    (x, y) => y[1].trades - x[1].trades || (x[0] < y[0] ? -1 : 1),
  );
  const columns: [string, PolicySummary][] = [
    ['Trades taken', summaryOf(report.overall)],
    ['All filtered', f.overall],
    ...reasons.map(([r, s]): [string, PolicySummary] => [humanise(r), s]),
  ];
  return `<p>The would-be trades of candidates the signal rules filtered out, tracked like real signals, beside the trades taken.
If the filtered ones do better, the filter costs money; if worse, it earns its keep.</p>
${f.overall.trades === 0 && reasons.length === 0 ? emptyNote('No filtered candidate was tracked to a trade.') : `<div class="scroll">${summaryTable(columns, 'filtered-table', k)}</div>`}`;
}

export function walkForwardSection(report: BacktestReport): string {
  const windows = report.walkForward;
  if (windows === null || windows.length === 0) return '';
  const k = report.overall.minTrades;
  const head = windows
    .map(
      (w, i) =>
        `<th class="num${w.performance.trades >= k ? '' : ' unreliable'}">Window ${i + 1}<br><span class="small muted">${formatDate(w.from)} → ${formatDate(w.to)}</span></th>`,
    )
    .join('');
  const rows: [string, (p: Performance) => Metric | null, (p: Performance) => string][] = [
    ['Trades', () => null, (p) => formatCount(p.trades)],
    ['Win rate, net', (p) => p.winRate, (p) => formatPercent(p.winRate.value, 1)],
    ['Expectancy, net', (p) => p.expectancyR, (p) => formatR(p.expectancyR.value)],
    ['Expectancy, gross', (p) => p.grossExpectancyR, (p) => formatR(p.grossExpectancyR.value)],
    ['Profit factor', (p) => p.profitFactor, (p) => formatProfitFactor(p.profitFactor)],
    ['Total return', (p) => p.totalReturn, (p) => formatSignedPercent(p.totalReturn.value)],
    ['Max drawdown', (p) => p.maxDrawdown, (p) => formatPercent(p.maxDrawdown.value)],
    ['Sharpe', (p) => p.sharpe, (p) => formatNumber(p.sharpe.value, 2)],
  ];
  const body = [
    `<tr><th scope="row">Signals</th>${windows.map((w) => `<td class="num">${formatCount(w.signals)}</td>`).join('')}</tr>`,
    ...rows.map(
      ([label, pick, write]) =>
        `<tr><th scope="row">${e(label)}</th>${windows
          .map((w) => {
            const m = pick(w.performance);
            return m === null
              ? `<td class="num">${e(write(w.performance))}</td>`
              : metricCell(m, write(w.performance), w.performance.minTrades);
          })
          .join('')}</tr>`,
    ),
  ].join('');
  return `<section class="card" id="walk-forward"><h2>Walk-forward windows</h2>
<p>Consecutive windows of equal length by signal creation time. An edge that holds shows up in every window.</p>
<div class="scroll"><table class="metrics side-by-side" id="walk-forward-table"><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table></div>
<p class="muted small">Greyed: fewer than ${k} trades in the window.</p></section>`;
}

export function calibrationSection(report: BacktestReport): string {
  const cal = report.calibration;
  const rows = cal.buckets
    .map(
      (
        b,
      ) => `<tr class="${b.trades > 0 && !b.winRate.reliable ? 'unreliable' : ''}${b.trades === 0 ? ' empty-bucket' : ''}"><th scope="row">${formatNumber(b.lower, 1)}–${formatNumber(b.upper, 1)}</th>
<td class="num">${formatCount(b.trades)} ${b.trades > 0 ? lowSampleBadge(b.winRate.reliable, cal.minTrades) : ''}</td>
<td class="num">${formatPercent(b.meanConfidence.value, 1)}</td><td class="num">${formatPercent(b.winRate.value, 1)}</td>
<td class="num ${tone(b.gap.value)}">${b.gap.value === null ? '—' : `${formatNumber(b.gap.value * 100, 1)} pp`}</td></tr>`,
    )
    .join('');
  const score = (m: Metric): string => (m.value === null ? '—' : formatNumber(m.value, 3));
  return `<div class="calibration">
<div class="calibration-figure">${calibrationSvg(cal)}</div>
<div><table class="metrics" id="calibration-table"><thead><tr><th>Confidence</th><th class="num">Trades (n)</th><th class="num">Mean conf.</th><th class="num">Net win rate</th><th class="num">Gap</th></tr></thead><tbody>${rows}</tbody></table>
<dl class="counts scores" id="calibration-scores">
<dt title="Mean (confidence − won)²: 0 is perfect; always saying 50 % scores 0.250">Brier score</dt><dd>${score(cal.brier)}</dd>
<dt title="Mean −log of the probability given to what happened: always saying 50 % scores 0.693">Log loss</dt><dd>${score(cal.logLoss)}</dd>
<dt>Trades</dt><dd>${formatCount(cal.brier.n)}</dd>
</dl>
<p class="muted small">A calibrated engine wins, after costs, about as often as its confidence says. Gap = net win rate − mean confidence (negative: overconfident).
Brier score: 0 is perfect, always saying 50 % scores 0.250; log loss: always saying 50 % scores 0.693, lower is better.
${cal.outside > 0 ? `${formatCount(cal.outside)} trade${cal.outside === 1 ? '' : 's'} had a confidence outside 0–1.` : ''}</p></div>
</div>`;
}

export function signalsTable(sorted: readonly SignalWithOutcome[]): string {
  if (sorted.length === 0) return emptyNote('No signals were created in this run.');
  const rows = sorted
    .map((s, i) => {
      const sig = s.signal;
      const o = s.outcome;
      const d = priceDecimals(sig.entryPrice);
      const cls = outcomeClass(s);
      const dir =
        sig.direction === 'BUY'
          ? '<span class="dir buy">▲ BUY</span>'
          : '<span class="dir sell">▼ SELL</span>';
      const net = o?.filled ? netROf(o) : null;
      const rText = net === null ? '—' : formatR(net);
      const retText = o?.filled ? formatSignedPercent(o.returnPct) : '—';
      return `<tr class="signal-row ${cls}" data-index="${i}" data-signal-id="${e(sig.id)}" tabindex="0" title="${e(o?.reason ?? 'still open when the data ended')}">
<td class="time">${formatTime(sig.createdAt)}</td><td>${e(sig.symbol)}</td><td>${e(sig.timeframe)}</td><td>${e(humanise(sig.strategy))}</td><td>${dir}</td>
<td>${e(humanise(sig.entryType))}</td><td class="num">${formatPrice(sig.entryPrice, d)}</td><td class="num">${formatPrice(sig.stopLoss, d)}</td>
<td class="num">${formatPrice(sig.takeProfits[0], d)}</td><td class="num">${formatPrice(sig.takeProfits[1], d)}</td><td class="num">${formatPrice(sig.takeProfits[2], d)}</td>
<td class="num">${formatPercent(sig.confidence, 1)}</td><td><span class="outcome ${cls}">${e(outcomeLabel(s))}</span></td>
<td class="num ${tone(net)}" title="${o?.filled ? `${e(formatR(o.rMultiple))} gross` : ''}">${rText}</td><td class="num ${tone(o?.filled ? o.returnPct : null)}">${retText}</td></tr>`;
    })
    .join('');
  return `<div class="scroll signals-scroll"><table class="signals" id="signals-table"><thead><tr><th>Time (UTC)</th><th>Symbol</th><th>TF</th><th>Strategy</th><th>Direction</th><th>Entry type</th>
<th class="num">Entry</th><th class="num">Stop</th><th class="num">TP1</th><th class="num">TP2</th><th class="num">TP3</th><th class="num">Conf.</th><th>Outcome</th><th class="num">Net R</th><th class="num">Net return</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}
